//! `audit --format human|json|sarif|github`: the same report for people, programs, code
//! scanning and pull-request annotations.

use crate::audit::AuditReport;
use crate::finding::{AdvisoryRef, Code, Finding, Level};
use crate::location::Location;
use anyhow::Result;
use serde::Serialize;
use serde_json::json;
use std::fmt::Write;

/// Grouped by crate, every finding with its clause, location and next step; a
/// summary line at the end.
pub fn human(report: &AuditReport, color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    };
    let mut text = String::new();
    let mut current: Option<(Option<&str>, Option<&str>)> = None;
    for finding in &report.findings {
        let group = (finding.krate.as_deref(), finding.version.as_deref());
        if current != Some(group) {
            if current.is_some() {
                text.push('\n');
            }
            let title = match group {
                (Some(name), Some(version)) => format!("{name} {version}"),
                (Some(name), None) => name.to_string(),
                (None, _) => "audit".to_string(),
            };
            writeln!(text, "{}", paint("1", &super::printable(&title))).ok();
            current = Some(group);
        }
        let level = match finding.level {
            Level::Deny => paint("1;31", "error"),
            _ => paint("1;33", "warning"),
        };
        writeln!(
            text,
            "  {level}[{}] {} (IEC 62304 {})",
            finding.code.as_str(),
            super::printable(&finding.message),
            finding.code.clause()
        )
        .ok();
        if let Some(location) = &finding.location {
            let file = super::printable(&location.file);
            writeln!(text, "    --> {file}:{}:{}", location.line, location.column).ok();
        }
    }
    if !report.findings.is_empty() {
        text.push('\n');
    }
    text.push_str(&summary(report, color));
    text
}

/// The one line every human-facing format ends with.
pub fn summary(report: &AuditReport, color: bool) -> String {
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
    format!(
        "{verdict} as of {}: {} SOUP items, {} assessed, {} covered; {errors} error{}, {warnings} warning{}{gate}; {advisories}\n",
        report.as_of,
        report.items,
        report.assessed,
        report.covered,
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    )
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
    text.push_str(&summary(report, false));
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
