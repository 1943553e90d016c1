//! `[imports.NAME]` read: each library (a path beside soup.toml, or a URL kept in the
//! cache folder), `soup.lock` that pins what was taken, and the merge of the locked
//! content into the device's entries. An audit uses exactly the locked content; a
//! library that moved since is reported per entry until `cargo soup import --update`.

use crate::library::{self, Library};
use crate::sidecar::{Import, ImportChange, ImportSource, SoupFile};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

const LIBRARY_LIMIT: u64 = 32 << 20;

/// What soup.lock records of one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedImport {
    pub name: String,
    pub location: String,
    pub sha256: String,
    /// Each entry taken, by its key, with the digest of its content.
    pub entries: Vec<(String, String)>,
}

/// soup.lock beside soup.toml.
pub fn lock_path(soup_path: &Path) -> PathBuf {
    soup_path.with_file_name("soup.lock")
}

/// How to treat the libraries: use the locked content, or lock what they hold now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Locked,
    Update,
}

/// What the imports came to: the lock as it now stands and whether it was written.
pub struct Applied {
    pub lock: Vec<LockedImport>,
    pub wrote: bool,
}

/// Merges the imports' locked content into `soup`, notes what changed since, and
/// writes soup.lock where it lacks an import (the first audit records it) or with
/// `Mode::Update`.
pub fn apply(soup: &mut SoupFile, soup_path: &Path, cache: Option<&Path>, online: bool, mode: Mode) -> Result<Applied> {
    let lock_file = lock_path(soup_path);
    let locked = read_lock(&lock_file)?;
    let folder = soup_path.parent().unwrap_or(Path::new("."));
    // An HTTP client only where a library is behind a URL.
    let any_url = soup
        .imports
        .iter()
        .any(|import| matches!(import.source, ImportSource::Url(_)));
    let client = (online && any_url).then(crate::net::Client::new).transpose()?;
    let mut lock = Vec::new();
    let mut libraries = Vec::new();
    let mut changes = Vec::new();
    let mut kept: Vec<(PathBuf, String)> = Vec::new();
    for import in &soup.imports {
        let pinned = locked
            .iter()
            .find(|pinned| pinned.name == import.name && pinned.location == import.source.as_str())
            .filter(|_| mode == Mode::Locked);
        // A library server that does not answer leaves a pinned import as it was: the
        // audit uses the locked content either way.
        let current = match current_text(import, folder, client.as_ref()) {
            Err(_) if pinned.is_some() && matches!(import.source, ImportSource::Url(_)) => None,
            read => read?,
        };
        let (entries, pin) = match (pinned, current) {
            (Some(pinned), current) => {
                let text = locked_text(import, pinned, current.as_deref(), cache)?;
                let entries = library::parse(&shown(import), &text)?;
                if let Some(current) =
                    current.filter(|current| crate::digest::sha256_hex(current.as_bytes()) != pinned.sha256)
                {
                    let now = library::parse(&shown(import), &current)?;
                    changes.extend(
                        library::changes(&pinned.entries, &now)
                            .into_iter()
                            .map(|(entry, what)| ImportChange {
                                import: import.name.clone(),
                                entry,
                                what,
                            }),
                    );
                }
                (entries, pinned.clone())
            }
            (None, Some(current)) => {
                let entries = library::parse(&shown(import), &current)?;
                let pin = LockedImport {
                    name: import.name.clone(),
                    location: import.source.as_str().to_string(),
                    sha256: crate::digest::sha256_hex(current.as_bytes()),
                    entries: entries
                        .iter()
                        .map(|entry| (entry.table_key.clone(), library::digest(entry)))
                        .collect(),
                };
                if let Some(cache) = cache {
                    kept.push((cached_copy(cache, &pin.sha256), current));
                }
                (entries, pin)
            }
            (None, None) => bail!(
                "{}: the library {} has not been imported and cargo soup is offline; run `cargo soup import` \
                 where {} is reachable",
                at(import),
                import.name,
                import.source.as_str()
            ),
        };
        libraries.push(Library {
            import: import.name.clone(),
            label: format!(
                "the {} library ({}, sha256 {})",
                import.name,
                import.source.as_str(),
                &pin.sha256[..12]
            ),
            entries,
        });
        lock.push(pin);
    }
    let wrote = lock != locked;
    if wrote {
        for (path, text) in &kept {
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder).with_context(|| format!("could not create {}", folder.display()))?;
            }
            crate::atomic_file::write(path, text.as_bytes())?;
        }
        crate::atomic_file::write(&lock_file, lock_text(&lock).as_bytes())?;
    }
    library::merge(soup, &libraries);
    soup.import_labels = libraries
        .iter()
        .map(|library| (library.import.clone(), library.label.clone()))
        .collect();
    soup.import_changes = changes;
    Ok(Applied { lock, wrote })
}

/// Where soup.toml names the import: `soup.toml:12:1`.
fn at(import: &Import) -> String {
    let location = &import.location;
    format!("{}:{}:{}", location.file, location.line, location.column)
}

fn shown(import: &Import) -> String {
    format!("{} (import {})", import.source.as_str(), import.name)
}

/// The library's text now: the file, or the URL when online (`None` offline).
fn current_text(import: &Import, folder: &Path, client: Option<&crate::net::Client>) -> Result<Option<String>> {
    match &import.source {
        ImportSource::Path(path) => {
            let full = folder.join(path);
            if !full.exists() {
                bail!(
                    "{}: the library {} at {} does not exist (relative to soup.toml's folder); fix `path` or the file",
                    at(import),
                    import.name,
                    full.display()
                );
            }
            crate::user_file::read_text(&full, &shown(import)).map(Some)
        }
        ImportSource::Url(url) => {
            let Some(client) = client else { return Ok(None) };
            let bytes = client
                .get(url, LIBRARY_LIMIT, &())
                .with_context(|| format!("{}: could not download the library {}", at(import), import.name))?;
            String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| anyhow::anyhow!("{}: the library at {url} is not UTF-8 text", at(import)))
        }
    }
}

/// The content soup.lock pins: the current text when it is that, else the copy kept in
/// the cache folder, whose digest must match.
fn locked_text(import: &Import, pinned: &LockedImport, current: Option<&str>, cache: Option<&Path>) -> Result<String> {
    if let Some(current) = current.filter(|current| crate::digest::sha256_hex(current.as_bytes()) == pinned.sha256) {
        return Ok(current.to_string());
    }
    let copy = cache.map(|cache| cached_copy(cache, &pinned.sha256));
    let kept = copy.as_ref().and_then(|copy| std::fs::read_to_string(copy).ok());
    match kept {
        Some(kept) if crate::digest::sha256_hex(kept.as_bytes()) == pinned.sha256 => Ok(kept),
        Some(_) => bail!(
            "{}: the copy of the library {} kept in the cache folder does not match soup.lock's sha256 {}; run `cargo \
             soup import --update` and review what it takes",
            at(import),
            import.name,
            pinned.sha256
        ),
        None => bail!(
            "{}: soup.lock pins the library {} at sha256 {}, and neither {} nor the cache folder holds that content; \
             run `cargo soup import --update` and review what it takes",
            at(import),
            import.name,
            pinned.sha256,
            import.source.as_str()
        ),
    }
}

fn cached_copy(cache: &Path, sha256: &str) -> PathBuf {
    cache.join("imports").join(format!("{sha256}.toml"))
}

/// soup.lock's imports; none when there is no file.
pub fn read_lock(path: &Path) -> Result<Vec<LockedImport>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).with_context(|| format!("could not read {}", path.display())),
    };
    parse_lock(&text).with_context(|| {
        format!(
            "{} is not a soup.lock cargo soup wrote; remove it and run `cargo soup import`",
            path.display()
        )
    })
}

fn parse_lock(text: &str) -> Result<Vec<LockedImport>> {
    let document = toml::de::DeTable::parse(text).map_err(|err| anyhow::anyhow!("{}", err.message()))?;
    let mut imports = Vec::new();
    let tables = document
        .get_ref()
        .get("import")
        .and_then(|item| item.get_ref().as_array());
    for table in tables.into_iter().flatten() {
        let table = table.get_ref().as_table().context("an [[import]] is not a table")?;
        let text = |key: &str| -> Result<String> {
            table
                .get(key)
                .and_then(|value| value.get_ref().as_str())
                .map(str::to_string)
                .with_context(|| format!("an [[import]] has no `{key}`"))
        };
        let mut entries = Vec::new();
        if let Some(listed) = table.get("entries").and_then(|value| value.get_ref().as_table()) {
            for (key, value) in listed.iter() {
                let digest = value.get_ref().as_str().context("an entry digest is not a string")?;
                entries.push((key.get_ref().to_string(), digest.to_string()));
            }
        }
        imports.push(LockedImport {
            name: text("name")?,
            location: text("location")?,
            sha256: text("sha256")?,
            entries,
        });
    }
    Ok(imports)
}

fn lock_text(lock: &[LockedImport]) -> String {
    let quoted = |text: &str| format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
    let mut text = String::from(
        "# Written by `cargo soup import`: what each library held when its entries were taken.\n\
         # An audit uses exactly this content; `cargo soup import --update` takes a library's changes.\n",
    );
    for import in lock {
        text.push_str(&format!(
            "\n[[import]]\nname = {}\nlocation = {}\nsha256 = {}\n\n[import.entries]\n",
            quoted(&import.name),
            quoted(&import.location),
            quoted(&import.sha256)
        ));
        for (key, digest) in &import.entries {
            text.push_str(&format!("{} = {}\n", quoted(key), quoted(digest)));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_reads_back_what_it_wrote() {
        let lock = vec![LockedImport {
            name: "company".into(),
            location: "../lib \"x\".toml".into(),
            sha256: "ab".repeat(32),
            entries: vec![
                ("serde_json".into(), "cd".repeat(32)),
                ("time@0.1".into(), "ef".repeat(32)),
            ],
        }];
        assert_eq!(parse_lock(&lock_text(&lock)).unwrap(), lock);
        assert!(parse_lock("[[import]]\nname = \"x\"\n").is_err());
    }
}
