//! Native libraries: a `-sys` crate's `links` library is SOUP of its own; the list names
//! it and says whether the crate builds it from its bundled copy.

mod common;

use common::{fixture, json_of, soup_on, stdout_of};

#[test]
fn native_libraries_and_their_bundling_are_listed() {
    let list = json_of(&mut soup_on(
        &fixture("native"),
        &["list", "--format", "json", "--offline"],
    ));
    let native: Vec<(String, serde_json::Value, serde_json::Value)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["source"] != "toolchain")
        .map(|item| {
            (
                item["name"].as_str().unwrap().to_string(),
                item["native_library"].clone(),
                item["native_library_bundled"].clone(),
            )
        })
        .collect();
    assert_eq!(
        native,
        [
            ("sqlite-sys".into(), "sqlite3".into(), true.into()),
            ("ssl-sys".into(), "ssl".into(), false.into()),
            ("z-sys".into(), "z".into(), serde_json::Value::Null),
        ]
    );
    let table = stdout_of(&mut soup_on(
        &fixture("native"),
        &["list", "--offline", "--color", "never"],
    ));
    assert!(table.contains("links native library `sqlite3`, built from the crate's copy (feature `bundled`)"));
    assert!(table.contains("links native library `ssl` from the system (feature `vendored` off)"));
    let csv = stdout_of(&mut soup_on(
        &fixture("native"),
        &["list", "--offline", "--format", "csv"],
    ));
    assert!(
        csv.lines()
            .any(|line| line.starts_with("z-sys,") && line.contains(",z,")),
        "{csv}"
    );
    let markdown = stdout_of(&mut soup_on(
        &fixture("native"),
        &["list", "--offline", "--format", "markdown"],
    ));
    assert!(markdown.contains("links native library `ssl` from the system"));
}
