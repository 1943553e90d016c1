//! Advisory data as plain domain types, independent of where it came from (RustSec's
//! advisory-db, OSV records from a folder or the API), so matching and the audit rules
//! need no I/O.

pub mod osv;
pub mod osv_api;
pub mod rustsec;

use crate::date::Date;

/// What an advisory says about a crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AdvisoryKind {
    Vulnerability,
    Unsound,
    Unmaintained,
    /// Any other informational advisory.
    Notice,
}

impl AdvisoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AdvisoryKind::Vulnerability => "vulnerability",
            AdvisoryKind::Unsound => "unsound",
            AdvisoryKind::Unmaintained => "unmaintained",
            AdvisoryKind::Notice => "notice",
        }
    }
}

/// Which versions an advisory affects, in the terms of its source.
#[derive(Debug, Clone)]
pub enum Affects {
    /// RustSec's `patched` and `unaffected` requirements, matched as RustSec does.
    RustSec(::rustsec::advisory::Versions),
    /// OSV's `affected[]` ranges and versions of one crate.
    Osv(osv::OsvVersions),
}

impl Affects {
    pub fn version(&self, version: &semver::Version) -> bool {
        match self {
            Affects::RustSec(versions) => versions.is_vulnerable(version),
            Affects::Osv(versions) => versions.is_affected(version),
        }
    }

    /// The requirements a fixed version meets (`>= 1.2.3`), for the message.
    pub fn patched(&self) -> Vec<String> {
        match self {
            Affects::RustSec(versions) => versions.patched().iter().map(ToString::to_string).collect(),
            Affects::Osv(versions) => versions.patched(),
        }
    }
}

/// What an advisory is about: a crate, or the Rust toolchain (`std`, `cargo`,
/// `rustdoc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Collection {
    Crates,
    Toolchain,
}

#[derive(Debug, Clone)]
pub struct Advisory {
    pub id: String,
    pub collection: Collection,
    /// CVE, GHSA and other ids of the same advisory.
    pub aliases: Vec<String>,
    /// The crate it is about (for the toolchain: `std`, `cargo`, `rustdoc`).
    pub package: String,
    pub title: String,
    pub kind: AdvisoryKind,
    /// Published.
    pub date: Date,
    /// Last changed, when the source says.
    pub modified: Option<Date>,
    /// The CVSS vector, when given, and its qualitative severity.
    pub cvss: Option<String>,
    pub severity: Option<String>,
    pub url: Option<String>,
    /// Operating systems and architectures it is limited to (empty: all).
    pub os: Vec<String>,
    pub arch: Vec<String>,
    pub affects: Affects,
    /// Where it came from: `rustsec`, `osv`, or both once merged.
    pub sources: Vec<&'static str>,
}

impl Advisory {
    /// This id or one of its aliases.
    pub fn is_named(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id) || self.aliases.iter().any(|alias| alias.eq_ignore_ascii_case(id))
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    fn absorb(&mut self, other: &Advisory) {
        for name in other.names() {
            if !self.is_named(name) {
                self.aliases.push(name.to_string());
            }
        }
        for source in &other.sources {
            if !self.sources.contains(source) {
                self.sources.push(source);
            }
        }
        self.cvss = self.cvss.take().or_else(|| other.cvss.clone());
        self.severity = self.severity.take().or_else(|| other.severity.clone());
        self.url = self.url.take().or_else(|| other.url.clone());
        self.modified = self.modified.max(other.modified);
    }

    /// The last date it changed: modified, else published.
    pub fn changed(&self) -> Date {
        self.modified.map_or(self.date, |modified| modified.max(self.date))
    }

    /// Whether an advisory limited to some OS or CPU can hit any of the device's
    /// targets (given as `(os, arch)`); with no targets given, every platform counts.
    pub fn can_affect_targets(&self, targets: Option<&[(String, String)]>) -> bool {
        let Some(targets) = targets else { return true };
        targets.iter().any(|(os, arch)| {
            (self.os.is_empty() || self.os.iter().any(|listed| listed == os))
                && (self.arch.is_empty() || self.arch.iter().any(|listed| listed == arch))
        })
    }
}

/// An advisory file that could not be read; the audit reports it and goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The crate it is about, when that is known.
    pub package: Option<String>,
    /// The path as the user can open it.
    pub file: String,
    pub reason: String,
}

/// What one source contributed to an audit.
#[derive(Debug, Clone)]
pub struct SourceData {
    pub source: &'static str,
    /// Where the data is, as the user can open it.
    pub location: String,
    /// The date of the newest advisory in the data, for `stale-advisory-db`.
    pub updated: Option<Date>,
    /// Advisories in the whole database.
    pub total: usize,
    /// Advisories read (for the crates in the graph).
    pub advisories: Vec<Advisory>,
    pub unreadable: Vec<Unreadable>,
    pub provenance: Provenance,
}

/// Where advisory data came from, for the record: the newest advisory in it, and what
/// is known of its download (when, from where, the archive's digest) or of its git
/// checkout (the commit).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newest: Option<Date>,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// The same advisory from several sources as one, listing every id and source. Two
/// are the same when one names the other's id, or when they share an alias and their
/// ids come from different databases: two RustSec advisories that share a CVE stay
/// apart (there are two about `failure`), while a GHSA record that shares a CVE with a
/// RustSec advisory joins it. The first of a group, in the order given (RustSec before
/// OSV), speaks for it: its id, title and fixed versions; the others add their ids,
/// sources and what the first lacks.
pub fn merged<'a>(advisories: impl IntoIterator<Item = &'a Advisory>) -> Vec<Advisory> {
    let mut groups: Vec<Group> = Vec::new();
    for (order, advisory) in advisories.into_iter().enumerate() {
        let mut joined = Group {
            order,
            members: vec![advisory.id.clone()],
            advisory: advisory.clone(),
        };
        // Joining adds names that may reach a further group, so look again until none.
        while let Some(at) = groups.iter().position(|group| group.is_same_as(&joined)) {
            let other = groups.swap_remove(at);
            let (mut speaker, rest) = if other.order < joined.order {
                (other, joined)
            } else {
                (joined, other)
            };
            speaker.advisory.absorb(&rest.advisory);
            speaker.members.extend(rest.members);
            joined = speaker;
        }
        groups.push(joined);
    }
    groups.sort_by_key(|group| group.order);
    groups.into_iter().map(|group| group.advisory).collect()
}

struct Group {
    order: usize,
    advisory: Advisory,
    /// The ids of the advisories merged into it.
    members: Vec<String>,
}

impl Group {
    fn is_same_as(&self, other: &Group) -> bool {
        let named = other.members.iter().any(|id| self.advisory.is_named(id))
            || self.members.iter().any(|id| other.advisory.is_named(id));
        let database = |id: &String| id.split('-').next().unwrap_or_default().to_ascii_uppercase();
        let databases_apart = !self
            .members
            .iter()
            .any(|mine| other.members.iter().any(|theirs| database(mine) == database(theirs)));
        let share_an_alias = self.advisory.names().any(|name| other.advisory.is_named(name));
        named || (databases_apart && share_an_alias)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(id: &str, aliases: &[&str], source: &'static str) -> Advisory {
        Advisory {
            id: id.into(),
            collection: Collection::Crates,
            aliases: aliases.iter().map(|alias| alias.to_string()).collect(),
            package: "x".into(),
            title: format!("{id} from {source}"),
            kind: AdvisoryKind::Vulnerability,
            date: Date::new(2020, 1, 1).unwrap(),
            modified: None,
            cvss: None,
            severity: (source == "osv").then(|| "high".to_string()),
            url: None,
            os: Vec::new(),
            arch: Vec::new(),
            affects: Affects::Osv(osv::OsvVersions::default()),
            sources: vec![source],
        }
    }

    #[test]
    fn twins_from_two_sources_become_one_with_every_id() {
        let rustsec = advisory("RUSTSEC-1", &["CVE-1"], "rustsec");
        let osv_twin = advisory("RUSTSEC-1", &["CVE-1", "GHSA-1"], "osv");
        let github = advisory("GHSA-2", &["CVE-1"], "osv");
        let merged = merged([&rustsec, &osv_twin, &github]);
        assert_eq!(merged.len(), 1, "{merged:#?}");
        let one = &merged[0];
        assert_eq!(one.id, "RUSTSEC-1");
        assert_eq!(one.title, "RUSTSEC-1 from rustsec", "the first speaks");
        assert_eq!(one.aliases, ["CVE-1", "GHSA-1", "GHSA-2"]);
        assert_eq!(one.sources, ["rustsec", "osv"]);
        assert_eq!(one.severity.as_deref(), Some("high"), "filled from the twin");
    }

    #[test]
    fn one_source_keeps_advisories_that_only_share_an_alias_apart() {
        let first = advisory("RUSTSEC-2019-0036", &["CVE-2019-25010"], "rustsec");
        let second = advisory("RUSTSEC-2020-0036", &["CVE-2019-25010", "CVE-2020-25575"], "rustsec");
        let osv_first = advisory("RUSTSEC-2019-0036", &["CVE-2019-25010"], "osv");
        let osv_second = advisory("RUSTSEC-2020-0036", &["CVE-2019-25010", "CVE-2020-25575"], "osv");
        let merged = merged([&first, &second, &osv_first, &osv_second]);
        let ids: Vec<(&str, &[&str])> = merged
            .iter()
            .map(|advisory| (advisory.id.as_str(), &advisory.sources[..]))
            .collect();
        assert_eq!(
            ids,
            [
                ("RUSTSEC-2019-0036", &["rustsec", "osv"][..]),
                ("RUSTSEC-2020-0036", &["rustsec", "osv"][..])
            ]
        );
    }
}
