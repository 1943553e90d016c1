//! `audit`'s human output: the next step a finding names is one the user can take (the
//! toolchain gets a table of its own, each data source its own update; the remedy of
//! every code is pinned in the library snapshots, `library__*_human`, a covered crate's
//! review in tests/library.rs), `-q` and `--status`.

mod common;

use common::{AUDIT_WITHOUT_ADVISORIES, fixture, run_on_sidecar, run_with_sidecar, soup};

fn human_audit(sidecar: &str, extra: &[&str]) -> String {
    let mut command = soup();
    command
        .args(["audit", "--offline", "--as-of", "2026-11-25"])
        .args(extra);
    let output = run_with_sidecar(command, "vulnerable", sidecar);
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn stale_data_is_answered_per_source() {
    let sidecar = common::VULNERABLE_SOUP.replace("advisory-max-age = \"3650d\"", "advisory-max-age = \"7d\"");
    let text = human_audit(&sidecar, &[]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("the osv data in"), "{text}");
    assert!(flat.contains("a newer crates.io export of OSV in the folder --osv-db names"));
    assert!(flat.contains("`git pull` in an advisory-db checkout named by --advisory-db"));
    let osv = text
        .split("\n\n")
        .find(|diagnostic| diagnostic.contains("the osv data"))
        .unwrap();
    assert!(!osv.contains("git pull"), "OSV data is no git checkout: {osv}");
}

#[test]
fn a_missing_toolchain_assessment_asks_for_a_toolchain_table() {
    let mut command = soup();
    command
        .args(AUDIT_WITHOUT_ADVISORIES)
        .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0");
    let sidecar = std::fs::read_to_string(fixture("audit/clean.toml")).unwrap();
    let without_toolchain = sidecar.split("[toolchain]").next().unwrap().to_string();
    let output = run_on_sidecar(command, "scope", &without_toolchain);
    let text = String::from_utf8(output.stdout).unwrap();
    let rust = text
        .split("\n\n")
        .find(|diagnostic| diagnostic.contains("rust 1.95.0"))
        .unwrap_or_else(|| panic!("{text}"));
    let flat = rust.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("add a [toolchain] table to soup.toml"), "{rust}");
    assert!(
        !flat.contains("add it to the `covers`"),
        "nothing covers the toolchain: {rust}"
    );
}

#[test]
fn quiet_prints_the_findings_only_and_nothing_on_success() {
    let text = human_audit(common::VULNERABLE_SOUP, &["-q"]);
    assert!(text.starts_with("error["), "{text}");
    assert!(!text.contains("audit failed") && !text.contains("next: "), "{text}");

    let mut command = soup();
    command
        .args(AUDIT_WITHOUT_ADVISORIES)
        .arg("-q")
        .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0");
    let output = run_on_sidecar(
        command,
        "scope",
        &std::fs::read_to_string(fixture("audit/clean.toml")).unwrap(),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn status_prints_the_findings_on_items_of_those_statuses_and_counts_all() {
    let mut command = soup();
    command
        .args(["audit", "--offline", "--as-of", "2026-11-25", "--status", "stale"])
        .arg("--manifest-path")
        .arg(fixture("demo/Cargo.toml"))
        .arg("--advisory-db")
        .arg(fixture("advisory-db"));
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(1), "the exit status counts every finding");
    let text = String::from_utf8(output.stdout).unwrap();
    let headlines: Vec<&str> = text.lines().filter(|line| line.starts_with("error[")).collect();
    assert!(
        headlines
            .iter()
            .all(|line| !line.starts_with("error[missing-assessment]")),
        "{text}"
    );
    assert!(
        headlines
            .iter()
            .any(|line| line.starts_with("error[version-drift]: bitflags")),
        "{text}"
    );
    assert!(
        text.contains("; 23 errors, 0 warnings\n"),
        "the summary still counts every finding: {text}"
    );
}

#[test]
fn an_advisory_names_the_path_from_a_member_to_its_crate() {
    let text = human_audit(common::VULNERABLE_SOUP, &[]);
    assert!(
        text.contains("= note: dependency path: pump 0.1.0 → smallvec 0.6.13"),
        "{text}"
    );
}
