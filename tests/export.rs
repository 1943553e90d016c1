//! `cargo soup export`: every disposition of soup.toml round-trips into cargo-deny,
//! osv-scanner and OpenVEX, read back with real parsers; expired ones are left out.

mod common;

use common::{run_with_sidecar, soup};
use toml_edit::DocumentMut;

const SOUP: &str = r#"schema = 1

[project]
name = "pump"
class = "A"

[soup.time]
version = "0.1.43"
license = "MIT OR Apache-2.0"
class = "A"
covers = ["libc", "winapi", "winapi-i686-pc-windows-gnu", "winapi-x86_64-pc-windows-gnu"]

[[soup.time.advisories]]
id = "RUSTSEC-2020-0071"
status = "not-affected"
rationale = "The device never reads the local time offset."
reviewed = 2026-10-01
by = "A. Reviewer"
expires = 2027-03-31

[soup.smallvec]
version = "0.6.13"
license = "MIT OR Apache-2.0"
class = "A"
covers = ["maybe-uninit"]

[[soup.smallvec.advisories]]
id = "CVE-2021-25900"
status = "mitigated"
rationale = "insert_many is never called."
mitigation = "Checked by a grep in CI."
reviewed = 2026-10-02
by = "A. Reviewer"

[soup.atty]
version = "0.2.14"
license = "MIT"
class = "A"
covers = ["hermit-abi"]

[[soup.atty.advisories]]
id = "RUSTSEC-2024-0375"
status = "accepted"
rationale = "Replacement planned for release 2.4."
reviewed = 2026-10-03
by = "B. Approver"
expires = 2027-01-31

[soup.ansi_term]
version = "0.12.1"
license = "MIT"
class = "A"

[[soup.ansi_term.advisories]]
id = "RUSTSEC-2021-0139"
status = "accepted"
rationale = "Lapsed acceptance."
expires = 2026-01-01

[soup.inconceivable]
version = "0.9.0"
license = "MIT"
class = "A"
covers = ["rustc_version", "semver", "semver-parser"]
"#;

fn export(format: &str) -> (String, String) {
    let mut command = soup();
    command.args(["export", "--offline", "--as-of", "2026-11-25", "--format", format]);
    let output = run_with_sidecar(command, "vulnerable", SOUP);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    (String::from_utf8(output.stdout).unwrap(), stderr)
}

#[test]
fn deny_toml_ignores_each_live_disposition_with_its_reason() {
    let (text, stderr) = export("deny-toml");
    assert!(stderr.contains("exported 3 disposition(s)"), "{stderr}");
    assert!(
        stderr.contains("left out 1 expired disposition(s), as of 2026-11-25: RUSTSEC-2021-0139 in [soup.ansi_term]")
    );
    let document: DocumentMut = text.parse().unwrap();
    let ignore = document["advisories"]["ignore"].as_array().unwrap();
    let entries: Vec<(String, String)> = ignore
        .iter()
        .map(|entry| {
            let table = entry.as_inline_table().unwrap();
            (
                table["id"].as_str().unwrap().to_string(),
                table["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        entries.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        ["RUSTSEC-2020-0071", "RUSTSEC-2021-0003", "RUSTSEC-2024-0375"],
        "cargo-deny matches ignores by RustSec id: the CVE of soup.toml is exported as its RustSec id"
    );
    assert_eq!(
        entries[1].1,
        "mitigated: insert_many is never called; mitigation: Checked by a grep in CI ([soup.smallvec] of soup.toml, reviewed 2026-10-02 by A. Reviewer) (soup.toml names it CVE-2021-25900)"
    );
    assert!(entries[0].1.contains("expires 2027-03-31"));
}

#[test]
fn osv_scanner_config_carries_expiry_and_reason() {
    let (text, _) = export("osv-scanner");
    let document: DocumentMut = text.parse().unwrap();
    let ignored = document["IgnoredVulns"].as_array_of_tables().unwrap();
    assert_eq!(ignored.len(), 3);
    let first = ignored.get(0).unwrap();
    assert_eq!(first["id"].as_str(), Some("RUSTSEC-2020-0071"));
    assert_eq!(
        first["ignoreUntil"].as_datetime().unwrap().to_string(),
        "2027-03-31T00:00:00Z"
    );
    assert!(
        first["reason"]
            .as_str()
            .unwrap()
            .starts_with("not affected: The device never reads")
    );
    let second = ignored.get(1).unwrap();
    assert!(second.get("ignoreUntil").is_none(), "no expiry, no ignoreUntil");
}

#[test]
fn openvex_makes_the_sboms_decisions_on_every_advisory() {
    let (text, _) = export("openvex");
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["@context"], "https://openvex.dev/ns/v0.2.0");
    assert_eq!(document["timestamp"], "2026-11-25T00:00:00Z");
    assert!(document["@id"].as_str().unwrap().starts_with("https://"));
    let statements = document["statements"].as_array().unwrap();
    assert_eq!(
        statements.len(),
        7,
        "every advisory on the device, the OSV-only GHSA too: {statements:#?}"
    );
    let statement = |id: &str| {
        statements
            .iter()
            .find(|statement| statement["vulnerability"]["name"] == id)
            .unwrap_or_else(|| panic!("{id} in {statements:#?}"))
    };
    let not_affected = statement("RUSTSEC-2020-0071");
    assert_eq!(
        not_affected["vulnerability"]["aliases"],
        serde_json::json!(["CVE-2020-26235", "GHSA-wcg3-cvx6-7396"])
    );
    assert_eq!(not_affected["products"][0]["@id"], "pkg:cargo/time@0.1.43");
    assert_eq!(not_affected["status"], "not_affected");
    assert!(not_affected.get("justification").is_none(), "soup.toml chose none");
    assert_eq!(
        not_affected["impact_statement"],
        "The device never reads the local time offset."
    );
    let mitigated = statement("RUSTSEC-2021-0003");
    assert_eq!(
        mitigated["products"][0]["@id"], "pkg:cargo/smallvec@0.6.13",
        "the crate the CVE is about, under the RustSec id"
    );
    assert_eq!(mitigated["status"], "affected", "as the SBOM's exploitable");
    assert_eq!(mitigated["action_statement"], "Mitigated: Checked by a grep in CI.");
    assert_eq!(mitigated["timestamp"], "2026-10-02T00:00:00Z");
    assert_eq!(statement("RUSTSEC-2024-0375")["status"], "affected");
    let expired = statement("RUSTSEC-2021-0139");
    assert_eq!(expired["status"], "under_investigation", "an expired disposition");
    assert_eq!(
        expired["status_notes"],
        "The disposition in soup.toml expired on 2026-01-01."
    );
    assert_eq!(statement("RUSTSEC-2022-0058")["status"], "under_investigation", "none");
    // The same inputs give the same document.
    assert_eq!(export("openvex").0, text);
}

#[test]
fn openvex_carries_a_chosen_justification_in_openvex_terms() {
    let sidecar = SOUP.replace(
        "status = \"not-affected\"\n",
        "status = \"not-affected\"\njustification = \"code_not_present\"\n",
    );
    let mut command = soup();
    command.args(["export", "--offline", "--as-of", "2026-11-25", "--format", "openvex"]);
    let output = run_with_sidecar(command, "vulnerable", &sidecar);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let time = document["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|statement| statement["vulnerability"]["name"] == "RUSTSEC-2020-0071")
        .unwrap();
    assert_eq!(time["justification"], "vulnerable_code_not_present");
}

#[test]
fn output_goes_to_a_file_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deny-ignore.toml");
    let mut command = soup();
    command
        .args([
            "export",
            "--offline",
            "--no-rustsec",
            "--no-osv",
            "--format",
            "deny-toml",
            "--output",
        ])
        .arg(&out);
    let output = run_with_sidecar(command, "vulnerable", SOUP);
    assert!(output.status.success());
    assert!(output.stdout.is_empty(), "written to the file, not to standard output");
    let written = std::fs::read_to_string(&out).unwrap();
    // Without advisory data nothing says which RustSec id the CVE is: it stays as written.
    assert!(written.contains("id = \"CVE-2021-25900\""));
}
