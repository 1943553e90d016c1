//! Advisory data as plain domain types, independent of where it came from (RustSec's
//! advisory-db now, OSV next), so matching and the audit rules need no I/O.

pub mod rustsec;

use crate::date::Date;
use std::path::PathBuf;

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
}

impl Affects {
    pub fn version(&self, version: &semver::Version) -> bool {
        match self {
            Affects::RustSec(versions) => versions.is_vulnerable(version),
        }
    }

    /// The requirements a fixed version meets (`>= 1.2.3`), for the message.
    pub fn patched(&self) -> Vec<String> {
        match self {
            Affects::RustSec(versions) => versions.patched().iter().map(ToString::to_string).collect(),
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
    /// Where it came from: `rustsec`, `osv`.
    pub source: &'static str,
}

impl Advisory {
    /// This id or one of its aliases.
    pub fn is_named(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id) || self.aliases.iter().any(|alias| alias.eq_ignore_ascii_case(id))
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
    pub path: PathBuf,
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
}
