//! The registry index (https://doc.rust-lang.org/cargo/reference/registry-index.html):
//! whether locked versions are yanked, and their registry facts (`facts.rs`). Online,
//! a sparse index is asked (its `config.json` first, which proves the URL is an index,
//! then one file per crate), each file revalidated against the copy kept in the cache
//! folder, so an unchanged one costs a 304. Offline, Cargo's own index cache is read,
//! as cargo-audit and cargo-deny read it.

use crate::facts::{self, FactsFrom, IndexVersion, RegistryFacts};
use crate::net::{Client, Reply, Validators};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const CRATES_IO_INDEX: &str = "https://index.crates.io/";
const INDEX_FILE_LIMIT: u64 = 32 << 20;

/// What the index said about the locked versions.
#[derive(Debug, PartialEq, Eq)]
pub struct IndexCheck {
    /// The facts of each `(name, version)` the index has a record of.
    pub facts: BTreeMap<(String, String), RegistryFacts>,
    /// `(name, version)` of each yanked locked version.
    pub yanked: BTreeSet<(String, String)>,
    /// Crates without a record: a mirror that lacks them, or, offline, not in Cargo's
    /// cache.
    pub unknown: Vec<String>,
    pub from: FactsFrom,
    /// The index asked, or whose copies were read.
    pub url: String,
}

impl IndexCheck {
    /// Only what concerns `packages` (read for a whole lockfile, used for the items in
    /// scope).
    pub fn keep_only(&mut self, packages: &[(&str, String)]) {
        let wanted: BTreeSet<(String, String)> = packages
            .iter()
            .map(|(name, version)| (name.to_string(), version.clone()))
            .collect();
        self.facts.retain(|key, _| wanted.contains(key));
        self.yanked.retain(|key| wanted.contains(key));
        self.unknown
            .retain(|name| packages.iter().any(|(wanted, _)| wanted == name));
    }
}

/// `flag` (`--index-url`, `CARGO_SOUP_INDEX_URL`), or, left at crates.io, the source
/// Cargo's configuration (`[source.crates-io] replace-with`, read from the workspace's
/// `.cargo/config.toml` up and from Cargo's home) puts in its place: a company mirror.
pub fn effective_url(flag: &str, root: &Path) -> String {
    if flag != CRATES_IO_INDEX {
        return flag.to_string();
    }
    let root = tame_index::PathBuf::from_path_buf(root.to_path_buf()).ok();
    // Any cargo since 1.70 speaks the sparse protocol; naming one spares a `cargo -V`.
    match tame_index::IndexUrl::crates_io(root, None, Some("1.70.0")) {
        Ok(tame_index::IndexUrl::NonCratesIo(url)) => url.to_string(),
        _ => flag.to_string(),
    }
}

/// Asks the index at `index_url` (`sparse+` prefix allowed) about each `(name,
/// version)`, revalidating the copies kept under `cache` (the cache folder).
pub fn check(
    client: &Client,
    index_url: &str,
    packages: &[(&str, String)],
    cache: Option<&Path>,
) -> Result<IndexCheck> {
    let base = index_url.trim_start_matches("sparse+").trim_end_matches('/');
    let config_url = format!("{base}/config.json");
    let config = client.get(&config_url, 1 << 20, &())?;
    let config: serde_json::Value = serde_json::from_slice(&config).ok().filter(|config: &serde_json::Value| config.get("dl").is_some()).with_context(|| {
        format!("{config_url} is not the config.json of a sparse registry index; point --index-url at one (for crates.io: {CRATES_IO_INDEX})")
    })?;
    drop(config);
    let kept = cache.map(|cache| kept_folder(cache, base));
    let names = names(packages);
    let files = crate::net::in_parallel(&names, |name| {
        let path = index_path(name);
        let url = format!("{base}/{path}");
        let copy = kept.as_ref().map(|kept| kept.join(&path));
        let file = fetch_revalidated(client, &url, copy.as_deref())?;
        file.map(|file| {
            facts::index_versions(&file)
                .map_err(|problem| anyhow::anyhow!("{url} is not a registry index file: {problem}"))
        })
        .transpose()
    })?;
    Ok(assemble(packages, &names, files, FactsFrom::Index, index_url))
}

/// The index file at `url`: the kept copy when the index says it is unchanged, else
/// the new one (kept for next time); `None` when the index has no such crate.
fn fetch_revalidated(client: &Client, url: &str, copy: Option<&Path>) -> Result<Option<Vec<u8>>> {
    let validators_path = copy.map(|copy| copy.with_extension("validators"));
    let kept = copy.and_then(|copy| std::fs::read(copy).ok());
    let known: Validators = match (&kept, &validators_path) {
        (Some(_), Some(path)) => std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default(),
        _ => Validators::default(),
    };
    let (reply, validators) = client.get_revalidated(url, INDEX_FILE_LIMIT, &known)?;
    match reply {
        Reply::NotModified if kept.is_some() => Ok(kept),
        Reply::NotModified => anyhow::bail!("{url} answered 304 Not Modified to a request that named no copy"),
        Reply::NotFound => Ok(None),
        Reply::Body(body) => {
            if let (Some(copy), Some(path)) = (copy, &validators_path) {
                // A copy that cannot be kept only costs the next run a full answer.
                let _ = keep(copy, path, &body, &validators);
            }
            Ok(Some(body))
        }
    }
}

fn keep(copy: &Path, validators_path: &Path, body: &[u8], validators: &Validators) -> Result<()> {
    if let Some(folder) = copy.parent() {
        std::fs::create_dir_all(folder)?;
    }
    crate::atomic_file::write(copy, body)?;
    crate::atomic_file::write(validators_path, &serde_json::to_vec(validators)?)
}

/// The records kept offline: the copy the last online check left in the cache folder,
/// else the one Cargo keeps in its own cache (under `$CARGO_HOME/registry/index/`).
pub fn from_cache(index_url: &str, packages: &[(&str, String)], cache: Option<&Path>) -> IndexCheck {
    let names = names(packages);
    let kept = cache.map(|cache| kept_folder(cache, index_url));
    let folders = cargo_cache_folders(index_url);
    // Big records (hundreds of versions) take a while to read: both cores read.
    let files = crate::net::in_parallel(&names, |name| {
        let copy = kept
            .as_ref()
            .and_then(|kept| std::fs::read(kept.join(index_path(name))).ok());
        Ok(copy
            .and_then(|file| facts::index_versions(&file).ok())
            .or_else(|| folders.iter().find_map(|folder| cached_versions(folder, name))))
    })
    .unwrap_or_default();
    assemble(packages, &names, files, FactsFrom::Cache, index_url)
}

/// Where the cache folder keeps an index's files, by its URL.
fn kept_folder(cache: &Path, index_url: &str) -> PathBuf {
    let base = index_url.trim_start_matches("sparse+").trim_end_matches('/');
    cache
        .join("index")
        .join(&crate::digest::sha256_hex(base.as_bytes())[..16])
}

/// Where Cargo keeps its copy of an index: the folder name hashes the URL, one way
/// since cargo 1.85 and another before; both are looked in.
fn cargo_cache_folders(index_url: &str) -> Vec<PathBuf> {
    let url = if index_url.starts_with("sparse+") || !index_url.starts_with("http") {
        index_url.to_string()
    } else {
        format!("sparse+{index_url}")
    };
    let Ok(home) = tame_index::utils::cargo_home() else {
        return Vec::new();
    };
    [true, false]
        .into_iter()
        .filter_map(|stable| tame_index::utils::get_index_details(&url, Some(home.clone()), stable).ok())
        .map(|(folder, _)| folder.into_std_path_buf())
        .filter(|folder| folder.is_dir())
        .collect()
}

/// One crate's versions from Cargo's `.cache` entry (a header, the revision, then
/// `version\0json\0` pairs); `None` when there is none or it cannot be read (Cargo
/// replaces a cache file whole, so a read that races it fails to parse).
fn cached_versions(folder: &Path, name: &str) -> Option<Vec<IndexVersion>> {
    let folder = tame_index::PathBuf::from_path_buf(folder.to_path_buf()).ok()?;
    let cache = tame_index::index::IndexCache::at_path(folder);
    let bytes = std::fs::read(cache.cache_path(tame_index::KrateName::cargo(name).ok()?)).ok()?;
    let entry = tame_index::index::cache::ValidCacheEntry::read(&bytes).ok()?;
    let mut parts = entry.version_entries.split(|byte| *byte == 0);
    let mut versions = Vec::new();
    while let (Some(_version), Some(json)) = (parts.next(), parts.next()) {
        versions.extend(facts::index_version(json));
    }
    Some(versions)
}

fn names<'p>(packages: &[(&'p str, String)]) -> Vec<&'p str> {
    packages
        .iter()
        .map(|(name, _)| *name)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The check from each crate's versions (`None`: no record).
fn assemble(
    packages: &[(&str, String)],
    names: &[&str],
    files: Vec<Option<Vec<IndexVersion>>>,
    from: FactsFrom,
    url: &str,
) -> IndexCheck {
    let mut check = IndexCheck {
        facts: BTreeMap::new(),
        yanked: BTreeSet::new(),
        unknown: Vec::new(),
        from,
        url: url.to_string(),
    };
    for (name, versions) in names.iter().zip(files) {
        let Some(versions) = versions else {
            check.unknown.push(name.to_string());
            continue;
        };
        for (package, version) in packages.iter().filter(|(package, _)| package == name) {
            let Ok(locked) = version.parse::<semver::Version>() else {
                continue;
            };
            let facts = facts::facts(&versions, &locked, from);
            if facts.yanked {
                check.yanked.insert((package.to_string(), version.clone()));
            }
            check.facts.insert((package.to_string(), version.clone()), facts);
        }
    }
    check
}

/// Where a crate's file lives in an index: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…`,
/// lower-cased.
fn index_path(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A company mirror that replaces crates.io in the workspace's Cargo configuration is
    /// the index asked; a URL given explicitly wins.
    #[test]
    fn cargos_source_replacement_names_the_index() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".cargo")).unwrap();
        std::fs::write(
            dir.path().join(".cargo/config.toml"),
            "[source.crates-io]\nreplace-with = \"company\"\n\n[source.company]\nregistry = \"sparse+https://cargo.example.com/index/\"\n",
        )
        .unwrap();
        assert_eq!(
            effective_url(CRATES_IO_INDEX, dir.path()),
            "sparse+https://cargo.example.com/index/"
        );
        assert_eq!(
            effective_url("sparse+http://127.0.0.1:1/", dir.path()),
            "sparse+http://127.0.0.1:1/"
        );
        let plain = tempfile::tempdir().unwrap();
        assert_eq!(effective_url(CRATES_IO_INDEX, plain.path()), CRATES_IO_INDEX);
    }

    #[test]
    fn index_paths_follow_cargo() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("ab"), "2/ab");
        assert_eq!(index_path("Abc"), "3/a/abc");
        assert_eq!(index_path("serde_json"), "se/rd/serde_json");
    }
}
