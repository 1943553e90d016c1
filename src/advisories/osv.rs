//! OSV records (https://ossf.github.io/osv-schema/) for the crates.io ecosystem: the
//! record model, the exact evaluation of `affected[]`, and a folder of records such as
//! the unpacked `crates.io/all.zip` of OSV's bulk export. The live API (`osv_api`)
//! delivers the same records, so both end in `Record::advisories`.

use super::{Advisory, AdvisoryKind, Affects, Collection, SourceData, Unreadable};
use crate::date::Date;
use crate::paths::display_path;
use anyhow::{Result, bail};
use semver::Version;
use serde::Deserialize;
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const ECOSYSTEM: &str = "crates.io";

/// One OSV record; unknown fields are ignored, as the schema asks.
#[derive(Debug, Deserialize)]
pub struct Record {
    pub id: String,
    #[serde(default)]
    pub modified: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub withdrawn: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub severity: Vec<Severity>,
    #[serde(default)]
    pub affected: Vec<Affected>,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct Severity {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

#[derive(Debug, Deserialize)]
pub struct Reference {
    #[serde(rename = "type", default)]
    pub kind: String,
    pub url: String,
}

#[derive(Debug, Deserialize)]
pub struct Affected {
    #[serde(default)]
    pub package: Option<Package>,
    #[serde(default)]
    pub ranges: Vec<Range>,
    #[serde(default)]
    pub versions: Vec<String>,
    #[serde(default)]
    pub ecosystem_specific: Option<serde_json::Value>,
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct Package {
    pub ecosystem: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub events: Vec<Event>,
}

/// Each event holds exactly one of these.
#[derive(Debug, Deserialize)]
pub struct Event {
    pub introduced: Option<String>,
    pub fixed: Option<String>,
    pub last_affected: Option<String>,
    pub limit: Option<String>,
}

/// An event with its version parsed; `"0"` (and RustSec's `0.0.0-0`) is the start of
/// time, `limit: "*"` its end.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    Introduced(Version),
    Fixed(Version),
    LastAffected(Version),
    Limit(Option<Version>),
}

impl Bound {
    fn version(&self) -> Option<&Version> {
        match self {
            Bound::Introduced(version) | Bound::Fixed(version) | Bound::LastAffected(version) => Some(version),
            Bound::Limit(version) => version.as_ref(),
        }
    }
}

/// The versions an OSV `affected[]` entry names: SEMVER and ECOSYSTEM ranges (crates.io
/// versions are SemVer, so both are ordered the same way) and an explicit list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OsvVersions {
    ranges: Vec<Vec<Bound>>,
    versions: Vec<Version>,
}

impl OsvVersions {
    /// The OSV evaluation: events sorted by version; `introduced` opens, `fixed` closes
    /// at that version, `last_affected` closes after it; the version must lie below a
    /// `limit` when a range has one.
    pub fn is_affected(&self, version: &Version) -> bool {
        self.versions.contains(version) || self.ranges.iter().any(|range| range_includes(range, version))
    }

    /// The `fixed` versions that start a fixed stretch, as requirements (`>=1.2.3`),
    /// for the message. RustSec's export closes each single unaffected release with a
    /// `fixed` and reopens right after it; such a release is no fix to upgrade to.
    pub fn patched(&self) -> Vec<String> {
        let mut fixed = BTreeSet::new();
        for range in &self.ranges {
            for (at, bound) in range.iter().enumerate() {
                let Bound::Fixed(version) = bound else { continue };
                let reopens_at_once = range[at + 1..].iter().find_map(|next| match next {
                    Bound::Introduced(introduced) => Some(*introduced < bump_patch(version)),
                    _ => None,
                });
                if reopens_at_once != Some(true) {
                    fixed.insert(version);
                }
            }
        }
        fixed.into_iter().map(|version| format!(">={version}")).collect()
    }
}

fn bump_patch(version: &Version) -> Version {
    Version::new(version.major, version.minor, version.patch + 1)
}

fn range_includes(range: &[Bound], version: &Version) -> bool {
    let limits: Vec<&Bound> = range.iter().filter(|bound| matches!(bound, Bound::Limit(_))).collect();
    let below_a_limit = limits.is_empty()
        || limits.iter().any(|limit| match limit.version() {
            Some(limit) => version < limit,
            None => true,
        });
    if !below_a_limit {
        return false;
    }
    let mut affected = false;
    for bound in range {
        match bound {
            Bound::Introduced(introduced) if version >= introduced => affected = true,
            Bound::Fixed(fixed) if version >= fixed => affected = false,
            Bound::LastAffected(last) if version > last => affected = false,
            _ => {}
        }
    }
    affected
}

/// `"0"` means "from the start" and sorts before every version, pre-releases
/// included; a short `1.2` (seen in advisories written by hand) is `1.2.0`.
fn parse_version(text: &str) -> Result<Version, String> {
    if text == "0" {
        return Ok(Version {
            pre: semver::Prerelease::new("0").map_err(|err| err.to_string())?,
            ..Version::new(0, 0, 0)
        });
    }
    Version::parse(text).or_else(|err| {
        let parts: Vec<&str> = text.split('.').collect();
        let numeric = parts.len() < 3
            && parts
                .iter()
                .all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()));
        let padded = parts
            .iter()
            .chain(["0", "0"].iter())
            .take(3)
            .copied()
            .collect::<Vec<_>>()
            .join(".");
        numeric
            .then(|| Version::parse(&padded).ok())
            .flatten()
            .ok_or_else(|| format!("`{text}` is not a SemVer version ({err})"))
    })
}

fn parse_range(range: &Range) -> Result<Vec<Bound>, String> {
    let mut bounds = Vec::with_capacity(range.events.len());
    for event in &range.events {
        let bound = match (&event.introduced, &event.fixed, &event.last_affected, &event.limit) {
            (Some(version), None, None, None) => Bound::Introduced(parse_version(version)?),
            (None, Some(version), None, None) => Bound::Fixed(parse_version(version)?),
            (None, None, Some(version), None) => Bound::LastAffected(parse_version(version)?),
            (None, None, None, Some(version)) if version == "*" => Bound::Limit(None),
            (None, None, None, Some(version)) => Bound::Limit(Some(parse_version(version)?)),
            _ => return Err("an event must hold exactly one of introduced, fixed, last_affected, limit".into()),
        };
        bounds.push(bound);
    }
    // Stable: at one version an `introduced` listed before a `fixed` stays before it.
    bounds.sort_by(|left, right| match (left.version(), right.version()) {
        (Some(left), Some(right)) => left.cmp(right),
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (None, None) => Ordering::Equal,
    });
    Ok(bounds)
}

impl Record {
    /// The crate names of the crates.io ecosystem the record is about.
    pub fn crates(&self) -> impl Iterator<Item = &str> {
        self.affected
            .iter()
            .filter_map(|affected| affected.package.as_ref())
            .filter(|package| package.ecosystem == ECOSYSTEM)
            .map(|package| package.name.as_str())
    }

    /// One advisory per crates.io crate the record names (none when withdrawn), for
    /// the crates `wanted` accepts.
    pub fn advisories(&self, wanted: impl Fn(&str) -> bool) -> Result<Vec<Advisory>, String> {
        if self.withdrawn.is_some() {
            return Ok(Vec::new());
        }
        let date = self
            .published
            .as_deref()
            .or(self.modified.as_deref())
            .and_then(date_of)
            .ok_or_else(|| "it has no `published` or `modified` date".to_string())?;
        let modified = self.modified.as_deref().and_then(date_of);
        let cvss = self
            .severity
            .iter()
            .find(|severity| severity.kind.starts_with("CVSS_V3"))
            .or_else(|| self.severity.first())
            .map(|severity| severity.score.clone());
        let severity = cvss.as_deref().and_then(cvss_severity).or_else(|| {
            let stated = self.database_specific.as_ref()?.get("severity")?.as_str()?;
            Some(stated.to_ascii_lowercase())
        });
        let url = self
            .references
            .iter()
            .find(|reference| reference.kind == "ADVISORY")
            .or_else(|| self.references.first())
            .map(|reference| reference.url.clone())
            .or_else(|| Some(format!("https://osv.dev/vulnerability/{}", self.id)));
        let mut advisories = Vec::new();
        for affected in &self.affected {
            let Some(package) = affected
                .package
                .as_ref()
                .filter(|package| package.ecosystem == ECOSYSTEM)
            else {
                continue;
            };
            if !wanted(&package.name) {
                continue;
            }
            let mut versions = OsvVersions::default();
            for range in affected
                .ranges
                .iter()
                .filter(|range| range.kind == "SEMVER" || range.kind == "ECOSYSTEM")
            {
                versions.ranges.push(parse_range(range)?);
            }
            for version in &affected.versions {
                versions.versions.push(parse_version(version)?);
            }
            let informational = affected
                .database_specific
                .as_ref()
                .and_then(|specific| specific.get("informational"))
                .and_then(serde_json::Value::as_str);
            let kind = match informational {
                None => AdvisoryKind::Vulnerability,
                Some("unsound") => AdvisoryKind::Unsound,
                Some("unmaintained") => AdvisoryKind::Unmaintained,
                Some(_) => AdvisoryKind::Notice,
            };
            let platform = |key: &str| -> Vec<String> {
                affected
                    .ecosystem_specific
                    .as_ref()
                    .and_then(|specific| specific.get("affects"))
                    .and_then(|affects| affects.get(key))
                    .and_then(serde_json::Value::as_array)
                    .map(|values| {
                        values
                            .iter()
                            .filter_map(|value| value.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            advisories.push(Advisory {
                id: self.id.clone(),
                collection: Collection::Crates,
                aliases: self.aliases.clone(),
                package: package.name.clone(),
                title: self.summary.clone().unwrap_or_else(|| self.id.clone()),
                kind,
                date,
                modified,
                cvss: cvss.clone(),
                severity: severity.clone(),
                url: url.clone(),
                os: platform("os"),
                arch: platform("arch"),
                affects: Affects::Osv(versions),
                sources: vec!["osv"],
            });
        }
        Ok(advisories)
    }
}

/// The day of an RFC 3339 timestamp.
fn date_of(timestamp: &str) -> Option<Date> {
    timestamp.get(..10)?.parse().ok()
}

/// The qualitative severity of a CVSS v2, v3 or v4 vector (`medium`, `critical`).
fn cvss_severity(vector: &str) -> Option<String> {
    Some(vector.parse::<cvss::Cvss>().ok()?.severity().to_string())
}

fn has_records(folder: &Path) -> bool {
    std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .any(|entry| entry.path().extension().is_some_and(|extension| extension == "json"))
}

/// A folder of OSV JSON records of the crates.io ecosystem.
pub struct OsvDb {
    root: PathBuf,
}

impl OsvDb {
    /// A folder of records, or a folder with the ecosystem's folder in it (the layout of
    /// OSV's bucket: `crates.io/`).
    /// The folder the data is read from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn open(root: &Path) -> Result<Self> {
        let ecosystem = root.join(ECOSYSTEM);
        if has_records(&ecosystem) && !has_records(root) {
            return Ok(Self { root: ecosystem });
        }
        if !root.is_dir() {
            bail!(
                "{} is not a folder: point --osv-db (or CARGO_SOUP_OSV_DB) at a folder of OSV JSON files (the \
                 unpacked crates.io/all.zip of OSV's bulk export), or run `cargo soup fetch`",
                root.display()
            );
        }
        if !has_records(root) {
            bail!(
                "{} holds no OSV records (*.json): point --osv-db (or CARGO_SOUP_OSV_DB) at the unpacked \
                 crates.io/all.zip of OSV's bulk export, or run `cargo soup fetch`",
                root.display()
            );
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The advisories about `crates`; the newest `modified` of all records dates the
    /// data. Records are named by id, not by crate, so every file is read, on two
    /// threads.
    pub fn load<'n>(&self, crates: impl IntoIterator<Item = &'n str>) -> SourceData {
        let names: BTreeSet<&str> = crates.into_iter().collect();
        self.load_where(&|name| names.contains(name))
    }

    /// The advisories about the crates `wanted` accepts.
    pub fn load_where(&self, wanted: &(dyn Fn(&str) -> bool + Sync)) -> SourceData {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
            .collect();
        files.sort();
        let half = files.len().div_ceil(2);
        let (first, second) = files.split_at(half);
        let read = |files: &[PathBuf]| {
            let mut part = Part::default();
            for path in files {
                part.read(path, wanted);
            }
            part
        };
        let (mut all, other) = std::thread::scope(|scope| {
            let other = scope.spawn(|| read(second));
            (read(first), other.join().unwrap_or_default())
        });
        all.advisories.extend(other.advisories);
        all.unreadable.extend(other.unreadable);
        SourceData {
            source: "osv",
            location: display_path(&self.root),
            updated: all.updated.max(other.updated),
            total: files.len(),
            advisories: all.advisories,
            unreadable: all.unreadable,
            provenance: Default::default(),
        }
    }
}

#[derive(Default)]
struct Part {
    updated: Option<Date>,
    advisories: Vec<Advisory>,
    unreadable: Vec<Unreadable>,
}

impl Part {
    fn read(&mut self, path: &Path, wanted: &(dyn Fn(&str) -> bool + Sync)) {
        let parsed = std::fs::read(path)
            .map_err(|err| (None, err.to_string()))
            .and_then(|bytes| serde_json::from_slice::<Record>(&bytes).map_err(|err| (None, err.to_string())))
            .and_then(|record| {
                let modified = record.modified.as_deref().and_then(date_of);
                match record.advisories(wanted) {
                    Ok(advisories) => Ok((modified, advisories)),
                    Err(reason) => Err((record.crates().next().map(String::from), reason)),
                }
            });
        match parsed {
            Ok((modified, advisories)) => {
                self.updated = self.updated.max(modified);
                self.advisories.extend(advisories);
            }
            Err((package, reason)) => self.unreadable.push(Unreadable {
                file: display_path(path),
                package,
                reason,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(ranges: &str) -> OsvVersions {
        let affected: Affected = serde_json::from_str(ranges).unwrap();
        let mut versions = OsvVersions::default();
        for range in &affected.ranges {
            versions.ranges.push(parse_range(range).unwrap());
        }
        for version in &affected.versions {
            versions.versions.push(parse_version(version).unwrap());
        }
        versions
    }

    fn hit(versions: &OsvVersions, version: &str) -> bool {
        versions.is_affected(&version.parse().unwrap())
    }

    #[test]
    fn introduced_from_the_start_in_both_spellings() {
        for start in ["0", "0.0.0-0"] {
            let versions = versions(&format!(
                r#"{{"ranges": [{{"type": "SEMVER", "events": [{{"introduced": "{start}"}}, {{"fixed": "1.2.0"}}]}}]}}"#
            ));
            assert!(hit(&versions, "0.0.0"), "{start}");
            assert!(hit(&versions, "0.1.0-alpha"), "{start}");
            assert!(hit(&versions, "1.1.9"), "{start}");
            assert!(
                hit(&versions, "1.2.0-rc.1"),
                "pre-releases sort before the release ({start})"
            );
            assert!(!hit(&versions, "1.2.0"), "{start}");
            assert!(!hit(&versions, "2.0.0"), "{start}");
        }
    }

    #[test]
    fn short_versions_are_padded_and_nonsense_refused() {
        assert_eq!(parse_version("1.2").unwrap(), Version::new(1, 2, 0));
        assert_eq!(parse_version("3").unwrap(), Version::new(3, 0, 0));
        assert!(parse_version("0").unwrap() < Version::parse("0.0.0-alpha").unwrap());
        for bad in ["1.x", "", "v1.2.3", "1..2"] {
            assert!(parse_version(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn last_affected_includes_that_version_only() {
        let versions = versions(
            r#"{"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0.0"}, {"last_affected": "1.4.2"}]}]}"#,
        );
        assert!(!hit(&versions, "0.9.0"));
        assert!(hit(&versions, "1.0.0"));
        assert!(hit(&versions, "1.4.2"));
        assert!(!hit(&versions, "1.4.3"));
    }

    #[test]
    fn several_intervals_and_unsorted_events() {
        // RustSec's export of `patched = [">= 0.2.23"], unaffected = ["= 0.2.0"]`
        // style data, listed out of order on purpose.
        let versions = versions(
            r#"{"ranges": [{"type": "SEMVER", "events": [
                {"fixed": "0.2.23"}, {"introduced": "0.2.1-0"}, {"fixed": "0.2.0"}, {"introduced": "0.0.0-0"}
            ]}]}"#,
        );
        assert!(hit(&versions, "0.1.43"));
        assert!(!hit(&versions, "0.2.0"));
        assert!(hit(&versions, "0.2.7"));
        assert!(!hit(&versions, "0.2.23"));
        assert!(!hit(&versions, "0.3.0"));
        assert_eq!(versions.patched(), [">=0.2.23"]);
    }

    #[test]
    fn limit_bounds_the_range() {
        let limited =
            versions(r#"{"ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"limit": "2.0.0"}]}]}"#);
        assert!(hit(&limited, "1.9.9"));
        assert!(!hit(&limited, "2.0.0"));
        let unlimited =
            versions(r#"{"ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"limit": "*"}]}]}"#);
        assert!(hit(&unlimited, "99.0.0"));
    }

    #[test]
    fn explicit_versions_count_and_git_ranges_do_not() {
        let record: Record = serde_json::from_str(
            r#"{"id": "X-1", "published": "2025-01-01T00:00:00Z", "affected": [
                {"package": {"ecosystem": "crates.io", "name": "alpha"},
                 "ranges": [{"type": "GIT", "repo": "https://example.invalid/x", "events": [{"introduced": "abc123"}]}],
                 "versions": ["1.0.3", "1.0.5"]}]}"#,
        )
        .unwrap();
        let advisories = record.advisories(|_| true).unwrap();
        let affects = &advisories[0].affects;
        assert!(affects.version(&"1.0.3".parse().unwrap()));
        assert!(!affects.version(&"1.0.4".parse().unwrap()));
        assert!(affects.version(&"1.0.5".parse().unwrap()));
    }

    #[test]
    fn a_record_becomes_one_advisory_per_crate_and_withdrawn_ones_none() {
        let text = r#"{
            "id": "GHSA-xxxx-yyyy-zzzz", "modified": "2026-01-02T03:04:05Z", "published": "2025-12-01T00:00:00Z",
            "aliases": ["CVE-2025-0001"], "summary": "Bad things",
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected": [
                {"package": {"ecosystem": "crates.io", "name": "alpha"},
                 "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.1"}]}],
                 "database_specific": {"informational": "unsound"},
                 "ecosystem_specific": {"affects": {"os": ["windows"], "arch": [], "functions": []}}},
                {"package": {"ecosystem": "crates.io", "name": "beta"}, "versions": ["0.3.0"]},
                {"package": {"ecosystem": "PyPI", "name": "alpha"}, "versions": ["1.0.0"]}
            ],
            "some_future_field": {"ignored": true}
        }"#;
        let record: Record = serde_json::from_str(text).unwrap();
        let advisories = record.advisories(|_| true).unwrap();
        assert_eq!(advisories.len(), 2);
        let alpha = &advisories[0];
        assert_eq!((alpha.package.as_str(), alpha.kind), ("alpha", AdvisoryKind::Unsound));
        assert_eq!(alpha.os, ["windows"]);
        assert_eq!(alpha.severity.as_deref(), Some("critical"));
        assert_eq!(alpha.date, Date::new(2025, 12, 1).unwrap());
        assert!(alpha.is_named("cve-2025-0001"));
        assert!(alpha.affects.version(&"1.0.0".parse().unwrap()));
        assert_eq!(advisories[1].kind, AdvisoryKind::Vulnerability);
        assert_eq!(record.advisories(|name| name == "beta").unwrap().len(), 1);

        let withdrawn: Record =
            serde_json::from_str(&text.replace(r#""aliases""#, r#""withdrawn": "2026-01-03T00:00:00Z", "aliases""#))
                .unwrap();
        assert!(withdrawn.advisories(|_| true).unwrap().is_empty());
    }

    #[test]
    fn a_folder_is_opened_as_it_is_or_with_its_ecosystem_folder() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        assert!(OsvDb::open(&fixtures.join("osv")).is_ok());
        let bucket = tempfile::tempdir().unwrap();
        std::fs::create_dir(bucket.path().join("crates.io")).unwrap();
        std::fs::copy(
            fixtures.join("osv/RUSTSEC-2020-0071.json"),
            bucket.path().join("crates.io/RUSTSEC-2020-0071.json"),
        )
        .unwrap();
        let db = OsvDb::open(bucket.path()).unwrap();
        assert_eq!(db.load(["time"]).advisories.len(), 1);
        let err = OsvDb::open(&fixtures.join("advisory-db")).err().unwrap();
        assert!(err.to_string().contains("holds no OSV records"), "{err}");
        let err = OsvDb::open(&fixtures.join("no-such-folder")).err().unwrap();
        assert!(err.to_string().contains("is not a folder"), "{err}");
    }

    #[test]
    fn a_bad_version_makes_the_record_unreadable() {
        let record: Record = serde_json::from_str(
            r#"{"id": "X-1", "published": "2025-01-01T00:00:00Z", "affected": [
                {"package": {"ecosystem": "crates.io", "name": "alpha"},
                 "ranges": [{"type": "SEMVER", "events": [{"introduced": "one"}]}]}]}"#,
        )
        .unwrap();
        let err = record.advisories(|_| true).unwrap_err();
        assert!(err.contains("`one` is not a SemVer version"), "{err}");
    }
}
