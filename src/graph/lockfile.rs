//! What `cargo metadata` does not say: the checksums in `Cargo.lock`, and where each
//! package stands in it (for findings that point into the lockfile).

use crate::location::LineIndex;
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::Path;
use toml::de::DeTable;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockedPackage {
    pub checksum: Option<String>,
    /// 1-based line of the package's `[[package]]` header.
    pub line: usize,
}

/// Packages of a lockfile keyed by (name, version, source); the source is `None` for
/// path dependencies, exactly as Cargo writes it.
#[derive(Debug, Default)]
pub struct Lockfile {
    packages: HashMap<(String, String, Option<String>), LockedPackage>,
}

impl Lockfile {
    /// A missing lockfile is not an error: `cargo metadata` may have been told not to
    /// write one, and then there is simply no checksum to report.
    pub fn read(path: &Path) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).with_context(|| {
                format!(
                    "{} is not a lockfile Cargo wrote; run `cargo update --workspace` to regenerate it",
                    path.display()
                )
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(err) => Err(err).with_context(|| format!("could not read {}", path.display())),
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        // toml's span-keeping reader: several times faster than a format-preserving
        // document, which a lockfile of hundreds of packages notices.
        let document = DeTable::parse(text).map_err(|err| anyhow::anyhow!("{}", err.message()))?;
        let document = document.get_ref();
        let index = LineIndex::new(text);
        let mut packages = HashMap::new();
        let entries = document.get("package").and_then(|item| item.get_ref().as_array());
        for entry in entries.into_iter().flatten() {
            let Some(table) = entry.get_ref().as_table() else {
                continue;
            };
            let field = |key: &str| {
                table
                    .get(key)
                    .and_then(|value| value.get_ref().as_str())
                    .map(str::to_string)
            };
            let (Some(name), Some(version)) = (field("name"), field("version")) else {
                continue;
            };
            let line = index.line_col(text, entry.span().start).0;
            packages.insert(
                (name, version, field("source")),
                LockedPackage {
                    checksum: field("checksum"),
                    line,
                },
            );
        }
        // Version 1 lockfiles keep checksums apart, as
        // `"checksum NAME VERSION (SOURCE)" = "HASH"` under `[metadata]`.
        if let Some(metadata) = document.get("metadata").and_then(|item| item.get_ref().as_table()) {
            for (key, value) in metadata.iter() {
                let Some(rest) = key.get_ref().strip_prefix("checksum ") else {
                    continue;
                };
                let mut parts = rest.splitn(3, ' ');
                let (Some(name), Some(version), Some(source)) = (parts.next(), parts.next(), parts.next()) else {
                    continue;
                };
                let source = source.trim_start_matches('(').trim_end_matches(')').to_string();
                if let Some(package) = packages.get_mut(&(name.to_string(), version.to_string(), Some(source))) {
                    package.checksum = value.get_ref().as_str().map(str::to_string);
                }
            }
        }
        Ok(Self { packages })
    }

    /// `(name, version)` of every crates.io package locked.
    pub fn crates_io_packages(&self) -> Vec<(String, String)> {
        self.packages
            .keys()
            .filter(|(_, _, source)| source.as_deref().is_some_and(super::is_crates_io))
            .map(|(name, version, _)| (name.clone(), version.clone()))
            .collect()
    }

    pub fn get(&self, name: &str, version: &str, source: Option<&str>) -> Option<&LockedPackage> {
        self.packages
            .get(&(name.to_string(), version.to_string(), source.map(str::to_string)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTRY: &str = "registry+https://github.com/rust-lang/crates.io-index";

    #[test]
    fn reads_checksums_and_lines_of_a_v3_lockfile() {
        let text = format!(
            "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.11\"\nsource = \"{REGISTRY}\"\nchecksum = \"abc\"\n"
        );
        let lock = Lockfile::parse(&text).unwrap();
        let itoa = lock.get("itoa", "1.0.11", Some(REGISTRY)).unwrap();
        assert_eq!(itoa.checksum.as_deref(), Some("abc"));
        assert_eq!(itoa.line, 7);
        assert_eq!(lock.get("a", "0.1.0", None).unwrap().checksum, None);
        assert!(lock.get("itoa", "1.0.12", Some(REGISTRY)).is_none());
    }

    #[test]
    fn reads_checksums_of_a_v1_lockfile() {
        let text = format!(
            "[[package]]\nname = \"itoa\"\nversion = \"0.4.8\"\nsource = \"{REGISTRY}\"\n\n[metadata]\n\"checksum itoa 0.4.8 ({REGISTRY})\" = \"def\"\n"
        );
        let lock = Lockfile::parse(&text).unwrap();
        assert_eq!(
            lock.get("itoa", "0.4.8", Some(REGISTRY)).unwrap().checksum.as_deref(),
            Some("def")
        );
    }

    #[test]
    fn invalid_lockfile_is_an_error() {
        assert!(Lockfile::parse("[[package]\nname=").is_err());
    }
}
