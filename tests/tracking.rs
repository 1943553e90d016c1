//! What the assessment tracks as a workspace moves on: a second semver line of an
//! assessed crate, a patch update, a git dependency on a new commit, licence forms,
//! a `"*"` entry that gains crates, and a soup.toml with CRLF line endings.

mod common;

use common::{AUDIT_WITHOUT_ADVISORIES, copy_fixture, json_of, soup, soup_on};
use predicates::prelude::*;
use predicates::str::contains;
use std::path::Path;

/// The small crates app reaches directly, each assessed as class A by an entry of its
/// own (a `covers` list takes in only what the entry's crate reaches).
const SMALL_CRATES: &str = r#"[soup.build-helper]
version = "0.3.0"
license = "Apache-2.0"
class = "A"

[soup.host-tool]
version = "1.0.0"
license = "MIT"
class = "A"

[soup.linux-only]
version = "1.0.0"
license = "MIT"
class = "A"

[soup.win-only]
version = "1.0.0"
license = "MIT"
class = "A"

[soup.thumb-only]
version = "1.0.0"
license = "MIT"
class = "A"

[soup.unix-build]
version = "1.0.0"
license = "MIT"
class = "A"

[soup.win-build]
version = "1.0.0"
license = "MIT"
class = "A"

[soup.nolicense]
version = "1.0.0"
license = "LicenseRef-NoLicenseDeclared"
class = "A"
"#;

/// Class A everywhere; normal-dep covers leaf, the small crates have entries, and
/// `twin_entry` assesses twin.
fn scope_soup(twin_entry: &str) -> String {
    format!(
        r#"schema = 1

[project]
class = "A"

[soup.normal-dep]
version = "1.0.0"
license = "MIT"
class = "A"
covers = ["leaf"]

{SMALL_CRATES}
{twin_entry}
[toolchain]
version = "1.95.0"
license = "MIT OR Apache-2.0"
class = "A"
"#
    )
}

/// twin 1 assessed as class A by an entry of its own.
const TWIN_1: &str = "[soup.twin]\nversion = \"1.0.0\"\nlicense = \"MIT\"\nclass = \"A\"\n";

/// twin 2, likewise.
const TWIN_2: &str = "[soup.\"twin@2\"]\nversion = \"2.0.0\"\nlicense = \"LicenseRef-Proprietary\"\nclass = \"A\"\n";

/// A copy of fixtures/scope with `soup_toml` as its soup.toml.
fn scope_with(soup_toml: &str) -> tempfile::TempDir {
    let dir = copy_fixture("scope");
    std::fs::write(dir.path().join("soup.toml"), soup_toml).unwrap();
    dir
}

/// The status `list --format json` gives NAME@VERSION.
fn status(dir: &Path, name: &str, version: &str) -> String {
    let list = json_of(&mut soup_on(dir, &["list", "--format", "json", "--offline"]));
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["name"] == name && item["version"] == version)
        .unwrap_or_else(|| panic!("{name}@{version} in {list}"));
    item["status"].as_str().unwrap().to_string()
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
    let dir = scope_with(&scope_soup(TWIN_1));
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
    // Assessed 0.9 of a crate now locked at 1.0.0 and 2.0.0: neither is on the
    // assessed line, so both are drift of the entry.
    let dir = scope_with(&scope_soup(&TWIN_1.replace("1.0.0", "0.9.0")));
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
    let dir = scope_with(&scope_soup(TWIN_1));
    assert_eq!(status(dir.path(), "twin", "1.0.0"), "assessed");
    assert_eq!(status(dir.path(), "twin", "2.0.0"), "missing");
}

/// A `rustc` that reports itself as the nightly of `date` built from `commit`.
#[cfg(unix)]
fn nightly_rustc(dir: &Path, commit: &str, date: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let wrapper = dir.join(format!("rustc-{date}"));
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = -vV ]; then rustc -vV | sed -e 's/^release: .*/release: 1.97.0-nightly/' \
         -e 's/^commit-hash: .*/commit-hash: {commit}/' -e 's/^commit-date: .*/commit-date: {date}/'; \
         else exec rustc \"$@\"; fi\n"
    );
    std::fs::write(&wrapper, script).unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    wrapper
}

/// Every nightly is `1.97.0-nightly`: the recorded commit is what tells the assessed
/// one from the next night's.
#[cfg(unix)]
#[test]
fn a_nightly_toolchain_bump_is_source_changed() {
    let twin = format!("{TWIN_1}\n{TWIN_2}");
    let soup_toml = scope_soup(&twin).replace(
        "[toolchain]\nversion = \"1.95.0\"",
        "[toolchain]\nversion = \"1.97.0-nightly\"\ncommit = \"aaaa1111\"",
    );
    let dir = scope_with(&soup_toml);
    let run = |rustc: &Path| {
        let mut command = soup_on(dir.path(), AUDIT_WITHOUT_ADVISORIES);
        command.args(["--format", "json", "--no-cache"]).env("RUSTC", rustc);
        let output = command.output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (output.status.code(), json["findings"].as_array().unwrap().clone())
    };
    let (code, findings) = run(&nightly_rustc(dir.path(), "aaaa1111", "2026-11-20"));
    assert_eq!((code, findings.len()), (Some(0), 0), "{findings:?}");
    let (code, findings) = run(&nightly_rustc(dir.path(), "bbbb2222", "2026-11-27"));
    assert_eq!(code, Some(1));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["code"], "source-changed");
    assert_eq!(findings[0]["crate"], "rust");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("commit bbbb2222 of 2026-11-27 but commit aaaa1111 was assessed"),
        "{message}"
    );
}

/// A patch update changes the checksum with the version: that is version drift (here
/// below `stale-on`, so nothing), never `source-changed`; the same version with another
/// checksum is.
#[test]
fn the_checksum_is_compared_only_at_the_assessed_version() {
    let assessed = |version: &str, checksum: &str| {
        common::VULNERABLE_SOUP.replace(
            "[soup.time]\nversion = \"0.1.43\"",
            &format!("[soup.time]\nversion = \"{version}\"\nchecksum = \"{checksum}\""),
        )
    };
    let codes = |soup_toml: &str| {
        let mut command = soup();
        command
            .args(["audit", "--offline", "--no-rustsec", "--no-osv", "--format", "json"])
            .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0");
        let output = common::run_on_sidecar(command, "vulnerable", soup_toml);
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let other = "0".repeat(64);
    let stale_on_major = |text: String| text.replace("[project]\n", "[project]\nstale-on = \"major\"\n");
    assert_eq!(codes(&stale_on_major(assessed("0.1.42", &other))), Vec::<String>::new());
    assert_eq!(codes(&assessed("0.1.42", &other)), ["version-drift"]);
    assert_eq!(codes(&assessed("0.1.43", &other)), ["source-changed"]);
}

/// `covers = "*"` on normal-dep, reviewed when it took in nothing: leaf, which an
/// update brought in, is named by the audit, sync and review until the review records it.
#[test]
fn crates_that_fall_under_a_star_entry_are_named_until_it_is_reviewed() {
    // twin 1, twin 2 and the small crates have entries of their own.
    let soup_toml = format!(
        r#"[project]
class = "A"

[soup.normal-dep]
version = "1.0.0"
license = "MIT"
class = "A"
covers = "*"
covered = []

{SMALL_CRATES}
[soup.twin]
version = "1.0.0"
license = "MIT"
class = "A"

[soup."twin@2"]
version = "2.0.0"
license = "MIT"
class = "A"

[toolchain]
version = "1.95.0"
license = "MIT OR Apache-2.0"
class = "A"
"#
    );
    let dir = scope_with(&soup_toml);
    let (codes, messages) = audit(dir.path());
    assert_eq!(codes, [triple("newly-covered", "normal-dep", "1.0.0")], "{messages:?}");
    assert!(messages[0].contains("now takes in leaf"), "{}", messages[0]);

    soup_on(dir.path(), &["sync", "--offline"])
        .assert()
        .success()
        .stderr(contains("[soup.normal-dep] at ").and(contains("soup.toml:4: covers = \"*\" now also takes in leaf")));
    soup_on(
        dir.path(),
        &[
            "review",
            "normal-dep",
            "--by",
            "R",
            "--yes",
            "--offline",
            "--date",
            "2026-11-20",
        ],
    )
    .assert()
    .success()
    .stdout(contains("covers \"*\" now also takes in: leaf"));
    let text = std::fs::read_to_string(dir.path().join("soup.toml")).unwrap();
    assert!(text.contains("covered = [\"leaf\"]"), "{text}");
    let (codes, _) = audit(dir.path());
    assert_eq!(codes, Vec::<(String, String, String)>::new());
}

/// A soup.toml checked out on Windows: sync and review write CRLF like the rest of it.
#[test]
fn sync_and_review_keep_crlf_line_endings() {
    let crlf = scope_soup(TWIN_1).replace('\n', "\r\n");
    let dir = scope_with(&crlf);
    let path = dir.path().join("soup.toml");
    soup_on(dir.path(), &["sync", "--offline"]).assert().success();
    soup_on(dir.path(), &["review", "twin@1.0.0", "--by", "R", "--yes", "--offline"])
        .assert()
        .success();
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("[soup.\"twin@2\"]\r\n"), "{written:?}");
    assert!(written.contains("[soup.twin.anomalies]\r\n"), "{written:?}");
    assert_eq!(
        written.matches('\n').count(),
        written.matches("\r\n").count(),
        "every line ends in CRLF: {written:?}"
    );
    assert!(
        written.starts_with(&crlf[..crlf.find("[soup.twin]").unwrap()]),
        "the text before is kept"
    );
}

/// Run from a member's folder, locations are `../soup.toml` for a person, and GitHub
/// annotations name the file by its path in the repository.
#[test]
fn locations_from_a_subfolder_are_relative() {
    let dir = scope_with(&std::fs::read_to_string(common::fixture("audit/review-overdue.toml")).unwrap());
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let run = |format: &str| {
        let mut command = soup();
        command
            .current_dir(dir.path().join("app"))
            .args(AUDIT_WITHOUT_ADVISORIES)
            .args(["--format", format]);
        common::stdout_with_code(&mut command, 1)
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["findings"][0]["location"]["file"], "../soup.toml", "{json}");
    let github = run("github");
    assert!(github.starts_with("::error file=soup.toml,line="), "{github}");
    assert!(!github.contains(&dir.path().display().to_string()), "{github}");
}

/// A crate covered by an entry that is not finished is not assessed: it shows the
/// entry's status in the list, and the counts of list and audit agree.
#[test]
fn a_covered_crate_takes_the_status_of_an_unfinished_entry() {
    let twin = format!("{TWIN_1}\n{TWIN_2}");
    let soup_toml = scope_soup(&twin).replace(
        "[soup.normal-dep]\nversion = \"1.0.0\"\nlicense = \"MIT\"",
        "[soup.normal-dep]\nversion = \"1.0.0\"\nlicense = \"TODO\"",
    );
    let dir = scope_with(&soup_toml);
    assert_eq!(status(dir.path(), "normal-dep", "1.0.0"), "incomplete");
    assert_eq!(
        status(dir.path(), "leaf", "0.1.0"),
        "incomplete",
        "covered by the incomplete normal-dep"
    );
    assert_eq!(status(dir.path(), "twin", "1.0.0"), "assessed");
    let text = common::stdout_of(&mut soup_on(dir.path(), &["list", "--offline"]));
    let summary = text.lines().find(|line| line.contains("SOUP items:")).unwrap();
    // normal-dep and leaf, which it covers, are incomplete; the rest has entries.
    assert!(
        summary.starts_with("13 SOUP items: 11 assessed, 0 covered, 2 incomplete"),
        "{summary}"
    );
    let mut audit = soup_on(dir.path(), AUDIT_WITHOUT_ADVISORIES);
    audit
        .args(["--format", "json"])
        .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0");
    let json: serde_json::Value = serde_json::from_str(&common::stdout_with_code(&mut audit, 1)).unwrap();
    let leaf = common::element(&json, "items", "name", "leaf");
    assert_eq!(leaf["status"], "incomplete", "the audit JSON items say the same");
    assert_eq!(leaf["covered_by"], "normal-dep");

    // The SBOM and the report state it too.
    let mut sbom = soup_on(dir.path(), &["sbom", "--offline", "--no-rustsec", "--no-osv"]);
    sbom.env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0");
    let bom: serde_json::Value = serde_json::from_str(&common::stdout_of(&mut sbom)).unwrap();
    let component = common::element(&bom, "components", "name", "leaf");
    let status = common::element(component, "properties", "name", "cargo-soup:assessment-status");
    assert_eq!(status["value"], "incomplete");
    let mut report = soup_on(
        dir.path(),
        &[
            "report",
            "--offline",
            "--no-rustsec",
            "--no-osv",
            "--format",
            "markdown",
        ],
    );
    report.env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0");
    // A draft: an entry is incomplete.
    let document = common::stdout_with_code(&mut report, 1);
    let row = document
        .lines()
        .find(|line| line.starts_with("| ") && line.contains(" leaf "))
        .unwrap_or_else(|| panic!("{document}"));
    assert!(row.contains("incomplete"), "{row}");
    // The same counts as the list's: 11 assessed, 0 covered.
    assert_eq!(
        (&json["summary"]["assessed"], &json["summary"]["covered"]),
        (&serde_json::json!(11), &serde_json::json!(0))
    );
    assert!(document.contains("13 SOUP items, 11 assessed, 0 covered"), "{document}");
}
