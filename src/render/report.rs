//! `cargo soup report`: the SOUP assessment document for the design history file, built
//! once as blocks and rendered as Markdown or as one self-contained, printable HTML
//! file. Nothing is invented: a field soup.toml lacks shows as a visible gap.

use super::{license_text, notes, vendor};
use crate::audit::AuditReport;
use crate::finding::Level;
use crate::inventory::{Inventory, SoupItem};
use crate::rules::advisories::{AdvisoryVerdict, DispositionState, on_items};
use crate::sidecar::{Entry, SoupFile, Support};
use std::fmt::Write;

/// A value of the document, or the gap where one is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Missing,
}

impl Cell {
    fn of(value: Option<impl ToString>) -> Self {
        value.map_or(Cell::Missing, |value| Cell::Text(value.to_string()))
    }

    fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }
}

#[derive(Debug, Clone)]
pub enum Block {
    Title {
        title: String,
        fields: Vec<(String, Cell)>,
    },
    /// A new SOUP item: a page of its own when printed.
    Item {
        anchor: String,
        title: String,
    },
    Heading(String),
    Fields(Vec<(String, Cell)>),
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<Cell>>,
        empty: String,
    },
    Appendix(String),
}

/// What the document is about.
pub struct Subject<'a> {
    pub project: &'a str,
    pub version: Option<String>,
}

pub fn build(
    subject: &Subject,
    soup: &SoupFile,
    inventory: &Inventory,
    verdicts: &[AdvisoryVerdict],
    audit: &AuditReport,
) -> Vec<Block> {
    let data = if audit.advisory_data.is_empty() {
        "none".to_string()
    } else {
        audit
            .advisory_data
            .iter()
            .map(|data| match (&data.updated, data.skipped) {
                (_, true) if data.why_skipped().is_empty() => format!("{}: not checked (switched off)", data.title()),
                (_, true) => format!("{}: not checked{}", data.title(), data.why_skipped()),
                (Some(updated), false) => format!(
                    "{} ({} advisories, newest {updated}, {} days before {})",
                    data.title(),
                    data.advisories,
                    updated
                        .parse::<crate::date::Date>()
                        .map_or(0, |date| audit.as_of.days() - date.days()),
                    audit.as_of
                ),
                (None, false) if data.source == "registry-index" => format!("{}: asked", data.title()),
                (None, false) => format!("{} ({} advisories)", data.title(), data.advisories),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut blocks = vec![Block::Title {
        title: format!("SOUP assessment: {}", subject.project),
        fields: vec![
            ("Product".into(), Cell::text(subject.project)),
            ("Version".into(), Cell::of(subject.version.clone())),
            ("As of".into(), Cell::text(audit.as_of.to_string())),
            ("Advisory data".into(), Cell::text(data)),
            (
                "Audit".into(),
                Cell::text(format!(
                    "{} SOUP items, {} assessed, {} covered; {} errors, {} warnings",
                    audit.items,
                    audit.assessed,
                    audit.covered,
                    audit.count(Level::Deny),
                    audit.count(Level::Warn)
                )),
            ),
        ],
    }];
    blocks.push(Block::Heading("SOUP list".into()));
    blocks.push(Block::Table {
        headers: [
            "SOUP item",
            "Version",
            "Source",
            "Licence",
            "Class",
            "Status",
            "Assessed in",
        ]
        .map(String::from)
        .to_vec(),
        rows: inventory
            .items
            .iter()
            .map(|item| {
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
                        (None, None) => Cell::Missing,
                    },
                ]
            })
            .collect(),
        empty: "no SOUP items".into(),
    });
    for item in inventory.items.iter().filter(|item| item.covered_by.is_none()) {
        blocks.extend(item_blocks(item, soup, inventory, verdicts));
    }
    blocks.push(Block::Appendix("Open findings".into()));
    blocks.push(Block::Table {
        headers: ["Level", "Code", "Clause", "Crate", "Finding"]
            .map(String::from)
            .to_vec(),
        rows: audit
            .findings
            .iter()
            .map(|finding| {
                let krate = match (&finding.krate, &finding.version) {
                    (Some(name), Some(version)) => format!("{name} {version}"),
                    (Some(name), None) => name.clone(),
                    _ => "-".into(),
                };
                vec![
                    Cell::text(finding.level.report_name()),
                    Cell::text(finding.code.as_str()),
                    Cell::text(finding.code.clause()),
                    Cell::text(krate),
                    Cell::text(&finding.message),
                ]
            })
            .collect(),
        empty: "none: every SOUP item is assessed, current and free of open advisories".into(),
    });
    blocks
}

fn item_blocks(item: &SoupItem, soup: &SoupFile, inventory: &Inventory, verdicts: &[AdvisoryVerdict]) -> Vec<Block> {
    let package = item.package;
    let entry = item.entry;
    let field = |value: Option<String>| Cell::of(value);
    let from_entry = |get: &dyn Fn(&Entry) -> Option<String>| Cell::of(entry.and_then(get));
    let covered: Vec<&SoupItem> = entry.map_or_else(Vec::new, |entry| inventory.covered_by(entry).collect());
    let mut blocks = vec![Block::Item {
        anchor: format!("{}-{}", package.name, package.version),
        title: format!("{} {}", package.name, package.version),
    }];

    blocks.push(Block::Heading("1. Identification".into()));
    let mut identification = vec![
        ("Name".into(), Cell::text(&package.name)),
        ("Version (locked)".into(), Cell::text(package.version.to_string())),
        (
            "Version (assessed)".into(),
            from_entry(&|entry| entry.version.as_ref().map(ToString::to_string)),
        ),
        ("Source".into(), Cell::text(package.source.display())),
        ("Checksum".into(), field(package.checksum.clone())),
        ("Licence".into(), Cell::text(license_text(package))),
        (
            "Vendor".into(),
            from_entry(&|entry| entry.vendor.clone()).or(Cell::of(vendor(package))),
        ),
        ("Notes".into(), Cell::text(notes(item).join("; ")).or_dash()),
    ];
    if !covered.is_empty() {
        let names: Vec<String> = covered
            .iter()
            .map(|other| format!("{} {}", other.package.name, other.package.version))
            .collect();
        identification.push(("Covers".into(), Cell::text(names.join(", "))));
    }
    blocks.push(Block::Fields(identification));

    blocks.push(Block::Heading("2. Intended use and requirements".into()));
    blocks.push(Block::Table {
        headers: ["Id", "Kind", "Requirement", "Verified by"].map(String::from).to_vec(),
        rows: entry
            .map(|entry| {
                entry
                    .requirements
                    .iter()
                    .map(|requirement| {
                        vec![
                            Cell::of(requirement.id.clone()),
                            Cell::of(requirement.kind.map(|kind| {
                                serde_json::to_value(kind)
                                    .ok()
                                    .and_then(|v| v.as_str().map(String::from))
                                    .unwrap_or_default()
                            })),
                            Cell::of(requirement.text.clone()),
                            Cell::of((!requirement.verified_by.is_empty()).then(|| requirement.verified_by.join(", "))),
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default(),
        empty: "MISSING: no requirements recorded".into(),
    });
    blocks.push(Block::Fields(vec![(
        "Prerequisites (hardware, software)".into(),
        from_entry(&|entry| entry.prerequisites.clone()),
    )]));

    blocks.push(Block::Heading("3. Risk and anomaly review".into()));
    blocks.push(Block::Fields(vec![
        (
            "Class (declared)".into(),
            from_entry(&|entry| entry.class.map(|class| class.to_string())),
        ),
        (
            "Class rationale".into(),
            from_entry(&|entry| entry.class_rationale.clone()),
        ),
        (
            "Class (inherited)".into(),
            Cell::text(format!("{}, from {}", item.class, item.reached_from.join(", "))),
        ),
        (
            "Segregation".into(),
            Cell::text(
                entry
                    .and_then(|entry| entry.segregation.clone())
                    .unwrap_or_else(|| "-".into()),
            ),
        ),
        (
            "Anomalies reviewed".into(),
            from_entry(&|entry| entry.anomalies.reviewed.map(|date| date.to_string())),
        ),
        ("Reviewed by".into(), from_entry(&|entry| entry.anomalies.by.clone())),
        (
            "Sources".into(),
            from_entry(&|entry| (!entry.anomalies.sources.is_empty()).then(|| entry.anomalies.sources.join(", "))),
        ),
        ("Summary".into(), from_entry(&|entry| entry.anomalies.summary.clone())),
    ]));
    let assessed: Vec<&SoupItem> = std::iter::once(item).chain(covered.iter().copied()).collect();
    let touching: Vec<(&SoupItem, &AdvisoryVerdict)> = on_items(verdicts, inventory, &assessed)
        .into_iter()
        .map(|verdict| (&inventory.items[verdict.item], verdict))
        .collect();
    blocks.push(Block::Table {
        headers: ["Advisory", "Crate", "Kind", "Title", "Disposition"]
            .map(String::from)
            .to_vec(),
        rows: touching
            .iter()
            .map(|(assessed, verdict)| {
                let advisory = &verdict.advisory;
                let names = std::iter::once(advisory.id.as_str())
                    .chain(advisory.aliases.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(", ");
                vec![
                    Cell::text(names),
                    Cell::text(format!("{} {}", assessed.package.name, assessed.package.version)),
                    Cell::text(advisory.kind.as_str()),
                    Cell::text(&advisory.title),
                    disposition_cell(verdict),
                ]
            })
            .collect(),
        empty: "No advisory in the data used affects this item.".into(),
    });

    blocks.push(Block::Heading("4. Verification strategy".into()));
    blocks.push(Block::Fields(vec![(
        "Method".into(),
        from_entry(&|entry| entry.verification_method.clone()),
    )]));

    blocks.push(Block::Heading("5. Post-market surveillance".into()));
    let own = entry.map(|entry| &entry.surveillance);
    let default = &soup.project.surveillance;
    let pick = |get: &dyn Fn(&crate::sidecar::Surveillance) -> Option<String>| {
        Cell::of(own.and_then(get).or_else(|| get(default)))
    };
    blocks.push(Block::Fields(vec![
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
        ("Obsolescence".into(), pick(&|s| s.obsolescence.clone())),
        (
            "Level of support".into(),
            pick(&|s| {
                s.support.map(|support| {
                    match support {
                        Support::Active => "active",
                        Support::Limited => "limited",
                        Support::None => "none",
                    }
                    .to_string()
                })
            }),
        ),
        (
            "End of support".into(),
            Cell::text(pick(&|s| s.end_of_support.map(|date| date.to_string())).text_or("not announced")),
        ),
    ]));

    blocks.push(Block::Heading("Approvals".into()));
    blocks.push(Block::Table {
        headers: ["Role", "Name", "Date"].map(String::from).to_vec(),
        rows: entry
            .map(|entry| {
                entry
                    .approvals
                    .iter()
                    .map(|approval| {
                        vec![
                            Cell::of(approval.role.clone()),
                            Cell::of(approval.name.clone()),
                            Cell::of(approval.date.map(|date| date.to_string())),
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default(),
        empty: "MISSING: not approved".into(),
    });
    blocks
}

impl Cell {
    fn or(self, other: Cell) -> Cell {
        match self {
            Cell::Missing => other,
            text => text,
        }
    }

    /// An empty text is shown as a dash: nothing to say, not a gap.
    fn or_dash(self) -> Cell {
        match self {
            Cell::Text(text) if text.is_empty() => Cell::text("-"),
            other => other,
        }
    }

    fn text_or(self, default: &str) -> String {
        match self {
            Cell::Text(text) => text,
            Cell::Missing => default.to_string(),
        }
    }
}

const GAP: &str = "MISSING";

/// The disposition column as the verdict decided it: not applicable (and why), the
/// disposition, EXPIRED, or a gap.
fn disposition_cell(verdict: &AdvisoryVerdict) -> Cell {
    if let Some(reason) = verdict.applicability.reason() {
        return Cell::text(format!("not applicable to the device: {reason}"));
    }
    let described = |disposition: &crate::sidecar::Disposition| {
        let mut text = disposition.status.as_str().to_string();
        if let Some(rationale) = &disposition.rationale {
            write!(text, ": {rationale}").ok();
        }
        text
    };
    match verdict.disposition {
        DispositionState::None => Cell::Missing,
        DispositionState::Valid(disposition) => {
            let mut text = described(disposition);
            if let Some(expires) = disposition.expires {
                write!(text, " (until {expires})").ok();
            }
            Cell::Text(text)
        }
        DispositionState::Expired(disposition) => Cell::Text(format!(
            "EXPIRED on {}: {}",
            disposition.expires.map(|date| date.to_string()).unwrap_or_default(),
            described(disposition)
        )),
    }
}

fn markdown_cell(cell: &Cell) -> std::borrow::Cow<'_, str> {
    match cell {
        Cell::Text(text) if !text.contains(['|', '\n']) => text.into(),
        Cell::Text(text) => text.replace('|', "\\|").replace('\n', " ").into(),
        Cell::Missing => format!("**{GAP}**").into(),
    }
}

pub fn markdown(blocks: &[Block]) -> String {
    let mut text = String::new();
    for block in blocks {
        match block {
            Block::Title { title, fields } => {
                writeln!(text, "# {title}\n").ok();
                for (label, cell) in fields {
                    writeln!(text, "- **{label}:** {}", markdown_cell(cell)).ok();
                }
                text.push('\n');
            }
            Block::Item { title, .. } => {
                writeln!(text, "---\n\n## {title}\n").ok();
            }
            Block::Heading(heading) => writeln!(text, "### {heading}\n").unwrap_or(()),
            Block::Appendix(heading) => writeln!(text, "---\n\n## Appendix: {heading}\n").unwrap_or(()),
            Block::Fields(fields) => {
                for (label, cell) in fields {
                    writeln!(text, "- **{label}:** {}", markdown_cell(cell)).ok();
                }
                text.push('\n');
            }
            Block::Table { headers, rows, empty } => {
                if rows.is_empty() {
                    writeln!(text, "_{empty}_\n").ok();
                    continue;
                }
                writeln!(text, "| {} |", headers.join(" | ")).ok();
                writeln!(text, "|{}", " --- |".repeat(headers.len())).ok();
                for row in rows {
                    let cells: Vec<_> = row.iter().map(markdown_cell).collect();
                    writeln!(text, "| {} |", cells.join(" | ")).ok();
                }
                text.push('\n');
            }
        }
    }
    super::printable(&text).into_owned()
}

/// HTML-escaped text, control characters shown (see `printable`); most text needs
/// nothing, and then nothing is copied.
fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    let text = super::printable(text);
    if !text.contains(['&', '<', '>', '"']) {
        return text;
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            c => escaped.push(c),
        }
    }
    escaped.into()
}

fn html_cell(cell: &Cell) -> std::borrow::Cow<'_, str> {
    match cell {
        Cell::Text(text) => escape(text),
        Cell::Missing => format!("<span class=\"gap\">{GAP}</span>").into(),
    }
}

const STYLE: &str = "
body { font: 10.5pt/1.45 -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif; color: #1a1a1a; margin: 2em auto; max-width: 60em; padding: 0 1em; }
h1 { font-size: 1.7em; margin-bottom: .3em; } h2 { font-size: 1.35em; border-bottom: 2px solid #2b5d8a; padding-bottom: .2em; margin-top: 2em; }
h3 { font-size: 1.05em; color: #2b5d8a; margin: 1.2em 0 .4em; }
dl { display: grid; grid-template-columns: 14em 1fr; gap: .2em 1em; margin: 0 0 .6em; } dt { font-weight: 600; color: #444; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .3em 0 .8em; font-size: .92em; } th, td { border: 1px solid #c8c8c8; padding: .25em .45em; text-align: left; vertical-align: top; }
th { background: #eef3f8; } tr { break-inside: avoid; } thead { display: table-header-group; }
.gap { color: #b00020; font-weight: 700; } .empty { color: #555; font-style: italic; }
@page { size: A4; margin: 18mm 15mm 16mm; @top-center { content: RUNNING_TITLE; font-size: 8pt; color: #555; } @bottom-right { content: counter(page) ' / ' counter(pages); font-size: 8pt; color: #555; } }
@media print { body { margin: 0; max-width: none; padding: 0; font-size: 9.5pt; } .item, .appendix { break-before: page; } h2 { margin-top: 0; } }
";

/// One self-contained HTML file: inline CSS, no scripts, no external resources; printed
/// on A4 each SOUP item starts a page and every page carries the document's title.
pub fn html(blocks: &[Block]) -> String {
    let title = blocks
        .iter()
        .find_map(|block| match block {
            Block::Title { title, .. } => Some(title.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "SOUP assessment".into());
    // The title repeats at the top of every printed page, as a CSS string.
    let running = format!(
        "\"{}\"",
        title.replace('\\', "\\\\").replace('"', "\\\"").replace('<', "\\3C ")
    );
    let style = STYLE.replace("RUNNING_TITLE", &running);
    let mut text = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{style}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let mut open_section = false;
    for block in blocks {
        match block {
            Block::Title { title, fields } => {
                writeln!(text, "<h1>{}</h1>", escape(title)).ok();
                text.push_str(&html_fields(fields));
            }
            Block::Item { anchor, title } => {
                if open_section {
                    text.push_str("</section>\n");
                }
                open_section = true;
                writeln!(
                    text,
                    "<section class=\"item\" id=\"{}\">\n<h2>{}</h2>",
                    escape(anchor),
                    escape(title)
                )
                .ok();
            }
            Block::Appendix(heading) => {
                if open_section {
                    text.push_str("</section>\n");
                }
                open_section = true;
                writeln!(
                    text,
                    "<section class=\"appendix\">\n<h2>Appendix: {}</h2>",
                    escape(heading)
                )
                .ok();
            }
            Block::Heading(heading) => writeln!(text, "<h3>{}</h3>", escape(heading)).unwrap_or(()),
            Block::Fields(fields) => text.push_str(&html_fields(fields)),
            Block::Table { headers, rows, empty } => {
                if rows.is_empty() {
                    let class = if empty.starts_with(GAP) { "gap" } else { "empty" };
                    writeln!(text, "<p class=\"{class}\">{}</p>", escape(empty)).ok();
                    continue;
                }
                text.push_str("<table>\n<thead><tr>");
                for header in headers {
                    write!(text, "<th>{}</th>", escape(header)).ok();
                }
                text.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    text.push_str("<tr>");
                    for cell in row {
                        write!(text, "<td>{}</td>", html_cell(cell)).ok();
                    }
                    text.push_str("</tr>\n");
                }
                text.push_str("</tbody>\n</table>\n");
            }
        }
    }
    if open_section {
        text.push_str("</section>\n");
    }
    text.push_str("</body>\n</html>\n");
    text
}

fn html_fields(fields: &[(String, Cell)]) -> String {
    let mut text = String::from("<dl>\n");
    for (label, cell) in fields {
        writeln!(text, "<dt>{}</dt><dd>{}</dd>", escape(label), html_cell(cell)).ok();
    }
    text.push_str("</dl>\n");
    text
}
