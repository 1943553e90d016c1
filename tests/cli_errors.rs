//! Bad input: exit 2, a message that says what, where and what to do, nothing written.

mod common;

use common::*;
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn manifest_path_that_is_a_folder() {
    soup()
        .args(["list", "--manifest-path"])
        .arg(fixture("scope"))
        .assert()
        .code(2)
        .stderr(contains("is a folder; pass the Cargo.toml file inside it"));
}

#[test]
fn manifest_path_that_does_not_exist() {
    soup()
        .args(["list", "--manifest-path", "/no/such/dir/Cargo.toml"])
        .assert()
        .code(2)
        .stderr(contains("/no/such/dir/Cargo.toml: no such file"));
}

#[test]
fn no_cargo_toml_in_the_current_folder() {
    let empty = tempfile::tempdir().unwrap();
    soup()
        .current_dir(empty.path())
        .arg("list")
        .assert()
        .code(2)
        .stderr(contains("`cargo metadata` failed"))
        .stderr(contains("--manifest-path"));
}

#[test]
fn locked_with_an_outdated_lockfile_fails_and_changes_nothing() {
    let dir = copy_fixture("scope");
    let manifest = dir.path().join("tool/Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("leaf = { path = \"../crates/leaf-0.1.0\" }\n");
    std::fs::write(&manifest, text).unwrap();
    let lock_before = std::fs::read(dir.path().join("Cargo.lock")).unwrap();
    soup_on(dir.path(), &["list", "--locked", "--offline"])
        .assert()
        .code(2)
        .stderr(contains("Cargo.lock is out of date"));
    assert_eq!(std::fs::read(dir.path().join("Cargo.lock")).unwrap(), lock_before);
}

#[test]
fn invalid_soup_toml_names_file_line_and_column() {
    let dir = copy_fixture("scope");
    std::fs::write(
        dir.path().join("soup.toml"),
        "[project]\nclass = \"C\"\nreview-interval = 180d\n",
    )
    .unwrap();
    soup_on(dir.path(), &["list", "--offline"])
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("soup.toml is not valid TOML"))
        .stderr(contains("--> soup.toml:3:"))
        .stderr(contains("review-interval = 180d"));
}

#[test]
fn every_problem_of_soup_toml_is_reported_at_once() {
    let dir = copy_fixture("scope");
    let soup_toml = "[project]\nclass = \"D\"\nreview-intervall = \"180d\"\n\n[soup.leaf]\nversion = \"one\"\n";
    std::fs::write(dir.path().join("soup.toml"), soup_toml).unwrap();
    soup_on(dir.path(), &["list", "--offline"])
        .current_dir(dir.path().join("app"))
        .assert()
        .code(2)
        // Named from where the user stands: the file is one folder up.
        .stderr(contains("--> ../soup.toml:2:9"))
        .stderr(contains("`class` in [project] cannot be \"D\""))
        .stderr(contains("soup.toml:3:1"))
        .stderr(contains("did you mean `review-interval`?"))
        .stderr(contains("soup.toml:6:11"))
        .stderr(contains("soup.toml has 3 errors"));
}

#[test]
fn soup_file_that_does_not_exist() {
    soup_on(
        &fixture("scope"),
        &["list", "--offline", "--soup-file", "/no/such/soup.toml"],
    )
    .assert()
    .code(2)
    .stderr(contains("--soup-file /no/such/soup.toml: no such file"))
    .stderr(contains("cargo soup init"));
}

#[test]
fn as_of_that_is_not_a_date() {
    soup_on(&fixture("scope"), &["list", "--as-of", "2026-02-30"])
        .assert()
        .code(2)
        .stderr(contains("not a day of the calendar"));
}

#[test]
fn unknown_format_and_unknown_target() {
    soup_on(&fixture("scope"), &["list", "--format", "yaml"])
        .assert()
        .code(2)
        .stderr(contains("invalid value 'yaml'"));
    soup_on(&fixture("scope"), &["list", "--offline", "--target", "not-a-triple"])
        .assert()
        .code(2)
        .stderr(contains("`not-a-triple` is not a target rustc knows"));
}

#[test]
fn help_has_examples_and_version_is_printed() {
    soup()
        .args(["list", "--help"])
        .assert()
        .success()
        .stdout(contains("Examples:"))
        .stdout(contains("cargo soup list --why"));
    soup()
        .arg("--version")
        .assert()
        .success()
        .stdout(contains(env!("CARGO_PKG_VERSION")));
}

/// `cargo soup list | head`: the reader closed the pipe before cargo-soup wrote; that
/// is a normal end, with exit 0 and nothing on stderr.
#[test]
fn a_closed_pipe_is_a_normal_end() {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin!("cargo-soup"));
    command
        .args(["list", "--offline", "--format", "json", "--manifest-path"])
        .arg(fixture("scope").join("Cargo.toml"))
        .env("CARGO_SOUP_OFFLINE", "1")
        .env(
            "CARGO_SOUP_CACHE",
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("soup-cache"),
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// cargo writes a missing Cargo.lock: the list says so, and --locked refuses instead,
/// saying what to do.
#[test]
fn a_missing_cargo_lock_is_named_or_refused() {
    let dir = copy_fixture("scope");
    std::fs::remove_file(dir.path().join("Cargo.lock")).unwrap();
    soup_on(dir.path(), &["list", "--locked", "--offline"])
        .assert()
        .code(2)
        .stderr(contains(
            "The workspace has no Cargo.lock: run `cargo generate-lockfile`",
        ));
    assert!(!dir.path().join("Cargo.lock").exists(), "--locked writes nothing");
    soup_on(dir.path(), &["list", "--offline", "--no-cache"])
        .assert()
        .success()
        .stderr(contains(
            "warning: the workspace had no Cargo.lock, so `cargo metadata` wrote",
        ));
    assert!(dir.path().join("Cargo.lock").exists());
    soup_on(dir.path(), &["list", "--offline", "--no-cache"])
        .assert()
        .success()
        .stderr(contains("no Cargo.lock").not());
}

/// What is not a regular file is refused at once (a FIFO would block forever,
/// /dev/zero would read until memory runs out), and invalid UTF-8 is located.
#[cfg(unix)]
#[test]
fn soup_toml_must_be_a_regular_utf8_file() {
    soup_on(&fixture("scope"), &["list", "--offline", "--soup-file", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains("/dev/zero is not a regular file"));

    let dir = copy_fixture("scope");
    let fifo = dir.path().join("soup.toml");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    soup_on(dir.path(), &["list", "--offline"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains("soup.toml is not a regular file"));
    std::fs::remove_file(&fifo).unwrap();

    std::fs::write(&fifo, b"[project]\nname = \"d\xe9vice\"\n").unwrap();
    soup_on(dir.path(), &["list", "--offline"])
        .assert()
        .code(2)
        .stderr(contains("soup.toml:2:10: byte 0xe9 is not UTF-8"));
}
