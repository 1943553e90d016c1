//! Whether locked versions are yanked, asked of a sparse registry index
//! (https://doc.rust-lang.org/cargo/reference/registry-index.html): its `config.json`
//! first, which proves the URL is an index, then one index file per crate.

use crate::net::{Client, Reply};
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeSet;

pub const CRATES_IO_INDEX: &str = "https://index.crates.io/";
const INDEX_FILE_LIMIT: u64 = 32 << 20;

#[derive(Deserialize)]
struct IndexLine {
    vers: String,
    #[serde(default)]
    yanked: bool,
}

/// What the index said about the locked versions.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct YankedCheck {
    /// `(name, version)` of each yanked locked version.
    pub yanked: BTreeSet<(String, String)>,
    /// Crates the index does not list (a mirror that lacks them, say).
    pub unknown: Vec<String>,
}

/// Asks the index at `index_url` (`sparse+` prefix allowed) about each
/// `(name, version)`.
pub fn check(client: &Client, index_url: &str, packages: &[(&str, String)]) -> Result<YankedCheck> {
    let base = index_url.trim_start_matches("sparse+").trim_end_matches('/');
    let config_url = format!("{base}/config.json");
    let config = client.get(&config_url, 1 << 20, &())?;
    let config: serde_json::Value = serde_json::from_slice(&config).ok().filter(|config: &serde_json::Value| config.get("dl").is_some()).with_context(|| {
        format!("{config_url} is not the config.json of a sparse registry index; point --index-url at one (for crates.io: {CRATES_IO_INDEX})")
    })?;
    drop(config);
    let names: Vec<&str> = packages
        .iter()
        .map(|(name, _)| *name)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let files = crate::net::in_parallel(&names, |name| {
        let url = format!("{base}/{}", index_path(name));
        match client.get_or_missing(&url, INDEX_FILE_LIMIT, &())? {
            Reply::Body(body) => Ok(Some(body)),
            Reply::NotFound => Ok(None),
        }
    })?;
    let mut result = YankedCheck::default();
    for (name, file) in names.iter().zip(files) {
        let Some(file) = file else {
            result.unknown.push(name.to_string());
            continue;
        };
        let yanked = yanked_versions(&file)
            .with_context(|| format!("{base}/{} is not a registry index file", index_path(name)))?;
        for (package, version) in packages.iter().filter(|(package, _)| package == name) {
            if yanked.contains(version.as_str()) {
                result.yanked.insert((package.to_string(), version.clone()));
            }
        }
    }
    Ok(result)
}

/// The yanked versions an index file lists, one JSON object per line.
fn yanked_versions(file: &[u8]) -> Result<BTreeSet<String>> {
    let mut yanked = BTreeSet::new();
    for (number, line) in file.split(|byte| *byte == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Ok(entry) = serde_json::from_slice::<IndexLine>(line) else {
            bail!("line {} is not an index entry", number + 1);
        };
        if entry.yanked {
            // Index versions may carry build metadata the lockfile drops.
            yanked.insert(entry.vers);
        }
    }
    Ok(yanked)
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

    #[test]
    fn index_paths_follow_cargo() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("ab"), "2/ab");
        assert_eq!(index_path("Abc"), "3/a/abc");
        assert_eq!(index_path("serde_json"), "se/rd/serde_json");
    }

    #[test]
    fn yanked_lines_are_read_and_bad_lines_refused() {
        let file = b"{\"name\":\"x\",\"vers\":\"1.0.0\",\"yanked\":false}\n{\"name\":\"x\",\"vers\":\"1.0.1\",\"yanked\":true,\"extra\":1}\n\n";
        assert_eq!(yanked_versions(file).unwrap(), BTreeSet::from(["1.0.1".to_string()]));
        let err = yanked_versions(b"<html>").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
