//! Helpers shared by the integration tests: run the real binary on fixture workspaces.
#![allow(dead_code)]

pub mod formats;
pub mod server;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// `fixtures/NAME`. A fixture whose Cargo.lock pins crates.io packages has them
/// fetched first (once per test process): the tests run `--offline`, and on a new
/// machine, or in CI with an empty Cargo home, nothing else would have downloaded them.
pub fn fixture(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    // `fixture("demo/Cargo.toml")` needs the demo's crates as much as `fixture("demo")`.
    let workspace = match path.file_name() {
        Some(file) if file == "Cargo.toml" => path.parent().unwrap_or(&path),
        _ => &path,
    };
    fetch_registry_crates(workspace);
    path
}

fn fetch_registry_crates(workspace: &Path) {
    static FETCHED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    let lock = std::fs::read_to_string(workspace.join("Cargo.lock")).unwrap_or_default();
    if !lock.contains("source = \"registry+") {
        return;
    }
    let mut fetched = FETCHED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if fetched.iter().any(|done| done == workspace) {
        return;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["fetch", "--locked", "--quiet", "--manifest-path"])
        .arg(workspace.join("Cargo.toml"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo fetch of {} failed", workspace.display());
    fetched.push(workspace.to_path_buf());
}

/// `cargo-soup` with colour off, no inherited NO_COLOR, its caches in the build's
/// scratch folder rather than the user's Cargo home, OSV data from fixtures/osv, and
/// kept off the network (tests that need it start a server on 127.0.0.1 and remove
/// CARGO_SOUP_OFFLINE).
pub fn soup() -> Command {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("cargo-soup");
    command
        .env_remove("NO_COLOR")
        .env_remove("CARGO_SOUP_ADVISORY_DB")
        .env_remove("CARGO_SOUP_RUSTSEC_URL")
        .env_remove("CARGO_SOUP_OSV_URL")
        // An index with no copy in Cargo's cache or the cache folder: offline, no test
        // reads what crates.io said when this machine last fetched.
        .env("CARGO_SOUP_INDEX_URL", "sparse+http://127.0.0.1:9/no-index/")
        .env_remove("CARGO_SOUP_HTTP_TIMEOUT")
        .env_remove("CARGO_SOUP_DTRACK_API_KEY")
        .env_remove("COLUMNS")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env("CARGO_SOUP_OSV_DB", fixture("osv"))
        .env("CARGO_SOUP_OFFLINE", "1")
        .env(
            "CARGO_SOUP_CACHE",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("soup-cache"),
        );
    command
}

/// `cargo-soup ARGS --manifest-path FIXTURE/Cargo.toml`.
pub fn soup_on(manifest_dir: &Path, args: &[&str]) -> Command {
    let mut command = soup();
    command
        .args(args)
        .arg("--manifest-path")
        .arg(manifest_dir.join("Cargo.toml"));
    command
}

pub fn stdout_of(command: &mut Command) -> String {
    stdout_with_code(command, 0)
}

/// Standard output of a run that must end with exit status `code`.
pub fn stdout_with_code(command: &mut Command, code: i32) -> String {
    let output = command.output().expect("cargo-soup runs");
    assert_eq!(
        output.status.code(),
        Some(code),
        "cargo-soup exit status:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

pub fn json_of(command: &mut Command) -> serde_json::Value {
    serde_json::from_str(&stdout_of(command)).expect("valid JSON")
}

/// Copies a fixture into a fresh temporary folder, for tests that change files.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(name), dir.path());
    dir
}

/// `from` copied into `to`, without `target` folders.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_name() == "target" {
            continue;
        }
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The crates of `list --format json` as `name@version`; the toolchain item, which
/// every list has, is left out (tests/toolchain.rs is about it).
pub fn item_names(list: &serde_json::Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items array")
        .iter()
        .filter(|item| item["source"] != "toolchain")
        .map(|item| {
            format!(
                "{}@{}",
                item["name"].as_str().unwrap(),
                item["version"].as_str().unwrap()
            )
        })
        .collect()
}

/// The element of the array `value[array]` whose `key` is `wanted`: an item by name, an
/// advisory by id, a property by name.
pub fn element<'v>(value: &'v serde_json::Value, array: &str, key: &str, wanted: &str) -> &'v serde_json::Value {
    value[array]
        .as_array()
        .unwrap_or_else(|| panic!("no array `{array}` in {value}"))
        .iter()
        .find(|element| element[key] == wanted)
        .unwrap_or_else(|| panic!("no {key} = {wanted} in `{array}` of {value}"))
}

pub fn item<'v>(list: &'v serde_json::Value, name: &str, version: &str) -> &'v serde_json::Value {
    list["items"]
        .as_array()
        .expect("items array")
        .iter()
        .find(|item| item["name"] == name && item["version"] == version)
        .unwrap_or_else(|| panic!("{name}@{version} not in the list"))
}

/// Runs `command` on `fixtures/NAME` with `soup_toml` as its soup.toml (in a temporary
/// folder) and the curated RustSec database, unless the command names its own or
/// switches RustSec off.
pub fn run_with_sidecar(mut command: Command, fixture_name: &str, soup_toml: &str) -> std::process::Output {
    let names_data = command
        .get_args()
        .any(|arg| arg == "--advisory-db" || arg == "--no-rustsec");
    if !names_data {
        command.arg("--advisory-db").arg(fixture("advisory-db"));
    }
    run_on_sidecar(command, fixture_name, soup_toml)
}

/// `command --manifest-path FIXTURE/Cargo.toml --soup-file TMP/soup.toml`, the sidecar
/// holding `soup_toml`; the advisory data is what the command names.
pub fn run_on_sidecar(mut command: Command, fixture_name: &str, soup_toml: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("soup.toml");
    std::fs::write(&path, soup_toml).expect("write soup.toml");
    command
        .arg("--manifest-path")
        .arg(fixture(fixture_name).join("Cargo.toml"))
        .arg("--soup-file")
        .arg(&path);
    command.output().expect("cargo-soup runs")
}

/// `audit` offline with both advisory sources switched off, as of a fixed day: for the
/// tests of the assessment rules.
pub const AUDIT_WITHOUT_ADVISORIES: &[&str] = &[
    "audit",
    "--offline",
    "--no-rustsec",
    "--no-osv",
    "--as-of",
    "2026-11-25",
];

/// Every SOUP item assessed as class A: an entry per direct dependency, each covering
/// what only it reaches (`covers` works by reachability), and advisory data accepted as
/// current for ten years, so only what a test adds is found. A test's disposition goes
/// into the entry of the crate the advisory is about (`[[soup.smallvec.advisories]]`).
pub const VULNERABLE_SOUP: &str = r#"schema = 1

[project]
class = "A"
advisory-max-age = "3650d"
review-interval = "3650d"

[soup.time]
version = "0.1.43"
license = "MIT OR Apache-2.0"
class = "A"
covers = ["libc", "winapi", "winapi-i686-pc-windows-gnu", "winapi-x86_64-pc-windows-gnu"]

[soup.smallvec]
version = "0.6.13"
license = "MIT OR Apache-2.0"
class = "A"
covers = ["maybe-uninit"]

[soup.atty]
version = "0.2.14"
license = "MIT"
class = "A"
covers = ["hermit-abi"]

[soup.ansi_term]
version = "0.12.1"
license = "MIT"
class = "A"

[soup.inconceivable]
version = "0.9.0"
license = "MIT"
class = "A"
covers = ["rustc_version", "semver", "semver-parser"]

[toolchain]
version = "1.95.0"
license = "MIT OR Apache-2.0"
class = "A"
"#;

/// Whether script(1) is there to give a command a pseudo-terminal; outside CI a test
/// that needs it is skipped without it, in CI it fails.
pub fn has_script() -> bool {
    let found = std::process::Command::new("script").arg("--version").output().is_ok();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "the terminal tests need `script` (util-linux)"
    );
    found
}
