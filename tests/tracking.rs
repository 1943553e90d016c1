//! What the assessment tracks as a workspace moves on: a second semver line of an
//! assessed crate, a patch update, a git dependency on a new commit, licence forms,
//! a `"*"` entry that gains crates, and a soup.toml with CRLF line endings.

mod common;

use common::{AUDIT_WITHOUT_ADVISORIES, copy_fixture, json_of, soup, soup_on};
use predicates::str::contains;
use std::path::Path;

/// Class A everywhere; normal-dep covers every crate of fixtures/scope but twin, which
/// `twin_entry` assesses.
fn scope_soup(twin_entry: &str) -> String {
    format!(
        r#"schema = 1

[project]
class = "A"

[soup.normal-dep]
version = "1.0.0"
license = "MIT"
class = "A"
covers = ["leaf", "build-helper", "host-tool", "linux-only", "win-only", "thumb-only", "unix-build", "win-build", "nolicense"]

{twin_entry}
[toolchain]
version = "1.95.0"
license = "MIT OR Apache-2.0"
class = "A"
"#
    )
}

/// The (code, crate, version) of every finding, and the messages.
fn audit(dir: &Path) -> (Vec<(String, String, String)>, Vec<String>) {
    let mut command = soup_on(dir, AUDIT_WITHOUT_ADVISORIES);
    command
        .args(["--format", "json"])
        .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0");
    let output = command.output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!("audit JSON: {}", String::from_utf8_lossy(&output.stderr));
    });
    let findings = json["findings"].as_array().unwrap();
    let codes = findings
        .iter()
        .map(|finding| {
            let text = |key: &str| finding[key].as_str().unwrap_or_default().to_string();
            (text("code"), text("crate"), text("version"))
        })
        .collect();
    let messages = findings
        .iter()
        .map(|finding| finding["message"].as_str().unwrap().to_string())
        .collect();
    (codes, messages)
}

fn triple(code: &str, krate: &str, version: &str) -> (String, String, String) {
    (code.into(), krate.into(), version.into())
}

#[test]
fn a_second_semver_line_is_an_item_of_its_own_not_drift() {
    let dir = copy_fixture("scope");
    let twin = "[soup.twin]\nversion = \"1.0.0\"\nlicense = \"MIT\"\nclass = \"A\"\n";
    std::fs::write(dir.path().join("soup.toml"), scope_soup(twin)).unwrap();
    let (codes, messages) = audit(dir.path());
    assert_eq!(codes, [triple("missing-assessment", "twin", "2.0.0")], "{messages:?}");
    assert!(
        messages[0].contains("[soup.twin] assesses the 1 line (1.0.0), and 2.0.0 is a second line of twin")
            && messages[0].contains("add [soup.\"twin@2\"]")
            && messages[0].contains("renaming [soup.twin] to [soup.\"twin@1\"]"),
        "{}",
        messages[0]
    );

    soup_on(dir.path(), &["review", "twin@2.0.0", "--by", "R", "--yes", "--offline"])
        .assert()
        .code(2)
        .stderr(contains("second line of twin"));

    soup_on(dir.path(), &["sync", "--offline"])
        .assert()
        .success()
        .stderr(contains("+ [soup.\"twin@2\"] twin 2.0.0"))
        .stderr(contains("renaming [soup.twin] to [soup.\"twin@1\"]"));
    let text = std::fs::read_to_string(dir.path().join("soup.toml")).unwrap();
    assert!(text.contains("[soup.\"twin@2\"]"), "{text}");
    let (codes, _) = audit(dir.path());
    assert!(
        codes
            .iter()
            .all(|(_, krate, version)| krate == "twin" && version == "2.0.0"),
        "only the new entry's placeholders remain: {codes:?}"
    );
}

#[test]
fn an_unqualified_entry_still_drifts_when_its_line_left_the_graph() {
    let dir = copy_fixture("scope");
    // Assessed 0.9 of a crate now locked at 1.0.0 and 2.0.0: neither is on the
    // assessed line, so both are drift of the entry.
    let twin = "[soup.twin]\nversion = \"0.9.0\"\nlicense = \"MIT\"\nclass = \"A\"\n";
    std::fs::write(dir.path().join("soup.toml"), scope_soup(twin)).unwrap();
    let (codes, _) = audit(dir.path());
    assert_eq!(
        codes,
        [
            triple("version-drift", "twin", "1.0.0"),
            triple("version-drift", "twin", "2.0.0")
        ]
    );
}

#[test]
fn list_shows_the_second_line_as_missing_and_the_first_as_assessed() {
    let dir = copy_fixture("scope");
    let twin = "[soup.twin]\nversion = \"1.0.0\"\nlicense = \"MIT\"\nclass = \"A\"\n";
    std::fs::write(dir.path().join("soup.toml"), scope_soup(twin)).unwrap();
    let list = json_of(
        &mut soup()
            .args(["list", "--format", "json", "--offline", "--manifest-path"])
            .arg(dir.path().join("Cargo.toml")),
    );
    let status = |version: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["name"] == "twin" && item["version"] == version)
            .map(|item| item["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("1.0.0").as_deref(), Some("assessed"));
    assert_eq!(status("2.0.0").as_deref(), Some("missing"));
}
