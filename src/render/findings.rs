//! `audit --format human|json|sarif|github`: the same report for people, programs, code
//! scanning and pull-request annotations.

use crate::audit::AuditReport;
use crate::diagnostic::{Excerpt, Message, Severity, char_span, render, wrap};
use crate::finding::{AdvisoryRef, Code, Finding, Level};
use crate::location::{Location, SourceMap};
use anyhow::Result;
use serde::Serialize;
use serde_json::json;
use std::fmt::Write;

/// Every finding as rustc shows an error: the problem, where it is with the line of
/// soup.toml or Cargo.lock (from `sources`, when the file is there), the next step as
/// `= help:`, the IEC 62304 clause and the advisory as `= note:`; then a tally per check
/// and the summary line.
/// `shown` picks the findings printed (`--status`); the tally and the summary count all.
/// What the human output shows beside the findings: the lines they point at, and for an
/// advisory the path from a workspace member to its crate, by crate name and version.
#[derive(Default)]
pub struct Context<'a> {
    pub sources: Vec<&'a SourceMap>,
    pub paths: std::collections::HashMap<(String, String), String>,
}

pub fn human(report: &AuditReport, context: &Context, color: bool, shown: &dyn Fn(&Finding) -> bool) -> String {
    let mut text = diagnostics(report, context, color, shown);
    text.push_str(&tally(report));
    let (verdict, data) = summary(report, color);
    writeln!(text, "{verdict}\n{}", data.join("\n")).ok();
    text
}

/// The findings alone, each followed by a blank line (what `-q` prints).
pub fn diagnostics(report: &AuditReport, context: &Context, color: bool, shown: &dyn Fn(&Finding) -> bool) -> String {
    let mut text = String::new();
    for finding in report.findings.iter().filter(|finding| shown(finding)) {
        text.push_str(&diagnostic(finding, context, color));
        text.push_str("\n\n");
    }
    text
}

fn diagnostic(finding: &Finding, context: &Context, color: bool) -> String {
    let headline = super::printable(finding.problem());
    let advice = finding
        .message
        .split_once("; ")
        .map(|(_, advice)| super::printable(advice));
    let line = finding.location.as_ref().and_then(|location| {
        let source = context.sources.iter().find(|source| source.file == location.file)?;
        Some(super::printable(source.line_text(location.line)))
    });
    let excerpt = match (&finding.location, &line) {
        (Some(location), Some(line)) => {
            let width = line.chars().skip(location.column.saturating_sub(1)).count();
            Some(Excerpt {
                line_text: line,
                span: char_span(line, location.column, width.max(1)),
                label: finding.mark.as_ref().map(|mark| mark.text.as_str()),
            })
        }
        _ => None,
    };
    let mut notes = vec![format!("IEC 62304 {}", finding.code.clause())];
    if let Some(advisory) = &finding.advisory {
        notes.extend(advisory_notes(advisory));
        let key = (
            finding.krate.clone().unwrap_or_default(),
            finding.version.clone().unwrap_or_default(),
        );
        if let Some(path) = context.paths.get(&key) {
            notes.push(format!("dependency path: {}", super::printable(path)));
        }
    }
    let message = Message {
        severity: match finding.level {
            Level::Deny => Severity::Error,
            _ => Severity::Warning,
        },
        code: Some(finding.code.as_str()),
        headline: &headline,
        location: finding.location.as_ref(),
        excerpt,
        help: advice.as_deref(),
        notes,
    };
    render(&message, color)
}

/// The advisory: its ids, severity and page, and the versions that fix it.
fn advisory_notes(advisory: &AdvisoryRef) -> Vec<String> {
    let mut about = std::iter::once(advisory.id.as_str())
        .chain(advisory.aliases.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(severity) = &advisory.severity {
        write!(about, ", severity {severity}").ok();
    }
    if let Some(url) = &advisory.url {
        write!(about, ", {url}").ok();
    }
    let fixed = if advisory.patched.is_empty() {
        "no fixed version".to_string()
    } else {
        format!("fixed in {}", advisory.patched.join(" or "))
    };
    vec![super::printable(&about).into_owned(), fixed]
}

/// One line per check (the assessment, the advisories, the data) with its counts by
/// code, and the next steps in counts.
pub fn tally(report: &AuditReport) -> String {
    if report.findings.is_empty() {
        return String::new();
    }
    let mut text = String::new();
    for check in [Check::Assessment, Check::Advisories, Check::Data] {
        let mut counts: Vec<(Code, usize)> = Vec::new();
        for finding in report
            .findings
            .iter()
            .filter(|finding| Check::of(finding.code) == check)
        {
            match counts.iter_mut().find(|(code, _)| *code == finding.code) {
                Some((_, count)) => *count += 1,
                None => counts.push((finding.code, 1)),
            }
        }
        let total: usize = counts.iter().map(|(_, count)| count).sum();
        let detail = counts
            .iter()
            .map(|(code, count)| format!("{count} {}", code.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let line = match total {
            0 => format!("{}: no findings", check.name()),
            _ => format!("{}: {total} finding{} ({detail})", check.name(), plural(total)),
        };
        writeln!(text, "{}", wrap(&line, 98).replace('\n', "\n  ")).ok();
    }
    for step in next_steps(report) {
        writeln!(text, "{}", wrap(&format!("next: {step}"), 98).replace('\n', "\n  ")).ok();
    }
    text
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    Assessment,
    Advisories,
    Data,
}

impl Check {
    fn of(code: Code) -> Self {
        match code {
            Code::StaleAdvisoryDb | Code::UnreadableAdvisory => Check::Data,
            Code::Vulnerability
            | Code::Unsound
            | Code::Unmaintained
            | Code::Notice
            | Code::Yanked
            | Code::InactiveCrate
            | Code::Outdated
            | Code::DispositionExpired
            | Code::StaleDisposition
            | Code::AdvisorySinceReview => Check::Advisories,
            _ => Check::Assessment,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Check::Assessment => "assessment",
            Check::Advisories => "advisories",
            Check::Data => "advisory data",
        }
    }
}

/// What to do next, in counts: the commands that close most findings at once.
fn next_steps(report: &AuditReport) -> Vec<String> {
    let count = |code: Code| report.findings.iter().filter(|finding| finding.code == code).count();
    let mut steps = Vec::new();
    let missing = count(Code::MissingAssessment);
    if missing > 0 {
        steps.push(format!(
            "{missing} item{} need{} an entry: `cargo soup sync` adds placeholders to assess",
            plural(missing),
            if missing == 1 { "s" } else { "" }
        ));
    }
    let incomplete = count(Code::IncompleteAssessment);
    if incomplete > 0 {
        steps.push(format!(
            "{incomplete} entr{} lack required fields",
            if incomplete == 1 { "y" } else { "ies" }
        ));
    }
    let to_review: usize = [
        Code::VersionDrift,
        Code::LicenseChanged,
        Code::SourceChanged,
        Code::ReviewOverdue,
        Code::NewlyCovered,
    ]
    .into_iter()
    .map(count)
    .sum();
    if to_review > 0 {
        steps.push(format!(
            "{to_review} change{} to assess, then `cargo soup review`",
            plural(to_review)
        ));
    }
    let advisories: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|finding| matches!(finding.code, Code::Vulnerability | Code::Unsound | Code::Notice))
        .collect();
    if !advisories.is_empty() {
        let updatable = advisories
            .iter()
            .filter(|finding| fixed_by_cargo_update(finding))
            .count();
        steps.push(format!(
            "{} advisor{} need{} a disposition or an update; {updatable} {} fixed by `cargo update`",
            advisories.len(),
            if advisories.len() == 1 { "y" } else { "ies" },
            if advisories.len() == 1 { "s" } else { "" },
            if updatable == 1 { "is" } else { "are" }
        ));
    }
    let stale_data = count(Code::StaleAdvisoryDb);
    if stale_data > 0 {
        steps.push("update the advisory data: `cargo soup fetch`".to_string());
    }
    steps
}

/// Whether `cargo update` fixes the advisory, as the finding's remedy decided.
fn fixed_by_cargo_update(finding: &Finding) -> bool {
    let (Some(advisory), Some(version)) = (&finding.advisory, &finding.version) else {
        return false;
    };
    semver::Version::parse(version)
        .is_ok_and(|locked| crate::rules::advisories::compatible_fix(&locked, &advisory.patched).is_some())
}

/// What every human-facing format ends with: the verdict with the counts, and the
/// advisory data used.
pub fn summary(report: &AuditReport, color: bool) -> (String, Vec<String>) {
    let errors = report.count(Level::Deny);
    let warnings = report.count(Level::Warn);
    let verdict = match (errors, color) {
        (0, false) => "audit passed".to_string(),
        (0, true) => "\u{1b}[1;32maudit passed\u{1b}[0m".to_string(),
        (_, false) => "audit failed".to_string(),
        (_, true) => "\u{1b}[1;31maudit failed\u{1b}[0m".to_string(),
    };
    let sources: Vec<String> = report
        .advisory_data
        .iter()
        .map(|data| match (&data.updated, data.skipped) {
            (_, true) => format!("{} skipped{}", data.title(), data.why_skipped()),
            (Some(updated), false) => format!("{} of {updated}", data.title()),
            (None, false) => data.title().to_string(),
        })
        .collect();
    let advisories = if sources.is_empty() {
        "no advisory source".to_string()
    } else {
        format!("advisories: {}", sources.join(", "))
    };
    let gate = match &report.changed_since {
        Some((reference, downgraded)) => {
            format!("; {downgraded} finding(s) outside the change since {reference} downgraded to warnings")
        }
        None => String::new(),
    };
    let verdict = format!(
        "{verdict} as of {}: {} SOUP items, {} assessed, {} covered; {errors} error{}, {warnings} warning{}{gate}",
        report.as_of,
        report.items,
        report.assessed,
        report.covered,
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    );
    (
        verdict,
        [advisories]
            .into_iter()
            .chain(tests_read(&report.test_results))
            .collect(),
    )
}

/// What the audit's test results were, for the summary; nothing when soup.toml names
/// no evidence.
fn tests_read(read: &crate::audit::TestResultsRead) -> Option<String> {
    match &read.counts {
        Some(counts) => {
            let tests: usize = read.files.iter().map(|file| file.tests).sum();
            Some(format!(
                "verification: {} results file{}, {tests} test{}; verified-by: {} passed, {} failed, {} not run",
                read.files.len(),
                if read.files.len() == 1 { "" } else { "s" },
                if tests == 1 { "" } else { "s" },
                counts.passed,
                counts.failed,
                counts.not_run
            ))
        }
        None if read.references == 0 => None,
        None => Some("verification: no test results read; verified-by checked for existence only".to_string()),
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: Code,
    level: &'static str,
    clause: &'static str,
    #[serde(rename = "crate")]
    krate: Option<&'a str>,
    version: Option<&'a str>,
    message: &'a str,
    advisory: Option<&'a AdvisoryRef>,
    location: Option<&'a Location>,
}

/// The `audit --format json` document of the specification.
pub fn json(report: &AuditReport) -> Result<String> {
    let findings: Vec<JsonFinding> = report
        .findings
        .iter()
        .map(|finding| JsonFinding {
            code: finding.code,
            level: finding.level.report_name(),
            clause: finding.code.clause(),
            krate: finding.krate.as_deref(),
            version: finding.version.as_deref(),
            message: &finding.message,
            advisory: finding.advisory.as_ref(),
            location: finding.location.as_ref(),
        })
        .collect();
    let document = json!({
        "schema_version": super::json::SCHEMA_VERSION,
        "as_of": report.as_of.to_string(),
        "advisory_data": report.advisory_data,
        "summary": {
            "items": report.items,
            "assessed": report.assessed,
            "covered": report.covered,
            "errors": report.count(Level::Deny),
            "warnings": report.count(Level::Warn),
            "changed_since": report.changed_since.as_ref().map(|(reference, downgraded)| json!({
                "ref": reference,
                "downgraded": downgraded,
            })),
        },
        "test_results": {
            "files": report.test_results.files,
            "verified_by": report.test_results.counts,
        },
        "findings": findings,
        "items": report
            .item_verdicts
            .iter()
            .map(|item| {
                let mut row = serde_json::to_value(item).unwrap_or_default();
                row["errors"] = json!(report.count_on(&item.name, &item.version, Level::Deny));
                row["warnings"] = json!(report.count_on(&item.name, &item.version, Level::Warn));
                row
            })
            .collect::<Vec<_>>(),
    });
    Ok(serde_json::to_string_pretty(&document)? + "\n")
}

/// SARIF 2.1.0: one rule per finding code, one result per finding, located in
/// soup.toml or Cargo.lock.
pub fn sarif(report: &AuditReport) -> Result<String> {
    let rules: Vec<serde_json::Value> = Code::ALL
        .iter()
        .map(|code| {
            let level = match code.default_level() {
                Level::Deny => "error",
                _ => "warning",
            };
            json!({
                "id": code.as_str(),
                "name": pascal_case(code.as_str()),
                "shortDescription": {"text": code.description()},
                "fullDescription": {"text": format!("{} IEC 62304 clause {}.", code.description(), code.clause())},
                "help": {
                    "text": code.remedy(),
                    "markdown": format!("{}\n\nIEC 62304 clause {}.", code.remedy(), code.clause()),
                },
                "defaultConfiguration": {"level": level},
                "properties": {"tags": ["iec-62304", "soup"], "clause": code.clause()},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|finding| {
            let rule_index = Code::ALL.iter().position(|code| *code == finding.code).unwrap_or(0);
            let mut result = json!({
                "ruleId": finding.code.as_str(),
                "ruleIndex": rule_index,
                "level": finding.level.report_name(),
                "message": {"text": finding.message},
                "partialFingerprints": {"cargoSoupFinding/v1": fingerprint(finding)},
            });
            if let Some(location) = &finding.location {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&location.file)},
                        "region": {"startLine": location.line, "startColumn": location.column},
                    }
                }]);
            }
            if let Some(advisory) = &finding.advisory {
                result["properties"] = json!({"advisory": advisory});
            }
            result
        })
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cargo-soup",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/cargo-soup/cargo-soup",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    Ok(serde_json::to_string_pretty(&document)? + "\n")
}

/// GitHub Actions workflow commands: one `::error` or `::warning` per finding, which
/// the pull request shows at the line; then the summary as plain log output.
pub fn github(report: &AuditReport) -> String {
    let mut text = String::new();
    for finding in &report.findings {
        let command = match finding.level {
            Level::Deny => "error",
            _ => "warning",
        };
        let subject = match (&finding.krate, &finding.version) {
            (Some(name), Some(version)) => format!(" ({name} {version})"),
            (Some(name), None) => format!(" ({name})"),
            _ => String::new(),
        };
        let title = format!("{}{subject}", finding.code.as_str());
        let mut properties = Vec::new();
        if let Some(location) = &finding.location {
            properties.push(format!("file={}", escape_property(&location.file)));
            properties.push(format!("line={}", location.line));
            properties.push(format!("col={}", location.column));
        }
        properties.push(format!("title={}", escape_property(&title)));
        writeln!(
            text,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&format!("{} (IEC 62304 {})", finding.message, finding.code.clause()))
        )
        .ok();
    }
    // One line: the log's last line is the verdict.
    let (verdict, data) = summary(report, false);
    writeln!(text, "{verdict}; {}", data.join("; ")).ok();
    text
}

/// What GitHub would read as the end of a command is percent-encoded, and the other
/// control characters are shown, not sent to the log.
fn escape_data(text: &str) -> String {
    let encoded = text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    super::printable(&encoded).into_owned()
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn pascal_case(code: &str) -> String {
    code.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// What identifies a finding across runs, for code scanning to track it.
fn fingerprint(finding: &Finding) -> String {
    format!(
        "{}:{}:{}:{}",
        finding.code.as_str(),
        finding.krate.as_deref().unwrap_or(""),
        finding.version.as_deref().unwrap_or(""),
        finding.advisory.as_ref().map_or("", |advisory| advisory.id.as_str())
    )
}

/// A file path as a SARIF URI: relative paths stay relative (to the checkout), with
/// characters a URI cannot hold percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut encoded = String::new();
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte);
        if keep {
            encoded.push(byte as char);
        } else {
            write!(encoded, "%{byte:02X}").ok();
        }
    }
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_commands_escape_what_github_would_misread() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn uris_are_relative_or_file_uris() {
        assert_eq!(uri("soup.toml"), "soup.toml");
        assert_eq!(uri("my dir/Cargo.lock"), "my%20dir/Cargo.lock");
        assert_eq!(uri("/tmp/x/soup.toml"), "file:///tmp/x/soup.toml");
        assert_eq!(pascal_case("missing-assessment"), "MissingAssessment");
    }
}
