//! What `init`, `sync` and `review` do to the file they write: two at once lose
//! nothing, a symbolic link is written through, a read-only or hard-linked file is
//! refused, a byte order mark stays, and temporary files of a killed run are removed.

mod common;

use common::{copy_fixture, soup_on};
use predicates::str::contains;
use std::path::Path;

const TWO_ENTRIES: &str =
    "[project]\nclass = \"A\"\n\n[soup.\"twin@1\"]\nversion = \"1.0.0\"\n\n[soup.\"twin@2\"]\nversion = \"2.0.0\"\n";

fn review(dir: &Path, item: &str, date: &str) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin!("cargo-soup"))
        .args([
            "review",
            item,
            "--by",
            "R",
            "--yes",
            "--offline",
            "--date",
            date,
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_SOUP_OFFLINE", "1")
        .env(
            "CARGO_SOUP_CACHE",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("soup-cache"),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Two reviews of different entries at the same time, again and again: both stamps
/// are in the file every time (without the lock, about one pair in 25 lost one).
#[test]
fn two_reviews_at_once_both_land() {
    let dir = copy_fixture("scope");
    let path = dir.path().join("soup.toml");
    std::fs::write(&path, TWO_ENTRIES).unwrap();
    for day in 1..=40 {
        let date = format!("2026-03-{:02}", day % 28 + 1);
        let children = [
            review(dir.path(), "twin@1.0.0", &date),
            review(dir.path(), "twin@2.0.0", &date),
        ];
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(&format!("reviewed = {date}")).count(),
            2,
            "round {day}: a review was lost:\n{text}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_written_through_to_its_target() {
    let dir = copy_fixture("scope");
    let shared = dir.path().join("qa");
    std::fs::create_dir(&shared).unwrap();
    std::fs::write(shared.join("soup.toml"), TWO_ENTRIES).unwrap();
    std::os::unix::fs::symlink("qa/soup.toml", dir.path().join("soup.toml")).unwrap();
    soup_on(dir.path(), &["review", "twin@1.0.0", "--by", "R", "--yes", "--offline"])
        .assert()
        .success();
    let link = std::fs::symlink_metadata(dir.path().join("soup.toml")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let target = std::fs::read_to_string(shared.join("soup.toml")).unwrap();
    assert!(target.contains("[soup.\"twin@1\".anomalies]"), "{target}");
}

#[cfg(unix)]
#[test]
fn a_read_only_or_hard_linked_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = copy_fixture("scope");
    let path = dir.path().join("soup.toml");
    std::fs::write(&path, TWO_ENTRIES).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    soup_on(dir.path(), &["review", "twin@1.0.0", "--by", "R", "--yes", "--offline"])
        .assert()
        .code(2)
        .stderr(contains("is read-only, so nothing was written"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TWO_ENTRIES);

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::hard_link(&path, dir.path().join("soup-copy.toml")).unwrap();
    soup_on(dir.path(), &["sync", "--offline"])
        .assert()
        .code(2)
        .stderr(contains("has 2 hard links"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TWO_ENTRIES);
}

#[test]
fn a_byte_order_mark_stays_and_stale_temporary_files_go() {
    let dir = copy_fixture("scope");
    let path = dir.path().join("soup.toml");
    std::fs::write(&path, format!("\u{feff}{TWO_ENTRIES}")).unwrap();
    // What a `kill -9` during an earlier write leaves behind.
    let stale = dir.path().join(".soup.toml.4242-0.tmp");
    std::fs::write(&stale, "half a file").unwrap();
    soup_on(dir.path(), &["sync", "--offline"]).assert().success();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(&format!("\u{feff}{TWO_ENTRIES}")), "{text:?}");
    assert!(text.contains("[soup.normal-dep]"), "sync added entries");
    assert!(!stale.exists(), "the killed run's temporary file is removed");
}
