//! `cargo soup report`: the SOUP assessment record for the design history file, built
//! once as blocks and rendered as Markdown or as one self-contained, printable HTML
//! file. Its front matter makes it a controlled record (document control, revision
//! history, scope, configuration, advisory data, verdict, signatures); each item page
//! renders the item's verdict and the findings on it. Nothing is invented: a field
//! soup.toml lacks shows as a visible gap.

use super::{license_text, notes, vendor};
use crate::audit::{AdvisoryData, AuditReport};
use crate::finding::{Finding, Level};
use crate::graph::Graph;
use crate::inventory::{Inventory, SoupItem};
use crate::record::{Configuration, History};
use crate::rules::advisories::{AdvisoryVerdict, Applicability, DispositionState, is_checked, on_items};
use crate::rules::verification::Verification;
use crate::sidecar::{Approval, Disposition, Entry, Requirement, SoupFile};
use std::fmt::Write;

mod html;
mod markdown;
mod traceability;
pub use html::html;
pub use markdown::markdown;

/// A value of the document, a gap where one is required, or a value with the mark a
/// finding puts on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// Shown in red: `MISSING`, `open`, `advisory review NOT PERFORMED: ...`.
    Gap(String),
    Marked {
        text: String,
        marks: Vec<String>,
    },
}

const GAP: &str = "MISSING";

impl Cell {
    fn of(value: Option<impl ToString>) -> Self {
        value.map_or(Cell::missing(), |value| Cell::Text(value.to_string()))
    }

    fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    fn missing() -> Self {
        Cell::Gap(GAP.into())
    }

    fn or(self, other: Cell) -> Cell {
        match &self {
            Cell::Gap(gap) if gap == GAP => other,
            _ => self,
        }
    }

    /// An empty text is shown as a dash: nothing to say, not a gap.
    fn or_dash(self) -> Cell {
        match self {
            Cell::Text(text) if text.is_empty() => Cell::text("-"),
            other => other,
        }
    }

    /// The cell with the marks of the findings on `field`.
    fn marked(self, field: &str, findings: &[&Finding]) -> Cell {
        let marks: Vec<String> = findings
            .iter()
            .filter_map(|finding| finding.mark.as_ref())
            .filter(|mark| mark.field == field)
            .map(|mark| mark.text.clone())
            .collect();
        match self {
            _ if marks.is_empty() => self,
            Cell::Text(text) => Cell::Marked { text, marks },
            Cell::Gap(gap) => Cell::Marked { text: gap, marks },
            Cell::Marked { text, marks: mut had } => {
                had.extend(marks);
                Cell::Marked { text, marks: had }
            }
        }
    }
}

/// Headings and labels: nearly all fixed, so not allocated once per item.
pub type Text = std::borrow::Cow<'static, str>;

#[derive(Debug, Clone)]
pub enum Block {
    /// The document's title, with the running header of its printed pages.
    Title {
        title: String,
        running: String,
    },
    /// DRAFT while the audit fails or no advisory review was done, else the pass.
    Verdict {
        draft: bool,
        text: String,
    },
    /// A part of the front matter or of the record at large.
    Section(Text),
    /// A new SOUP item, a page of its own when printed: its status and open findings.
    Item {
        anchor: String,
        title: String,
        status: String,
        open: Vec<String>,
    },
    /// A section of an item page.
    Heading(Text),
    Paragraph(Text),
    Fields(Vec<(Text, Cell)>),
    Table {
        /// Each column's heading and width in percent of the page.
        columns: &'static [(&'static str, u8)],
        rows: Vec<Vec<Cell>>,
        empty: Cell,
    },
    /// A part that starts on a page of its own (the SOUP list, the appendix).
    Part(Text),
}

fn table(columns: &'static [(&'static str, u8)], rows: Vec<Vec<Cell>>, empty: Cell) -> Block {
    Block::Table { columns, rows, empty }
}

/// What the record describes and how it stands: the inputs of the front matter that are
/// not in soup.toml, the graph or the audit.
pub struct Record<'a> {
    pub project: &'a str,
    pub release: Option<String>,
    /// soup.toml as the reader finds it (a path relative to the workspace).
    pub soup_file: String,
    pub history: &'a History,
    pub configuration: &'a Configuration,
}

/// The inputs of the whole document.
pub struct Inputs<'a> {
    pub record: &'a Record<'a>,
    pub soup: &'a SoupFile,
    pub graph: &'a Graph,
    pub inventory: &'a Inventory<'a>,
    pub verdicts: &'a [AdvisoryVerdict<'a>],
    pub verification: &'a Verification,
    /// The registry facts of the locked versions, where known.
    pub registry: Option<&'a crate::facts::Facts>,
    pub audit: &'a AuditReport,
}

pub fn build(inputs: &Inputs) -> Vec<Block> {
    let mut blocks = front_matter(inputs);
    blocks.extend(soup_list(inputs));
    let shared = Shared {
        findings: FindingsByItem::new(inputs.audit),
        review: advisory_review(inputs.audit),
    };
    for item in inputs.inventory.items.iter().filter(|item| item.covered_by.is_none()) {
        blocks.extend(item_blocks(item, inputs, &shared));
    }
    blocks.extend(residual_anomalies(inputs));
    blocks.extend(traceability::appendix(inputs));
    blocks
}

/// Whether the record is a draft, and why, in one line.
fn verdict(audit: &AuditReport) -> (bool, String) {
    let errors = audit.count(Level::Deny);
    let warnings = audit.count(Level::Warn);
    let mut reasons = Vec::new();
    if errors > 0 {
        reasons.push(format!("{errors} open error{}", if errors == 1 { "" } else { "s" }));
    }
    if let Some(gap) = audit.advisory_review_gap() {
        reasons.push(format!("advisory review NOT PERFORMED ({gap})"));
    }
    if reasons.is_empty() {
        return (
            false,
            format!(
                "AUDIT PASSED on {}: no open errors; {warnings} warning(s), listed with every residual anomaly in the appendix.",
                audit.as_of
            ),
        );
    }
    (
        true,
        format!(
            "DRAFT: {}. The audit of {} does not pass; this record is not for release until the appendix lists no open error.",
            reasons.join("; "),
            audit.as_of
        ),
    )
}

/// Whether the record may be released: the audit passes and advisories were checked.
pub fn is_draft(audit: &AuditReport) -> bool {
    verdict(audit).0
}

fn front_matter(inputs: &Inputs) -> Vec<Block> {
    let Inputs {
        record, soup, audit, ..
    } = inputs;
    let document = &soup.document;
    let title = document
        .title
        .clone()
        .unwrap_or_else(|| format!("SOUP assessment: {}", record.project));
    let (draft, verdict_text) = verdict(audit);
    let control: Vec<String> = document
        .id
        .iter()
        .cloned()
        .chain(document.revision.iter().map(|revision| format!("revision {revision}")))
        .collect();
    let mut running = match control.is_empty() {
        true => title.clone(),
        false => format!("{}: {title}", control.join(", ")),
    };
    if draft {
        running.push_str(" (DRAFT)");
    }
    let mut blocks = vec![
        Block::Title { title, running },
        Block::Verdict {
            draft,
            text: verdict_text,
        },
        Block::Section("Document control".into()),
        Block::Fields(vec![
            ("Document id".into(), Cell::of(document.id.clone())),
            ("Revision".into(), Cell::of(document.revision.clone())),
            ("Product".into(), Cell::text(record.project)),
            ("Release".into(), Cell::of(record.release.clone())),
            ("Author".into(), Cell::of(document.author.clone())),
            ("As of".into(), Cell::text(audit.as_of.to_string())),
            (
                "Status".into(),
                if draft {
                    Cell::Gap("DRAFT".into())
                } else {
                    Cell::text("audit passed")
                },
            ),
        ]),
        Block::Heading("Approval of this document".into()),
        signatures(&document.approvals, "MISSING: the document is not approved"),
    ];
    blocks.extend(revision_history(record));
    blocks.extend(purpose_and_scope(inputs));
    blocks.extend(references(record));
    blocks.extend(definitions());
    blocks.extend(configuration(inputs));
    blocks.extend(advisory_data(audit));
    blocks.extend(traceability::results_read(inputs.verification));
    blocks
}

fn signatures(approvals: &[Approval], missing: &str) -> Block {
    let rows = approvals
        .iter()
        .map(|approval| {
            vec![
                Cell::of(approval.role.clone()),
                Cell::of(approval.name.clone()),
                Cell::of(approval.date.map(|date| date.to_string())),
                Cell::text(""),
            ]
        })
        .collect();
    table(
        &[("Role", 25), ("Name", 25), ("Date", 18), ("Signature", 32)],
        rows,
        Cell::Gap(missing.into()),
    )
}

fn revision_history(record: &Record) -> Vec<Block> {
    let history = record.history;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    if history.uncommitted {
        rows.push(vec![
            Cell::Gap("uncommitted changes".into()),
            Cell::text("-"),
            Cell::text("-"),
            Cell::text(format!("{} differs from its last commit", record.soup_file)),
        ]);
    }
    for revision in history.revisions.iter().flatten() {
        rows.push(vec![
            Cell::text(revision.commit.chars().take(12).collect::<String>()),
            Cell::text(&revision.date),
            Cell::text(&revision.author),
            Cell::text(&revision.subject),
        ]);
    }
    let empty = match history.revisions {
        None => Cell::Gap(format!(
            "{} is not under version control: no revision history",
            record.soup_file
        )),
        Some(_) => Cell::Gap(format!("{} has no commit yet", record.soup_file)),
    };
    vec![
        Block::Section("Revision history".into()),
        Block::Paragraph(format!("The commits of git that changed {}, newest first.", record.soup_file).into()),
        table(
            &[("Commit", 16), ("Date", 14), ("Author", 22), ("Change", 48)],
            rows,
            empty,
        ),
    ]
}

fn purpose_and_scope(inputs: &Inputs) -> Vec<Block> {
    let Inputs {
        soup, graph, record, ..
    } = inputs;
    let project = &soup.project;
    let members: Vec<String> = graph
        .members
        .iter()
        .map(|&member| {
            let name = &graph.packages[member].name;
            format!("{name} (class {})", soup.member_class(name))
        })
        .collect();
    let kinds: Vec<&str> = project.kinds.iter().map(|kind| kind.as_str()).collect();
    vec![
        Block::Section("Purpose and scope".into()),
        Block::Paragraph(
            format!(
                "This record identifies every item of software of unknown provenance (SOUP) in {} and documents its \
             assessment as IEC 62304 requires: identification, requirements, safety class, anomaly and advisory \
             review, verification and post-market surveillance. It is generated by cargo soup from {}, the \
             workspace's Cargo.lock and the advisory data named below.",
                record.project, record.soup_file
            )
            .into(),
        ),
        Block::Fields(vec![
            (
                "Software items (classes)".into(),
                Cell::text(members.join(", ")).or_dash(),
            ),
            (
                "Targets".into(),
                Cell::text(
                    project
                        .targets
                        .as_ref()
                        .map_or_else(|| "every target".to_string(), |targets| targets.join(", ")),
                ),
            ),
            ("Dependency kinds".into(), Cell::text(kinds.join(", "))),
            ("Features".into(), Cell::text(&record.configuration.features)),
            (
                "Required fields".into(),
                Cell::text(format!("require = \"{}\"", project.require.as_str())),
            ),
        ]),
    ]
}

fn references(record: &Record) -> Vec<Block> {
    let rows = [
        ("[1]", "IEC 62304:2006+A1:2015, Medical device software: software life cycle processes"),
        ("[2]", "IEC 62304 clause 4.3 (safety classification), 5.3.3 and 5.3.4 (SOUP requirements), 7.1.2 and 7.1.3 (SOUP anomalies), 8.1.2 (SOUP identification)"),
        ("[3]", "RustSec advisory database, https://rustsec.org"),
        ("[4]", "OSV, the Open Source Vulnerabilities database, https://osv.dev"),
    ]
    .into_iter()
    .map(|(reference, text)| vec![Cell::text(reference), Cell::text(text)])
    .chain(std::iter::once(vec![
        Cell::text("[5]"),
        Cell::text(format!("{}: the SOUP assessments this record renders", record.soup_file)),
    ]))
    .collect();
    vec![
        Block::Section("References".into()),
        table(&[("Ref", 8), ("Document", 92)], rows, Cell::text("-")),
    ]
}

fn definitions() -> Vec<Block> {
    let classes = [
        (
            "A",
            "The software system cannot contribute to a hazardous situation, or it can and the hazardous situation does not result in unacceptable risk after risk control measures external to the software system.",
        ),
        (
            "B",
            "The software system can contribute to a hazardous situation that results in unacceptable risk after risk control measures external to the software system, and the possible harm is non-serious injury.",
        ),
        (
            "C",
            "The software system can contribute to a hazardous situation that results in unacceptable risk after risk control measures external to the software system, and the possible harm is death or serious injury.",
        ),
    ];
    let clauses = [
        (
            "4.3",
            "Software safety classification",
            "Section 3 of each item: class, rationale, inherited class, segregation",
        ),
        (
            "5.3.3",
            "Functional and performance requirements of SOUP",
            "Section 2 of each item",
        ),
        (
            "5.3.4",
            "Hardware and software the SOUP requires",
            "Section 2 (prerequisites) and section 4 (verification)",
        ),
        (
            "5.7.5",
            "Software system test record",
            "Test results; section 4 of each item; appendix: traceability matrix",
        ),
        ("5.3.5", "Segregation", "Section 3 of each item"),
        ("6.1", "Software maintenance plan", "Section 5 of each item"),
        (
            "7.1.2, 7.1.3",
            "Hazards from SOUP; evaluation of published anomaly lists",
            "Section 3 of each item: anomaly review, advisories and dispositions",
        ),
        (
            "5.8.2, 5.8.3",
            "Known residual anomalies",
            "Appendix: residual anomalies",
        ),
        ("8.1.2", "Identification of SOUP", "SOUP list; section 1 of each item"),
        (
            "8.1.1, 8.1.3",
            "Configuration identification",
            "Configuration identification; revision history",
        ),
    ];
    vec![
        Block::Section("Safety classes (IEC 62304 cl. 4.3)".into()),
        table(
            &[("Class", 10), ("Definition", 90)],
            classes
                .iter()
                .map(|(class, text)| vec![Cell::text(*class), Cell::text(*text)])
                .collect(),
            Cell::text("-"),
        ),
        Block::Section("IEC 62304 clauses in this record".into()),
        table(
            &[
                ("Clause", 14),
                ("Requirement", 38),
                ("Where this record answers it", 48),
            ],
            clauses
                .iter()
                .map(|(clause, what, where_)| vec![Cell::text(*clause), Cell::text(*what), Cell::text(*where_)])
                .collect(),
            Cell::text("-"),
        ),
    ]
}

fn configuration(inputs: &Inputs) -> Vec<Block> {
    let configuration = inputs.record.configuration;
    let commit = configuration.commit.as_ref().map(|(commit, dirty)| {
        if *dirty {
            format!("{commit} with uncommitted changes")
        } else {
            commit.clone()
        }
    });
    vec![
        Block::Section("Configuration identification".into()),
        Block::Fields(vec![
            (
                "Workspace commit".into(),
                commit.map_or_else(|| Cell::Gap("not under version control".into()), Cell::Text),
            ),
            (
                "Cargo.lock SHA-256".into(),
                Cell::of(configuration.lockfile_sha256.clone()),
            ),
            (
                format!("{} SHA-256", inputs.record.soup_file).into(),
                Cell::of(configuration.soup_toml_sha256.clone()),
            ),
            (
                "cargo-soup".into(),
                Cell::text(concat!("cargo-soup ", env!("CARGO_PKG_VERSION"))),
            ),
            ("rustc".into(), Cell::of(configuration.rustc.clone())),
        ]),
    ]
}

fn advisory_data(audit: &AuditReport) -> Vec<Block> {
    let rows = audit
        .advisory_data
        .iter()
        .map(|data| advisory_data_row(data, audit))
        .collect();
    vec![
        Block::Section("Advisory data".into()),
        table(
            &[
                ("Source", 12),
                ("Location", 28),
                ("Fetched", 17),
                ("Digest or commit", 21),
                ("Newest", 13),
                ("Count", 9),
            ],
            rows,
            Cell::Gap("none: no advisory data was read".into()),
        ),
        Block::Fields(vec![(
            "Audit".into(),
            Cell::text(format!(
                "{} SOUP items, {} assessed, {} covered; {} errors, {} warnings",
                audit.items,
                audit.assessed,
                audit.covered,
                audit.count(Level::Deny),
                audit.count(Level::Warn)
            )),
        )]),
    ]
}

fn advisory_data_row(data: &AdvisoryData, audit: &AuditReport) -> Vec<Cell> {
    let provenance = &data.provenance;
    if data.skipped {
        let why = data.reason.clone().unwrap_or_else(|| "switched off".into());
        return vec![
            Cell::text(data.title()),
            Cell::Gap(format!("not checked: {why}")),
            Cell::text("-"),
            Cell::text("-"),
            Cell::text("-"),
            Cell::text("-"),
        ];
    }
    let location = provenance.url.clone().or_else(|| data.location.clone());
    let digest = match (&provenance.sha256, &provenance.commit) {
        (Some(sha256), _) => format!("SHA-256 {sha256}"),
        (None, Some(commit)) => format!("commit {commit}"),
        (None, None) => "-".into(),
    };
    let newest = provenance.newest.map_or_else(
        || "-".to_string(),
        |date| format!("{date}\n{} days old", audit.as_of.days() - date.days()),
    );
    let count = if data.source == "registry-index" {
        "asked per crate".to_string()
    } else {
        data.advisories.to_string()
    };
    vec![
        Cell::text(data.title()),
        Cell::of(location),
        Cell::text(
            provenance
                .fetched
                .clone()
                .unwrap_or_else(|| "- (a folder given)".into()),
        ),
        Cell::text(digest),
        Cell::text(newest),
        Cell::text(count),
    ]
}

fn soup_list(inputs: &Inputs) -> Vec<Block> {
    let entries: std::collections::HashMap<String, &Entry> = inputs
        .soup
        .entries
        .iter()
        .map(|entry| (entry.key.to_string(), entry))
        .collect();
    let rows = inputs
        .inventory
        .items
        .iter()
        .map(|item| {
            let assessing = item.entry.or_else(|| entries.get(item.covered_by.as_deref()?).copied());
            vec![
                Cell::text(&item.package.name),
                Cell::text(item.package.version.to_string()),
                Cell::text(item.package.source.display()),
                Cell::text(license_text(item.package)),
                Cell::text(item.class.to_string()),
                Cell::text(item.status.as_str()),
                match (&item.entry, &item.covered_by) {
                    (Some(entry), _) => Cell::text(entry.table_name()),
                    (None, Some(parent)) => Cell::text(format!("covered by {parent}")),
                    (None, None) => Cell::missing(),
                },
                Cell::text(item.reached_from.join(", ")),
                Cell::of(assessing.and_then(|entry| entry.anomalies.reviewed)),
            ]
        })
        .collect();
    vec![
        Block::Part("SOUP list".into()),
        table(
            &[
                ("SOUP item", 14),
                ("Version", 9),
                ("Source", 11),
                ("Licence", 14),
                ("Class", 7),
                ("Status", 11),
                ("Assessed in", 13),
                ("Used by", 10),
                ("Last reviewed", 11),
            ],
            rows,
            Cell::text("no SOUP items"),
        ),
    ]
}

/// What every item page needs of the audit, worked out once.
struct Shared<'a> {
    findings: FindingsByItem<'a>,
    /// What a crates.io item's page says when no advisory touches it.
    review: Cell,
}

/// "advisory review NOT PERFORMED" and why, or which data found nothing.
fn advisory_review(audit: &AuditReport) -> Cell {
    match audit.advisory_review_gap() {
        Some(gap) => Cell::Gap(format!("advisory review NOT PERFORMED: {gap}")),
        None => Cell::text(format!(
            "No advisory in the data used ({}) affects this item.",
            checked_sources(audit)
        )),
    }
}

/// The audit's findings by the item they are on, looked up once per item page.
struct FindingsByItem<'a> {
    by_item: std::collections::HashMap<(&'a str, &'a str), Vec<&'a Finding>>,
}

impl<'a> FindingsByItem<'a> {
    fn new(audit: &'a AuditReport) -> Self {
        let mut by_item: std::collections::HashMap<(&str, &str), Vec<&Finding>> = Default::default();
        for finding in &audit.findings {
            if let (Some(name), Some(version)) = (&finding.krate, &finding.version) {
                by_item.entry((name, version)).or_default().push(finding);
            }
        }
        Self { by_item }
    }

    /// The findings on an item and the crates its entry covers.
    fn on(&self, assessed: &[&SoupItem]) -> Vec<&'a Finding> {
        assessed
            .iter()
            .flat_map(|item| {
                let version = item.package.version.to_string();
                self.by_item
                    .get(&(item.package.name.as_str(), version.as_str()))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect()
    }
}

fn finding_line(finding: &Finding) -> String {
    format!(
        "{} {} (cl. {}): {}",
        finding.level.report_name(),
        finding.code.as_str(),
        finding.code.clause(),
        finding.problem()
    )
}

fn item_blocks(item: &SoupItem, inputs: &Inputs, shared: &Shared) -> Vec<Block> {
    let covered: Vec<&SoupItem> = item
        .entry
        .map_or_else(Vec::new, |entry| inputs.inventory.covered_by(entry).collect());
    let assessed: Vec<&SoupItem> = std::iter::once(item).chain(covered.iter().copied()).collect();
    let findings = shared.findings.on(&assessed);
    let errors = findings.iter().filter(|finding| finding.level == Level::Deny).count();
    let status = match findings.len() {
        0 => format!("{}: no open findings", item.status.as_str().to_uppercase()),
        open => format!(
            "{}: {open} open finding{} ({errors} error{})",
            item.status.as_str().to_uppercase(),
            if open == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" }
        ),
    };
    let page = ItemPage {
        item,
        entry: item.entry,
        covered: &covered,
        findings: &findings,
        inputs,
        review: &shared.review,
    };
    let mut blocks = vec![Block::Item {
        anchor: format!("{}-{}", item.package.name, item.package.version),
        title: format!("{} {}", item.package.name, item.package.version),
        status,
        open: findings.iter().map(|finding| finding_line(finding)).collect(),
    }];
    blocks.extend(page.identification());
    blocks.extend(page.requirements());
    blocks.extend(page.risk());
    blocks.extend(page.advisories(&assessed));
    blocks.extend(page.verification());
    blocks.extend(page.surveillance());
    blocks.push(Block::Heading("Approvals".into()));
    blocks.push(signatures(
        item.entry.map_or(&[][..], |entry| &entry.approvals),
        "MISSING: not approved",
    ));
    if let Some(marks) = page.marks_on("approvals") {
        blocks.push(Block::Fields(vec![("Approval".into(), marks)]));
    }
    blocks
}

/// One item's page: the item, its entry, what the entry covers and the findings on
/// them.
struct ItemPage<'p> {
    item: &'p SoupItem<'p>,
    entry: Option<&'p Entry>,
    covered: &'p [&'p SoupItem<'p>],
    findings: &'p [&'p Finding],
    inputs: &'p Inputs<'p>,
    review: &'p Cell,
}

impl ItemPage<'_> {
    fn entry_field(&self, get: &dyn Fn(&Entry) -> Option<String>) -> Cell {
        Cell::of(self.entry.and_then(get))
    }

    fn mark(&self, cell: Cell, field: &str) -> Cell {
        cell.marked(field, self.findings)
    }

    /// The marks on a field the page shows no value of.
    fn marks_on(&self, field: &str) -> Option<Cell> {
        match Cell::text("").marked(field, self.findings) {
            Cell::Marked { marks, .. } => Some(Cell::Marked {
                text: String::new(),
                marks,
            }),
            _ => None,
        }
    }

    fn identification(&self) -> Vec<Block> {
        let package = self.item.package;
        let mut fields = vec![
            ("Name".into(), Cell::text(&package.name)),
            (
                "Version (locked)".into(),
                self.mark(Cell::text(package.version.to_string()), "version"),
            ),
            (
                "Version (assessed)".into(),
                self.entry_field(&|entry| entry.version.as_ref().map(ToString::to_string)),
            ),
            (
                "Source".into(),
                self.mark(Cell::text(package.source.display()), "commit"),
            ),
            (
                "Checksum".into(),
                self.mark(Cell::of(package.checksum.clone()), "checksum"),
            ),
            (
                "Licence".into(),
                self.mark(Cell::text(license_text(package)), "license"),
            ),
            (
                "Vendor".into(),
                self.entry_field(&|entry| entry.vendor.clone())
                    .or(Cell::of(vendor(package))),
            ),
            ("Used by".into(), Cell::text(self.item.reached_from.join(", "))),
            ("Notes".into(), Cell::text(notes(self.item).join("; ")).or_dash()),
        ];
        if let Some(provenance) = self.entry.and_then(|entry| self.inputs.soup.provenance(entry)) {
            fields.push(("Imported".into(), Cell::text(provenance)));
        }
        if !self.covered.is_empty() {
            let names: Vec<String> = self
                .covered
                .iter()
                .map(|other| format!("{} {}", other.package.name, other.package.version))
                .collect();
            fields.push(("Covers".into(), self.mark(Cell::text(names.join(", ")), "covers")));
        }
        vec![Block::Heading("1. Identification".into()), Block::Fields(fields)]
    }

    fn requirements(&self) -> Vec<Block> {
        let rows = self
            .entry
            .map(|entry| {
                entry
                    .requirements
                    .iter()
                    .map(|requirement| {
                        let verified =
                            Cell::of((!requirement.verified_by.is_empty()).then(|| requirement.verified_by.join(", ")));
                        let verified = self.mark_requirement(verified, requirement);
                        vec![
                            Cell::of(requirement.id.clone()),
                            Cell::of(requirement.kind.map(|kind| kind.as_str())),
                            Cell::of(requirement.text.clone()),
                            verified,
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default();
        vec![
            Block::Heading("2. Intended use and requirements".into()),
            table(
                &[("Id", 15), ("Kind", 12), ("Requirement", 45), ("Verified by", 28)],
                rows,
                Cell::Gap("MISSING: no requirements recorded".into()),
            ),
            Block::Fields(vec![(
                "Prerequisites (hardware, software)".into(),
                self.entry_field(&|entry| entry.prerequisites.clone()),
            )]),
        ]
    }

    /// The NOT FOUND marks of one requirement's `verified-by`: the findings that point
    /// at it.
    fn mark_requirement(&self, cell: Cell, requirement: &Requirement) -> Cell {
        let at = requirement
            .verified_by_location
            .as_ref()
            .unwrap_or(&requirement.location);
        let own: Vec<&Finding> = self
            .findings
            .iter()
            .copied()
            .filter(|finding| finding.location.as_ref() == Some(at))
            .collect();
        cell.marked("requirements.verified-by", &own)
    }

    fn risk(&self) -> Vec<Block> {
        let item = self.item;
        vec![
            Block::Heading("3. Risk and anomaly review".into()),
            Block::Fields(vec![
                (
                    "Class (declared)".into(),
                    self.mark(
                        self.entry_field(&|entry| entry.class.map(|class| class.to_string())),
                        "class",
                    ),
                ),
                (
                    "Class rationale".into(),
                    self.entry_field(&|entry| entry.class_rationale.clone()),
                ),
                (
                    "Class (inherited)".into(),
                    Cell::text(format!("{}, from {}", item.class, item.reached_from.join(", "))),
                ),
                (
                    "Segregation".into(),
                    Cell::text(
                        self.entry
                            .and_then(|entry| entry.segregation.clone())
                            .unwrap_or_else(|| "-".into()),
                    ),
                ),
                (
                    "Anomalies reviewed".into(),
                    self.mark(
                        self.entry_field(&|entry| entry.anomalies.reviewed.map(|date| date.to_string())),
                        "anomalies.reviewed",
                    ),
                ),
                (
                    "Reviewed by".into(),
                    self.entry_field(&|entry| entry.anomalies.by.clone()),
                ),
                (
                    "Sources".into(),
                    self.entry_field(&|entry| {
                        (!entry.anomalies.sources.is_empty()).then(|| entry.anomalies.sources.join(", "))
                    }),
                ),
                (
                    "Summary".into(),
                    self.entry_field(&|entry| entry.anomalies.summary.clone()),
                ),
            ]),
        ]
    }

    /// The advisories on the item and what it covers, as the verdicts decided them, or
    /// why no advisory review was done.
    fn advisories(&self, assessed: &[&SoupItem]) -> Vec<Block> {
        let inputs = self.inputs;
        let touching = on_items(inputs.verdicts, inputs.inventory, assessed);
        let rows = touching
            .iter()
            .map(|verdict| {
                let on = &inputs.inventory.items[verdict.item];
                advisory_row(verdict, on)
            })
            .collect();
        let empty = if is_checked(self.item) {
            self.review.clone()
        } else {
            Cell::Gap(
                "advisory review NOT PERFORMED: not a crates.io package, so no advisory database covers it; \
                 the anomaly review above is the only one"
                    .into(),
            )
        };
        vec![
            Block::Paragraph("Advisories (RustSec, OSV) on this item and the crates it covers:".into()),
            table(
                &[
                    ("Advisory", 17),
                    ("Crate", 11),
                    ("Kind, severity", 14),
                    ("Title", 21),
                    ("Fixed in", 10),
                    ("Disposition", 27),
                ],
                rows,
                empty,
            ),
        ]
    }

    fn verification(&self) -> Vec<Block> {
        vec![
            Block::Heading("4. Verification strategy".into()),
            Block::Fields(vec![(
                "Method".into(),
                self.entry_field(&|entry| entry.verification_method.clone()),
            )]),
            Block::Heading("Traceability matrix".into()),
            traceability::item_matrix(self.entry, self.inputs.verification),
        ]
    }

    /// What the registry says of the locked version, or why nothing is known.
    fn registry_facts(&self) -> Cell {
        let package = self.item.package;
        if !is_checked(self.item) || package.source.is_toolchain() {
            return Cell::text("not a crates.io package");
        }
        let key = (package.name.clone(), package.version.to_string());
        let asked = self
            .inputs
            .audit
            .advisory_data
            .iter()
            .find(|data| data.source == "registry-index")
            .filter(|data| !data.skipped)
            .and_then(|data| data.location.as_deref());
        match (self.inputs.registry.and_then(|facts| facts.get(&key)), asked) {
            (Some(facts), _) => Cell::text(facts.summary()),
            (None, Some(crate::facts::LOCAL_INDEX_CACHE)) => {
                Cell::text("not known: offline, and no local copy of the crate's index record")
            }
            (None, Some(_)) => Cell::text("not known: the index has no record of the crate"),
            (None, None) => Cell::text("not known: the index was not asked (offline, nothing kept)"),
        }
    }

    fn surveillance(&self) -> Vec<Block> {
        let soup = self.inputs.soup;
        let own = self.entry.map(|entry| &entry.surveillance);
        let default = &soup.project.surveillance;
        let pick = |get: &dyn Fn(&crate::sidecar::Surveillance) -> Option<String>| {
            Cell::of(own.and_then(get).or_else(|| get(default)))
        };
        let support = pick(&|s| s.support.map(|support| support.as_str().to_string()));
        let end = match pick(&|s| s.end_of_support.map(|date| date.to_string())) {
            Cell::Gap(_) => Cell::text("not announced"),
            known => known,
        };
        vec![
            Block::Heading("5. Post-market surveillance".into()),
            Block::Fields(vec![
                ("Monitoring".into(), pick(&|s| s.monitoring.clone())),
                ("Role".into(), pick(&|s| s.role.clone())),
                (
                    "Interval".into(),
                    Cell::text(soup.project.review_interval_of(own.unwrap_or(default)).to_string()),
                ),
                (
                    "Triggers".into(),
                    pick(&|s| s.triggers.as_ref().map(|triggers| triggers.join("; "))),
                ),
                ("Update strategy".into(), pick(&|s| s.update_strategy.clone())),
                (
                    "Obsolescence".into(),
                    self.mark(pick(&|s| s.obsolescence.clone()), "surveillance.obsolescence"),
                ),
                ("Registry".into(), self.registry_facts()),
                ("Level of support".into(), self.mark(support, "surveillance.support")),
                ("End of support".into(), self.mark(end, "surveillance.end-of-support")),
            ]),
        ]
    }
}

/// The databases that were checked, with their sizes: `RustSec 12, OSV 14`.
fn checked_sources(audit: &AuditReport) -> String {
    audit
        .advisory_data
        .iter()
        .filter(|data| !data.skipped && data.source != "registry-index")
        .map(|data| format!("{}, {} advisories", data.title(), data.advisories))
        .collect::<Vec<_>>()
        .join("; ")
}

fn advisory_row(verdict: &AdvisoryVerdict, on: &SoupItem) -> Vec<Cell> {
    let advisory = &verdict.advisory;
    let names = std::iter::once(advisory.id.as_str())
        .chain(advisory.aliases.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("\n");
    let mut kind = advisory.kind.as_str().to_string();
    if let Some(severity) = &advisory.severity {
        write!(kind, "\n{severity}").ok();
    }
    let mut title = advisory.title.clone();
    if let Some(cvss) = &advisory.cvss {
        write!(title, "\n`{cvss}`").ok();
    }
    let patched = advisory.affects.patched();
    vec![
        Cell::text(names),
        Cell::text(format!("{} {}", on.package.name, on.package.version)),
        Cell::text(kind),
        Cell::text(title),
        Cell::text(if patched.is_empty() {
            "no fixed version".to_string()
        } else {
            patched.join("\n")
        }),
        disposition_cell(verdict),
    ]
}

/// A disposition in full: status and justification, rationale, mitigation, who
/// reviewed it when, and until when it holds.
fn disposition_text(disposition: &Disposition) -> String {
    let mut text = disposition.status.as_str().to_string();
    if let Some(justification) = disposition.justification {
        write!(text, " ({justification})").ok();
    }
    for (label, value) in [
        ("Rationale", &disposition.rationale),
        ("Mitigation", &disposition.mitigation),
    ] {
        if let Some(value) = value.as_deref().filter(|value| !value.is_empty()) {
            write!(text, "\n{label}: {value}").ok();
        }
    }
    match (disposition.reviewed, &disposition.by) {
        (Some(date), Some(by)) => write!(text, "\nReviewed {date} by {by}").unwrap_or(()),
        (Some(date), None) => write!(text, "\nReviewed {date}").unwrap_or(()),
        (None, Some(by)) => write!(text, "\nReviewed by {by}").unwrap_or(()),
        (None, None) => {}
    }
    if let Some(expires) = disposition.expires {
        write!(text, "\nExpires {expires}").ok();
    }
    text
}

/// The disposition column as the verdict decided it: not applicable (and why), the
/// disposition, EXPIRED, or open.
fn disposition_cell(verdict: &AdvisoryVerdict) -> Cell {
    if let Some(reason) = verdict.applicability.reason() {
        return Cell::text(format!("not applicable to the device: {reason}"));
    }
    match verdict.disposition {
        DispositionState::None => Cell::Gap("OPEN: no disposition".into()),
        DispositionState::Valid(disposition) => Cell::Text(disposition_text(disposition)),
        DispositionState::Expired(disposition) => Cell::Marked {
            text: disposition_text(disposition),
            marks: vec![format!(
                "EXPIRED on {}",
                disposition.expires.map(|date| date.to_string()).unwrap_or_default()
            )],
        },
    }
}

/// IEC 62304 cl. 5.8.3: every open finding, and every advisory on the device that a
/// disposition accepts, mitigates or rules out, with that disposition.
fn residual_anomalies(inputs: &Inputs) -> Vec<Block> {
    let item_of = |finding: &Finding| match (&finding.krate, &finding.version) {
        (Some(name), Some(version)) => format!("{name} {version}"),
        (Some(name), None) => name.clone(),
        _ => "the audit".into(),
    };
    let mut rows: Vec<Vec<Cell>> = inputs
        .audit
        .findings
        .iter()
        .map(|finding| {
            vec![
                Cell::text(format!(
                    "{} {}: {}",
                    finding.level.report_name(),
                    finding.code.as_str(),
                    finding.problem()
                )),
                Cell::text(finding.code.clause()),
                Cell::text(item_of(finding)),
                Cell::Gap("open".into()),
            ]
        })
        .collect();
    for verdict in inputs
        .verdicts
        .iter()
        .filter(|verdict| verdict.applicability == Applicability::Applies)
    {
        if let DispositionState::Valid(disposition) = verdict.disposition {
            let on = &inputs.inventory.items[verdict.item];
            rows.push(vec![
                Cell::text(format!("{}: {}", verdict.advisory.id, verdict.advisory.title)),
                Cell::text("7.1.2, 7.1.3"),
                Cell::text(format!("{} {}", on.package.name, on.package.version)),
                Cell::text(disposition_text(disposition)),
            ]);
        }
    }
    vec![
        Block::Part("Appendix: Residual anomalies".into()),
        Block::Paragraph(
            "Every open finding of the audit, and every advisory on the device with the disposition that \
             accepts, mitigates or rules it out (IEC 62304 cl. 5.8.2, 5.8.3)."
                .into(),
        ),
        table(
            &[("Anomaly", 46), ("Clause", 12), ("Item", 14), ("Disposition", 28)],
            rows,
            Cell::text("none: every SOUP item is assessed, current and free of open advisories"),
        ),
    ]
}
