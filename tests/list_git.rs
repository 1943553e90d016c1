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

#[test]
fn git_dependency_records_url_and_commit() {
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

    let mut command = soup_on(&workspace, &["list", "--format", "json"]);
    command
        .env("CARGO_HOME", root.path().join("cargo-home"))
        .env("CARGO_NET_OFFLINE", "false");
    let list = json_of(&mut command);
    let gitdep = item(&list, "gitdep", "0.4.0");
    assert_eq!(gitdep["source_kind"], "git");
    assert_eq!(gitdep["source"], format!("git+{url}#{commit}"));
    assert_eq!(gitdep["checksum"], serde_json::Value::Null);
    assert_eq!(gitdep["direct"], true);
    assert_eq!(item_names(&list), ["gitdep@0.4.0"]);
}
