//! `init`, `sync` and `review` on real workspaces: what they write, what they refuse,
//! and that a person's text survives.

mod common;

use common::{copy_fixture, json_of, soup_on};
use predicates::str::contains;
use std::fs;
use std::path::Path;

fn read(dir: &Path) -> String {
    fs::read_to_string(dir.join("soup.toml")).unwrap()
}

fn statuses(dir: &Path) -> Vec<(String, String)> {
    let list = json_of(&mut soup_on(dir, &["list", "--format", "json", "--offline"]));
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["name"].as_str().unwrap().to_string(),
                item["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn init_writes_a_placeholder_entry_for_every_item() {
    let dir = copy_fixture("scope");
    soup_on(dir.path(), &["init", "--offline"])
        .assert()
        .success()
        .stderr(contains("wrote"))
        .stderr(contains("every judgement is a \"TODO\""));
    let written = read(dir.path());
    let folder = dir.path().file_name().unwrap().to_str().unwrap();
    insta::assert_snapshot!(written.replace(folder, "[temp folder]"));
    let statuses = statuses(dir.path());
    assert!(!statuses.is_empty());
    assert!(
        statuses.iter().all(|(_, status)| status == "incomplete"),
        "placeholders are incomplete, never assessed: {statuses:?}"
    );
}

#[test]
fn init_puts_direct_dependencies_first_and_keeps_two_versions_apart() {
    let dir = copy_fixture("demo");
    fs::remove_file(dir.path().join("soup.toml")).unwrap();
    soup_on(dir.path(), &["init", "--offline"]).assert().success();
    let written = read(dir.path());
    let direct = written.find("# ---- Direct dependencies ----").unwrap();
    let transitive = written.find("# ---- Transitive dependencies ----").unwrap();
    let serde_json = written.find("[soup.serde_json]").unwrap();
    let itoa = written.find("[soup.itoa]").unwrap();
    assert!(direct < serde_json && serde_json < transitive && transitive < itoa);
    assert!(written.contains("[soup.\"bitflags@1\"]\nversion = \"1.3.2\""));
    assert!(written.contains("[soup.\"bitflags@2\"]\nversion = \"2.9.1\""));
    let lock = fs::read_to_string(dir.path().join("Cargo.lock")).unwrap();
    let serde_json_checksum = lock
        .split("[[package]]")
        .find(|package| package.contains("name = \"serde_json\""))
        .and_then(|package| package.split("checksum = ").nth(1))
        .and_then(|rest| rest.lines().next())
        .unwrap();
    assert!(written.contains(&format!("[soup.serde_json]\nversion = \"1.0.140\"\nlicense = \"MIT OR Apache-2.0\"\nvendor = \"Erick Tryzelaar, David Tolnay (https://github.com/serde-rs/json)\"\nchecksum = {serde_json_checksum}\n")), "{written}");
    assert!(written.contains("[software-items.dose-engine]\nclass = \"C\""));
    // One review interval, in section 5's defaults, not a second one that disagrees.
    assert!(written.contains("[project.surveillance]"));
    assert!(written.contains("\ninterval = \"180d\""));
    assert!(!written.contains("review-interval"), "{written}");
    let statuses = statuses(dir.path());
    assert_eq!(statuses.len(), 23, "22 crates and the toolchain");
    assert!(written.contains("\n[toolchain]\nversion = \"1.95.0\"\nlicense = \"MIT OR Apache-2.0\""));
    assert!(
        statuses.iter().all(|(_, status)| status == "incomplete"),
        "{statuses:?}"
    );
}

#[test]
fn init_group_covers_what_only_a_direct_dependency_reaches() {
    let dir = copy_fixture("demo");
    fs::remove_file(dir.path().join("soup.toml")).unwrap();
    soup_on(dir.path(), &["init", "--group", "--offline"])
        .assert()
        .success();
    let written = read(dir.path());
    assert!(
        written.contains("covers = \"*\"\ncovered = [\"itoa\", \"memchr\", \"ryu\"]   # what \"*\" takes in now\n"),
        "{written}"
    );
    assert!(!written.contains("[soup.itoa]"));
    let list = json_of(&mut soup_on(dir.path(), &["list", "--format", "json", "--offline"]));
    let items = list["items"].as_array().unwrap();
    let covered: Vec<&serde_json::Value> = items.iter().filter(|item| !item["covered_by"].is_null()).collect();
    assert_eq!(covered.len(), 12, "{items:?}");
    // Covered by entries that are still placeholders: not assessed yet.
    assert!(covered.iter().all(|item| item["status"] == "incomplete"), "{covered:?}");
    assert!(items.iter().all(|item| item["status"] != "missing"), "{items:?}");
}

#[test]
fn init_never_overwrites() {
    let dir = copy_fixture("demo");
    let before = read(dir.path());
    soup_on(dir.path(), &["init", "--offline"])
        .assert()
        .code(2)
        .stderr(contains("soup.toml already exists; nothing was written"));
    assert_eq!(read(dir.path()), before);
    let elsewhere = dir.path().join("ui").join("Cargo.toml");
    let elsewhere_before = fs::read_to_string(&elsewhere).unwrap();
    soup_on(dir.path(), &["init", "--offline"])
        .arg("--soup-file")
        .arg(&elsewhere)
        .assert()
        .code(2)
        .stderr(contains("already exists"));
    assert_eq!(fs::read_to_string(&elsewhere).unwrap(), elsewhere_before);
}

#[test]
fn sync_right_after_init_changes_nothing() {
    let dir = copy_fixture("demo");
    fs::remove_file(dir.path().join("soup.toml")).unwrap();
    soup_on(dir.path(), &["init", "--offline"]).assert().success();
    let written = read(dir.path());
    soup_on(dir.path(), &["sync", "--offline"])
        .assert()
        .success()
        .stderr(contains("added 0 entries (nothing to change)"));
    assert_eq!(read(dir.path()), written);
}

#[test]
fn sync_adds_entries_and_leaves_every_written_byte_alone() {
    let dir = copy_fixture("demo");
    let before = read(dir.path());
    soup_on(dir.path(), &["sync", "--offline"])
        .assert()
        .success()
        .stderr(contains("  + [soup.cc] cc 1.2.27 (direct)"))
        .stderr(contains("  + [soup.shlex] shlex 1.3.0 (transitive)"));
    let after = read(dir.path());
    assert!(
        after.starts_with(&before),
        "the hand-written file is kept byte for byte"
    );
    assert!(
        !after[before.len()..].contains("[soup.itoa]"),
        "covered crates need no entry"
    );
    let statuses = statuses(dir.path());
    assert!(statuses.iter().all(|(_, status)| status != "missing"), "{statuses:?}");
    soup_on(dir.path(), &["sync", "--offline"])
        .assert()
        .success()
        .stderr(contains("nothing to change"));
    assert_eq!(read(dir.path()), after);
}

#[test]
fn sync_dry_run_prints_a_diff_and_writes_nothing() {
    let dir = copy_fixture("demo");
    let before = read(dir.path());
    let output = soup_on(dir.path(), &["sync", "--dry-run", "--offline"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let diff = String::from_utf8(output.stdout).unwrap();
    assert!(diff.starts_with("--- a/soup.toml\n+++ b/soup.toml\n@@ "), "{diff}");
    assert!(diff.contains("\n+[soup.cc]\n"), "{diff}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("dry run: nothing was written"));
    assert_eq!(read(dir.path()), before);
}

#[test]
fn sync_reports_orphans_and_prune_removes_exactly_them() {
    let dir = copy_fixture("scope");
    soup_on(dir.path(), &["init", "--offline"]).assert().success();
    let initial = read(dir.path());
    let orphans = "\n# Removed from the workspace in 2025.\n[soup.gone]\nversion = \"1.0.0\"  # kept until pruned\n\n[soup.gone.anomalies]\nby = \"someone\"\n\n[soup.\"twin@3\"]\nversion = \"3.0.0\"\n";
    fs::write(dir.path().join("soup.toml"), format!("{initial}{orphans}")).unwrap();
    soup_on(dir.path(), &["sync", "--offline"])
        .current_dir(dir.path())
        .assert()
        .success()
        .stderr(contains("  ? [soup.gone] at soup.toml:"))
        .stderr(contains("  ? [soup.\"twin@3\"] at soup.toml:"))
        .stderr(contains(
            "2 entries name crates no longer in scope: `cargo soup sync --prune` removes them",
        ));
    assert_eq!(read(dir.path()), format!("{initial}{orphans}"), "reported, not removed");
    soup_on(dir.path(), &["sync", "--prune", "--offline"])
        .assert()
        .success()
        .stderr(contains("removed 2 orphaned"));
    assert_eq!(read(dir.path()), initial);
}

#[test]
fn sync_needs_a_soup_toml() {
    let dir = copy_fixture("scope");
    soup_on(dir.path(), &["sync", "--offline"])
        .assert()
        .code(2)
        .stderr(contains("there is no"))
        .stderr(contains("run `cargo soup init`"));
    assert!(!dir.path().join("soup.toml").exists());
}

#[test]
fn review_shows_the_changes_then_records_them() {
    let dir = copy_fixture("demo");
    let before = read(dir.path());
    let shown = soup_on(
        dir.path(),
        &[
            "review",
            "bitflags@1.3.2",
            "--by",
            "R. Viewer",
            "--as-of",
            "2026-11-20",
            "--offline",
        ],
    )
    .assert()
    .code(2)
    .stdout(contains("  version: 1.2.1 -> 1.3.2\n"))
    .stdout(contains("  last review: never\n"))
    .stderr(contains("pass --yes"));
    drop(shown);
    assert_eq!(read(dir.path()), before, "nothing is written without confirmation");

    soup_on(
        dir.path(),
        &[
            "review",
            "bitflags@1.3.2",
            "--by",
            "R. Viewer",
            "--date",
            "2026-11-21",
            "--yes",
            "--offline",
        ],
    )
    .assert()
    .success()
    .stderr(contains("recorded the review of bitflags 1.3.2"));
    let after = read(dir.path());
    assert!(after.contains(
        "[soup.\"bitflags@1\"]\nversion = \"1.3.2\"\nlicense = \"MIT OR Apache-2.0\"\nclass = \"A\"\nchecksum = \"bef38d45163c2f1dde094a7dfd33ccf595c92905c8f8f4fdc18d06fb1037718a\"\n\n[soup.\"bitflags@1\".anomalies]\nreviewed = 2026-11-21\nby = \"R. Viewer\"\n"
    ), "{after}");
    let untouched = before.split("# Assessed for an older release line").next().unwrap();
    assert!(after.starts_with(untouched), "every other entry is unchanged");
    let list = json_of(&mut soup_on(dir.path(), &["list", "--format", "json", "--offline"]));
    let bitflags = common::item(&list, "bitflags", "1.3.2");
    assert_ne!(
        bitflags["status"], "stale",
        "the review brought the entry up to date: {bitflags}"
    );
}

#[test]
fn review_explains_what_it_cannot_review() {
    let dir = copy_fixture("demo");
    let before = read(dir.path());
    for (item, message) in [
        ("bitflags", "several versions are in scope (1.3.2, 2.9.1)"),
        (
            "itoa",
            "itoa is covered by [soup.serde_json]; review serde_json instead",
        ),
        ("cc", "soup.toml has no entry for cc; run `cargo soup sync`"),
        ("no-such-crate", "no package named `no-such-crate`"),
        (
            "serde-json",
            "no package named `serde-json` in the dependency graph; did you mean `serde_json`?",
        ),
        ("serde_json@9.9.9", "`serde_json` is locked at 1.0.140 only"),
    ] {
        soup_on(dir.path(), &["review", item, "--by", "R", "--yes", "--offline"])
            .current_dir(dir.path())
            .assert()
            .code(2)
            .stderr(contains(message));
    }
    soup_on(dir.path(), &["review", "log", "--by", "TODO", "--yes", "--offline"])
        .assert()
        .code(2)
        .stderr(contains("--by must name the reviewer"));
    assert_eq!(read(dir.path()), before);
}

#[test]
fn review_shows_the_advisories_that_touch_the_item_and_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("soup.toml"),
        "schema = 1\n[project]\nclass = \"A\"\n[soup.atty]\nversion = \"0.2.14\"\nlicense = \"MIT\"\nclass = \"A\"\ncovers = [\"hermit-abi\"]\n[soup.atty.anomalies]\nreviewed = 2022-01-01\nby = \"A\"\n[[soup.atty.advisories]]\nid = \"RUSTSEC-2021-0145\"\nstatus = \"mitigated\"\n",
    )
    .unwrap();
    let advisory_db = common::fixture("advisory-db");
    let mut command = soup_on(
        &common::fixture("vulnerable"),
        &["review", "atty", "--by", "R", "--offline"],
    );
    command
        .arg("--soup-file")
        .arg(dir.path().join("soup.toml"))
        .arg("--advisory-db")
        .arg(&advisory_db)
        .arg("--no-osv");
    command
        .assert()
        .code(2)
        .stdout(contains("  advisory: RUSTSEC-2021-0145 on atty 0.2.14 (unsound): Potential unaligned read; disposition: mitigated\n"))
        .stdout(contains("  advisory (new since the last review): RUSTSEC-2024-0375 on atty 0.2.14 (unmaintained)"));
}

/// A review recorded without advisory data says so, rather than nothing at all.
#[test]
fn review_without_advisory_data_says_none_were_checked() {
    let dir = copy_fixture("demo");
    let review = |extra: &[&str]| {
        let mut args = vec![
            "review",
            "bitflags@1.3.2",
            "--by",
            "R",
            "--yes",
            "--offline",
            "--as-of",
            "2026-11-20",
        ];
        args.extend_from_slice(extra);
        let output = soup_on(dir.path(), &args).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let without = review(&["--no-rustsec", "--no-osv"]);
    assert!(without.contains("advisories: NONE CHECKED"), "{without}");
    assert!(without.contains("cargo soup fetch"), "{without}");
    let with = review(&[]);
    assert!(!with.contains("NONE CHECKED"), "{with}");
}

/// The review names the approvals it makes outdated before anything is recorded.
#[test]
fn review_names_the_approvals_it_makes_outdated() {
    let dir = copy_fixture("demo");
    let output = soup_on(
        dir.path(),
        &["review", "serde_json", "--by", "R", "--date", "2026-11-20", "--offline"],
    )
    .output()
    .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "off a terminal without --yes: shown, then refused"
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("warning: the approval by B. Approver (QA Manager) of 2026-10-02 predates this review; have it approved again"),
        "{text}"
    );
}

/// On a terminal, `review` offers to record a disposition for each open advisory and
/// writes the ones answered into soup.toml with the review. `script` (util-linux) gives
/// the command a pseudo-terminal and types the answers.
#[test]
fn review_records_the_dispositions_answered_at_the_terminal() {
    if !common::has_script() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("soup.toml");
    std::fs::write(&path, common::VULNERABLE_SOUP).unwrap();
    let line = format!(
        "{} review atty --by R --date 2026-11-20 --offline --manifest-path {} --soup-file {} --advisory-db {}",
        env!("CARGO_BIN_EXE_cargo-soup"),
        common::fixture("vulnerable/Cargo.toml").display(),
        path.display(),
        common::fixture("advisory-db").display()
    );
    // Not affected, with a justification and a rationale, no expiry; the next advisory
    // skipped; then yes.
    let answers = "n\ncode_not_reachable\nNever called on the device.\n\n\ny\n";
    let mut child = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("CARGO_SOUP_OFFLINE", "1")
        .env("CARGO_SOUP_OSV_DB", common::fixture("osv"))
        .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0")
        .env(
            "CARGO_SOUP_CACHE",
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("soup-cache"),
        )
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(answers.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    assert!(
        shown.contains("RUSTSEC-2021-0145 on atty 0.2.14: record a disposition?"),
        "{shown}"
    );
    assert!(
        shown.contains("disposition to record: RUSTSEC-2021-0145 not-affected"),
        "{shown}"
    );
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written.contains("[[soup.atty.advisories]]\nid = \"RUSTSEC-2021-0145\"\nstatus = \"not-affected\"\njustification = \"code_not_reachable\"\nrationale = \"Never called on the device.\"\nreviewed = 2026-11-20\nby = \"R\"\n"),
        "{written}"
    );
    assert!(
        !written.contains("RUSTSEC-2024-0375"),
        "the skipped advisory has no disposition"
    );
}
