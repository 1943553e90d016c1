//! `cargo soup audit` on one soup.toml per scenario (fixtures/audit) over the scope
//! fixture: each finding code with its exact set of findings, in all four formats, and
//! the exit status.

mod common;

use common::formats::{self, Seen, from_github, from_human, from_sarif};
use common::{AUDIT_WITHOUT_ADVISORIES, fixture, soup};
use std::path::Path;

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
    assert_eq!(document["as_of"], "2026-11-25");
    assert_eq!(document["advisory_data"][0]["source"], "rustsec");
    assert_eq!(document["advisory_data"][0]["skipped"], true);
    assert_eq!(document["summary"]["items"], 13, "twelve crates and the toolchain");
    for finding in document["findings"].as_array().unwrap() {
        let code = finding["code"].as_str().unwrap();
        let want = expected.iter().find(|want| want.code == code).unwrap();
        assert_eq!(finding["crate"], want.krate);
        assert_eq!(finding["version"], want.version);
    }
    formats::from_json(text)
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
        let summary = human.lines().rfind(|line| line.starts_with("audit ")).unwrap();
        assert!(summary.starts_with(verdict), "{human}");
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
