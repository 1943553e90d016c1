//! The graph cache: a repeated run on unchanged inputs skips `cargo metadata`, and a
//! change to any input (each tested here) runs it again and shows the change.

mod common;

use common::{copy_fixture, soup};
use std::fs;
use std::path::Path;

/// `list -v --format json` on the workspace with its own cache folder: whether the
/// graph came from the cache, and the list.
fn list(workspace: &Path, cache: &Path, extra: &[&str], env: &[(&str, &str)]) -> (bool, serde_json::Value) {
    let mut command = soup();
    command
        .args(["list", "-v", "--offline", "--format", "json", "--manifest-path"])
        .arg(workspace.join("Cargo.toml"))
        .arg("--cache-dir")
        .arg(cache)
        .args(extra);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    let cached = stderr.contains("graph: cached");
    assert!(cached || stderr.contains("graph: cargo metadata ("), "{stderr}");
    (cached, serde_json::from_slice(&output.stdout).unwrap())
}

fn item<'v>(list: &'v serde_json::Value, name: &str) -> Option<&'v serde_json::Value> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["name"] == name)
}

/// A workspace whose graph is cached, ready for one input to change.
fn warm() -> (tempfile::TempDir, tempfile::TempDir) {
    let workspace = copy_fixture("scope");
    let cache = tempfile::tempdir().unwrap();
    assert!(
        !list(workspace.path(), cache.path(), &[], &[]).0,
        "first run fills the cache"
    );
    assert!(list(workspace.path(), cache.path(), &[], &[]).0, "second run reads it");
    (workspace, cache)
}

#[test]
fn unchanged_inputs_reuse_the_graph_and_no_cache_bypasses_it() {
    let (workspace, cache) = warm();
    let (cached, _) = list(workspace.path(), cache.path(), &["--no-cache"], &[]);
    assert!(!cached);
    // Touching a file without changing it keeps the cache.
    let lock = workspace.path().join("Cargo.lock");
    fs::write(&lock, fs::read(&lock).unwrap()).unwrap();
    assert!(list(workspace.path(), cache.path(), &[], &[]).0);
}

#[test]
fn a_changed_member_manifest_is_read_again() {
    let (workspace, cache) = warm();
    let (_, before) = list(workspace.path(), cache.path(), &[], &[]);
    assert_eq!(item(&before, "leaf").unwrap()["direct"], false);
    let manifest = workspace.path().join("app/Cargo.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace(
            "[dependencies]\n",
            "[dependencies]\nleaf = { path = \"../crates/leaf-0.1.0\" }\n",
        ),
    )
    .unwrap();
    let (cached, after) = list(workspace.path(), cache.path(), &[], &[]);
    assert!(!cached);
    assert_eq!(item(&after, "leaf").unwrap()["direct"], true);
}

#[test]
fn a_changed_path_dependency_manifest_is_read_again() {
    let (workspace, cache) = warm();
    let manifest = workspace.path().join("crates/normal-dep-1.0.0/Cargo.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("license = \"MIT\"", "license = \"Apache-2.0\"")).unwrap();
    let (cached, after) = list(workspace.path(), cache.path(), &[], &[]);
    assert!(!cached);
    assert_eq!(item(&after, "normal-dep").unwrap()["license"], "Apache-2.0");
}

#[test]
fn a_changed_lockfile_is_read_again() {
    let (workspace, cache) = warm();
    let lock = workspace.path().join("Cargo.lock");
    let text = fs::read_to_string(&lock).unwrap();
    fs::write(&lock, format!("# edited by hand\n{text}")).unwrap();
    assert!(!list(workspace.path(), cache.path(), &[], &[]).0);
}

#[test]
fn a_new_cargo_config_or_toolchain_file_is_noticed() {
    let (workspace, cache) = warm();
    fs::create_dir_all(workspace.path().join(".cargo")).unwrap();
    fs::write(workspace.path().join(".cargo/config.toml"), "[net]\nretry = 3\n").unwrap();
    assert!(
        !list(workspace.path(), cache.path(), &[], &[]).0,
        "new .cargo/config.toml"
    );
    assert!(list(workspace.path(), cache.path(), &[], &[]).0);
    fs::write(
        workspace.path().join("rust-toolchain.toml"),
        "[toolchain]\nchannel = \"1.95.0\"\n",
    )
    .unwrap();
    assert!(
        !list(workspace.path(), cache.path(), &[], &[]).0,
        "new rust-toolchain.toml"
    );
}

#[test]
fn feature_flags_and_cargo_environment_are_part_of_the_key() {
    let (workspace, cache) = warm();
    let (cached, with_feature) = list(workspace.path(), cache.path(), &["--features", "app/extra"], &[]);
    assert!(!cached);
    assert!(item(&with_feature, "optional-dep").is_some());
    let (cached, without) = list(workspace.path(), cache.path(), &[], &[]);
    assert!(!cached, "back to default features");
    assert!(item(&without, "optional-dep").is_none());
    let (cached, _) = list(workspace.path(), cache.path(), &[], &[("CARGO_NET_RETRY", "7")]);
    assert!(!cached, "a CARGO_* variable");
}

#[cfg(unix)]
#[test]
fn another_cargo_version_runs_cargo_metadata_again() {
    use std::os::unix::fs::PermissionsExt;
    let workspace = copy_fixture("scope");
    let cache = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let real_cargo = String::from_utf8(
        std::process::Command::new("rustup")
            .args(["which", "cargo"])
            .output()
            .map(|output| output.stdout)
            .unwrap_or_default(),
    )
    .unwrap();
    let real_cargo = if real_cargo.trim().is_empty() {
        "cargo"
    } else {
        real_cargo.trim()
    };
    // A `cargo` that reports the version it is given and hands everything else to the
    // real one.
    let write_cargo = |path: &Path, version: &str| {
        fs::write(
            path,
            format!(
                "#!/bin/sh\nif [ \"$1\" = \"-V\" ]; then echo '{version}'; exit 0; fi\nexec '{real_cargo}' \"$@\"\n"
            ),
        )
        .unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    };

    // Run as `cargo soup`: Cargo names its binary in CARGO; a new binary is a new cargo.
    let wrapper = bin.path().join("cargo-wrapper");
    write_cargo(&wrapper, "cargo 1.95.0 (test)");
    let cargo = wrapper.to_str().unwrap();
    assert!(!list(workspace.path(), cache.path(), &[], &[("CARGO", cargo)]).0);
    assert!(list(workspace.path(), cache.path(), &[], &[("CARGO", cargo)]).0);
    write_cargo(&wrapper, "cargo 1.96.0 (a newer test)");
    assert!(!list(workspace.path(), cache.path(), &[], &[("CARGO", cargo)]).0);

    // Run directly, without CARGO: `cargo -V` on PATH says which cargo it is.
    let path_bin = tempfile::tempdir().unwrap();
    write_cargo(&path_bin.path().join("cargo"), "cargo 1.95.0 (test)");
    let path = format!(
        "{}:{}",
        path_bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let direct = |expect_cached: bool| {
        let mut command = soup();
        command
            .env_remove("CARGO")
            .env("PATH", &path)
            .args(["list", "-v", "--offline", "--format", "json", "--manifest-path"])
            .arg(workspace.path().join("Cargo.toml"))
            .arg("--cache-dir")
            .arg(cache.path());
        let output = command.output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(output.status.success(), "{stderr}");
        assert_eq!(stderr.contains("graph: cached"), expect_cached, "{stderr}");
    };
    direct(false);
    direct(true);
    write_cargo(&path_bin.path().join("cargo"), "cargo 1.97.0 (test)");
    direct(false);
}
