//! `cargo soup audit` on one soup.toml per scenario (fixtures/audit) over the scope
//! fixture: each finding code with its exact set of findings, in all four formats, and
//! the exit status.

mod common;

use common::{AUDIT_WITHOUT_ADVISORIES, fixture, soup};
use std::collections::BTreeSet;
use std::path::Path;

/// A finding as every format can state it: code, level, file and line.
type Seen = BTreeSet<(String, String, String, usize)>;

struct Expected {
    code: &'static str,
    level: &'static str,
    krate: &'static str,
    version: &'static str,
    /// `soup` (the scenario file) or `lock` (Cargo.lock), and text on the expected line.
    file: &'static str,
    marker: &'static str,
}

const fn finding(
    code: &'static str,
    krate: &'static str,
    version: &'static str,
    file: &'static str,
    marker: &'static str,
) -> Expected {
    Expected {
        code,
        level: "error",
        krate,
        version,
        file,
        marker,
    }
}

fn scenarios() -> Vec<(&'static str, i32, Vec<Expected>)> {
    vec![
        ("clean", 0, vec![]),
        (
            "missing-assessment",
            1,
            vec![finding(
                "missing-assessment",
                "linux-only",
                "1.0.0",
                "lock",
                "name = \"linux-only\"",
            )],
        ),
        (
            "incomplete-assessment",
            1,
            vec![finding(
                "incomplete-assessment",
                "twin",
                "2.0.0",
                "soup",
                "[soup.\"twin@2\"]",
            )],
        ),
        (
            "version-drift",
            1,
            vec![finding(
                "version-drift",
                "normal-dep",
                "1.0.0",
                "soup",
                "version = \"0.9.0\"",
            )],
        ),
        (
            "license-changed",
            1,
            vec![finding(
                "license-changed",
                "normal-dep",
                "1.0.0",
                "soup",
                "license = \"Apache-2.0\"",
            )],
        ),
        (
            "source-changed",
            1,
            vec![finding("source-changed", "normal-dep", "1.0.0", "soup", "checksum = ")],
        ),
        (
            "review-overdue",
            1,
            vec![finding(
                "review-overdue",
                "twin",
                "2.0.0",
                "soup",
                "reviewed = 2026-03-01",
            )],
        ),
        (
            "class-below-inherited",
            1,
            vec![finding(
                "class-below-inherited",
                "twin",
                "2.0.0",
                "soup",
                "class = \"B\"",
            )],
        ),
        (
            "missing-evidence",
            1,
            vec![
                finding("missing-evidence", "twin", "2.0.0", "soup", "::no_such_test"),
                finding("missing-evidence", "twin", "2.0.0", "soup", "evidence/gone.rs"),
            ],
        ),
        (
            "end-of-support",
            1,
            vec![finding(
                "end-of-support",
                "twin",
                "2.0.0",
                "soup",
                "end-of-support = 2026-06-30",
            )],
        ),
        (
            "approval-before-review",
            1,
            vec![finding(
                "approval-before-review",
                "twin",
                "2.0.0",
                "soup",
                "[[soup.\"twin@2\".approvals]]",
            )],
        ),
        (
            "covered-class-above-entry",
            1,
            vec![finding(
                "covered-class-above-entry",
                "leaf",
                "0.1.0",
                "soup",
                "covers = [\"leaf\"]",
            )],
        ),
        (
            "covers-unreached",
            1,
            vec![finding(
                "covers-unreached",
                "normal-dep",
                "1.0.0",
                "soup",
                "covers = [\"leaf\", \"host-tool\"]",
            )],
        ),
        (
            "newly-covered",
            1,
            vec![finding(
                "newly-covered",
                "normal-dep",
                "1.0.0",
                "soup",
                "covers = \"*\"",
            )],
        ),
        (
            "orphaned-entry",
            0,
            vec![Expected {
                level: "warning",
                ..finding("orphaned-entry", "gone", "1.0.0", "soup", "[soup.gone]")
            }],
        ),
    ]
}

fn scenario_file(name: &str) -> String {
    format!("fixtures/audit/{name}.toml")
}

/// The 1-based line of the first line of `file` that contains `marker`.
fn line_of(file: &Path, marker: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .position(|line| line.contains(marker))
        .unwrap_or_else(|| panic!("{marker:?} in {}", file.display()))
        + 1
}

fn expected_set(scenario: &str, expected: &[Expected]) -> Seen {
    expected
        .iter()
        .map(|finding| {
            let file = match finding.file {
                "lock" => "fixtures/scope/Cargo.lock".to_string(),
                _ => scenario_file(scenario),
            };
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let mut line = line_of(&root.join(&file), finding.marker);
            if finding.file == "lock" {
                // Findings point at the package's `[[package]]` header, the line above.
                line -= 1;
            }
            (finding.code.to_string(), finding.level.to_string(), file, line)
        })
        .collect()
}

/// Runs the audit from the repository root, so locations are relative to it.
fn audit(scenario: &str, format: &str, extra: &[&str]) -> (Option<i32>, String) {
    let output = soup()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(AUDIT_WITHOUT_ADVISORIES)
        .args(["--color", "never", "--format", format])
        .args(["--manifest-path", "fixtures/scope/Cargo.toml", "--soup-file"])
        .arg(scenario_file(scenario))
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "audit writes findings to stdout only: {stderr}");
    (output.status.code(), String::from_utf8(output.stdout).unwrap())
}

fn from_json(text: &str, expected: &[Expected]) -> Seen {
    let document: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(document["schema_version"], 1);
    assert_eq!(document["as_of"], "2026-11-25");
    assert_eq!(document["advisory_data"][0]["source"], "rustsec");
    assert_eq!(document["advisory_data"][0]["skipped"], true);
    let findings = document["findings"].as_array().unwrap();
    assert_eq!(document["summary"]["items"], 13, "twelve crates and the toolchain");
    let errors = expected.iter().filter(|finding| finding.level == "error").count();
    assert_eq!(document["summary"]["errors"], errors);
    assert_eq!(document["summary"]["warnings"], expected.len() - errors);
    for finding in findings {
        for key in [
            "code", "level", "clause", "crate", "version", "message", "advisory", "location",
        ] {
            assert!(finding.get(key).is_some(), "{key} in {finding}");
        }
        let code = finding["code"].as_str().unwrap();
        let want = expected.iter().find(|want| want.code == code).unwrap();
        assert_eq!(finding["crate"], want.krate);
        assert_eq!(finding["version"], want.version);
        assert!(!finding["clause"].as_str().unwrap().is_empty());
    }
    findings
        .iter()
        .map(|finding| {
            let location = &finding["location"];
            (
                finding["code"].as_str().unwrap().to_string(),
                finding["level"].as_str().unwrap().to_string(),
                location["file"].as_str().unwrap().to_string(),
                location["line"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

fn sarif_schema() -> (boon::Schemas, boon::SchemaIndex) {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/sarif/sarif-2.1.0-rtm.5.json")).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource("sarif.json", schema).unwrap();
    let index = compiler.compile("sarif.json", &mut schemas).unwrap();
    (schemas, index)
}

fn from_sarif(text: &str) -> Seen {
    let document: serde_json::Value = serde_json::from_str(text).unwrap();
    let (schemas, index) = sarif_schema();
    if let Err(err) = schemas.validate(&document, index) {
        panic!("not valid SARIF 2.1.0: {err:#}\n{text}");
    }
    let run = &document["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 24, "one rule per finding code");
    assert!(
        rules
            .iter()
            .all(|rule| rule["help"]["text"].as_str().is_some_and(|help| !help.is_empty()))
    );
    run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], result["ruleId"]);
            let location = &result["locations"][0]["physicalLocation"];
            (
                result["ruleId"].as_str().unwrap().to_string(),
                result["level"].as_str().unwrap().to_string(),
                location["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                location["region"]["startLine"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

fn from_github(text: &str) -> Seen {
    let mut seen = Seen::new();
    for line in text.lines().filter(|line| line.starts_with("::")) {
        let (command, rest) = line[2..].split_once(' ').unwrap();
        let (properties, message) = rest.split_once("::").unwrap();
        assert!(!message.is_empty() && !message.contains('\n'));
        let property = |name: &str| {
            properties
                .split(',')
                .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("{name} in {line}"))
                .to_string()
        };
        let title = property("title");
        let code = title.split(" (").next().unwrap().to_string();
        seen.insert((
            code,
            command.to_string(),
            property("file"),
            property("line").parse().unwrap(),
        ));
    }
    assert!(
        text.lines().last().unwrap().starts_with("audit "),
        "a summary line ends the log"
    );
    seen
}

fn from_human(text: &str) -> Seen {
    let mut seen = Seen::new();
    let lines: Vec<&str> = text.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        let Some((level, rest)) = line.split_once('[') else {
            continue;
        };
        if level != "error" && level != "warning" {
            continue;
        }
        let code = rest.split(']').next().unwrap();
        // A long headline wraps; the location is the first `-->` line after it.
        let location = lines[at + 1..]
            .iter()
            .find_map(|line| line.trim().strip_prefix("--> "))
            .unwrap();
        let mut parts = location.rsplitn(3, ':');
        let _column = parts.next();
        let line_number = parts.next().unwrap().parse().unwrap();
        let file = parts.next().unwrap();
        seen.insert((code.to_string(), level.to_string(), file.to_string(), line_number));
    }
    let summary = &lines[lines.len() - 2..];
    assert!(
        summary[0].starts_with("audit ")
            && (summary[1].starts_with("advisories: ") || summary[1] == "no advisory source"),
        "the verdict and the advisory data end the output: {summary:?}"
    );
    assert!(
        lines
            .iter()
            .all(|line| line.chars().count() <= 100 || line.contains(" | ")),
        "no line over 100 columns outside a snippet"
    );
    seen
}

#[test]
fn every_scenario_gives_its_exact_findings_in_every_format() {
    for (scenario, exit, expected) in scenarios() {
        let want = expected_set(scenario, &expected);
        assert_eq!(want.len(), expected.len());
        let (code, json) = audit(scenario, "json", &[]);
        assert_eq!(code, Some(exit), "{scenario}: exit status");
        assert_eq!(from_json(&json, &expected), want, "{scenario}: json");
        let (code, sarif) = audit(scenario, "sarif", &[]);
        assert_eq!(code, Some(exit), "{scenario}: exit status with sarif");
        assert_eq!(from_sarif(&sarif), want, "{scenario}: sarif");
        let (code, github) = audit(scenario, "github", &[]);
        assert_eq!(code, Some(exit));
        assert_eq!(from_github(&github), want, "{scenario}: github");
        let (code, human) = audit(scenario, "human", &[]);
        assert_eq!(code, Some(exit));
        assert_eq!(from_human(&human), want, "{scenario}: human");
        let verdict = if exit == 0 { "audit passed" } else { "audit failed" };
        let last_two: Vec<&str> = human.lines().rev().take(2).collect();
        assert!(last_two[1].starts_with(verdict), "{human}");
    }
}

#[test]
fn deny_warnings_fails_on_a_warning_and_policy_can_allow_it() {
    let (code, json) = audit("orphaned-entry", "json", &["--deny", "warnings"]);
    assert_eq!(code, Some(1));
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(document["findings"][0]["level"], "error");
    assert_eq!(document["summary"]["errors"], 1);

    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("audit/version-drift.toml")).unwrap();
    let relaxed = text.replace(
        "[soup.normal-dep]",
        "[policy]\nversion-drift = \"warn\"\n\n[soup.normal-dep]",
    );
    let path = dir.path().join("soup.toml");
    std::fs::write(
        &path,
        relaxed.replace("version-drift = \"warn\"", "version-drift = \"allow\""),
    )
    .unwrap();
    let (code, document) = audit_json(&path);
    assert_eq!(code, Some(0));
    assert_eq!(document["findings"], serde_json::json!([]), "allow drops the finding");
    std::fs::write(&path, relaxed).unwrap();
    let (code, document) = audit_json(&path);
    assert_eq!(code, Some(0), "a warning does not fail the audit");
    assert_eq!(document["findings"][0]["level"], "warning");
}

/// The JSON audit of the scope fixture with the soup.toml at `path`.
fn audit_json(path: &Path) -> (Option<i32>, serde_json::Value) {
    let output = soup()
        .args(AUDIT_WITHOUT_ADVISORIES)
        .args(["--format", "json"])
        .arg("--manifest-path")
        .arg(fixture("scope/Cargo.toml"))
        .arg("--soup-file")
        .arg(path)
        .output()
        .unwrap();
    (output.status.code(), serde_json::from_slice(&output.stdout).unwrap())
}

#[test]
fn the_human_and_github_formats_read_well() {
    let (_, human) = audit("missing-evidence", "human", &[]);
    insta::assert_snapshot!("missing_evidence_human", human);
    let (_, github) = audit("missing-evidence", "github", &[]);
    insta::assert_snapshot!("missing_evidence_github", github);
    let (_, json) = audit("version-drift", "json", &[]);
    insta::assert_snapshot!("version_drift_json", json);
}

#[test]
fn the_review_overdue_date_follows_as_of() {
    let run = |as_of: &str| {
        soup()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "audit",
                "--offline",
                "--no-rustsec",
                "--no-osv",
                "--format",
                "json",
                "--as-of",
                as_of,
            ])
            .args(["--manifest-path", "fixtures/scope/Cargo.toml", "--soup-file"])
            .arg(scenario_file("review-overdue"))
            .output()
            .unwrap()
            .status
            .code()
    };
    // Reviewed 2026-03-01; the interval is [project.surveillance]'s 90 days, which section
    // 5 of the documents states, not review-interval's 180: due 2026-05-30.
    assert_eq!(run("2026-05-30"), Some(0));
    assert_eq!(run("2026-05-31"), Some(1));
}

#[test]
fn an_audit_that_cannot_run_exits_2_and_says_why() {
    let dir = common::copy_fixture("scope");
    let run = |args: &[&str]| {
        soup()
            .args(["audit", "--offline", "--no-rustsec", "--no-osv", "--manifest-path"])
            .arg(dir.path().join("Cargo.toml"))
            .args(args)
            .assert()
            .code(2)
    };
    run(&[]).stderr(predicates::str::contains("run `cargo soup init`"));
    std::fs::write(dir.path().join("soup.toml"), "[policy]\nunmaintaned = \"deny\"\n").unwrap();
    run(&[])
        .stderr(predicates::str::contains(
            "unknown finding code `unmaintaned` in [policy]",
        ))
        .stderr(predicates::str::contains("did you mean `unmaintained`?"));
    std::fs::write(dir.path().join("soup.toml"), "schema = 1\n").unwrap();
    run(&["--format", "xml"]).stderr(predicates::str::contains("invalid value 'xml' for '--format"));
    run(&["--as-of", "25.11.2026"]).stderr(predicates::str::contains("is not a date"));
    run(&["--deny", "everything"]).stderr(predicates::str::contains("invalid value 'everything'"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("soup.toml")).unwrap(),
        "schema = 1\n"
    );
}
