//! Advisory rules: which advisories hit which SOUP items on the device, what the
//! dispositions in soup.toml say about them, and whether the data is fresh. Pure:
//! the advisories arrive already read.

use crate::advisories::{Advisory, AdvisoryKind, Collection, SourceData, merged};
use crate::date::Date;
use crate::finding::{AdvisoryRef, Code, Finding};
use crate::graph::Source;
use crate::inventory::{Inventory, SoupItem};
use crate::location::Location;
use crate::sidecar::{Disposition, DispositionStatus, Entry, Project, SoupFile, VersionLine};
use std::collections::BTreeSet;

/// What the advisory rules read besides the inventory.
pub struct AdvisoryInput<'a> {
    pub soup: &'a SoupFile,
    pub as_of: Date,
    pub sources: &'a [SourceData],
    /// `(target_os, target_arch)` of each target the device ships for; `None`: every
    /// platform.
    pub targets: Option<&'a [(String, String)]>,
    pub lock_file: &'a str,
    /// `(name, version)` of the locked versions the registry says are yanked; `None`
    /// when not checked (offline).
    pub yanked: Option<&'a BTreeSet<(String, String)>>,
    /// The registry facts of the locked versions the index has records of.
    pub facts: Option<&'a std::collections::BTreeMap<(String, String), crate::facts::RegistryFacts>>,
    /// Sources (`rustsec`, `osv`) that should have been read but had no data, and why.
    pub unavailable: &'a [(&'static str, String)],
}

/// Findings, and notes for `-v` on advisories left out because of the device scope.
#[derive(Debug, Default)]
pub struct AdvisoryOutcome {
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
}

/// Advisories apply to crates.io packages, as RustSec and OSV's crates.io ecosystem
/// write them (git and path sources are not the published crate), and to the toolchain.
pub fn is_checked(item: &SoupItem) -> bool {
    match &item.package.source {
        Source::Registry { id } => crate::graph::is_crates_io(id),
        Source::Toolchain { .. } => true,
        _ => false,
    }
}

/// The crates.io packages of the inventory as `(name, version)`: what the registry
/// index is asked about.
pub fn registry_packages<'i>(inventory: &'i Inventory) -> Vec<(&'i str, String)> {
    inventory
        .items
        .iter()
        .filter(|item| is_checked(item) && !item.package.source.is_toolchain())
        .map(|item| (item.package.name.as_str(), item.package.version.to_string()))
        .collect()
}

/// Whether an advisory that touches an item applies to the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applicability {
    Applies,
    /// The locked version is not among the affected ones (fixed, or never affected).
    VersionNotAffected,
    /// It affects only other operating systems or CPUs than the device ships for
    /// (`os windows`, `arch x86`).
    OtherPlatforms(String),
}

impl Applicability {
    /// Why it does not apply, for documents and the JSON.
    pub fn reason(&self) -> Option<String> {
        match self {
            Applicability::Applies => None,
            Applicability::VersionNotAffected => Some("the locked version is not affected".to_string()),
            Applicability::OtherPlatforms(platforms) => Some(format!("affects only {platforms}")),
        }
    }
}

/// What soup.toml says about an advisory on an item.
#[derive(Debug, Clone, Copy)]
pub enum DispositionState<'s> {
    None,
    Valid(&'s Disposition),
    /// Past its `expires` date: as if there were none, and a finding of its own.
    Expired(&'s Disposition),
}

impl<'s> DispositionState<'s> {
    /// The disposition, valid or expired.
    pub fn written(self) -> Option<&'s Disposition> {
        match self {
            DispositionState::None => None,
            DispositionState::Valid(disposition) | DispositionState::Expired(disposition) => Some(disposition),
        }
    }
}

/// One advisory on one SOUP item, decided once: the audit, the documents, the SBOM and
/// `review` render this and decide nothing again.
#[derive(Debug, Clone)]
pub struct AdvisoryVerdict<'s> {
    /// The item's place in `Inventory::items`.
    pub item: usize,
    pub advisory: Advisory,
    pub applicability: Applicability,
    pub disposition: DispositionState<'s>,
}

impl AdvisoryVerdict<'_> {
    /// Whether `disposition` is the one soup.toml gives for this advisory on this item.
    pub fn answers(&self, disposition: &Disposition) -> bool {
        self.disposition
            .written()
            .is_some_and(|written| std::ptr::eq(written, disposition))
    }

    /// An advisory on the device that no valid disposition answers.
    pub fn is_open(&self) -> bool {
        self.applicability == Applicability::Applies && !matches!(self.disposition, DispositionState::Valid(_))
    }
}

/// What the VEX of an SBOM or of `export --format openvex` says about an advisory on an
/// item, decided from its verdict by the mapping of the product specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VexState {
    /// `justification` only where soup.toml gives one; nobody chose one otherwise.
    NotAffected {
        justification: Option<&'static str>,
        detail: Option<String>,
    },
    /// Affected, with the response (`workaround_available`, `will_not_fix`).
    Exploitable {
        response: &'static str,
        detail: Option<String>,
    },
    /// No valid disposition: none, or an expired one (named in `detail`).
    InTriage { detail: Option<String> },
}

impl VexState {
    /// The decision a disposition of soup.toml makes, while it is valid.
    pub fn of_disposition(disposition: &Disposition) -> Self {
        match disposition.status {
            DispositionStatus::NotAffected => VexState::NotAffected {
                justification: disposition.justification,
                detail: disposition.rationale.clone(),
            },
            DispositionStatus::Mitigated => VexState::Exploitable {
                response: "workaround_available",
                detail: disposition.mitigation.clone().or_else(|| disposition.rationale.clone()),
            },
            DispositionStatus::Accepted => VexState::Exploitable {
                response: "will_not_fix",
                detail: disposition.rationale.clone(),
            },
        }
    }
}

impl AdvisoryVerdict<'_> {
    /// The VEX decision; `targets` names the device's targets for an advisory that
    /// affects only other platforms.
    pub fn vex(&self, targets: &str) -> VexState {
        if let Applicability::OtherPlatforms(platforms) = &self.applicability {
            return VexState::NotAffected {
                justification: Some("requires_environment"),
                detail: Some(format!("Affects only {platforms}; the device ships for {targets}.")),
            };
        }
        match self.disposition {
            DispositionState::Valid(disposition) => VexState::of_disposition(disposition),
            DispositionState::Expired(disposition) => VexState::InTriage {
                detail: disposition
                    .expires
                    .map(|expires| format!("The disposition in soup.toml expired on {expires}.")),
            },
            DispositionState::None => VexState::InTriage { detail: None },
        }
    }
}

/// The verdicts on `items` (an entry's own item and the crates it covers, say).
pub fn on_items<'v, 's>(
    verdicts: &'v [AdvisoryVerdict<'s>],
    inventory: &Inventory,
    items: &[&SoupItem],
) -> Vec<&'v AdvisoryVerdict<'s>> {
    verdicts
        .iter()
        .filter(|verdict| {
            let on = &inventory.items[verdict.item];
            items.iter().any(|item| std::ptr::eq(*item, on))
        })
        .collect()
}

/// Every advisory that touches a checked item of the inventory (crates.io packages and
/// the toolchain): about its crate, whether or not its version is affected; whether it
/// applies (to the locked version, and to the device's targets: `(target_os,
/// target_arch)` each, `None` for every platform), and the state of its disposition in
/// the item's own or covering entry as of `as_of`.
pub fn verdicts<'s>(
    inventory: &Inventory<'s>,
    soup: &'s SoupFile,
    sources: &[SourceData],
    targets: Option<&[(String, String)]>,
    as_of: Date,
) -> Vec<AdvisoryVerdict<'s>> {
    let mut verdicts = Vec::new();
    for (at, item) in inventory.items.iter().enumerate().filter(|(_, item)| is_checked(item)) {
        let entry = item.assessing_entry(soup);
        for advisory in touching(sources, item) {
            let applicability = if !advisory.affects.version(&item.package.version) {
                Applicability::VersionNotAffected
            } else if advisory.can_affect_targets(targets) {
                Applicability::Applies
            } else {
                Applicability::OtherPlatforms(platforms(&advisory))
            };
            let disposition = match entry.and_then(|entry| disposition_for(entry, &advisory)) {
                None => DispositionState::None,
                Some(disposition) if has_expired(disposition, as_of) => DispositionState::Expired(disposition),
                Some(disposition) => DispositionState::Valid(disposition),
            };
            verdicts.push(AdvisoryVerdict {
                item: at,
                advisory,
                applicability,
                disposition,
            });
        }
    }
    verdicts
}

/// A disposition past its `expires` date counts as none.
pub fn has_expired(disposition: &Disposition, as_of: Date) -> bool {
    disposition.expires.is_some_and(|expires| expires < as_of)
}

pub fn advisory_findings(
    inventory: &Inventory,
    input: &AdvisoryInput,
    verdicts: &[AdvisoryVerdict],
) -> AdvisoryOutcome {
    let mut outcome = AdvisoryOutcome::default();
    for verdict in verdicts {
        let item = &inventory.items[verdict.item];
        let entry = item.assessing_entry(input.soup);
        let advisory = &verdict.advisory;
        match &verdict.applicability {
            Applicability::Applies => {}
            // A disposition of it is stale-disposition, decided below from the entries.
            Applicability::VersionNotAffected => continue,
            Applicability::OtherPlatforms(platforms) => {
                outcome.notes.push(format!(
                    "{} on {} {} affects only {platforms}: not a finding for the device's targets",
                    advisory.id, item.package.name, item.package.version,
                ));
                continue;
            }
        }
        match verdict.disposition {
            DispositionState::Expired(disposition) => {
                outcome
                    .findings
                    .push(disposition_expired(item, entry, disposition, advisory));
                outcome.findings.push(advisory_finding(item, entry, advisory, input));
            }
            DispositionState::Valid(_) => {}
            DispositionState::None => outcome.findings.push(advisory_finding(item, entry, advisory, input)),
        }
        if let Some(finding) = advisory_since_review(item, entry, verdict.disposition.written(), advisory) {
            outcome.findings.push(finding);
        }
    }
    for entry in &input.soup.entries {
        outcome.findings.extend(stale_dispositions(entry, inventory, verdicts));
    }
    if let Some(yanked) = input.yanked {
        outcome.findings.extend(yanked_findings(inventory, input, yanked));
    }
    if let Some(facts) = input.facts {
        outcome
            .findings
            .extend(super::registry::findings(inventory, input, facts));
    }
    outcome.findings.extend(
        input
            .unavailable
            .iter()
            .map(|(source, reason)| missing_advisory_data(source, reason)),
    );
    for source in input.sources {
        outcome
            .findings
            .extend(stale_advisory_db(source, &input.soup.project, input.as_of));
        outcome.findings.extend(source.unreadable.iter().map(|unreadable| {
            let file = unreadable.file.clone();
            let krate = unreadable.package.clone();
            let message = format!(
                "{file} could not be read ({}); the other advisories were checked. Update the advisory data, \
                 and report the file to its source if it stays unreadable",
                unreadable.reason
            );
            let finding = Finding::new(Code::UnreadableAdvisory, message).at(Some(Location {
                file,
                line: 1,
                column: 1,
            }));
            match krate {
                Some(krate) => finding.on(krate, None),
                None => finding,
            }
        }));
    }
    outcome
}

/// The advisories about the item's crate, one per vulnerability however many sources
/// know it (see `advisories::merged`), whether or not they affect its version.
fn touching(sources: &[SourceData], item: &SoupItem) -> Vec<Advisory> {
    merged(
        sources
            .iter()
            .flat_map(|source| &source.advisories)
            .filter(|advisory| is_about(advisory, item)),
    )
}

/// The advisory is about this crate (or the toolchain is the item and the advisory is
/// about `std`, `cargo`, `rustdoc`).
fn is_about(advisory: &Advisory, item: &SoupItem) -> bool {
    match advisory.collection {
        Collection::Crates => advisory.package == item.package.name && !item.package.source.is_toolchain(),
        Collection::Toolchain => item.package.source.is_toolchain(),
    }
}

pub fn disposition_for<'e>(entry: &'e Entry, advisory: &Advisory) -> Option<&'e Disposition> {
    entry
        .advisories
        .iter()
        .find(|disposition| advisory.is_named(&disposition.id))
}

fn platforms(advisory: &Advisory) -> String {
    let mut limits = Vec::new();
    if !advisory.os.is_empty() {
        limits.push(format!("os {}", advisory.os.join(", ")));
    }
    if !advisory.arch.is_empty() {
        limits.push(format!("arch {}", advisory.arch.join(", ")));
    }
    limits.join("; ")
}

fn code_for(kind: AdvisoryKind) -> Code {
    match kind {
        AdvisoryKind::Vulnerability => Code::Vulnerability,
        AdvisoryKind::Unsound => Code::Unsound,
        AdvisoryKind::Unmaintained => Code::Unmaintained,
        AdvisoryKind::Notice => Code::Notice,
    }
}

pub fn advisory_ref(advisory: &Advisory) -> AdvisoryRef {
    AdvisoryRef {
        id: advisory.id.clone(),
        aliases: advisory.aliases.clone(),
        kind: advisory.kind.as_str().to_string(),
        sources: advisory.sources.iter().map(ToString::to_string).collect(),
        url: advisory.url.clone(),
        title: advisory.title.clone(),
        cvss: advisory.cvss.clone(),
        severity: advisory.severity.clone(),
        patched: advisory.affects.patched(),
        date: advisory.date.to_string(),
    }
}

/// Where a finding about the item points: its entry (own or covering), else its
/// package in Cargo.lock.
fn item_location(item: &SoupItem, entry: Option<&Entry>, lock_file: &str) -> Option<Location> {
    entry.map(|entry| entry.location.clone()).or_else(|| {
        item.package.lock_line.map(|line| Location {
            file: lock_file.to_string(),
            line,
            column: 1,
        })
    })
}

/// How to get rid of it: the patched versions, and whether `cargo update` reaches one.
/// The fixed version requirement that `cargo update` can reach from `locked`: its lowest
/// version is in the locked version's semver-compatible line and newer.
pub fn compatible_fix<'p>(locked: &semver::Version, patched: &'p [String]) -> Option<&'p String> {
    let line = VersionLine::of(locked);
    patched.iter().find(|requirement| {
        requirement
            .trim_start_matches(['>', '=', '^', '~', ' '])
            .split([',', ' '])
            .next()
            .and_then(|version| semver::Version::parse(version).ok())
            .is_some_and(|version| VersionLine::of(&version) == line && version > *locked)
    })
}

fn remedy(item: &SoupItem, advisory: &Advisory) -> String {
    let patched = advisory.affects.patched();
    if patched.is_empty() {
        return "no fixed version exists: replace the crate".to_string();
    }
    match compatible_fix(&item.package.version, &patched) {
        Some(requirement) => format!(
            "fixed in {requirement}, a compatible update: run `cargo update -p {}@{}`",
            item.package.name, item.package.version
        ),
        None => format!("fixed in {}: upgrade (a breaking change)", patched.join(" or ")),
    }
}

fn advisory_finding(item: &SoupItem, entry: Option<&Entry>, advisory: &Advisory, input: &AdvisoryInput) -> Finding {
    let package = item.package;
    let names = std::iter::once(advisory.id.as_str())
        .chain(advisory.aliases.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(", ");
    let severity = advisory
        .severity
        .as_ref()
        .map(|severity| format!(", severity {severity}"))
        .unwrap_or_default();
    let disposition_at = entry.map_or_else(
        || "a soup.toml entry (run `cargo soup sync`)".to_string(),
        |entry| format!("[{}]", entry.table_name()),
    );
    let title = advisory.title.trim_end_matches('.');
    let message = match advisory.kind {
        AdvisoryKind::Unmaintained => format!(
            "{} is unmaintained ({names}): {title}; plan a replacement, or record a disposition under \
             `advisories` of {disposition_at}",
            package.name
        ),
        _ => format!(
            "{} {} is affected by {names}{severity}: {title}; {}, or record a disposition under `advisories` \
             of {disposition_at}",
            package.name,
            package.version,
            remedy(item, advisory)
        ),
    };
    let mut finding = Finding::new(code_for(advisory.kind), message)
        .on(&package.name, Some(package.version.to_string()))
        .at(item_location(item, entry, input.lock_file));
    finding.advisory = Some(advisory_ref(advisory));
    finding
}

fn disposition_expired(
    item: &SoupItem,
    entry: Option<&Entry>,
    disposition: &Disposition,
    advisory: &Advisory,
) -> Finding {
    let expires = disposition.expires.map(|date| date.to_string()).unwrap_or_default();
    let message = format!(
        "the disposition of {} in [{}] expired on {expires}; review the advisory again and move `expires`, or \
         resolve it",
        disposition.id,
        entry.map_or_else(String::new, Entry::table_name)
    );
    let mut finding = Finding::new(Code::DispositionExpired, message)
        .on(&item.package.name, Some(item.package.version.to_string()))
        .at(Some(disposition.location.clone()));
    finding.advisory = Some(advisory_ref(advisory));
    finding
}

/// An advisory that changed after the last anomaly review, unless a disposition of it
/// was reviewed since.
fn advisory_since_review(
    item: &SoupItem,
    entry: Option<&Entry>,
    disposition: Option<&Disposition>,
    advisory: &Advisory,
) -> Option<Finding> {
    let entry = entry?;
    let reviewed = entry.anomalies.reviewed?;
    let changed = advisory.changed();
    let considered = disposition
        .and_then(|disposition| disposition.reviewed)
        .is_some_and(|date| date >= changed);
    if changed <= reviewed || considered {
        return None;
    }
    // A covered crate is reviewed through the entry that covers it: `review` refuses it.
    let review = match &item.covered_by {
        Some(_) => format!("`cargo soup review {} --by NAME`", entry.key),
        None => format!(
            "`cargo soup review {}@{} --by NAME`",
            item.package.name, item.package.version
        ),
    };
    let message = format!(
        "{} ({}) about {} was published or changed on {changed}, after the anomaly review of [{}] on {reviewed}; \
         review it, then run {review}",
        advisory.id,
        advisory.title,
        item.package.name,
        entry.table_name(),
    );
    let mut finding = Finding::new(Code::AdvisorySinceReview, message)
        .on(&item.package.name, Some(item.package.version.to_string()))
        .at(Some(entry.location_of("anomalies.reviewed")))
        .marking("anomalies.reviewed", format!("NEW ADVISORY SINCE: {}", advisory.id));
    finding.advisory = Some(advisory_ref(advisory));
    Some(finding)
}

/// Dispositions of advisories that the data knows but that affect none of the
/// versions the entry assesses (its own items and the crates it covers).
/// Dispositions whose advisory touches what the entry assesses but affects none of its
/// locked versions any more, as the verdicts decided.
fn stale_dispositions(entry: &Entry, inventory: &Inventory, verdicts: &[AdvisoryVerdict]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for disposition in &entry.advisories {
        let answered: Vec<&AdvisoryVerdict> = verdicts.iter().filter(|verdict| verdict.answers(disposition)).collect();
        let stale = !answered.is_empty()
            && answered
                .iter()
                .all(|verdict| verdict.applicability == Applicability::VersionNotAffected);
        if !stale {
            continue;
        }
        let advisory = &answered[0].advisory;
        let versions: Vec<String> = answered
            .iter()
            .map(|verdict| inventory.items[verdict.item].package.version.to_string())
            .collect();
        let message = format!(
            "[{}] dispositions {}, which does not affect {} {} any more; remove the disposition",
            entry.table_name(),
            disposition.id,
            advisory.package,
            versions.join(", ")
        );
        let mut finding = Finding::new(Code::StaleDisposition, message)
            .on(&entry.key.name, versions.first().cloned())
            .at(Some(disposition.location.clone()));
        finding.advisory = Some(advisory_ref(advisory));
        findings.push(finding);
    }
    findings
}

fn yanked_findings(inventory: &Inventory, input: &AdvisoryInput, yanked: &BTreeSet<(String, String)>) -> Vec<Finding> {
    inventory
        .items
        .iter()
        .filter(|item| yanked.contains(&(item.package.name.clone(), item.package.version.to_string())))
        .map(|item| {
            let package = item.package;
            let message = format!(
                "{} {} is yanked from its registry: its authors withdrew it, often for a defect; update to a \
                 version that is not yanked (`cargo update -p {}@{}`) and review the change",
                package.name, package.version, package.name, package.version
            );
            Finding::new(Code::Yanked, message)
                .on(&package.name, Some(package.version.to_string()))
                .at(item_location(item, item.assessing_entry(input.soup), input.lock_file))
                .marking("version", "YANKED")
        })
        .collect()
}

/// A source with no data is as stale as data gets: the audit checked the other one only.
fn missing_advisory_data(source: &str, reason: &str) -> Finding {
    let message = format!(
        "the {source} advisory source had no data, so only the other one was checked: {reason}. Run `cargo \
         soup fetch` where the network or a mirror is reachable, or switch the source off with --no-{source} \
         (the output then says so)"
    );
    Finding::new(Code::StaleAdvisoryDb, message)
}

pub fn stale_advisory_db(source: &SourceData, project: &Project, as_of: Date) -> Option<Finding> {
    let updated = source.updated?;
    let limit = updated.plus(project.advisory_max_age);
    if as_of <= limit {
        return None;
    }
    // RustSec's data may be a git checkout; OSV's never is (a folder of JSON, or the cache).
    let update = match source.source {
        "rustsec" => "`cargo soup fetch`, or `git pull` in an advisory-db checkout named by --advisory-db",
        _ => "`cargo soup fetch`, or a newer crates.io export of OSV in the folder --osv-db names",
    };
    let message = format!(
        "the {} data in {} is from {updated}, older than advisory-max-age ({}) on {as_of}; update it with {update}",
        source.source, source.location, project.advisory_max_age
    );
    Some(Finding::new(Code::StaleAdvisoryDb, message))
}
