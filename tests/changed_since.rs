//! `audit --changed-since REF` on a git repository the test makes: only findings on
//! what changed since REF stay errors.

mod common;

use common::{AUDIT_WITHOUT_ADVISORIES, copy_fixture, fixture, soup, stdout_with_code};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.email=test@localhost", "-c", "user.name=test"])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// The scope fixture in a fresh repository with a soup.toml whose twin 2 review is
/// overdue, committed; then normal-dep bumped to 1.1.0 in a second commit.
fn repository() -> tempfile::TempDir {
    let dir = copy_fixture("scope");
    let soup_toml = std::fs::read_to_string(fixture("audit/review-overdue.toml")).unwrap();
    std::fs::write(dir.path().join("soup.toml"), soup_toml).unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "assessed"]);
    let manifest = dir.path().join("crates/normal-dep-1.0.0/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("version = \"1.0.0\"", "version = \"1.1.0\"")).unwrap();
    // cargo metadata brings Cargo.lock up to date with the bump.
    soup()
        .args(["list", "--offline", "--no-cache", "--manifest-path"])
        .arg(dir.path().join("Cargo.toml"))
        .assert()
        .success();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "bump normal-dep"]);
    dir
}

fn audit(dir: &Path, reference: &str, env: &[(&str, &str)]) -> (Option<i32>, serde_json::Value, String) {
    let mut command = soup();
    command
        .current_dir(dir)
        .args(AUDIT_WITHOUT_ADVISORIES)
        .args(["--format", "json"])
        .args(["--changed-since", reference]);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code(), json, stderr)
}

fn levels(json: &serde_json::Value) -> Vec<(String, String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["code"].as_str().unwrap().to_string(),
                finding["crate"].as_str().unwrap().to_string(),
                finding["level"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn only_the_bumped_dependency_keeps_its_error() {
    let dir = repository();
    let (code, json, stderr) = audit(dir.path(), "HEAD~1", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        levels(&json),
        [
            ("version-drift".into(), "normal-dep".into(), "error".into()),
            ("review-overdue".into(), "twin".into(), "warning".into()),
        ]
    );
    assert_eq!(json["summary"]["changed_since"]["downgraded"], 1);

    // Nothing changed since the last commit: every finding is a warning.
    let (code, json, _) = audit(dir.path(), "HEAD", &[]);
    assert_eq!(code, Some(0));
    assert!(levels(&json).iter().all(|(_, _, level)| level == "warning"));
}

#[test]
fn a_changed_soup_toml_entry_keeps_its_findings_errors() {
    let dir = repository();
    let path = dir.path().join("soup.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("Computes the dose limits shown by the tool.", "Computes dose limits."),
    )
    .unwrap();
    let (code, json, _) = audit(dir.path(), "HEAD", &[]);
    assert_eq!(code, Some(1));
    assert!(levels(&json).contains(&("review-overdue".into(), "twin".into(), "error".into())));
    assert!(levels(&json).contains(&("version-drift".into(), "normal-dep".into(), "warning".into())));
}

#[test]
fn a_hook_environment_does_not_mislead_git() {
    let dir = repository();
    let elsewhere = tempfile::tempdir().unwrap();
    let bogus = elsewhere.path().to_str().unwrap();
    let env = [("GIT_DIR", bogus), ("GIT_WORK_TREE", bogus), ("GIT_INDEX_FILE", bogus)];
    let (code, json, stderr) = audit(dir.path(), "HEAD~1", &env);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(json["summary"]["changed_since"]["downgraded"], 1);
}

#[test]
fn a_bad_revision_or_no_repository_is_exit_2() {
    let dir = repository();
    let (code, _, stderr) = audit(dir.path(), "no-such-branch", &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--changed-since no-such-branch: no such revision"),
        "{stderr}"
    );
    let plain = copy_fixture("scope");
    std::fs::copy(fixture("audit/clean.toml"), plain.path().join("soup.toml")).unwrap();
    let (code, _, stderr) = audit(plain.path(), "HEAD", &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("is not inside a git repository"), "{stderr}");
}

#[test]
fn a_crate_taken_out_of_covers_is_part_of_the_change() {
    let dir = repository();
    let path = dir.path().join("soup.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("covers = [\"leaf\"]", "covers = []")).unwrap();
    let (code, json, _) = audit(dir.path(), "HEAD", &[]);
    assert_eq!(code, Some(1));
    assert!(levels(&json).contains(&("missing-assessment".into(), "leaf".into(), "error".into())));
}

/// Stale advisory data is a problem of the gate itself, not of an unchanged item: it
/// stays an error, so a pull request cannot pass on data too old to show what it adds.
#[test]
fn stale_advisory_data_keeps_its_level() {
    let dir = repository();
    let mut command = soup();
    command
        .current_dir(dir.path())
        .args([
            "audit",
            "--offline",
            "--no-osv",
            "--format",
            "json",
            "--as-of",
            "2030-01-01",
        ])
        .arg("--advisory-db")
        .arg(fixture("advisory-db"))
        .args(["--changed-since", "HEAD"]);
    let json: serde_json::Value = serde_json::from_str(&stdout_with_code(&mut command, 1)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let errors: Vec<&str> = findings
        .iter()
        .filter(|finding| finding["level"] == "error")
        .map(|finding| finding["code"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["stale-advisory-db"], "{findings:?}");
    assert!(findings.len() > 1, "the item findings are there, as warnings");
}

/// soup.toml's history dates what an approval signed: a `version` changed by hand in a
/// later commit than the approval is `approval-before-review`; committed together, as
/// `review` and an approval usually are, it is not.
#[test]
fn an_approval_older_than_the_assessed_version_in_the_history_is_flagged() {
    let dir = repository();
    let path = dir.path().join("soup.toml");
    let codes_on_normal_dep = || {
        let output = soup()
            .current_dir(dir.path())
            .args(AUDIT_WITHOUT_ADVISORIES)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| finding["crate"] == "normal-dep")
            .map(|finding| finding["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes_on_normal_dep(), ["version-drift"], "assessed 1.0.0, locked 1.1.0");

    // The version follows the lock by hand, in a later commit, without a new approval.
    let text = std::fs::read_to_string(&path).unwrap();
    let bumped = text.replacen(
        "[soup.normal-dep]\nversion = \"1.0.0\"",
        "[soup.normal-dep]\nversion = \"1.1.0\"",
        1,
    );
    assert_ne!(bumped, text);
    std::fs::write(&path, bumped).unwrap();
    let status = Command::new("git")
        .current_dir(dir.path())
        .args([
            "-c",
            "user.email=test@localhost",
            "-c",
            "user.name=test",
            "commit",
            "-qam",
            "follow the lock",
        ])
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_COMMITTER_DATE", "2030-01-01T00:00:00Z")
        .status()
        .unwrap();
    assert!(status.success());
    let codes = codes_on_normal_dep();
    assert_eq!(codes, ["approval-before-review"], "{codes:?}");
}
