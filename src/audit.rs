//! The audit as data: the findings of an inventory at a date, with the counts every
//! format reports and the exit code they imply.

use crate::advisories::SourceData;
use crate::date::Date;
use crate::finding::{self, Finding, Level};
use crate::inventory::{Inventory, Status};
use crate::rules::advisories::{AdvisoryInput, AdvisoryVerdict, DispositionState};
use crate::rules::verification::{ResultsSummary, TestResult, Verification};
use crate::rules::{self, AuditInput};

type Facts = std::collections::BTreeMap<(String, String), crate::facts::RegistryFacts>;
use crate::sidecar::{Class, DispositionStatus};
use serde::Serialize;
use std::collections::BTreeSet;

/// An advisory source the audit read, or that was switched off.
#[derive(Debug, Clone, Serialize)]
pub struct AdvisoryData {
    pub source: String,
    /// The date of the newest advisory in the data.
    pub updated: Option<String>,
    /// Advisories in the data.
    pub advisories: usize,
    pub location: Option<String>,
    /// Switched off (`--no-rustsec`, `--no-osv`), offline (the registry index) or
    /// without data: nothing was checked against it.
    pub skipped: bool,
    /// Why, unless switched off: `offline`, `no data`.
    pub reason: Option<String>,
    #[serde(flatten)]
    pub provenance: crate::advisories::Provenance,
}

impl AdvisoryData {
    pub fn read(data: &SourceData) -> Self {
        Self {
            source: data.source.to_string(),
            updated: data.updated.map(|date| date.to_string()),
            advisories: data.total,
            location: Some(data.location.clone()),
            skipped: false,
            reason: None,
            provenance: data.provenance.clone(),
        }
    }

    /// A live service (the OSV API, a registry index): no age, no size.
    pub fn live(source: &str, location: &str) -> Self {
        Self {
            source: source.to_string(),
            updated: None,
            advisories: 0,
            location: Some(location.to_string()),
            skipped: false,
            reason: None,
            provenance: Default::default(),
        }
    }

    /// How the output names the source.
    pub fn title(&self) -> &str {
        match self.source.as_str() {
            "rustsec" => "RustSec",
            "osv" => "OSV",
            "registry-index" => "yanked check",
            other => other,
        }
    }

    /// Why a skipped source was skipped, as a parenthesis; empty when switched off.
    pub fn why_skipped(&self) -> String {
        self.reason
            .as_ref()
            .map(|reason| format!(" ({reason})"))
            .unwrap_or_default()
    }

    pub fn skipped(source: &str, reason: Option<String>) -> Self {
        Self {
            source: source.to_string(),
            updated: None,
            advisories: 0,
            location: None,
            skipped: true,
            reason,
            provenance: Default::default(),
        }
    }
}

/// One SOUP item as the audit JSON states it: its verdict, for tools that read the
/// assessment item by item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemVerdict {
    pub name: String,
    pub version: String,
    pub status: Status,
    pub class: Class,
    pub entry: Option<String>,
    pub covered_by: Option<String>,
    /// Every advisory that touches the item, with whether it applies and its disposition.
    pub advisories: Vec<ItemAdvisory>,
    /// Its entry's `verified-by` references by result, when test results were read.
    pub verification: Option<VerificationCounts>,
    /// What the registry index says of the locked version; null when nothing is known.
    pub registry: Option<crate::facts::RegistryFacts>,
    /// Each field an import gave its entry, with the import's name; null when none.
    pub imported: Option<std::collections::BTreeMap<&'static str, String>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VerificationCounts {
    pub passed: usize,
    pub failed: usize,
    /// Not run, or only ignored.
    pub not_run: usize,
}

impl VerificationCounts {
    fn of(verification: &Verification, entry: Option<&str>) -> Option<Self> {
        let counts = verification.counts(entry?);
        verification.results_read().then_some(Self {
            passed: counts.0,
            failed: counts.1,
            not_run: counts.2,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemAdvisory {
    pub id: String,
    pub applies: bool,
    /// Why it does not apply: the locked version is not affected, or the platforms it is
    /// limited to.
    pub reason: Option<String>,
    pub disposition: Option<DispositionVerdict>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DispositionVerdict {
    pub status: DispositionStatus,
    pub expired: bool,
    pub rationale: Option<String>,
    pub mitigation: Option<String>,
    pub reviewed: Option<String>,
    pub by: Option<String>,
    pub expires: Option<String>,
}

impl ItemVerdict {
    fn of(
        inventory: &Inventory,
        verdicts: &[AdvisoryVerdict],
        verification: &Verification,
        facts: Option<&Facts>,
    ) -> Vec<Self> {
        inventory
            .items
            .iter()
            .enumerate()
            .map(|(at, item)| Self {
                name: item.package.name.clone(),
                version: item.package.version.to_string(),
                status: item.status,
                class: item.class,
                entry: item.entry.map(|entry| entry.key.to_string()),
                covered_by: item.covered_by.clone(),
                advisories: verdicts
                    .iter()
                    .filter(|verdict| verdict.item == at)
                    .map(ItemAdvisory::of)
                    .collect(),
                verification: VerificationCounts::of(
                    verification,
                    item.entry.map(|entry| entry.table_name()).as_deref(),
                ),
                registry: facts
                    .and_then(|facts| facts.get(&(item.package.name.clone(), item.package.version.to_string())))
                    .cloned(),
                imported: item
                    .entry
                    .and_then(crate::sidecar::Entry::imported_fields)
                    .map(|fields| {
                        fields
                            .into_iter()
                            .map(|(field, import)| (field, import.to_string()))
                            .collect()
                    }),
            })
            .collect()
    }
}

impl ItemAdvisory {
    fn of(verdict: &AdvisoryVerdict) -> Self {
        let reason = verdict.applicability.reason();
        let expired = matches!(verdict.disposition, DispositionState::Expired(_));
        Self {
            id: verdict.advisory.id.clone(),
            applies: reason.is_none(),
            reason,
            disposition: verdict.disposition.written().map(|disposition| DispositionVerdict {
                status: disposition.status,
                expired,
                rationale: disposition.rationale.clone(),
                mitigation: disposition.mitigation.clone(),
                reviewed: disposition.reviewed.map(|date| date.to_string()),
                by: disposition.by.clone(),
                expires: disposition.expires.map(|date| date.to_string()),
            }),
        }
    }
}

#[derive(Debug)]
pub struct AuditReport {
    pub as_of: Date,
    pub items: usize,
    /// Each item's verdict (empty for documents that list no findings).
    pub item_verdicts: Vec<ItemVerdict>,
    /// Items with the status `assessed`, and `covered`, counted as the list counts them.
    pub assessed: usize,
    pub covered: usize,
    pub advisory_data: Vec<AdvisoryData>,
    pub findings: Vec<Finding>,
    /// With `--changed-since REF`: the revision, and how many findings outside the
    /// change were downgraded to warnings.
    pub changed_since: Option<(String, usize)>,
    pub test_results: TestResultsRead,
}

/// The test results the audit read, for its summary.
#[derive(Debug, Clone, Default)]
pub struct TestResultsRead {
    pub files: Vec<ResultsSummary>,
    /// `verified-by` references in soup.toml.
    pub references: usize,
    /// All references by result, when files were read.
    pub counts: Option<VerificationCounts>,
}

impl TestResultsRead {
    fn of(input: &AuditInput) -> Self {
        let verification = input.verification;
        let references = input
            .soup
            .entries
            .iter()
            .chain(&input.soup.toolchain)
            .flat_map(|entry| &entry.requirements)
            .map(|requirement| requirement.verified_by.len())
            .sum();
        let counts = verification.results_read().then(|| {
            let mut counts = VerificationCounts::default();
            for verdict in &verification.references {
                match verdict.result {
                    TestResult::Passed => counts.passed += 1,
                    TestResult::Failed => counts.failed += 1,
                    TestResult::Skipped | TestResult::NotRun => counts.not_run += 1,
                }
            }
            counts
        });
        Self {
            files: verification.files.clone(),
            references,
            counts,
        }
    }
}

impl AuditReport {
    /// The audit of an inventory: assessment findings, advisory findings (with the
    /// notes `-v` prints), levels from `[policy]`.
    pub fn new(
        inventory: &Inventory,
        input: &AuditInput,
        advisories: &AdvisoryInput,
        verdicts: &[rules::advisories::AdvisoryVerdict],
        advisory_data: Vec<AdvisoryData>,
        deny_warnings: bool,
    ) -> (Self, Vec<String>) {
        let mut findings = rules::assessment_findings(inventory, input);
        let outcome = rules::advisories::advisory_findings(inventory, advisories, verdicts);
        findings.extend(outcome.findings);
        let findings = finding::apply_policy(findings, &input.soup.policy, deny_warnings);
        let report = Self {
            as_of: input.as_of,
            items: inventory.items.len(),
            item_verdicts: ItemVerdict::of(inventory, verdicts, input.verification, advisories.facts),
            assessed: inventory.count(Status::Assessed),
            covered: inventory.count(Status::Covered),
            advisory_data,
            findings,
            changed_since: None,
            test_results: TestResultsRead::of(input),
        };
        (report, outcome.notes)
    }

    /// The counts without the rules, for documents that list no findings.
    pub fn without_findings(inventory: &Inventory, input: &AuditInput, advisory_data: Vec<AdvisoryData>) -> Self {
        Self {
            as_of: input.as_of,
            items: inventory.items.len(),
            item_verdicts: Vec::new(),
            assessed: inventory.count(Status::Assessed),
            covered: inventory.count(Status::Covered),
            advisory_data,
            findings: Vec::new(),
            changed_since: None,
            test_results: TestResultsRead::of(input),
        }
    }

    /// Gates only the change: a deny finding on an item outside `changed` becomes a
    /// warning, so an old problem does not block an unrelated change. Findings about the
    /// advisory data keep their level: stale data would hide what the change brings in.
    pub fn gate_change(&mut self, reference: &str, changed: &BTreeSet<String>) {
        let mut downgraded = 0;
        for finding in &mut self.findings {
            let in_change = finding.krate.as_ref().is_some_and(|krate| changed.contains(krate));
            if finding.level == Level::Deny && !in_change && !finding.code.is_about_data() {
                finding.level = Level::Warn;
                downgraded += 1;
            }
        }
        self.changed_since = Some((reference.to_string(), downgraded));
    }

    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|finding| finding.level == level).count()
    }

    /// The findings at `level` on one item, after `[policy]` and `--changed-since`.
    pub fn count_on(&self, name: &str, version: &str, level: Level) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.level == level)
            .filter(|finding| finding.krate.as_deref() == Some(name) && finding.version.as_deref() == Some(version))
            .count()
    }

    /// Why no advisory database checked anything (`RustSec: switched off; OSV: no
    /// data`), or `None` when one did: then the advisory review was performed.
    pub fn advisory_review_gap(&self) -> Option<String> {
        let databases: Vec<&AdvisoryData> = self
            .advisory_data
            .iter()
            .filter(|data| data.source != "registry-index")
            .collect();
        if databases.iter().any(|data| !data.skipped) {
            return None;
        }
        if databases.is_empty() {
            return Some("no advisory data was read".to_string());
        }
        let reasons: Vec<String> = databases
            .iter()
            .map(|data| format!("{} {}", data.title(), data.reason.as_deref().unwrap_or("switched off")))
            .collect();
        Some(reasons.join(", "))
    }

    /// 1 when any finding is at deny level, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.count(Level::Deny) > 0)
    }
}
