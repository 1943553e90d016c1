//! Scope rules of `cargo soup list` on fixtures/scope (path crates, no registry).

mod common;

use common::*;

fn scope_list(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["list", "--format", "json", "--locked", "--offline"];
    args.extend_from_slice(extra);
    json_of(&mut soup_on(&fixture("scope"), &args))
}

/// The scope fixture with a soup.toml of our own, in a temporary copy.
fn scope_list_with(soup_toml: &str, extra: &[&str]) -> serde_json::Value {
    let dir = copy_fixture("scope");
    std::fs::write(dir.path().join("soup.toml"), soup_toml).unwrap();
    let mut args = vec!["list", "--format", "json", "--locked", "--offline"];
    args.extend_from_slice(extra);
    json_of(&mut soup_on(dir.path(), &args))
}

#[test]
fn default_scope_is_normal_and_build_on_every_target() {
    let list = scope_list(&[]);
    assert_eq!(
        item_names(&list),
        [
            "build-helper@0.3.0",
            "host-tool@1.0.0",
            "leaf@0.1.0",
            "linux-only@1.0.0",
            "nolicense@1.0.0",
            "normal-dep@1.0.0",
            "thumb-only@1.0.0",
            "twin@1.0.0",
            "twin@2.0.0",
            "unix-build@1.0.0",
            "win-build@1.0.0",
            "win-only@1.0.0",
        ]
    );
}

#[test]
fn dev_only_packages_and_members_are_never_listed() {
    let names = item_names(&scope_list(&[]));
    for absent in ["test-helper@1.0.0", "test-only-leaf@1.0.0", "app@0.1.0", "tool@0.1.0"] {
        assert!(!names.contains(&absent.to_string()), "{absent} listed");
    }
}

#[test]
fn build_dependency_is_in_scope_with_its_kind() {
    let list = scope_list(&[]);
    let helper = item(&list, "build-helper", "0.3.0");
    assert_eq!(helper["kinds"], serde_json::json!(["build"]));
    assert_eq!(helper["direct"], true);
    assert_eq!(
        item(&list, "normal-dep", "1.0.0")["kinds"],
        serde_json::json!(["normal"])
    );
}

#[test]
fn target_flag_keeps_only_dependencies_active_on_that_triple() {
    let linux = item_names(&scope_list(&["--target", "x86_64-unknown-linux-gnu"]));
    assert!(linux.contains(&"linux-only@1.0.0".to_string()));
    assert!(!linux.contains(&"win-only@1.0.0".to_string()));
    assert!(!linux.contains(&"thumb-only@1.0.0".to_string()));

    let thumb = item_names(&scope_list(&["--target", "thumbv7em-none-eabihf"]));
    assert!(thumb.contains(&"thumb-only@1.0.0".to_string()));
    assert!(!thumb.contains(&"linux-only@1.0.0".to_string()));
    assert!(!thumb.contains(&"win-only@1.0.0".to_string()));

    let both = item_names(&scope_list(&[
        "--target",
        "thumbv7em-none-eabihf",
        "--target",
        "x86_64-pc-windows-msvc",
    ]));
    assert!(both.contains(&"thumb-only@1.0.0".to_string()));
    assert!(both.contains(&"win-only@1.0.0".to_string()));
    assert!(!both.contains(&"linux-only@1.0.0".to_string()));
}

/// Build scripts run on the build host, so their target-specific dependencies are
/// resolved for the host (Linux in CI), not for the device's bare-metal target.
#[cfg(target_os = "linux")]
#[test]
fn build_script_dependencies_follow_the_host_platform() {
    let thumb = scope_list(&["--target", "thumbv7em-none-eabihf"]);
    let host_tool = item(&thumb, "host-tool", "1.0.0");
    assert_eq!(host_tool["kinds"], serde_json::json!(["build"]));
    assert!(!item_names(&thumb).contains(&"linux-only@1.0.0".to_string()));
}

/// A `[target.'cfg(unix)'.build-dependencies]` entry is built on a Linux host for a
/// bare-metal device (Cargo builds it), and a Windows-only one is not, even for a
/// Windows device.
#[cfg(target_os = "linux")]
#[test]
fn target_specific_build_dependencies_are_evaluated_for_the_host() {
    let thumb = item_names(&scope_list(&["--target", "thumbv7em-none-eabihf"]));
    assert!(thumb.contains(&"unix-build@1.0.0".to_string()), "{thumb:?}");
    assert!(!thumb.contains(&"win-build@1.0.0".to_string()), "{thumb:?}");
    let windows = item_names(&scope_list(&["--target", "x86_64-pc-windows-msvc"]));
    assert!(windows.contains(&"unix-build@1.0.0".to_string()), "{windows:?}");
    assert!(!windows.contains(&"win-build@1.0.0".to_string()), "{windows:?}");
    assert!(windows.contains(&"win-only@1.0.0".to_string()), "{windows:?}");
}

/// The host is the one `rustc -vV` reports (a cross toolchain, or a RUSTC wrapper),
/// not the platform cargo-soup itself was built for: a rustc whose host is Windows
/// builds win-build and not unix-build.
#[cfg(unix)]
#[test]
fn the_build_host_is_what_rustc_reports() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let wrapper = dir.path().join("rustc");
    std::fs::write(
        &wrapper,
        "#!/bin/sh\nif [ \"$1\" = -vV ]; then rustc -vV | sed 's/^host: .*/host: x86_64-pc-windows-msvc/'; else exec rustc \"$@\"; fi\n",
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut command = soup_on(
        &fixture("scope"),
        &[
            "list",
            "--format",
            "json",
            "--offline",
            "--no-cache",
            "--target",
            "thumbv7em-none-eabihf",
        ],
    );
    command.env("RUSTC", &wrapper);
    let names = item_names(&json_of(&mut command));
    assert!(names.contains(&"win-build@1.0.0".to_string()), "{names:?}");
    assert!(!names.contains(&"unix-build@1.0.0".to_string()), "{names:?}");
}

#[test]
fn project_targets_set_the_scope_and_the_flag_overrides_them() {
    let soup_toml = "[project]\ntargets = [\"x86_64-unknown-linux-gnu\"]\n";
    let from_file = item_names(&scope_list_with(soup_toml, &[]));
    assert!(from_file.contains(&"linux-only@1.0.0".to_string()));
    assert!(!from_file.contains(&"win-only@1.0.0".to_string()));

    let overridden = item_names(&scope_list_with(soup_toml, &["--target", "x86_64-pc-windows-msvc"]));
    assert!(overridden.contains(&"win-only@1.0.0".to_string()));
    assert!(!overridden.contains(&"linux-only@1.0.0".to_string()));
}

#[test]
fn project_kinds_narrow_or_widen_the_scope() {
    let normal_only = item_names(&scope_list_with("[project]\nkinds = [\"normal\"]\n", &[]));
    assert!(!normal_only.contains(&"build-helper@0.3.0".to_string()));
    assert!(normal_only.contains(&"normal-dep@1.0.0".to_string()));

    let with_dev = scope_list_with("[project]\nkinds = [\"normal\", \"build\", \"dev\"]\n", &[]);
    assert_eq!(
        item(&with_dev, "test-helper", "1.0.0")["kinds"],
        serde_json::json!(["dev"])
    );
    // Reached only through a dev-dependency, so the whole path is `dev`.
    assert_eq!(
        item(&with_dev, "test-only-leaf", "1.0.0")["kinds"],
        serde_json::json!(["dev"])
    );
    assert_eq!(item(&with_dev, "test-only-leaf", "1.0.0")["direct"], false);
}

#[test]
fn two_versions_of_one_crate_are_two_items() {
    let list = scope_list(&[]);
    assert_eq!(
        item(&list, "twin", "1.0.0")["reached_from"],
        serde_json::json!(["app", "tool"])
    );
    assert_eq!(
        item(&list, "twin", "2.0.0")["reached_from"],
        serde_json::json!(["tool"])
    );
}

#[test]
fn class_is_the_highest_class_of_the_members_that_reach_it() {
    let soup_toml = "[project]\nclass = \"B\"\n[software-items.tool]\nclass = \"A\"\n";
    let list = scope_list_with(soup_toml, &[]);
    // app has no entry, so it takes the project class B; tool is A.
    assert_eq!(item(&list, "twin", "2.0.0")["class"], "A");
    assert_eq!(item(&list, "twin", "1.0.0")["class"], "B");
    assert_eq!(item(&list, "leaf", "0.1.0")["class"], "B");
}

#[test]
fn path_sources_and_licences_are_identified() {
    let list = scope_list(&[]);
    let leaf = item(&list, "leaf", "0.1.0");
    assert_eq!(leaf["source"], "path+crates/leaf-0.1.0");
    assert_eq!(leaf["source_kind"], "path");
    assert_eq!(leaf["checksum"], serde_json::Value::Null);
    assert_eq!(leaf["license"], "MIT OR Apache-2.0");
    assert_eq!(leaf["license_raw"], "MIT/Apache-2.0");
    assert_eq!(leaf["license_form"], "normalised");
    assert_eq!(leaf["direct"], false);

    let invalid = item(&list, "twin", "2.0.0");
    assert_eq!(invalid["license"], "Proprietary and secret");
    assert_eq!(invalid["license_form"], "invalid");

    let file_only = item(&list, "nolicense", "1.0.0");
    assert_eq!(file_only["license"], serde_json::Value::Null);
    assert_eq!(file_only["license_file"], "LICENSE.txt");
}

#[test]
fn every_key_is_present_and_empty_ones_are_null() {
    let list = scope_list(&[]);
    assert_eq!(list["schema_version"], 1);
    let leaf = item(&list, "leaf", "0.1.0");
    for key in [
        "name",
        "version",
        "source",
        "checksum",
        "license",
        "repository",
        "direct",
        "kinds",
        "reached_from",
        "class",
        "covered_by",
        "native_library",
        "status",
    ] {
        assert!(leaf.get(key).is_some(), "{key} missing");
    }
    for key in ["repository", "covered_by", "native_library", "description", "entry"] {
        assert_eq!(leaf[key], serde_json::Value::Null, "{key}");
    }
    assert_eq!(leaf["status"], "missing");
}

#[test]
fn why_prints_paths_from_members_like_cargo_tree_invert() {
    let tree = stdout_of(&mut soup_on(&fixture("scope"), &["list", "--why", "leaf", "--offline"]));
    assert_eq!(
        tree,
        "leaf v0.1.0\n└── normal-dep v1.0.0\n    └── app v0.1.0 (workspace member)\n        └── tool v0.1.0 (workspace member)\n"
    );
    let build = stdout_of(&mut soup_on(
        &fixture("scope"),
        &["list", "--why", "build-helper@0.3.0", "--offline"],
    ));
    assert!(build.contains("app v0.1.0 [build] (workspace member)"), "{build}");
    let out_of_scope = stdout_of(&mut soup_on(
        &fixture("scope"),
        &["list", "--why", "test-helper", "--offline"],
    ));
    assert!(out_of_scope.contains("not in scope"), "{out_of_scope}");
}

#[test]
fn why_names_versions_and_unknown_crates_clearly() {
    soup_on(&fixture("scope"), &["list", "--why", "no-such-crate", "--offline"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no package named `no-such-crate`"));
    soup_on(&fixture("scope"), &["list", "--why", "twin@3.0.0", "--offline"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("locked at 1.0.0, 2.0.0"));
}

#[test]
fn scope_json_output_is_pinned() {
    insta::assert_snapshot!(stdout_of(&mut soup_on(
        &fixture("scope"),
        &["list", "--format", "json", "--locked", "--offline"]
    )));
}

#[test]
fn verbose_says_which_scope_is_in_force() {
    let output = soup_on(
        &fixture("scope"),
        &["list", "-v", "--offline", "--target", "thumbv7em-none-eabihf"],
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("scope: kinds normal, build; targets thumbv7em-none-eabihf"),
        "{stderr}"
    );
    assert!(stderr.contains("soup.toml: none at"), "{stderr}");
}

#[test]
fn feature_flags_are_passed_to_cargo() {
    let optional = "optional-dep@1.0.0".to_string();
    assert!(!item_names(&scope_list(&[])).contains(&optional));
    assert!(item_names(&scope_list(&["--features", "app/extra"])).contains(&optional));
    assert!(item_names(&scope_list(&["--all-features"])).contains(&optional));
}

/// Descriptions and authors come from third-party manifests; a cell a spreadsheet
/// would run as a formula is written with a leading `'`.
#[test]
fn csv_cells_that_look_like_formulas_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[package]\nname = \"device\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nevil = { path = \"evil\" }\n",
    );
    write("src/lib.rs", "");
    write(
        "evil/Cargo.toml",
        "[package]\nname = \"evil\"\nversion = \"1.0.0\"\nedition = \"2021\"\nlicense = \"MIT\"\nauthors = [\"@SUM(1+1)\"]\ndescription = \"=HYPERLINK(\\\"http://example.invalid\\\",\\\"x\\\")\"\n",
    );
    write("evil/src/lib.rs", "");
    let csv = stdout_of(&mut soup_on(dir.path(), &["list", "--offline", "--format", "csv"]));
    let row = csv.lines().find(|line| line.starts_with("evil,")).expect("evil's row");
    assert!(row.contains(",'@SUM(1+1),"), "{row}");
    assert!(
        row.contains(",\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\","),
        "{row}"
    );
}
