//! What cargo soup does on the network, against a server on 127.0.0.1 that each test
//! starts: `fetch` of both databases into the cache and every way a download can go
//! wrong, the audit's own fetch of a missing or stale cache, and the yanked check
//! against a sparse registry index.

mod common;

use common::server::{Answer, Reply, Request, Server, gzip, tar_gz, tar_of, zip_files, zip_of};
use common::{VULNERABLE_SOUP, fixture, run_on_sidecar, run_with_sidecar, soup};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// A mirror of the fixture databases and a sparse index in which `time 0.1.43` is
/// yanked; `rustsec` is what it serves as the advisory-db archive.
fn mirror(rustsec: Vec<u8>) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    let osv = zip_of(&fixture("osv"));
    move |request| {
        match request.path.as_str() {
        "/advisory-db.tar.gz" => Reply::Ok(rustsec.clone()),
        "/osv/crates.io/all.zip" => Reply::Ok(osv.clone()),
        "/index/config.json" => Reply::Ok(br#"{"dl": "https://static.crates.io/crates"}"#.to_vec()),
        "/index/ti/me/time" => Reply::Ok(
            b"{\"name\":\"time\",\"vers\":\"0.1.42\",\"yanked\":false}\n{\"name\":\"time\",\"vers\":\"0.1.43\",\"yanked\":true}\n"
                .to_vec(),
        ),
        _ => Reply::Status(404),
    }
    }
}

fn good_archive() -> Vec<u8> {
    tar_gz(&fixture("advisory-db"), "advisory-db-main", &[])
}

fn fetch(server: &Server, cache: &Path, extra: &[&str]) -> std::process::Output {
    soup()
        .env_remove("CARGO_SOUP_OFFLINE")
        .args(["fetch", "--cache-dir"])
        .arg(cache)
        .arg("--rustsec-url")
        .arg(format!("{}/advisory-db.tar.gz", server.url))
        .arg("--osv-url")
        .arg(format!("{}/osv", server.url))
        .args(extra)
        .output()
        .unwrap()
}

struct Audit {
    code: Option<i32>,
    json: Value,
    stderr: String,
}

impl Audit {
    /// (code, crate, id, sources) of every finding about an advisory or a yanked crate.
    fn findings(&self) -> BTreeSet<(String, String, String, String)> {
        let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
        self.json["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("findings expected: {}", self.stderr))
            .iter()
            .filter(|finding| finding["advisory"].is_object() || finding["code"] == "yanked")
            .map(|finding| {
                let sources = finding["advisory"]["sources"]
                    .as_array()
                    .map(|sources| sources.iter().map(text).collect::<Vec<_>>().join("+"));
                (
                    text(&finding["code"]),
                    text(&finding["crate"]),
                    text(&finding["advisory"]["id"]),
                    sources.unwrap_or_default(),
                )
            })
            .collect()
    }

    fn data(&self, source: &str) -> Value {
        self.json["advisory_data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|data| data["source"] == source)
            .cloned()
            .unwrap_or(Value::Null)
    }
}

/// An audit of fixtures/vulnerable on the cache folder only (no folder named), online
/// against `server` unless `offline`.
fn audit_on_cache(cache: &Path, server: &Server, offline: bool) -> Audit {
    let mut command = soup();
    command
        .env_remove("CARGO_SOUP_OSV_DB")
        .env("CARGO_SOUP_RUSTSEC_URL", format!("{}/advisory-db.tar.gz", server.url))
        .env("CARGO_SOUP_OSV_URL", format!("{}/osv", server.url))
        .env("CARGO_SOUP_INDEX_URL", format!("{}/index", server.url))
        .args(["audit", "--format", "json", "--as-of", "2026-11-25", "--cache-dir"])
        .arg(cache);
    if !offline {
        command.env_remove("CARGO_SOUP_OFFLINE");
    }
    finish(run_on_sidecar(command, "vulnerable", VULNERABLE_SOUP))
}

fn finish(output: std::process::Output) -> Audit {
    let stderr = String::from_utf8(output.stderr).unwrap();
    Audit {
        code: output.status.code(),
        json: serde_json::from_slice(&output.stdout).unwrap_or(Value::Null),
        stderr,
    }
}

/// The same audit on the fixture folders.
fn audit_on_folders() -> Audit {
    let mut command = soup();
    command.args(["audit", "--format", "json", "--as-of", "2026-11-25", "--offline"]);
    finish(run_with_sidecar(command, "vulnerable", VULNERABLE_SOUP))
}

#[test]
fn fetch_fills_the_cache_and_the_audit_on_it_finds_what_the_folders_find() {
    let server = Server::start(10, mirror(good_archive()));
    let cache = tempfile::tempdir().unwrap();
    let output = fetch(&server, cache.path(), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("fetched the RustSec advisory-db (12 records) from"),
        "{stderr}"
    );
    assert!(
        stderr.contains("fetched the OSV crates.io data (14 records) from"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 2, "one download per source");

    let cached = audit_on_cache(cache.path(), &server, true);
    let folders = audit_on_folders();
    assert_eq!(cached.code, Some(1), "{}", cached.stderr);
    assert_eq!(cached.findings(), folders.findings());
    assert!(cached.findings().iter().any(|finding| finding.3 == "rustsec+osv"));
    // Data from the cache is as old as its fetch: today.
    let today = cached.data("rustsec")["updated"].as_str().unwrap().to_string();
    assert_eq!(cached.data("osv")["updated"].as_str(), Some(today.as_str()));
    assert_eq!(cached.data("registry-index")["skipped"], true, "offline");
    assert_eq!(server.requests().len(), 2, "an offline audit asks nothing");

    // Asked again at once (within the same second): an explicit fetch downloads.
    let again = fetch(&server, cache.path(), &[]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert_eq!(server.requests().len(), 4, "a second fetch downloads again: {stderr}");
    assert_eq!(stderr.matches("fetched the ").count(), 2, "{stderr}");
}

#[test]
fn a_broken_or_hostile_download_leaves_the_previous_cache_in_use() {
    let cache = tempfile::tempdir().unwrap();
    let good = Server::start(10, mirror(good_archive()));
    assert!(fetch(&good, cache.path(), &[]).status.success());
    let record = |name: &str| std::fs::read(cache.path().join(name)).unwrap();
    let (rustsec_before, osv_before) = (record("rustsec.json"), record("osv.json"));
    let folders_before: BTreeSet<_> = std::fs::read_dir(cache.path())
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name())
        .collect();

    let archive = good_archive();
    let truncated = archive[..archive.len() / 2].to_vec();
    let escaping = tar_gz(
        &fixture("advisory-db"),
        "advisory-db-main",
        &[("advisory-db-main/../../escaped.md", b"x")],
    );
    let absolute = tar_gz(
        &fixture("advisory-db"),
        "advisory-db-main",
        &[("/tmp/cargo-soup-absolute.md", b"x")],
    );
    let not_a_database = tar_gz(&fixture("osv"), "advisory-db-main", &[]);
    // Cut at an entry boundary: the end-of-archive marker is gone, every entry before
    // it is whole, and the gzip stream is valid.
    let whole = tar_of(&fixture("advisory-db"), "advisory-db-main");
    let no_end_marker = gzip(&whole[..whole.len() - 1024]);
    let subset = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(subset.path().join("crates/time")).unwrap();
    for entry in std::fs::read_dir(fixture("advisory-db/crates/time")).unwrap().flatten() {
        std::fs::copy(entry.path(), subset.path().join("crates/time").join(entry.file_name())).unwrap();
    }
    let half_the_database = tar_gz(subset.path(), "advisory-db-main", &[]);
    let cases: Vec<(&str, Answer, &str)> = vec![
        ("truncated archive", Box::new(mirror(truncated)), "truncated"),
        (
            "no end-of-archive marker",
            Box::new(mirror(no_end_marker)),
            "without tar's end-of-archive marker",
        ),
        (
            "a small part of the database",
            Box::new(mirror(half_the_database.clone())),
            "fewer than half of the 12 in the data it would replace",
        ),
        ("`..` entry", Box::new(mirror(escaping)), "outside the cache folder"),
        ("absolute entry", Box::new(mirror(absolute)), "outside the cache folder"),
        (
            "not advisory-db",
            Box::new(mirror(not_a_database)),
            "not the advisory-db repository",
        ),
        ("server error", Box::new(|_: &Request| Reply::Status(500)), "HTTP 500"),
        (
            "transfer cut short",
            Box::new(move |_: &Request| Reply::CutShort(archive.clone(), 1000)),
            "broke off",
        ),
    ];
    for (case, answer, reason) in cases {
        let server = Server::start(10, answer);
        let output = fetch(&server, cache.path(), &["--no-osv", "-q"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{case}: {stderr}");
        assert!(stderr.contains(reason), "{case}: {reason} in {stderr}");
        assert!(stderr.contains("is unchanged"), "{case}: {stderr}");
        assert_eq!(record("rustsec.json"), rustsec_before, "{case}");
        let folders: BTreeSet<_> = std::fs::read_dir(cache.path())
            .unwrap()
            .flatten()
            .map(|entry| entry.file_name())
            .collect();
        assert_eq!(folders, folders_before, "{case}: nothing left behind");
    }
    assert!(!cache.path().parent().unwrap().join("escaped.md").exists());
    assert!(!Path::new("/tmp/cargo-soup-absolute.md").exists());

    let bad_zip = Server::start(10, |_: &Request| Reply::Ok(b"PK\x03\x04 not really a zip".to_vec()));
    let output = fetch(&bad_zip, cache.path(), &["--no-rustsec"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a complete zip file"));
    assert_eq!(record("osv.json"), osv_before);

    // Any name ending in .json passed before; the records must be OSV.
    let zeros = zip_files(&[("all.json", &vec![0u8; 100_000])]);
    let junk = Server::start(10, move |_: &Request| Reply::Ok(zeros.clone()));
    let output = fetch(&junk, cache.path(), &["--no-rustsec"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("none of the 1 *.json files in the archive is a readable OSV record"),
        "{stderr}"
    );
    assert_eq!(record("osv.json"), osv_before);

    let still = audit_on_cache(cache.path(), &good, true);
    assert_eq!(still.findings(), audit_on_folders().findings(), "{}", still.stderr);

    // A partial copy is taken when asked for.
    let partial = Server::start(10, mirror(half_the_database));
    let output = fetch(&partial, cache.path(), &["--no-osv", "--force"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("fetched the RustSec advisory-db (2 records)"),
        "{stderr}"
    );
}

/// pigz, bgzip and some mirrors write a gzip file of several members; GNU tar unpacks
/// all of them, and so does fetch.
#[test]
fn an_archive_of_several_gzip_members_is_read_whole() {
    let whole = tar_of(&fixture("advisory-db"), "advisory-db-main");
    let split = whole.len() / 1024 * 512;
    let mut members = gzip(&whole[..split]);
    members.extend(gzip(&whole[split..]));
    let server = Server::start(10, mirror(members));
    let cache = tempfile::tempdir().unwrap();
    let output = fetch(&server, cache.path(), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("fetched the RustSec advisory-db (12 records)"),
        "{stderr}"
    );
    let cached = audit_on_cache(cache.path(), &server, true);
    assert_eq!(cached.findings(), audit_on_folders().findings(), "the whole database");
}

#[test]
fn the_audit_fetches_a_missing_cache_and_refreshes_a_stale_one() {
    let server = Server::start(200, mirror(good_archive()));
    let cache = tempfile::tempdir().unwrap();
    let first = audit_on_cache(cache.path(), &server, false);
    assert_eq!(first.code, Some(1), "{}", first.stderr);
    assert_eq!(server.count("/advisory-db.tar.gz"), 1);
    assert_eq!(server.count("/osv/crates.io/all.zip"), 1);
    assert!(first.stderr.contains("(the cache has none)"), "{}", first.stderr);

    let fresh = audit_on_cache(cache.path(), &server, false);
    assert_eq!(fresh.findings(), first.findings());
    assert_eq!(
        server.count("/advisory-db.tar.gz"),
        1,
        "a fresh cache is not fetched again"
    );

    // Fetched in 1970: older than advisory-max-age (ten years here).
    let record = cache.path().join("rustsec.json");
    let mut current: Value = serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    current["fetched"] = 0.into();
    std::fs::write(&record, current.to_string()).unwrap();
    let offline = audit_on_cache(cache.path(), &server, true);
    assert_eq!(server.count("/advisory-db.tar.gz"), 1, "offline uses what is there");
    assert!(
        offline.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["code"] == "stale-advisory-db"),
        "{:#}",
        offline.json
    );
    let refreshed = audit_on_cache(cache.path(), &server, false);
    assert_eq!(server.count("/advisory-db.tar.gz"), 2, "{}", refreshed.stderr);
    assert!(
        refreshed.stderr.contains("older than advisory-max-age"),
        "{}",
        refreshed.stderr
    );
    assert!(
        !refreshed.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["code"] == "stale-advisory-db")
    );

    // A stale cache and a broken mirror: the audit warns and goes on with the old data.
    std::fs::write(&record, {
        let mut current: Value = serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
        current["fetched"] = 0.into();
        current.to_string()
    })
    .unwrap();
    let broken = Server::start(200, |request: &Request| match request.path.as_str() {
        "/index/config.json" => Reply::Ok(br#"{"dl": "x"}"#.to_vec()),
        path if path.starts_with("/index/") => Reply::Status(404),
        _ => Reply::Status(500),
    });
    let stale = audit_on_cache(cache.path(), &broken, false);
    assert_eq!(stale.code, Some(1), "{}", stale.stderr);
    assert!(
        stale.stderr.contains("warning:") && stale.stderr.contains("fetched before"),
        "{}",
        stale.stderr
    );
    assert_eq!(
        stale.findings().len(),
        first.findings().len() - 1,
        "the same advisories, without the yanked time"
    );

    // No cache and a broken mirror: nothing to audit against, exit 2.
    let empty = tempfile::tempdir().unwrap();
    let nothing = audit_on_cache(empty.path(), &broken, false);
    assert_eq!(nothing.code, Some(2));
    assert!(
        nothing.stderr.contains("the audit needs the RustSec advisory-db"),
        "{}",
        nothing.stderr
    );
    assert!(nothing.stderr.contains("--no-rustsec"), "{}", nothing.stderr);
}

#[test]
fn a_failed_download_of_one_source_is_a_finding_and_the_other_is_still_checked() {
    let good = mirror(good_archive());
    let server = Server::start(200, move |request: &Request| {
        if request.path.starts_with("/osv/") {
            return Reply::Status(503);
        }
        good(request)
    });
    let cache = tempfile::tempdir().unwrap();
    let run = audit_on_cache(cache.path(), &server, false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(server.count("/osv/crates.io/all.zip"), 4, "retried, then given up");
    assert!(run.stderr.contains("HTTP 503"), "{}", run.stderr);
    assert_eq!(run.data("osv")["reason"], "no data");
    assert!(run.findings().contains(&(
        "vulnerability".into(),
        "time".into(),
        "RUSTSEC-2020-0071".into(),
        "rustsec".into()
    )));
    let gap = run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["code"] == "stale-advisory-db")
        .expect("the missing source is a finding");
    assert!(gap["message"].as_str().unwrap().contains("HTTP 503"), "{gap}");
}

#[test]
fn a_yanked_version_is_a_finding_online_and_the_check_is_skipped_offline() {
    let server = Server::start(200, mirror(good_archive()));
    let mut command = soup();
    command
        .env_remove("CARGO_SOUP_OFFLINE")
        .env("CARGO_SOUP_INDEX_URL", format!("sparse+{}/index/", server.url))
        .args(["audit", "--format", "json", "--as-of", "2026-11-25"]);
    let online = finish(run_with_sidecar(command, "vulnerable", VULNERABLE_SOUP));
    let yanked: Vec<_> = online
        .findings()
        .into_iter()
        .filter(|finding| finding.0 == "yanked")
        .collect();
    assert_eq!(
        yanked,
        [("yanked".into(), "time".into(), String::new(), String::new())],
        "{}",
        online.stderr
    );
    let message = online.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["code"] == "yanked")
        .and_then(|finding| finding["message"].as_str())
        .unwrap()
        .to_string();
    assert!(
        message.contains("update to a version that is not yanked (`cargo update -p time@0.1.43`)"),
        "one space between words: {message}"
    );
    assert!(!message.contains("  "), "{message}");
    assert_eq!(online.data("registry-index")["skipped"], false);
    assert_eq!(server.count("/index/config.json"), 1);
    assert_eq!(server.count("/index/ti/me/time"), 1);
    assert!(server.count("/advisory-db") == 0, "named folders are not downloaded");

    let offline = audit_on_folders();
    assert!(offline.findings().iter().all(|finding| finding.0 != "yanked"));
    assert_eq!(offline.data("registry-index")["skipped"], true);

    let mut human = soup();
    human.args(["audit", "--offline", "--as-of", "2026-11-25"]);
    let text = String::from_utf8(run_with_sidecar(human, "vulnerable", VULNERABLE_SOUP).stdout).unwrap();
    assert!(text.contains("yanked check skipped (offline)"), "{text}");
}

#[test]
fn an_index_url_that_is_not_an_index_stops_the_audit_with_the_flag_to_fix() {
    let server = Server::start(10, |_: &Request| Reply::Ok(b"<html>login</html>".to_vec()));
    let mut command = soup();
    command
        .env_remove("CARGO_SOUP_OFFLINE")
        .args(["audit", "--format", "json", "--index-url", &server.url]);
    let output = finish(run_with_sidecar(command, "vulnerable", VULNERABLE_SOUP));
    assert_eq!(output.code, Some(2));
    assert!(
        output
            .stderr
            .contains("is not the config.json of a sparse registry index"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("--index-url"), "{}", output.stderr);
    assert!(output.json.is_null());
}

#[test]
fn a_mirror_may_serve_the_database_without_a_top_folder() {
    let server = Server::start(10, mirror(tar_gz(&fixture("advisory-db"), ".", &[])));
    let cache = tempfile::tempdir().unwrap();
    let output = fetch(&server, cache.path(), &["--no-osv"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let record: Value = serde_json::from_slice(&std::fs::read(cache.path().join("rustsec.json")).unwrap()).unwrap();
    assert!(
        cache
            .path()
            .join(record["folder"].as_str().unwrap())
            .join("crates/time")
            .is_dir()
    );
    // GitHub's layout lands one folder deeper, and the record says where.
    let server = Server::start(10, mirror(good_archive()));
    assert!(fetch(&server, cache.path(), &["--no-osv"]).status.success());
    let record: Value = serde_json::from_slice(&std::fs::read(cache.path().join("rustsec.json")).unwrap()).unwrap();
    assert!(
        record["folder"].as_str().unwrap().ends_with("/advisory-db-main"),
        "{record}"
    );
}

#[test]
fn fetch_refuses_to_run_offline() {
    let output = soup()
        .args(["fetch", "--offline", "--cache-dir"])
        .arg(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("offline"));
}

/// Two fetches at once (parallel CI jobs on one cache): the one that waited for the
/// cache's lock uses what the other downloaded, and says so.
#[test]
fn a_fetch_that_waited_for_another_uses_what_it_fetched() {
    let answer = mirror(good_archive());
    let server = Server::start(10, move |request| {
        // Slow enough that the second process is waiting for the lock meanwhile.
        std::thread::sleep(std::time::Duration::from_millis(800));
        answer(request)
    });
    let cache = tempfile::tempdir().unwrap();
    let start = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin!("cargo-soup"))
            .args(["fetch", "--cache-dir"])
            .arg(cache.path())
            .arg("--rustsec-url")
            .arg(format!("{}/advisory-db.tar.gz", server.url))
            .arg("--osv-url")
            .arg(format!("{}/osv", server.url))
            .env_remove("CARGO_SOUP_OFFLINE")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (start(), start());
    let stderr: Vec<String> = [first, second]
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert!(output.status.success(), "{stderr}");
            stderr
        })
        .collect();
    assert_eq!(server.count("/advisory-db.tar.gz"), 1, "{stderr:?}");
    assert_eq!(server.count("/osv/crates.io/all.zip"), 1, "{stderr:?}");
    let reused = stderr
        .concat()
        .matches("by another cargo soup while this one waited")
        .count();
    assert_eq!(reused, 2, "each source once: {stderr:?}");
}

/// A server that sends a byte just before each pause would end: the timeout bounds
/// each pause, and the transfer as a whole must keep an average speed, so the fetch
/// ends within seconds instead of holding on for minutes.
#[test]
fn a_dripping_server_is_given_up_on() {
    let server = Server::start(10, |_: &Request| {
        Reply::Drip(vec![b'x'; 400], std::time::Duration::from_millis(300))
    });
    let cache = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let output = soup()
        .env_remove("CARGO_SOUP_OFFLINE")
        .env("CARGO_SOUP_HTTP_TIMEOUT", "1")
        .args(["fetch", "--no-osv", "--cache-dir"])
        .arg(cache.path())
        .arg("--rustsec-url")
        .arg(format!("{}/advisory-db.tar.gz", server.url))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("sent its answer too slowly"), "{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count("/advisory-db.tar.gz"), 1, "a drip is not retried");
}

/// A 503 with `Retry-After: 1` is retried after that second, not after the shorter
/// backoff.
#[test]
fn retry_after_is_honoured() {
    let asked = std::sync::Mutex::new(Vec::new());
    let archive = good_archive();
    let server = Server::start(10, move |_: &Request| {
        let mut asked = asked.lock().unwrap();
        asked.push(std::time::Instant::now());
        match asked.len() {
            1 => Reply::RetryAfter(503, 1),
            _ => {
                let waited = asked[1] - asked[0];
                assert!(waited >= std::time::Duration::from_millis(950), "waited {waited:?}");
                Reply::Ok(archive.clone())
            }
        }
    });
    let cache = tempfile::tempdir().unwrap();
    let output = fetch(&server, cache.path(), &["--no-osv"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(server.count("/advisory-db.tar.gz"), 2);
}
