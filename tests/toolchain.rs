//! The Rust toolchain as a SOUP item: listed with the highest class of the workspace,
//! assessed in `[toolchain]` with the rules of any entry, and checked against RustSec's
//! `rust/` advisories. The tests set its version through the documented test-only
//! `CARGO_SOUP_TOOLCHAIN_VERSION`.

mod common;

use common::{fixture, json_of, run_with_sidecar, soup, soup_on};
use std::collections::BTreeSet;

#[test]
fn the_toolchain_is_listed_with_the_highest_class() {
    let list = json_of(&mut soup_on(
        &fixture("demo"),
        &["list", "--format", "json", "--offline"],
    ));
    let rust = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["source"] == "toolchain")
        .unwrap();
    assert_eq!(rust["name"], "rust");
    assert_eq!(rust["version"], "1.95.0");
    assert_eq!(rust["license"], "MIT OR Apache-2.0");
    assert_eq!(rust["class"], "C", "dose-engine is class C");
    assert_eq!(rust["reached_from"], serde_json::json!(["dose-engine", "ui"]));
    assert_eq!(rust["status"], "missing", "the demo has no [toolchain] yet");
}

fn audit(version: &str, soup_toml: &str) -> (Option<i32>, BTreeSet<(String, String, String)>) {
    let mut command = soup();
    command.env("CARGO_SOUP_TOOLCHAIN_VERSION", version).args([
        "audit",
        "--offline",
        "--format",
        "json",
        "--as-of",
        "2026-02-06",
    ]);
    let output = run_with_sidecar(command, "scope", soup_toml);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    let findings = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["code"].as_str().unwrap().to_string(),
                finding["crate"].as_str().unwrap().to_string(),
                finding["advisory"]["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (output.status.code(), findings)
}

#[test]
fn an_old_toolchain_is_stale_and_hit_by_the_std_advisory() {
    let clean = std::fs::read_to_string(fixture("audit/clean.toml")).unwrap();
    let (code, findings) = audit("1.95.0", &clean);
    assert_eq!(findings, BTreeSet::new());
    assert_eq!(code, Some(0));
    let (code, findings) = audit("1.58.0", &clean);
    let expected: BTreeSet<(String, String, String)> = [
        ("version-drift", "rust", ""),
        ("vulnerability", "rust", "CVE-2022-21658"),
    ]
    .iter()
    .map(|(code, krate, id)| (code.to_string(), krate.to_string(), id.to_string()))
    .collect();
    assert_eq!(findings, expected);
    assert_eq!(code, Some(1));
    // The toolchain's dispositions live in [toolchain].
    let disposed = format!(
        "{}\n[[toolchain.advisories]]\nid = \"CVE-2022-21658\"\nstatus = \"not-affected\"\nrationale = \"std::fs::remove_dir_all is not used.\"\n",
        clean.replace("version = \"1.95.0\"", "version = \"1.58.0\"")
    );
    let (code, findings) = audit("1.58.0", &disposed);
    assert_eq!(findings, BTreeSet::new());
    assert_eq!(code, Some(0));
}

#[test]
fn sync_adds_a_toolchain_table_to_a_file_without_one() {
    let dir = common::copy_fixture("scope");
    let clean = std::fs::read_to_string(fixture("audit/clean.toml")).unwrap();
    let without = &clean[..clean.find("\n# The Rust toolchain").unwrap()];
    std::fs::write(dir.path().join("soup.toml"), format!("{without}\n")).unwrap();
    soup_on(dir.path(), &["sync", "--offline"])
        .assert()
        .success()
        .stderr(predicates::str::contains("  + [toolchain] rust 1.95.0 (direct)"));
    let written = std::fs::read_to_string(dir.path().join("soup.toml")).unwrap();
    assert!(written.starts_with(without));
    assert!(written.contains("\n[toolchain]\nversion = \"1.95.0\""));
    assert!(written.contains("\n[[toolchain.requirements]]\nid = \"SOUP-RUST-F1\""));
}

#[test]
fn review_records_a_toolchain_update() {
    let dir = common::copy_fixture("scope");
    let clean = std::fs::read_to_string(fixture("audit/clean.toml")).unwrap();
    std::fs::write(dir.path().join("soup.toml"), &clean).unwrap();
    soup_on(
        dir.path(),
        &[
            "review",
            "rust",
            "--by",
            "R. Viewer",
            "--date",
            "2026-11-20",
            "--yes",
            "--offline",
        ],
    )
    .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.96.1")
    .assert()
    .success()
    .stdout(predicates::str::contains("version: 1.95.0 -> 1.96.1"));
    let written = std::fs::read_to_string(dir.path().join("soup.toml")).unwrap();
    assert!(written.contains("[toolchain]\nversion = \"1.96.1\""), "{written}");
    assert!(written.contains("[toolchain.anomalies]\nreviewed = 2026-11-20\nby = \"R. Viewer\""));
    assert_eq!(
        written
            .replace("1.96.1", "1.95.0")
            .replace("2026-11-20", "2026-10-01")
            .replace("R. Viewer", "A. Reviewer"),
        clean
    );
}
