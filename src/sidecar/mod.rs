//! `soup.toml`: the reviewed assessments, as a typed model. Parsing collects every
//! problem of the file with its position (see `parse`); nothing here does I/O beyond
//! reading the file.

pub mod edit;
mod parse;

use crate::date::{Date, Duration, DurationUnit};
use crate::diagnostic::Diagnostics;
use crate::finding::{Code, Level};
use crate::graph::DepKind;
use crate::license::License;
use crate::location::Location;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

pub use parse::{DEVICE_KEYS, parse, parse_with_problems};

/// Any string value starting with this marks a field `init` left for a person to fill
/// in: it counts as missing.
pub const PLACEHOLDER: &str = "TODO";

/// IEC 62304 software safety class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Class {
    A,
    B,
    C,
}

impl Class {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "A" => Some(Class::A),
            "B" => Some(Class::B),
            "C" => Some(Class::C),
            _ => None,
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Class::A => "A",
            Class::B => "B",
            Class::C => "C",
        })
    }
}

/// The version change that invalidates an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StaleOn {
    Patch,
    #[default]
    Minor,
    Major,
}

impl StaleOn {
    pub fn as_str(self) -> &'static str {
        match self {
            StaleOn::Patch => "patch",
            StaleOn::Minor => "minor",
            StaleOn::Major => "major",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Require {
    #[default]
    Standard,
    All,
}

impl Require {
    pub fn as_str(self) -> &'static str {
        match self {
            Require::Standard => "standard",
            Require::All => "all",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RequirementKind {
    Functional,
    Performance,
}

impl RequirementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RequirementKind::Functional => "functional",
            RequirementKind::Performance => "performance",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DispositionStatus {
    NotAffected,
    Mitigated,
    Accepted,
}

impl DispositionStatus {
    /// As soup.toml writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            DispositionStatus::NotAffected => "not-affected",
            DispositionStatus::Mitigated => "mitigated",
            DispositionStatus::Accepted => "accepted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Support {
    Active,
    Limited,
    None,
}

impl Support {
    pub fn as_str(self) -> &'static str {
        match self {
            Support::Active => "active",
            Support::Limited => "limited",
            Support::None => "none",
        }
    }
}

/// Which versions of a crate an entry assesses: all (`[soup.NAME]`) or one
/// semver-compatible line (`[soup."NAME@1"]`, `[soup."NAME@0.3"]`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryKey {
    pub name: String,
    pub line: Option<VersionLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VersionLine {
    Major(u64),
    ZeroMinor(u64),
}

impl VersionLine {
    pub fn of(version: &semver::Version) -> Self {
        if version.major == 0 {
            VersionLine::ZeroMinor(version.minor)
        } else {
            VersionLine::Major(version.major)
        }
    }

    pub fn matches(self, version: &semver::Version) -> bool {
        self == Self::of(version)
    }
}

impl fmt::Display for VersionLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionLine::Major(major) => write!(f, "{major}"),
            VersionLine::ZeroMinor(minor) => write!(f, "0.{minor}"),
        }
    }
}

impl fmt::Display for EntryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}@{line}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surveillance {
    pub monitoring: Option<String>,
    pub role: Option<String>,
    pub interval: Option<Duration>,
    pub triggers: Option<Vec<String>>,
    pub update_strategy: Option<String>,
    pub obsolescence: Option<String>,
    pub support: Option<Support>,
    pub end_of_support: Option<Date>,
}

/// How old an anomaly review may get when `review-interval` is not set: twice a year,
/// the cadence auditors commonly expect of a post-market review.
pub const DEFAULT_REVIEW_INTERVAL: Duration = Duration {
    amount: 180,
    unit: DurationUnit::Days,
};

/// `inactive-after`'s default: two years without a release.
pub const DEFAULT_INACTIVE_AFTER: Duration = Duration {
    amount: 2,
    unit: DurationUnit::Years,
};

/// How old advisory data may get when `advisory-max-age` is not set.
pub const DEFAULT_ADVISORY_MAX_AGE: Duration = Duration {
    amount: 7,
    unit: DurationUnit::Days,
};

#[derive(Debug, Clone)]
pub struct Project {
    pub name: Option<String>,
    pub class: Option<Class>,
    pub review_interval: Duration,
    pub stale_on: StaleOn,
    pub kinds: BTreeSet<DepKind>,
    pub targets: Option<Vec<String>>,
    pub advisory_max_age: Duration,
    /// A crate with no release for this long is `inactive-crate`.
    pub inactive_after: Duration,
    pub require: Require,
    /// `test-results`: each file as written (relative to the workspace root), with
    /// where soup.toml names it.
    pub test_results: Vec<(String, Option<Location>)>,
    pub surveillance: Surveillance,
}

impl Default for Project {
    fn default() -> Self {
        Self {
            name: None,
            class: None,
            review_interval: DEFAULT_REVIEW_INTERVAL,
            stale_on: StaleOn::default(),
            kinds: [DepKind::Normal, DepKind::Build].into_iter().collect(),
            targets: None,
            advisory_max_age: DEFAULT_ADVISORY_MAX_AGE,
            inactive_after: DEFAULT_INACTIVE_AFTER,
            require: Require::default(),
            test_results: Vec::new(),
            surveillance: Surveillance::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Covers {
    Crates(Vec<String>),
    /// `"*"`: every crate reached only through this item.
    Exclusive,
}

#[derive(Debug, Clone)]
pub struct Requirement {
    pub id: Option<String>,
    pub kind: Option<RequirementKind>,
    pub text: Option<String>,
    pub verified_by: Vec<String>,
    pub verified_by_location: Option<Location>,
    /// The device requirements or hazards this one serves (`SRS-12`, `HAZ-3`).
    pub traces: Vec<String>,
    pub location: Location,
}

#[derive(Debug, Clone, Default)]
pub struct Anomalies {
    pub reviewed: Option<Date>,
    pub by: Option<String>,
    pub sources: Vec<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Disposition {
    pub id: String,
    pub status: DispositionStatus,
    pub rationale: Option<String>,
    pub mitigation: Option<String>,
    pub reviewed: Option<Date>,
    pub by: Option<String>,
    pub expires: Option<Date>,
    /// One of CycloneDX's `analysis.justification` values, only when a person chose it.
    pub justification: Option<&'static str>,
    pub location: Location,
    /// The import it came from, for an accepted imported disposition.
    pub imported: Option<String>,
}

/// The justifications CycloneDX's VEX analysis knows, as soup.toml writes them.
pub const JUSTIFICATIONS: &[&str] = &[
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
];

/// `[document]`: the document control of the SOUP assessment record.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub id: Option<String>,
    pub title: Option<String>,
    pub revision: Option<String>,
    /// The device software release the record describes.
    pub release: Option<String>,
    pub author: Option<String>,
    /// The organisation that makes the device (the SBOM's `manufacturer`).
    pub manufacturer: Option<String>,
    pub approvals: Vec<Approval>,
}

#[derive(Debug, Clone)]
pub struct Approval {
    pub role: Option<String>,
    pub name: Option<String>,
    pub date: Option<Date>,
    pub location: Location,
}

impl Approval {
    /// Who signed, as a sentence names them: `B. Approver (QA Manager)`.
    pub fn signatory(&self) -> String {
        match (&self.name, &self.role) {
            (Some(name), Some(role)) => format!("{name} ({role})"),
            (Some(name), None) => name.clone(),
            (None, Some(role)) => role.clone(),
            (None, None) => "an approver".to_string(),
        }
    }
}

/// One `[soup.NAME]` entry (or the `[toolchain]` table).
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: EntryKey,
    /// Where the entry's table starts.
    pub location: Location,
    /// The key as written under `[soup]` (`serde_json`, `bitflags@1`); empty for the
    /// toolchain.
    pub table_key: String,
    /// The bytes of the key in `[soup.KEY]`, for diagnostics that point at it.
    pub key_span: Option<std::ops::Range<usize>>,
    pub version: Option<semver::Version>,
    pub license: Option<License>,
    pub vendor: Option<String>,
    pub checksum: Option<String>,
    /// The commit that was assessed, for a git dependency or the toolchain.
    pub commit: Option<String>,
    pub class: Option<Class>,
    pub class_rationale: Option<String>,
    pub segregation: Option<String>,
    pub covers: Covers,
    /// With `covers = "*"`: the crates it took in when it was last reviewed, so that a
    /// crate an update brings under it is not assessed silently.
    pub covered: Option<Vec<String>>,
    pub prerequisites: Option<String>,
    pub requirements: Vec<Requirement>,
    pub anomalies: Anomalies,
    pub verification_method: Option<String>,
    pub surveillance: Surveillance,
    pub advisories: Vec<Disposition>,
    pub approvals: Vec<Approval>,
    /// `accept-imported`: which imported dispositions count.
    pub accept_imported: Acceptance,
    /// The crate-level fields an import gave this entry.
    pub imported: Vec<Provenance>,
    /// The entry is only an import's: the device has no entry of its own.
    pub import_only: Option<String>,
    /// Fields (dotted, as in the file) that still hold a `TODO` placeholder.
    pub placeholders: BTreeSet<String>,
    /// Where each field is, as (sub-table, key, byte offset): `(None, "version", ..)`,
    /// `(Some("anomalies"), "reviewed", ..)`. Offsets, not locations: most are never
    /// asked for, and a 1,000-entry file holds tens of thousands.
    pub fields: Vec<(Option<&'static str>, &'static str, usize)>,
    /// The file the offsets point into.
    pub source: Option<std::sync::Arc<crate::location::SourceMap>>,
}

impl Entry {
    /// Each field an import gave the entry, by the import's name; `None` when none.
    pub fn imported_fields(&self) -> Option<BTreeMap<&'static str, &str>> {
        let fields: BTreeMap<&'static str, &str> = self
            .imported
            .iter()
            .map(|provenance| (provenance.field, provenance.import.as_str()))
            .collect();
        (!fields.is_empty()).then_some(fields)
    }

    /// The table as written in a header, `soup.serde_json` or `soup."bitflags@1"`.
    pub fn table_name(&self) -> String {
        if self.table_key.is_empty() {
            "toolchain".to_string()
        } else {
            format!("soup.{}", toml_key(&self.table_key))
        }
    }

    /// What the entry says, without where it says it: two versions of a file compare
    /// equal here when only other entries moved.
    pub fn content(&self) -> String {
        let requirements: Vec<_> = self
            .requirements
            .iter()
            .map(|requirement| {
                (
                    &requirement.id,
                    requirement.kind,
                    &requirement.text,
                    &requirement.verified_by,
                    &requirement.traces,
                )
            })
            .collect();
        let dispositions: Vec<_> = self
            .advisories
            .iter()
            .map(|disposition| {
                (
                    &disposition.id,
                    disposition.status,
                    &disposition.rationale,
                    &disposition.mitigation,
                    disposition.reviewed,
                    &disposition.by,
                    disposition.expires,
                )
            })
            .collect();
        let approvals: Vec<_> = self
            .approvals
            .iter()
            .map(|approval| (&approval.role, &approval.name, approval.date))
            .collect();
        format!(
            "{:?}",
            (
                (&self.version, self.license.as_ref().map(|license| &license.expression)),
                (
                    &self.vendor,
                    (&self.checksum, &self.commit),
                    self.class,
                    &self.class_rationale,
                    &self.segregation
                ),
                (
                    &self.covers,
                    &self.covered,
                    &self.prerequisites,
                    requirements,
                    &self.anomalies
                ),
                (&self.verification_method, &self.surveillance, dispositions, approvals),
                &self.placeholders,
            )
        )
    }

    /// Whether `name` fell under this entry's `covers = "*"` after its last review
    /// recorded what it covered (`covered`; none recorded: everything is new).
    pub fn newly_covers(&self, name: &str) -> bool {
        self.covers == Covers::Exclusive
            && !self
                .covered
                .as_ref()
                .is_some_and(|covered| covered.iter().any(|known| known == name))
    }

    /// Whether an unqualified entry speaks for `version`, given the crate's lines in
    /// scope (see `entry_among`).
    pub fn assesses_line_of(&self, version: &semver::Version, lines: &BTreeSet<VersionLine>) -> bool {
        self.own_line()
            .is_none_or(|own| own.matches(version) || !lines.contains(&own))
    }

    /// The version line the entry assesses: the one its key names, else the line of
    /// its assessed `version`.
    pub fn own_line(&self) -> Option<VersionLine> {
        self.key.line.or_else(|| self.version.as_ref().map(VersionLine::of))
    }

    /// The line of each approval's `date`, in the order of `approvals` (`None` for one
    /// without a date).
    pub fn approval_date_lines(&self) -> Vec<Option<usize>> {
        let mut offsets = self
            .fields
            .iter()
            .filter(|(table, key, _)| *table == Some("approvals") && *key == "date")
            .map(|(_, _, offset)| *offset);
        self.approvals
            .iter()
            .map(|approval| {
                approval
                    .date
                    .and_then(|_| offsets.next())
                    .zip(self.source.as_ref())
                    .map(|(offset, source)| source.location(offset).line)
            })
            .collect()
    }

    /// The field's line (`version`, `anomalies.reviewed`), else the entry's header.
    pub fn location_of(&self, field: &str) -> Location {
        let (table, key) = match field.split_once('.') {
            Some((table, key)) => (Some(table), key),
            None => (None, field),
        };
        self.fields
            .iter()
            .find(|(at_table, at_key, _)| *at_table == table && *at_key == key)
            .zip(self.source.as_ref())
            .map_or_else(
                || self.location.clone(),
                |((_, _, offset), source)| source.location(*offset),
            )
    }
}

#[derive(Debug, Clone, Default)]
pub struct SoupFile {
    pub project: Project,
    pub document: Document,
    pub software_items: BTreeMap<String, Option<Class>>,
    pub policy: BTreeMap<Code, Level>,
    pub entries: Vec<Entry>,
    pub toolchain: Option<Entry>,
    /// `[imports.NAME]`: the libraries of crate-level assessments this file builds on.
    pub imports: Vec<Import>,
    /// The imported entries that differ from what soup.lock recorded.
    pub import_changes: Vec<ImportChange>,
    /// How documents name each import: `the company library (URL, sha256 …)`.
    pub import_labels: BTreeMap<String, String>,
}

/// A library of crate-level assessments, named in `[imports.NAME]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub name: String,
    pub source: ImportSource,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportSource {
    /// Relative to the folder of soup.toml.
    Path(String),
    Url(String),
}

impl ImportSource {
    pub fn as_str(&self) -> &str {
        match self {
            ImportSource::Path(path) | ImportSource::Url(path) => path,
        }
    }
}

/// An imported entry that differs from what soup.lock recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportChange {
    pub import: String,
    /// The library's entry key (`serde_json`, `time@0.1`).
    pub entry: String,
    /// `changed`, `added` or `removed`.
    pub what: &'static str,
}

/// Which imported advisory dispositions a device entry takes: they count only once the
/// device has judged them, since "not affected" depends on how the device uses a crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Acceptance {
    #[default]
    None,
    All,
    Ids(Vec<String>),
}

impl Acceptance {
    pub fn accepts(&self, id: &str) -> bool {
        match self {
            Acceptance::None => false,
            Acceptance::All => true,
            Acceptance::Ids(ids) => ids.iter().any(|accepted| accepted == id),
        }
    }
}

/// Where an entry's crate-level field came from, when an import gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub field: &'static str,
    pub import: String,
}

impl SoupFile {
    /// Each imported field of `entry` with the import it came from, as documents name
    /// it: `version, anomalies: from the company library (…)`; `None` when nothing is.
    pub fn provenance(&self, entry: &Entry) -> Option<String> {
        let mut by_import: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for provenance in &entry.imported {
            by_import.entry(&provenance.import).or_default().push(provenance.field);
        }
        let parts: Vec<String> = by_import
            .iter()
            .map(|(import, fields)| {
                let label = self.import_labels.get(*import).map_or(*import, String::as_str);
                format!("{}: from {label}", fields.join(", "))
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// The class of a workspace member: its own entry, else the project class, else
    /// C, the conservative choice until the system is classified.
    pub fn member_class(&self, member: &str) -> Class {
        self.software_items
            .get(member)
            .copied()
            .flatten()
            .or(self.project.class)
            .unwrap_or(Class::C)
    }

    pub fn level(&self, code: Code) -> Level {
        self.policy.get(&code).copied().unwrap_or(code.default_level())
    }

    /// The entries by crate name, for looking many crates up (`entry_among`).
    pub fn entries_by_name(&self) -> HashMap<&str, Vec<&Entry>> {
        let mut by_name: HashMap<&str, Vec<&Entry>> = HashMap::new();
        for entry in &self.entries {
            by_name.entry(entry.key.name.as_str()).or_default().push(entry);
        }
        by_name
    }
}

impl Project {
    /// The review interval of an entry, the one section 5 of the documents states and
    /// `review-overdue` applies: the entry's `surveillance.interval`, else
    /// `[project.surveillance] interval`, else `review-interval`.
    pub fn review_interval_of(&self, surveillance: &Surveillance) -> Duration {
        surveillance
            .interval
            .or(self.surveillance.interval)
            .unwrap_or(self.review_interval)
    }
}

impl SoupFile {
    /// For a version no entry assesses: the unqualified entry of the crate that assesses
    /// another of its lines, and what to do about the second line.
    pub fn second_line(&self, name: &str, version: &semver::Version) -> Option<SecondLine> {
        let entry = self
            .entries
            .iter()
            .find(|entry| entry.key.name == name && entry.key.line.is_none())?;
        let (own, assessed) = (entry.own_line()?, entry.version.as_ref()?);
        let line = VersionLine::of(version);
        (own != line).then(|| SecondLine {
            what: format!(
                "[{}] assesses the {own} line ({assessed}), and {version} is a second line of {name}",
                entry.table_name()
            ),
            key: format!("soup.\"{name}@{line}\""),
            qualify: format!(
                "renaming [{}] to [soup.\"{name}@{own}\"] says which line it assesses",
                entry.table_name()
            ),
        })
    }
}

/// The entry among `candidates` (the entries of one crate) that assesses this version
/// of it: one for its version line (`name@1`) before one for every version (`name`).
/// An unqualified entry assesses the line of its `version`, and another line only while
/// no version of its own line is in scope (`lines`: the lines of the crate in scope): an
/// update from 0.22 to 0.23 is drift of the entry, while 0.23 beside 0.22 is an item of
/// its own.
pub fn entry_among<'e>(
    candidates: impl IntoIterator<Item = &'e Entry>,
    version: &semver::Version,
    lines: &BTreeSet<VersionLine>,
) -> Option<&'e Entry> {
    let mut best = None;
    for entry in candidates {
        match entry.key.line {
            Some(line) if line.matches(version) => return Some(entry),
            Some(_) => {}
            None => best = Some(entry),
        }
    }
    best.filter(|entry| entry.assesses_line_of(version, lines))
}

/// A second version line of a crate whose unqualified entry assesses another line.
pub struct SecondLine {
    pub what: String,
    /// The table the second line needs.
    pub key: String,
    pub qualify: String,
}

impl fmt::Display for SecondLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: run `cargo soup sync` to add [{}] and assess it; {}",
            self.what, self.key, self.qualify
        )
    }
}

/// A key as TOML spells it: bare when it can be, quoted otherwise.
pub fn toml_key(text: &str) -> String {
    let bare = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { text.to_string() } else { toml_string(text) }
}

/// A TOML basic string with everything escaped that must be.
pub fn toml_string(text: &str) -> String {
    toml_edit::Value::from(text).to_string().trim().to_string()
}

/// A parse that failed: all diagnostics of the file.
pub type ParseError = Diagnostics;

/// Every `[soup."name@LINE"]` key must match a version of `name` in the graph: a key
/// that matches none is a typo or an entry whose version left, and `sync --prune`
/// removes the latter. `versions` gives the locked versions of a crate.
pub fn check_version_lines<'v>(
    soup: &SoupFile,
    file: &str,
    text: &str,
    versions: impl Fn(&str) -> Vec<&'v semver::Version>,
) -> Vec<crate::diagnostic::Diagnostic> {
    let source = crate::diagnostic::SourceText::new(file, text);
    let mut items = Vec::new();
    for entry in &soup.entries {
        let Some(line) = entry.key.line else { continue };
        let mut locked = versions(&entry.key.name);
        locked.sort();
        if locked.iter().any(|version| line.matches(version)) {
            continue;
        }
        let name = &entry.key.name;
        let help = if locked.is_empty() {
            format!(
                "no version of {name} is in the graph; if it was removed, `cargo soup sync --prune` removes this entry"
            )
        } else {
            let mut lines: Vec<String> = locked
                .iter()
                .map(|version| VersionLine::of(version).to_string())
                .collect();
            lines.dedup();
            let keys: Vec<String> = lines.iter().map(|line| format!("\"{name}@{line}\"")).collect();
            let listed: Vec<String> = locked.iter().map(|version| version.to_string()).collect();
            format!(
                "{name} is locked at {}: write {}, or run `cargo soup sync --prune` if {name} {line}.x left the graph",
                listed.join(", "),
                keys.join(" or ")
            )
        };
        items.push(source.diagnostic(
            entry.key_span.clone(),
            format!("[soup.\"{}\"] matches no version of {name} in the graph", entry.key),
            Some(help),
        ));
    }
    items
}
