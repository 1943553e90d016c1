//! The RustSec advisory-db layout (`crates/NAME/RUSTSEC-*.md`), read with the `rustsec`
//! crate. Only the folders of crates in the graph are read: the database holds about a
//! thousand crates, a workspace a few hundred, and most of those have no advisory.

use super::{Advisory, AdvisoryKind, Affects, Collection, SourceData, Unreadable};
use crate::date::Date;
use crate::paths::display_path;
use ::rustsec::advisory::Informational;
use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The size and age of a database.
#[derive(Debug, Clone, Copy, Default)]
pub struct Survey {
    pub updated: Option<Date>,
    pub total: usize,
}

/// A folder in the advisory-db layout.
pub struct RustSecDb {
    root: PathBuf,
}

impl RustSecDb {
    /// The folder the data is read from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn open(root: &Path) -> Result<Self> {
        if !root.join("crates").is_dir() {
            bail!(
                "{} is not a RustSec advisory database: it has no `crates/` folder. Point --advisory-db (or \
                 CARGO_SOUP_ADVISORY_DB) at a checkout of https://github.com/rustsec/advisory-db",
                root.display()
            );
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The advisories about `crates` and about the Rust toolchain (withdrawn ones left
    /// out), and the files that could not be read. How old and large the database is,
    /// `survey` tells.
    pub fn load<'n>(&self, crates: impl IntoIterator<Item = &'n str>) -> SourceData {
        let mut advisories = Vec::new();
        let mut unreadable = Vec::new();
        let names: BTreeSet<&str> = crates.into_iter().collect();
        let crate_folders = names
            .into_iter()
            .map(|name| (Collection::Crates, self.root.join("crates").join(name)));
        let toolchain_folders = std::fs::read_dir(self.root.join("rust"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| (Collection::Toolchain, entry.path()));
        let mut toolchain_folders: Vec<_> = toolchain_folders.collect();
        toolchain_folders.sort();
        for (collection, folder) in crate_folders.chain(toolchain_folders) {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
                .collect();
            files.sort();
            for path in files {
                match ::rustsec::Advisory::load_file(&path) {
                    Ok(advisory) if advisory.metadata.withdrawn.is_some() => {}
                    Ok(advisory) => match convert(advisory, collection) {
                        Ok(advisory) => advisories.push(advisory),
                        Err(reason) => unreadable.push(Unreadable {
                            file: display_path(&path),
                            package: folder_name(&folder),
                            reason,
                        }),
                    },
                    Err(err) => unreadable.push(Unreadable {
                        file: display_path(&path),
                        package: folder_name(&folder),
                        reason: error_text(&err),
                    }),
                }
            }
        }
        SourceData {
            source: "rustsec",
            location: display_path(&self.root),
            updated: None,
            total: 0,
            advisories,
            unreadable,
            provenance: Default::default(),
        }
    }

    /// How many advisories the database holds, and the publication date of the newest:
    /// the one with the highest id, as RustSec assigns ids in order, so reading one
    /// file is enough. It lists the whole database, so it runs beside the graph.
    pub fn survey(&self) -> Survey {
        let mut total = 0;
        let mut newest: Option<(String, PathBuf)> = None;
        for collection in ["crates", "rust"] {
            let Ok(folders) = std::fs::read_dir(self.root.join(collection)) else {
                continue;
            };
            for folder in folders.flatten() {
                let Ok(files) = std::fs::read_dir(folder.path()) else {
                    continue;
                };
                for file in files.flatten() {
                    let name = file.file_name().to_string_lossy().into_owned();
                    if !name.ends_with(".md") {
                        continue;
                    }
                    total += 1;
                    // RustSec ids are in publication order; the toolchain's CVE ids are not.
                    if name.starts_with("RUSTSEC-") && newest.as_ref().is_none_or(|(best, _)| name > *best) {
                        newest = Some((name, file.path()));
                    }
                }
            }
        }
        let updated = newest
            .and_then(|(_, path)| ::rustsec::Advisory::load_file(path).ok())
            .and_then(|advisory| {
                let date = &advisory.metadata.date;
                Date::new(i32::try_from(date.year()).ok()?, date.month() as u8, date.day() as u8)
            });
        Survey { updated, total }
    }
}

/// The crate a `crates/NAME` folder holds advisories about.
fn folder_name(folder: &Path) -> Option<String> {
    folder.file_name().map(|name| name.to_string_lossy().into_owned())
}

/// The error and its causes, on one line.
fn error_text(err: &::rustsec::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn convert(advisory: ::rustsec::Advisory, collection: Collection) -> Result<Advisory, String> {
    let metadata = advisory.metadata;
    let date = &metadata.date;
    let date = i32::try_from(date.year())
        .ok()
        .and_then(|year| Date::new(year, date.month() as u8, date.day() as u8))
        .ok_or_else(|| format!("`date = \"{}\"` is not a calendar date", metadata.date.as_str()))?;
    let kind = match &metadata.informational {
        None => AdvisoryKind::Vulnerability,
        Some(Informational::Unsound) => AdvisoryKind::Unsound,
        Some(Informational::Unmaintained) => AdvisoryKind::Unmaintained,
        Some(_) => AdvisoryKind::Notice,
    };
    let (os, arch) = advisory
        .affected
        .map(|affected| (affected.os, affected.arch))
        .unwrap_or_default();
    Ok(Advisory {
        url: metadata
            .url
            .as_ref()
            .map(ToString::to_string)
            .or_else(|| metadata.id.url()),
        id: metadata.id.to_string(),
        collection,
        aliases: metadata.aliases.iter().map(ToString::to_string).collect(),
        package: metadata.package.to_string(),
        title: metadata.title,
        kind,
        date,
        modified: None,
        cvss: metadata.cvss.as_ref().map(ToString::to_string),
        severity: metadata.cvss.as_ref().map(|cvss| cvss.severity().to_string()),
        os,
        arch,
        affects: Affects::RustSec(advisory.versions),
        sources: vec!["rustsec"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> RustSecDb {
        RustSecDb::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/advisory-db")).unwrap()
    }

    #[test]
    fn reads_only_the_named_crates_and_matches_as_rustsec_does() {
        let db = db();
        let data = db.load(["time", "no-such-crate"]);
        let time = data
            .advisories
            .iter()
            .find(|advisory| advisory.id == "RUSTSEC-2020-0071")
            .unwrap();
        assert!(
            data.advisories
                .iter()
                .all(|advisory| advisory.package == "time" || advisory.collection == Collection::Toolchain)
        );
        let std = data
            .advisories
            .iter()
            .find(|advisory| advisory.id == "CVE-2022-21658")
            .unwrap();
        assert_eq!((std.package.as_str(), std.collection), ("std", Collection::Toolchain));
        assert!(time.is_named("CVE-2020-26235") && time.is_named("ghsa-wcg3-cvx6-7396"));
        assert_eq!(time.kind, AdvisoryKind::Vulnerability);
        assert!(time.affects.version(&"0.1.43".parse().unwrap()));
        assert!(!time.affects.version(&"0.2.23".parse().unwrap()));
        assert!(!time.affects.version(&"0.2.0".parse().unwrap()), "listed as unaffected");
        assert_eq!(time.affects.patched(), [">=0.2.23"]);
        assert!(time.os.contains(&"linux".to_string()));
        let survey = db.survey();
        assert_eq!(survey.total, 12);
        assert_eq!(survey.updated, Date::new(2026, 2, 5));
    }

    #[test]
    fn an_advisory_limited_to_other_platforms_cannot_affect_the_device() {
        let data = db().load(["time"]);
        let time = data
            .advisories
            .iter()
            .find(|advisory| advisory.id == "RUSTSEC-2020-0071")
            .unwrap();
        let linux = [("linux".to_string(), "x86_64".to_string())];
        let bare_metal = [("none".to_string(), "arm".to_string())];
        assert!(time.can_affect_targets(None));
        assert!(time.can_affect_targets(Some(&linux)));
        assert!(!time.can_affect_targets(Some(&bare_metal)));
    }

    #[test]
    fn a_missing_database_is_explained() {
        let err = RustSecDb::open(Path::new("/no/such/db")).err().unwrap();
        assert!(err.to_string().contains("has no `crates/` folder"), "{err}");
    }
}
