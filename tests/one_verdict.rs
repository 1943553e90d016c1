//! One verdict per item and advisory, stated alike by every output: on a Windows-only
//! device, time's advisory that affects only Unix does not apply, and smallvec's
//! disposition that expired no longer counts. The audit, the report, the SBOM and
//! `review` must all say so.

mod common;

use common::{VULNERABLE_SOUP, element, run_with_sidecar, soup};

fn device_soup() -> String {
    VULNERABLE_SOUP.replace(
        "[project]\nclass = \"A\"\n",
        "[project]\nclass = \"A\"\ntargets = [\"x86_64-pc-windows-msvc\"]\n",
    ) + r#"
[[soup.smallvec.advisories]]
id = "RUSTSEC-2021-0003"
status = "accepted"
rationale = "Accepted until the update of release 2.3."
expires = 2026-01-01
"#
}

fn run(args: &[&str]) -> (Option<i32>, String) {
    let mut command = soup();
    command
        .args(args)
        .args(["--offline", "--no-osv", "--as-of", "2026-11-25"])
        .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0");
    let output = run_with_sidecar(command, "vulnerable", &device_soup());
    (output.status.code(), String::from_utf8(output.stdout).unwrap())
}

#[test]
fn the_audit_skips_what_does_not_apply_and_reports_the_expired_disposition() {
    let (code, text) = run(&["audit", "--format", "json"]);
    assert_eq!(code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let about = |id: &str| -> Vec<String> {
        let mut codes: Vec<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| finding["advisory"]["id"] == id)
            .map(|finding| finding["code"].as_str().unwrap().to_string())
            .collect();
        codes.sort();
        codes
    };
    assert!(about("RUSTSEC-2020-0071").is_empty(), "Unix only, on a Windows device");
    assert_eq!(about("RUSTSEC-2021-0003"), ["disposition-expired", "vulnerability"]);

    // The same verdict per item, for tools that read the audit item by item.
    let time = element(&json, "items", "name", "time");
    assert_eq!(time["entry"], "time");
    let unix_only = element(time, "advisories", "id", "RUSTSEC-2020-0071");
    assert_eq!(unix_only["applies"], false);
    assert!(
        unix_only["reason"].as_str().unwrap().starts_with("affects only os "),
        "{unix_only}"
    );
    let smallvec = element(&json, "items", "name", "smallvec");
    assert_eq!(smallvec["entry"], "smallvec");
    assert_eq!(smallvec["status"], "assessed");
    let expired = element(smallvec, "advisories", "id", "RUSTSEC-2021-0003");
    assert_eq!(expired["applies"], true);
    assert_eq!(expired["disposition"]["status"], "accepted");
    assert_eq!(expired["disposition"]["expired"], true);
    assert_eq!(expired["disposition"]["expires"], "2026-01-01");
    assert!(smallvec["errors"].as_u64().unwrap() >= 2, "{smallvec}");
}

#[test]
fn the_report_states_the_same_verdict() {
    let (code, text) = run(&["report", "--format", "markdown"]);
    assert_eq!(code, Some(1), "an expired disposition is an open error: a draft");
    let row = |id: &str| {
        text.lines()
            .find(|line| line.starts_with(&format!("| {id}")))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        row("RUSTSEC-2020-0071").contains("not applicable to the device: affects only os "),
        "{}",
        row("RUSTSEC-2020-0071")
    );
    assert!(
        row("RUSTSEC-2021-0003").contains("accepted<br>")
            && row("RUSTSEC-2021-0003").contains("**EXPIRED on 2026-01-01**"),
        "{}",
        row("RUSTSEC-2021-0003")
    );
}

#[test]
fn the_sbom_states_the_same_verdict() {
    let (code, text) = run(&["sbom"]);
    assert_eq!(code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let analysis = |id: &str| element(&json, "vulnerabilities", "id", id)["analysis"].clone();
    let unix_only = analysis("RUSTSEC-2020-0071");
    assert_eq!(unix_only["state"], "not_affected");
    assert_eq!(unix_only["justification"], "requires_environment");
    assert_eq!(
        analysis("RUSTSEC-2021-0003")["state"],
        "in_triage",
        "an expired acceptance is no answer"
    );
}

#[test]
fn review_states_the_same_verdict() {
    let line = |item: &str, id: &str| {
        let (code, text) = run(&["review", item, "--by", "R"]);
        assert_eq!(code, Some(2), "off a terminal without --yes: shown, then refused");
        text.lines()
            .find(|line| line.contains(id))
            .unwrap_or_default()
            .to_string()
    };
    let unix_only = line("time", "RUSTSEC-2020-0071");
    assert!(
        unix_only.starts_with("  does not apply (affects only os "),
        "{unix_only}"
    );
    let expired = line("smallvec", "RUSTSEC-2021-0003");
    assert!(expired.contains("disposition EXPIRED on 2026-01-01"), "{expired}");
}

fn export(format: &str) -> (String, String) {
    let mut command = soup();
    command
        .args(["export", "--format", format])
        .args(["--offline", "--no-osv", "--as-of", "2026-11-25"])
        .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0");
    let output = run_with_sidecar(command, "vulnerable", &device_soup());
    assert!(output.status.success());
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn export_leaves_the_expired_disposition_out_of_ignore_lists_and_says_so() {
    let (text, stderr) = export("deny-toml");
    assert!(
        stderr.contains("left out 1 expired disposition(s), as of 2026-11-25: RUSTSEC-2021-0003 in [soup.smallvec]"),
        "{stderr}"
    );
    assert!(!text.contains("RUSTSEC-2021-0003"), "{text}");
}

#[test]
fn openvex_states_what_the_sbom_states() {
    let (text, stderr) = export("openvex");
    assert!(
        !stderr.contains("left out"),
        "OpenVEX can say under_investigation: {stderr}"
    );
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let status = |id: &str| {
        let statement = document["statements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|statement| statement["vulnerability"]["name"] == id)
            .unwrap_or_else(|| panic!("{id} in {document}"));
        statement["status"].as_str().unwrap().to_string()
    };
    assert_eq!(status("RUSTSEC-2021-0003"), "under_investigation", "expired: in triage");
    assert_eq!(
        status("RUSTSEC-2020-0071"),
        "not_affected",
        "not on the device's targets"
    );
}

/// An advisory about smallvec that 0.6.13 is not affected by (RUSTSEC-2019-0009, fixed
/// in 0.6.10) touches the item without applying: the audit has no finding, the JSON and
/// the report say why, and review summarises it.
#[test]
fn an_advisory_the_locked_version_is_not_affected_by_is_stated_as_such() {
    let (_, text) = run(&["audit", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|finding| finding["advisory"]["id"] != "RUSTSEC-2019-0009")
    );
    let smallvec = element(&json, "items", "name", "smallvec");
    let fixed = element(smallvec, "advisories", "id", "RUSTSEC-2019-0009");
    assert_eq!(fixed["applies"], false);
    assert_eq!(fixed["reason"], "the locked version is not affected");

    let (_, report) = run(&["report", "--format", "markdown"]);
    let row = report
        .lines()
        .find(|line| line.starts_with("| RUSTSEC-2019-0009"))
        .unwrap_or_default();
    assert!(
        row.contains("not applicable to the device: the locked version is not affected"),
        "{row}"
    );

    let (_, review) = run(&["review", "smallvec", "--by", "R"]);
    let summary = review
        .lines()
        .find(|line| line.contains("does not apply (the locked version is not affected)"))
        .unwrap_or_default();
    assert!(summary.contains("RUSTSEC-2019-0009"), "{review}");
    assert!(
        review.contains("warning: 1 advisory on the device without a valid disposition (RUSTSEC-2021-0003)"),
        "an expired disposition leaves the advisory open: {review}"
    );
}
