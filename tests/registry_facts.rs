//! Registry facts (publication dates, what is newer, the last release, yanked) from a
//! sparse index served on 127.0.0.1 (records with and without `pubtime`, yanked
//! versions, a pre-release, a crate that 404s, 304 answers to a repeated audit) and,
//! offline, from a Cargo index cache laid out as Cargo lays it out; `inactive-crate`
//! and `outdated` in all four formats.

mod common;

use common::formats::{Seen, from_github, from_human, from_json, from_sarif};
use common::server::{Reply, Request, Server};
use common::{VULNERABLE_SOUP, copy_dir, fixture, run_on_sidecar, soup};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const TIME: &str = r#"{"name":"time","vers":"0.1.42","deps":[],"cksum":"00","features":{},"yanked":false,"pubtime":"2019-01-14T09:00:00Z"}
{"name":"time","vers":"0.1.43","deps":[],"cksum":"00","features":{},"yanked":true,"pubtime":"2020-03-01T10:00:00Z"}
{"name":"time","vers":"0.2.0","deps":[],"cksum":"00","features":{},"yanked":false,"pubtime":"2020-07-01T10:00:00Z"}
{"name":"time","vers":"0.3.40","deps":[],"cksum":"00","features":{},"yanked":false,"pubtime":"2026-06-01T10:00:00Z"}
{"name":"time","vers":"0.4.0-alpha.1","deps":[],"cksum":"00","features":{},"yanked":false,"pubtime":"2026-10-01T10:00:00Z"}
"#;
/// An older record: no `pubtime` at all.
const SMALLVEC: &str = r#"{"name":"smallvec","vers":"0.6.13","deps":[],"cksum":"00","features":{},"yanked":false}
{"name":"smallvec","vers":"0.6.14","deps":[],"cksum":"00","features":{},"yanked":false}
{"name":"smallvec","vers":"1.13.2","deps":[],"cksum":"00","features":{},"yanked":false}
"#;
const ATTY: &str = r#"{"name":"atty","vers":"0.2.14","deps":[],"cksum":"00","features":{},"yanked":false,"pubtime":"2021-02-06T10:00:00Z"}
"#;
const TIME_TAG: &str = "\"time-1\"";

/// The index: time with an ETag (304 when asked with it), smallvec and atty, and a 404
/// for every other crate (ansi_term among them).
fn index(request: &Request) -> Reply {
    match request.path.as_str() {
        "/index/config.json" => Reply::Ok(br#"{"dl": "https://static.crates.io/crates"}"#.to_vec()),
        "/index/ti/me/time" if request.header("if-none-match") == Some(TIME_TAG) => Reply::NotModified,
        "/index/ti/me/time" => Reply::Tagged(TIME.as_bytes().to_vec(), TIME_TAG),
        "/index/sm/al/smallvec" => Reply::Ok(SMALLVEC.as_bytes().to_vec()),
        "/index/at/ty/atty" => Reply::Ok(ATTY.as_bytes().to_vec()),
        _ => Reply::Status(404),
    }
}

/// The vulnerable fixture's soup.toml with `outdated` raised to a warning.
fn soup_toml() -> String {
    format!("{VULNERABLE_SOUP}\n[policy]\noutdated = \"warn\"\n")
}

/// `cargo soup COMMAND` on the vulnerable fixture against the index `server` serves,
/// with `cache` as its cache folder; online unless `offline`.
fn against_index(command: &str, server: &Server, cache: &Path, offline: bool, extra: &[&str]) -> std::process::Output {
    let mut soup = soup();
    if !offline {
        soup.env_remove("CARGO_SOUP_OFFLINE");
    }
    soup.env("CARGO_SOUP_INDEX_URL", format!("sparse+{}/index/", server.url))
        .args([
            command,
            "--no-rustsec",
            "--no-osv",
            "--as-of",
            "2026-11-25",
            "--cache-dir",
        ])
        .arg(cache)
        .args(extra);
    run_on_sidecar(soup, "vulnerable", &soup_toml())
}

fn online_audit(server: &Server, cache: &Path, format: &str) -> std::process::Output {
    against_index("audit", server, cache, false, &["--format", format])
}

fn registry_of(document: &Value, name: &str) -> Value {
    document["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {document}"))["registry"]
        .clone()
}

/// (code, crate) of the findings the registry facts give.
fn registry_findings(document: &Value) -> Vec<(String, String, String)> {
    let mut found: Vec<(String, String, String)> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| ["inactive-crate", "outdated", "yanked"].contains(&finding["code"].as_str().unwrap()))
        .map(|finding| {
            let text = |key: &str| finding[key].as_str().unwrap().to_string();
            (text("code"), text("level"), text("crate"))
        })
        .collect();
    found.sort();
    found
}

#[test]
fn the_index_gives_the_facts_and_the_findings_in_every_format() {
    let server = Server::start(200, index);
    let cache = tempfile::tempdir().unwrap();
    let output = online_audit(&server, cache.path(), "json");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let document: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{stderr}"));
    assert_eq!(
        registry_of(&document, "time"),
        json!({
            "published": "2020-03-01", "latest": "0.3.40", "latest_published": "2026-06-01",
            "latest_compatible": null, "behind": "major", "majors_behind": 2,
            "last_release": "2026-10-01", "yanked": true, "from": "index"
        }),
        "pre-releases are releases, never the latest; the yanked 0.1.43 is no compatible update"
    );
    assert_eq!(
        registry_of(&document, "smallvec"),
        json!({
            "published": null, "latest": "1.13.2", "latest_published": null,
            "latest_compatible": "0.6.14", "behind": "major", "majors_behind": 1,
            "last_release": null, "yanked": false, "from": "index"
        }),
        "a record without pubtime has no dates"
    );
    assert_eq!(
        registry_of(&document, "ansi_term"),
        Value::Null,
        "the index has no record"
    );
    assert_eq!(
        registry_findings(&document),
        [
            ("inactive-crate".into(), "warning".into(), "atty".into()),
            ("outdated".into(), "warning".into(), "smallvec".into()),
            ("outdated".into(), "warning".into(), "time".into()),
            ("yanked".into(), "error".into(), "time".into()),
        ]
    );
    let messages: Vec<&str> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|finding| finding["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|message| message
            .starts_with("time 0.1.43 is 2 major releases behind: 0.3.40 (published 2026-06-01) is the newest")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|message| message.starts_with("atty's last release on its registry was on 2021-02-06")),
        "{messages:?}"
    );
    // The same findings, at the same places, in the other formats (each run has a
    // soup.toml of its own, so files are compared by name).
    let by_name = |seen: Seen| -> Seen {
        seen.into_iter()
            .map(|(code, level, file, line)| {
                let name = Path::new(&file).file_name().unwrap().to_string_lossy().into_owned();
                (code, level, name, line)
            })
            .collect()
    };
    let want = by_name(from_json(&String::from_utf8(output.stdout).unwrap()));
    assert!(want.iter().any(|(code, ..)| code == "outdated"), "{want:?}");
    for (format, read) in [
        ("sarif", from_sarif as fn(&str) -> Seen),
        ("github", from_github),
        ("human", from_human),
    ] {
        let output = online_audit(&server, cache.path(), format);
        let text = String::from_utf8(output.stdout).unwrap();
        assert_eq!(by_name(read(&text)), want, "{format}:\n{text}");
    }
}

#[test]
fn a_repeated_audit_revalidates_and_reads_the_kept_copy() {
    let server = Server::start(200, index);
    let cache = tempfile::tempdir().unwrap();
    let first: Value = serde_json::from_slice(&online_audit(&server, cache.path(), "json").stdout).unwrap();
    let second: Value = serde_json::from_slice(&online_audit(&server, cache.path(), "json").stdout).unwrap();
    assert_eq!(registry_of(&first, "time"), registry_of(&second, "time"));
    let asked: Vec<Option<String>> = server
        .requests()
        .iter()
        .filter(|request| request.path == "/index/ti/me/time")
        .map(|request| request.header("if-none-match").map(str::to_string))
        .collect();
    assert_eq!(
        asked,
        [None, Some(TIME_TAG.to_string())],
        "the second asks with the ETag and gets a 304"
    );
    // `list` and the SBOM never ask: they state what the audit kept.
    let before = server.requests().len();
    let mut list = soup();
    list.env("CARGO_SOUP_INDEX_URL", format!("sparse+{}/index/", server.url))
        .args(["list", "--format", "json", "--cache-dir"])
        .arg(cache.path());
    let listed: Value = serde_json::from_slice(&run_on_sidecar(list, "vulnerable", &soup_toml()).stdout).unwrap();
    assert_eq!(server.requests().len(), before, "no request from list");
    assert_eq!(registry_of(&listed, "time")["latest"], "0.3.40");
    assert_eq!(registry_of(&listed, "time")["from"], "cache");
}

/// The Cargo home of this test process: where `fixture()` fetched the crates.
fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(&std::env::var_os("HOME").unwrap()).join(".cargo"))
}

/// A Cargo home whose crates.io index cache is the real one (cargo metadata needs it)
/// with time's entry rewritten as Cargo writes it: dates, a yanked locked version, a
/// newer major.
fn cargo_home_with_time_rewritten() -> tempfile::TempDir {
    fixture("vulnerable");
    let home = tempfile::tempdir().unwrap();
    let registry = home.path().join("registry");
    std::fs::create_dir_all(registry.join("index")).unwrap();
    for shared in ["src", "cache"] {
        std::os::unix::fs::symlink(cargo_home().join("registry").join(shared), registry.join(shared)).unwrap();
    }
    let index = "index.crates.io-1949cf8c6b5b557f";
    copy_dir(
        &cargo_home().join("registry/index").join(index),
        &registry.join("index").join(index),
    );
    let folder = tame_index::PathBuf::from_path_buf(registry.join("index").join(index)).unwrap();
    let cache = tame_index::IndexCache::at_path(folder);
    let lock = tame_index::flock::FileLock::unlocked();
    let name = tame_index::KrateName::cargo("time").unwrap();
    let mut krate = cache.cached_krate(name, &lock).unwrap().unwrap().deserialize().unwrap();
    // Only the locked version (cargo needs its dependencies) and one newer major.
    krate.versions.retain(|version| version.version == "0.1.43");
    krate.versions[0].pubtime = Some("2020-03-01T10:00:00Z".into());
    krate.versions[0].yanked = true;
    let mut newer = krate.versions[0].clone();
    newer.version = "0.3.40".into();
    newer.pubtime = Some("2026-06-01T10:00:00Z".into());
    newer.yanked = false;
    krate.versions.push(newer);
    cache
        .write_to_cache(
            name,
            tame_index::index::cache::CacheWrite::Krate(&krate),
            &tame_index::Revision::Unknown,
            &lock,
        )
        .unwrap();
    home
}

#[test]
fn offline_the_facts_and_the_yanked_check_come_from_cargos_index_cache() {
    let home = cargo_home_with_time_rewritten();
    let cache = tempfile::tempdir().unwrap();
    let mut command = soup();
    command
        .env("CARGO_HOME", home.path())
        .env_remove("CARGO_SOUP_INDEX_URL")
        .args(common::AUDIT_WITHOUT_ADVISORIES)
        .args(["--format", "json", "-v", "--cache-dir"])
        .arg(cache.path());
    let output = run_on_sidecar(command, "vulnerable", &soup_toml());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let document: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{stderr}"));
    let time = registry_of(&document, "time");
    assert_eq!(time["from"], "cache");
    assert_eq!(time["yanked"], true);
    assert_eq!(time["latest"], "0.3.40");
    assert_eq!(time["published"], "2020-03-01");
    assert!(
        registry_findings(&document).contains(&("yanked".into(), "error".into(), "time".into())),
        "the yanked check runs offline: {:?}",
        registry_findings(&document)
    );
    let row = document["advisory_data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|data| data["source"] == "registry-index")
        .unwrap();
    assert_eq!(row["skipped"], false, "{row}");
    assert_eq!(row["location"], "the local index cache");
}

/// Section 5 of the report and the SBOM state the same facts.
#[test]
fn the_report_and_the_sbom_state_the_facts() {
    let server = Server::start(200, index);
    let cache = tempfile::tempdir().unwrap();
    let markdown = String::from_utf8(against_index("report", &server, cache.path(), false, &[]).stdout).unwrap();
    assert!(
        markdown.contains(
            "- **Registry:** published 2020-03-01; newest 0.3.40 of 2026-06-01; 2 majors behind; last release \
             2026-10-01; YANKED"
        ),
        "{markdown}"
    );
    assert!(markdown.contains("- **Registry:** publication date not recorded; newest 1.13.2; 1 major behind"));
    let bom: Value = serde_json::from_slice(&against_index("sbom", &server, cache.path(), true, &[]).stdout).unwrap();
    let time = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|component| component["name"] == "time")
        .unwrap();
    let properties: Vec<(String, String)> = time["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|property| {
            (
                property["name"].as_str().unwrap().to_string(),
                property["value"].as_str().unwrap().to_string(),
            )
        })
        .filter(|(name, _)| {
            ["published", "latest", "behind", "majors-behind", "last-release"]
                .contains(&name.trim_start_matches("cargo-soup:"))
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("cargo-soup:published", "2020-03-01"),
        ("cargo-soup:latest", "0.3.40"),
        ("cargo-soup:behind", "major"),
        ("cargo-soup:majors-behind", "2"),
        ("cargo-soup:last-release", "2026-10-01"),
    ]
    .iter()
    .map(|(name, value)| (name.to_string(), value.to_string()))
    .collect();
    assert_eq!(properties, want);
}
