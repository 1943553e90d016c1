//! RustSec advisories in `cargo soup audit`, on `fixtures/vulnerable` (crates pinned at
//! affected versions) and the curated `fixtures/advisory-db`: every advisory kind, the
//! device scope, each disposition rule, stale and unreadable data, and switching the
//! source off. OSV is switched off here; tests/audit_osv.rs is about it.

mod common;

use common::{VULNERABLE_SOUP as BASE, fixture, run_with_sidecar, soup};
use std::collections::BTreeSet;
use std::path::Path;

struct Run {
    code: Option<i32>,
    json: serde_json::Value,
    stderr: String,
}

fn audit_with(soup_toml: &str, db: &Path, extra: &[&str]) -> Run {
    let as_of = if extra.contains(&"--as-of") {
        &[][..]
    } else {
        &["--as-of", "2026-11-25"][..]
    };
    let mut command = soup();
    command
        .args(["audit", "-v", "--offline", "--format", "json"])
        .args(as_of)
        .arg("--advisory-db")
        .arg(db)
        .arg("--no-osv")
        .args(extra);
    let output = run_with_sidecar(command, "vulnerable", soup_toml);
    let stderr = String::from_utf8(output.stderr).unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("JSON expected: {stderr}"));
    Run {
        code: output.status.code(),
        json,
        stderr,
    }
}

fn audit(soup_toml: &str, extra: &[&str]) -> Run {
    audit_with(soup_toml, &fixture("advisory-db"), extra)
}

/// (code, crate, advisory id) of every finding.
fn findings(run: &Run) -> BTreeSet<(String, String, String)> {
    run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["code"].as_str().unwrap().to_string(),
                finding["crate"].as_str().unwrap_or("").to_string(),
                finding["advisory"]["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn set(expected: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    expected
        .iter()
        .map(|(code, krate, id)| (code.to_string(), krate.to_string(), id.to_string()))
        .collect()
}

/// What the fixture has, with every platform in scope.
const ALL: &[(&str, &str, &str)] = &[
    ("vulnerability", "time", "RUSTSEC-2020-0071"),
    ("vulnerability", "smallvec", "RUSTSEC-2021-0003"),
    ("unsound", "atty", "RUSTSEC-2021-0145"),
    ("unmaintained", "atty", "RUSTSEC-2024-0375"),
    ("unmaintained", "ansi_term", "RUSTSEC-2021-0139"),
    ("notice", "inconceivable", "RUSTSEC-2022-0058"),
];

#[test]
fn every_kind_is_found_with_its_code_ids_and_fix() {
    let run = audit(BASE, &[]);
    assert_eq!(findings(&run), set(ALL), "{}", run.stderr);
    assert_eq!(run.code, Some(1));
    let smallvec = run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["crate"] == "smallvec")
        .unwrap();
    let advisory = &smallvec["advisory"];
    assert_eq!(
        advisory["aliases"],
        serde_json::json!(["CVE-2021-25900", "GHSA-43w2-9j62-hq99"])
    );
    assert_eq!(advisory["kind"], "vulnerability");
    assert_eq!(advisory["sources"], serde_json::json!(["rustsec"]));
    assert_eq!(advisory["severity"], "critical");
    assert_eq!(advisory["patched"], serde_json::json!([">=0.6.14, <1.0.0", ">=1.6.1"]));
    assert!(advisory["url"].as_str().unwrap().starts_with("https://"));
    let message = smallvec["message"].as_str().unwrap();
    assert!(message.contains("`cargo update -p smallvec@0.6.13`"), "{message}");
    // The finding points at the item's entry.
    assert_eq!(smallvec["location"]["line"], 14);
    let levels: BTreeSet<(&str, &str)> = run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| (finding["code"].as_str().unwrap(), finding["level"].as_str().unwrap()))
        .collect();
    assert!(levels.contains(&("unmaintained", "warning")) && levels.contains(&("vulnerability", "error")));
    let data = &run.json["advisory_data"][0];
    assert_eq!(data["source"], "rustsec");
    assert_eq!(data["skipped"], false);
    assert_eq!(data["updated"], "2026-02-05");
    assert_eq!(data["advisories"], 12);
}

#[test]
fn advisories_limited_to_other_platforms_are_not_findings_for_the_device() {
    let bare_metal = BASE.replace(
        "class = \"A\"\nadvisory",
        "class = \"A\"\ntargets = [\"thumbv7em-none-eabihf\"]\nadvisory",
    );
    let run = audit(&bare_metal, &[]);
    let mut expected = set(ALL);
    expected.remove(&("vulnerability".into(), "time".into(), "RUSTSEC-2020-0071".into()));
    expected.remove(&("unsound".into(), "atty".into(), "RUSTSEC-2021-0145".into()));
    assert_eq!(findings(&run), expected);
    assert!(
        run.stderr
            .contains("note: RUSTSEC-2020-0071 on time 0.1.43 affects only os linux"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("note: RUSTSEC-2021-0145 on atty 0.2.14 affects only os windows")
    );

    let windows = audit(BASE, &["--target", "x86_64-pc-windows-msvc"]);
    let mut expected = set(ALL);
    expected.remove(&("vulnerability".into(), "time".into(), "RUSTSEC-2020-0071".into()));
    assert_eq!(
        findings(&windows),
        expected,
        "the Unix-only time advisory is out, atty's Windows one stays"
    );
}

#[test]
fn a_disposition_matches_by_alias() {
    let disposed = format!(
        "{BASE}\n[[soup.smallvec.advisories]]\nid = \"CVE-2021-25900\"\nstatus = \"mitigated\"\nrationale = \"insert_many is never called\"\nreviewed = 2026-10-01\nby = \"A. Reviewer\"\nexpires = 2027-03-31\n"
    );
    let run = audit(&disposed, &[]);
    let mut expected = set(ALL);
    expected.remove(&("vulnerability".into(), "smallvec".into(), "RUSTSEC-2021-0003".into()));
    assert_eq!(findings(&run), expected);
}

#[test]
fn an_expired_disposition_is_a_finding_and_no_longer_hides_the_advisory() {
    let expired = format!(
        "{BASE}\n[[soup.smallvec.advisories]]\nid = \"RUSTSEC-2021-0003\"\nstatus = \"accepted\"\nexpires = 2026-01-01\n"
    );
    let run = audit(&expired, &[]);
    let mut expected = set(ALL);
    expected.insert((
        "disposition-expired".into(),
        "smallvec".into(),
        "RUSTSEC-2021-0003".into(),
    ));
    assert_eq!(findings(&run), expected);
    let finding = run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["code"] == "disposition-expired")
        .unwrap();
    assert!(finding["message"].as_str().unwrap().contains("expired on 2026-01-01"));
    assert_eq!(
        finding["location"]["line"],
        BASE.lines().count() + 2,
        "at the [[advisories]] table"
    );
}

#[test]
fn a_disposition_of_an_advisory_that_no_longer_applies_is_stale() {
    // RUSTSEC-2019-0009 is fixed in smallvec 0.6.10; 0.6.13 is locked.
    let stale = format!(
        "{BASE}\n[[soup.smallvec.advisories]]\nid = \"RUSTSEC-2019-0009\"\nstatus = \"not-affected\"\n\n[[soup.smallvec.advisories]]\nid = \"GHSA-0000-0000-0000\"\nstatus = \"accepted\"\n"
    );
    let run = audit(&stale, &[]);
    let mut expected = set(ALL);
    expected.insert((
        "stale-disposition".into(),
        "smallvec".into(),
        "RUSTSEC-2019-0009".into(),
    ));
    assert_eq!(findings(&run), expected, "an id the data does not know is left alone");
    assert_eq!(run.code, Some(1));
}

#[test]
fn advisories_published_after_the_review_are_flagged_until_reviewed() {
    let reviewed = format!("{BASE}\n[soup.atty.anomalies]\nreviewed = 2024-01-01\nby = \"A. Reviewer\"\n");
    let run = audit(&reviewed, &[]);
    let mut expected = set(ALL);
    expected.insert((
        "advisory-since-review".into(),
        "atty".into(),
        "RUSTSEC-2024-0375".into(),
    ));
    assert_eq!(findings(&run), expected);
    // A disposition reviewed after the advisory counts as its review.
    let considered = format!(
        "{reviewed}\n[[soup.atty.advisories]]\nid = \"RUSTSEC-2024-0375\"\nstatus = \"accepted\"\nrationale = \"replacement planned\"\nreviewed = 2024-10-01\nby = \"A. Reviewer\"\n"
    );
    let run = audit(&considered, &[]);
    let mut expected = set(ALL);
    expected.remove(&("unmaintained".into(), "atty".into(), "RUSTSEC-2024-0375".into()));
    assert_eq!(findings(&run), expected);
}

#[test]
fn old_advisory_data_is_a_finding() {
    let strict = BASE.replace("advisory-max-age = \"3650d\"", "advisory-max-age = \"7d\"");
    let run = audit(&strict, &[]);
    let mut expected = set(ALL);
    expected.insert(("stale-advisory-db".into(), String::new(), String::new()));
    assert_eq!(findings(&run), expected);
    let fresh = audit(&strict, &["--as-of", "2026-02-12"]);
    assert_eq!(
        findings(&fresh),
        set(ALL),
        "within 7 days of the newest advisory (2026-02-05)"
    );
}

#[test]
fn an_unreadable_advisory_is_reported_and_the_rest_still_checked() {
    let db = tempfile::tempdir().unwrap();
    for entry in walk(&fixture("advisory-db")) {
        let target = db.path().join(entry.strip_prefix(fixture("advisory-db")).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
    let broken = db.path().join("crates/time/RUSTSEC-2099-0001.md");
    std::fs::write(
        &broken,
        "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"time\"\n",
    )
    .unwrap();
    let run = audit_with(BASE, db.path(), &[]);
    let mut expected = set(ALL);
    expected.insert(("unreadable-advisory".into(), "time".into(), String::new()));
    assert_eq!(findings(&run), expected);
    let finding = run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["code"] == "unreadable-advisory")
        .unwrap();
    assert!(
        finding["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("crates/time/RUSTSEC-2099-0001.md")
    );
    assert!(finding["message"].as_str().unwrap().contains("could not be read"));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            files.extend(walk(&entry.path()));
        } else {
            files.push(entry.path());
        }
    }
    files
}

#[test]
fn no_rustsec_checks_nothing_and_says_so() {
    let run = audit(BASE, &["--no-rustsec"]);
    assert_eq!(findings(&run), BTreeSet::new());
    assert_eq!(run.code, Some(0));
    assert_eq!(run.json["advisory_data"][0]["skipped"], true);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("soup.toml"), BASE).unwrap();
    let human = soup()
        .args(["audit", "--offline", "--no-rustsec", "--manifest-path"])
        .arg(fixture("vulnerable/Cargo.toml"))
        .arg("--soup-file")
        .arg(dir.path().join("soup.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("advisories: RustSec skipped"), "{text}");
}

#[test]
fn without_advisory_data_the_audit_stops_and_names_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let output = soup()
        .env_remove("CARGO_SOUP_OSV_DB")
        .args(["audit", "--offline", "--manifest-path"])
        .arg(fixture("vulnerable/Cargo.toml"))
        .arg("--cache-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    for flag in [
        "--advisory-db",
        "CARGO_SOUP_ADVISORY_DB",
        "--no-rustsec",
        "--offline",
        "cargo soup fetch",
    ] {
        assert!(stderr.contains(flag), "{flag} in {stderr}");
    }
    let output = soup()
        .args(["audit", "--offline", "--advisory-db", "/no/such/db", "--manifest-path"])
        .arg(fixture("vulnerable/Cargo.toml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("has no `crates/` folder"));
}
