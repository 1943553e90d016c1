//! Git sources: a dependency from a git repository made by the test (file:// URL).

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// A git repository holding the crate `gitdep` 0.4.0, and a workspace `device` that
/// depends on it by a file:// URL: (root, repository, workspace, url, commit).
fn git_workspace() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    String,
    String,
) {
    let root = tempfile::tempdir().unwrap();
    let repo = root.path().join("gitdep");
    std::fs::create_dir_all(repo.join("src")).unwrap();
    std::fs::write(
        repo.join("Cargo.toml"),
        "[package]\nname = \"gitdep\"\nversion = \"0.4.0\"\nedition = \"2021\"\nlicense = \"MIT\"\n",
    )
    .unwrap();
    std::fs::write(repo.join("src/lib.rs"), "").unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "init"]);
    let commit = git(&repo, &["rev-parse", "HEAD"]);

    let workspace = root.path().join("device");
    std::fs::create_dir_all(workspace.join("src")).unwrap();
    let url = format!("file://{}", repo.display());
    std::fs::write(
        workspace.join("Cargo.toml"),
        format!("[package]\nname = \"device\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ngitdep = {{ git = \"{url}\" }}\n"),
    )
    .unwrap();
    std::fs::write(workspace.join("src/lib.rs"), "").unwrap();
    (root, repo, workspace, url, commit)
}

/// cargo-soup on the workspace, with a Cargo home of its own that may fetch the git
/// repository (file://, so nothing leaves the machine).
fn soup_with_git(root: &Path, workspace: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut command = soup_on(workspace, args);
    command
        .env("CARGO_HOME", root.join("cargo-home"))
        .env("CARGO_NET_OFFLINE", "false")
        .env("CARGO_SOUP_TOOLCHAIN_VERSION", "1.95.0");
    command
}

#[test]
fn git_dependency_records_url_and_commit() {
    let (root, _repo, workspace, url, commit) = git_workspace();
    let list = json_of(&mut soup_with_git(
        root.path(),
        &workspace,
        &["list", "--format", "json"],
    ));
    let gitdep = item(&list, "gitdep", "0.4.0");
    assert_eq!(gitdep["source_kind"], "git");
    assert_eq!(gitdep["source"], format!("git+{url}#{commit}"));
    assert_eq!(gitdep["checksum"], serde_json::Value::Null);
    assert_eq!(gitdep["direct"], true);
    assert_eq!(item_names(&list), ["gitdep@0.4.0"]);
}

/// The version stays 0.4.0 while the commit moves: the entry records the commit, and a
/// new one is `source-changed` until it is reviewed.
#[test]
fn a_git_dependency_on_a_new_commit_is_source_changed_until_reviewed() {
    let (root, repo, workspace, _url, first) = git_workspace();
    soup_with_git(root.path(), &workspace, &["init"]).assert().success();
    let written = std::fs::read_to_string(workspace.join("soup.toml")).unwrap();
    assert!(written.contains(&format!("commit = \"{first}\"")), "{written}");

    let soup_toml = format!(
        "[project]\nclass = \"A\"\n\n[soup.gitdep]\nversion = \"0.4.0\"\nlicense = \"MIT\"\nclass = \"A\"\ncommit = \"{first}\"\n\n[toolchain]\nversion = \"1.95.0\"\nlicense = \"MIT OR Apache-2.0\"\nclass = \"A\"\n"
    );
    std::fs::write(workspace.join("soup.toml"), soup_toml).unwrap();
    let audit = ["audit", "--offline", "--no-rustsec", "--no-osv", "--format", "json"];
    soup_with_git(root.path(), &workspace, &audit).assert().success();

    std::fs::write(repo.join("src/lib.rs"), "pub fn changed() {}\n").unwrap();
    git(&repo, &["commit", "-qam", "change the code, not the version"]);
    let second = git(&repo, &["rev-parse", "HEAD"]);
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["update", "-q", "-p", "gitdep"])
        .current_dir(&workspace)
        .env("CARGO_HOME", root.path().join("cargo-home"))
        .status()
        .unwrap();
    assert!(status.success());

    let output = soup_with_git(root.path(), &workspace, &audit).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["code"], "source-changed");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("commit {second} but commit {first} was assessed")),
        "{message}"
    );

    soup_with_git(
        root.path(),
        &workspace,
        &["review", "gitdep", "--by", "R", "--yes", "--offline"],
    )
    .assert()
    .success()
    .stdout(predicates::str::contains(format!("commit: {first} -> {second}")));
    soup_with_git(root.path(), &workspace, &audit).assert().success();
}

/// A git dependency is no crates.io crate: its purl says where it came from.
#[test]
fn the_sbom_names_a_git_dependency_by_its_repository_and_commit() {
    let (root, _repo, workspace, url, commit) = git_workspace();
    soup_with_git(root.path(), &workspace, &["init"]).assert().success();
    let sbom = json_of(&mut soup_with_git(
        root.path(),
        &workspace,
        &["sbom", "--no-rustsec", "--no-osv"],
    ));
    let gitdep = sbom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|component| component["name"] == "gitdep")
        .unwrap();
    let purl = gitdep["purl"].as_str().unwrap();
    let encoded = format!("git%2B{url}%40{commit}");
    assert_eq!(purl, format!("pkg:cargo/gitdep@0.4.0?vcs_url={encoded}"));
}
