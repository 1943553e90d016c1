//! Test results against `verified-by`, on the verification fixture (a workspace whose
//! tests pass, fail and are ignored): results written by a real `cargo test` run
//! inside this suite, by cargo-nextest and by cargo2junit (committed, see the
//! fixture's README), each with its exact findings in all four formats; the report's
//! traceability matrix pinned; bad results files refused with their location.

mod common;

use common::formats::{Seen, from_github, from_human, from_json, from_sarif};
use common::soup;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SOUP_TOML: &str = "fixtures/verification/soup.toml";
const NEXTEST: &str = "fixtures/verification/results/nextest-junit.xml";
const CARGO2JUNIT: &str = "fixtures/verification/results/cargo2junit.xml";

/// The output of `cargo test --no-fail-fast` on the fixture, run once per test
/// process, as `cargo test 2>&1 | tee FILE` writes it: one file for both streams, in
/// the order they were written, with cargo's colours on as in many CI setups.
fn cargo_test_output() -> PathBuf {
    static OUTPUT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    OUTPUT
        .get_or_init(|| {
            let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("verification");
            std::fs::create_dir_all(&scratch).unwrap();
            let path = scratch.join("cargo-test.txt");
            let file = std::fs::File::create(&path).unwrap();
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let status = std::process::Command::new(cargo)
                .args(["test", "--no-fail-fast", "--offline", "--locked", "--manifest-path"])
                .arg(Path::new(ROOT).join("fixtures/verification/Cargo.toml"))
                .env("CARGO_TARGET_DIR", scratch.join("target"))
                .env("CARGO_TERM_COLOR", "always")
                .env("RUST_BACKTRACE", "0")
                .stdout(file.try_clone().unwrap())
                .stderr(file)
                .status()
                .unwrap();
            assert_eq!(status.code(), Some(101), "two of the fixture's tests fail on purpose");
            path
        })
        .clone()
}

/// `cargo soup COMMAND` on the fixture, without advisory data, from the repository
/// root, so locations are relative to it.
fn on_fixture(command: &str) -> assert_cmd::Command {
    let mut soup = soup();
    soup.current_dir(ROOT)
        .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0")
        .args([
            command,
            "--offline",
            "--no-rustsec",
            "--no-osv",
            "--as-of",
            "2026-11-25",
        ])
        .args(["--manifest-path", "fixtures/verification/Cargo.toml"]);
    soup
}

fn audit(format: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let output = on_fixture("audit")
        .args(["--color", "never", "--format", format])
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The `verified-by` line of a requirement.
fn verified_by_of(code: &str, requirement: &str) -> (String, String, String, usize) {
    let text = std::fs::read_to_string(Path::new(ROOT).join(SOUP_TOML)).unwrap();
    let start = text.find(&format!("id = \"{requirement}\"")).unwrap();
    let line = text[..start].lines().count()
        + 1
        + text[start..]
            .lines()
            .position(|line| line.starts_with("verified-by"))
            .unwrap();
    (code.to_string(), "error".to_string(), SOUP_TOML.to_string(), line)
}

/// The same findings in every format, and the exit status and summary of a failed audit.
fn check_every_format(extra: &[&str], want: &Seen) {
    let (code, json, _) = audit("json", extra);
    assert_eq!(code, Some(i32::from(!want.is_empty())), "{json}");
    assert_eq!(&from_json(&json), want, "json");
    let (_, sarif, _) = audit("sarif", extra);
    assert_eq!(&from_sarif(&sarif), want, "sarif");
    let (_, github, _) = audit("github", extra);
    assert_eq!(&from_github(&github), want, "github");
    let (_, human, stderr) = audit("human", extra);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(&from_human(&human), want, "human:\n{human}");
}

fn failed_and_ignored() -> Seen {
    [
        verified_by_of("verification-failed", "FIFO-F1"),
        verified_by_of("verification-not-run", "FIFO-P1"),
    ]
    .into_iter()
    .collect()
}

#[test]
fn a_real_cargo_test_run_fails_the_failed_and_the_ignored_test_only() {
    let output = cargo_test_output();
    let output = output.to_str().unwrap();
    let text = std::fs::read_to_string(output).unwrap();
    assert!(text.contains("\u{1b}["), "cargo wrote its colours");
    check_every_format(&["--test-results", output], &failed_and_ignored());
    let (_, json, _) = audit("json", &["--test-results", output]);
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    let message = |code: &str| {
        document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|finding| finding["code"] == code)
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let failed = message("verification-failed");
    assert!(
        failed.contains("`queue_keeps_order` of pump's test tests/dosing.rs failed in") && failed.contains(output),
        "{failed}"
    );
    let not_run = message("verification-not-run");
    assert!(
        not_run.contains("`queue_is_fast_enough` of pump's test tests/dosing.rs was ignored"),
        "{not_run}"
    );
    // console's same-named, failing `checksum_detects_corruption` does not count for pump's.
    let crc = document["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["name"] == "crc-lite")
        .unwrap();
    assert_eq!(
        crc["verification"],
        serde_json::json!({"passed": 2, "failed": 0, "not_run": 0})
    );
    assert_eq!(document["test_results"]["files"][0]["format"], "cargo test output");
    assert_eq!(document["test_results"]["files"][0]["tests"], 10);
    assert_eq!(
        document["test_results"]["verified_by"],
        serde_json::json!({"passed": 5, "failed": 1, "not_run": 1})
    );
}

#[test]
fn nextest_junit_gives_the_same_verdicts() {
    check_every_format(&["--test-results", NEXTEST], &failed_and_ignored());
    let (_, human, _) = audit("human", &["--test-results", NEXTEST]);
    let summary = human.lines().last().unwrap();
    assert!(
        summary == "verification: 1 results file, 9 tests; verified-by: 5 passed, 1 failed, 1 not run",
        "{summary}"
    );
}

#[test]
fn results_that_do_not_name_their_binaries_are_matched_by_name_where_that_is_unique() {
    let want: Seen = [
        verified_by_of("verification-not-run", "CRC-F1"),
        verified_by_of("verification-failed", "FIFO-F1"),
        verified_by_of("verification-not-run", "FIFO-P1"),
        verified_by_of("verification-not-run", "RUST-F1"),
    ]
    .into_iter()
    .collect();
    check_every_format(&["--test-results", CARGO2JUNIT], &want);
    let (_, human, _) = audit("human", &["--test-results", CARGO2JUNIT]);
    assert!(
        human.contains("tests of that name are in more than one of them"),
        "{human}"
    );
    assert!(human.contains("no test in it can be tied to a whole file"), "{human}");
}

#[test]
fn without_results_the_audit_checks_existence_and_says_so() {
    check_every_format(&[], &Seen::new());
    let (_, human, _) = audit("human", &[]);
    assert!(
        human
            .lines()
            .last()
            .unwrap()
            .ends_with("no test results read; verified-by checked for existence only"),
        "{human}"
    );
    let (_, json, _) = audit("json", &[]);
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(document["items"][0]["verification"], serde_json::Value::Null);
    assert_eq!(document["test_results"]["verified_by"], serde_json::Value::Null);
}

/// soup.toml with `[project] test-results`, written beside a copy of nothing else: the
/// paths in it are relative to the workspace root, not to soup.toml.
fn soup_with_results(dir: &Path, files: &str) -> String {
    let text = std::fs::read_to_string(Path::new(ROOT).join(SOUP_TOML)).unwrap();
    let text = text.replace(
        "review-interval = \"180d\"\n",
        &format!("review-interval = \"180d\"\ntest-results = [{files}]\n"),
    );
    let path = dir.join("soup.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn project_test_results_are_read_and_a_missing_one_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let soup_file = soup_with_results(dir.path(), "\"results/nextest-junit.xml\"");
    let (code, json, _) = audit("json", &["--soup-file", &soup_file]);
    assert_eq!(code, Some(1));
    let codes: Vec<String> = serde_json::from_str::<serde_json::Value>(&json).unwrap()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["verification-failed", "verification-not-run"]);

    let soup_file = soup_with_results(dir.path(), "\"target/nextest/ci/junit.xml\"");
    let line = std::fs::read_to_string(&soup_file)
        .unwrap()
        .lines()
        .position(|line| line.starts_with("test-results"))
        .unwrap()
        + 1;
    let want: Seen = [(
        "verification-not-run".to_string(),
        "error".to_string(),
        soup_file.clone(),
        line,
    )]
    .into_iter()
    .collect();
    check_every_format(&["--soup-file", &soup_file], &want);
    let (_, human, _) = audit("human", &["--soup-file", &soup_file]);
    assert!(
        human.contains("names target/nextest/ci/junit.xml, which does"),
        "{human}"
    );
}

#[test]
fn bad_results_are_located_exit_2_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let junit = std::fs::read_to_string(Path::new(ROOT).join(NEXTEST)).unwrap();
    let cut = dir.path().join("cut.xml");
    let half = junit[..junit.len() / 2].rfind('\n').unwrap();
    std::fs::write(&cut, &junit[..half]).unwrap();
    let terse = dir.path().join("terse.txt");
    std::fs::write(
        &terse,
        "     Running tests/dosing.rs (target/debug/deps/dosing-0123456789abcdef)\n\nrunning 2 tests\n.F\n",
    )
    .unwrap();
    let cases = [
        (cut.clone(), "cut.xml:2:1: <testsuites> opened here is never closed"),
        (
            terse.clone(),
            "terse.txt:4:1: this is libtest's terse output (`cargo test -q`)",
        ),
        (dir.path().join("none.xml"), "none.xml (--test-results) does not exist"),
    ];
    for (file, message) in cases {
        let output_file = dir.path().join("report.md");
        let output = on_fixture("report")
            .arg("--test-results")
            .arg(&file)
            .arg("--output")
            .arg(&output_file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{message}: {stderr}");
        assert!(!output_file.exists(), "nothing is written");
    }
}

/// The report's matrix as the two committed JUnit files (whose times are fixed) give it.
#[test]
fn the_report_pins_the_traceability_matrix() {
    let output = on_fixture("report")
        .args(["--test-results", NEXTEST, "--test-results", CARGO2JUNIT])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "a failed test keeps the record a draft");
    let markdown = String::from_utf8(output.stdout).unwrap();
    let section = |from: &str, to: &str| {
        let start = markdown.find(from).unwrap_or_else(|| panic!("{from}"));
        let end = markdown[start..].find(to).map_or(markdown.len(), |end| start + end);
        markdown[start..end].to_string()
    };
    insta::assert_snapshot!("test_results_read", section("## Test results", "\n---\n"));
    insta::assert_snapshot!(
        "fifo_lite_section_4",
        section(
            "### 4. Verification strategy\n\n- **Method:** Integration tests of the dose engine and the console.",
            "### 5."
        )
    );
    insta::assert_snapshot!(
        "traceability_appendix",
        section("## Appendix: Traceability matrix", "\u{0}")
    );
}

/// The SBOM states each component's verification as the audit decided it.
#[test]
fn the_sbom_carries_each_items_verification() {
    let output = on_fixture("sbom").args(["--test-results", NEXTEST]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bom: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let property = |component: &str| {
        let component = bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|found| found["name"] == component)
            .unwrap();
        component["properties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|property| property["name"] == "cargo-soup:verification")
            .map(|property| property["value"].as_str().unwrap().to_string())
    };
    assert_eq!(
        property("fifo-lite").as_deref(),
        Some("verified-by: 1 passed, 1 failed, 1 not run")
    );
    assert_eq!(
        property("crc-lite").as_deref(),
        Some("verified-by: 2 passed, 0 failed, 0 not run")
    );
    assert_eq!(property("pump"), None, "a member is no SOUP item");
}
