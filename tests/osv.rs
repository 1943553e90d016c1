//! OSV as the second advisory source: merged with RustSec into one finding per
//! vulnerability, the same findings from a folder and from the live API, and every
//! fault of the API (server errors, a slow answer, garbage) against a server on
//! 127.0.0.1 that the test starts.

mod common;

use common::server::{Reply, Request, Server};
use common::{VULNERABLE_SOUP, fixture, run_with_sidecar, soup};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

struct Run {
    code: Option<i32>,
    json: Value,
    stderr: String,
}

fn audit(args: &[&str], envs: &[(&str, &str)]) -> Run {
    let mut command = soup();
    command
        .args(["audit", "--format", "json", "--as-of", "2026-11-25", "-v"])
        .args(args);
    // An empty value removes the variable.
    for (name, value) in envs {
        if value.is_empty() {
            command.env_remove(name);
        } else {
            command.env(name, value);
        }
    }
    let output = run_with_sidecar(command, "vulnerable", VULNERABLE_SOUP);
    let stderr = String::from_utf8(output.stderr).unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    Run {
        code: output.status.code(),
        json,
        stderr,
    }
}

/// (code, crate, id, every name sorted, sources) of an advisory finding.
type Seen = (String, String, String, Vec<String>, Vec<String>);

fn findings(run: &Run) -> BTreeSet<Seen> {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    run.json["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("findings expected: {}", run.stderr))
        .iter()
        .filter(|finding| finding["advisory"].is_object())
        .map(|finding| {
            let advisory = &finding["advisory"];
            let mut names: Vec<String> = std::iter::once(&advisory["id"])
                .chain(advisory["aliases"].as_array().unwrap())
                .map(text)
                .collect();
            names.sort();
            let sources = advisory["sources"].as_array().unwrap().iter().map(text).collect();
            (
                text(&finding["code"]),
                text(&finding["crate"]),
                text(&advisory["id"]),
                names,
                sources,
            )
        })
        .collect()
}

fn ids(run: &Run) -> BTreeSet<(String, String)> {
    findings(run)
        .into_iter()
        .map(|(_, krate, id, _, _)| (krate, id))
        .collect()
}

#[test]
fn both_sources_report_each_vulnerability_once_with_every_id() {
    let run = audit(&["--offline"], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let all = findings(&run);
    let time: Vec<_> = all.iter().filter(|finding| finding.1 == "time").collect();
    assert_eq!(time.len(), 1, "one finding for time, not one per source: {all:#?}");
    assert_eq!(time[0].2, "RUSTSEC-2020-0071");
    assert_eq!(
        time[0].3,
        ["CVE-2020-26235", "GHSA-wcg3-cvx6-7396", "RUSTSEC-2020-0071"]
    );
    assert_eq!(time[0].4, ["rustsec", "osv"]);
    // The GitHub twin matches by alias and by its explicit versions list.
    let inconceivable: Vec<_> = all.iter().filter(|finding| finding.1 == "inconceivable").collect();
    assert_eq!(inconceivable.len(), 1, "{all:#?}");
    assert!(inconceivable[0].3.contains(&"GHSA-8888-9999-2222".to_string()));
    assert_eq!(inconceivable[0].4, ["rustsec", "osv"]);
    // An OSV-only record is its own finding; the withdrawn one is never reported.
    assert!(all.contains(&(
        "vulnerability".into(),
        "ansi_term".into(),
        "GHSA-2222-3333-4444".into(),
        vec!["CVE-2099-0001".into(), "GHSA-2222-3333-4444".into()],
        vec!["osv".into()]
    )));
    assert!(!run.json.to_string().contains("GHSA-5555-6666-7777"));
    let sources: Vec<&str> = run.json["advisory_data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|data| data["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["rustsec", "osv", "registry-index"]);
}

#[test]
fn osv_alone_finds_what_rustsec_finds_and_a_disposition_matches_any_alias() {
    let rustsec = audit(&["--offline", "--no-osv"], &[]);
    let osv = audit(&["--offline", "--no-rustsec"], &[]);
    let mut expected = ids(&rustsec);
    expected.insert(("ansi_term".into(), "GHSA-2222-3333-4444".into()));
    let osv_ids: BTreeSet<(String, String)> = ids(&osv)
        .into_iter()
        .map(|(krate, id)| {
            (
                krate,
                if id == "GHSA-8888-9999-2222" {
                    "RUSTSEC-2022-0058".into()
                } else {
                    id
                },
            )
        })
        .collect();
    assert_eq!(osv_ids, expected);
    assert_eq!(osv.json["advisory_data"][0]["skipped"], true);

    let disposed = format!(
        "{VULNERABLE_SOUP}\n[[soup.ansi_term.advisories]]\nid = \"CVE-2099-0001\"\nstatus = \"accepted\"\nrationale = \"r\"\n"
    );
    let mut command = soup();
    command.args(["audit", "--format", "json", "--as-of", "2026-11-25", "--offline"]);
    let output = run_with_sidecar(command, "vulnerable", &disposed);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let ansi = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["advisory"]["id"] == "GHSA-2222-3333-4444")
        .count();
    assert_eq!(ansi, 0, "dispositioned by its CVE alias: {json:#}");
}

#[test]
fn no_osv_skips_the_source_and_says_so() {
    let mut command = soup();
    command.args(["audit", "--offline", "--no-osv", "--as-of", "2026-11-25"]);
    let output = run_with_sidecar(command, "vulnerable", VULNERABLE_SOUP);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("OSV skipped"), "{text}");
    assert!(!text.contains("GHSA-2222-3333-4444"));
}

/// An online audit that asks the API at `server` with this timeout (seconds).
fn audit_api(server: &Server, timeout: &str) -> Run {
    audit(
        &["--osv-api", &server.url],
        &[
            ("CARGO_SOUP_OSV_DB", ""),
            ("CARGO_SOUP_OFFLINE", ""),
            ("CARGO_SOUP_HTTP_TIMEOUT", timeout),
        ],
    )
}

/// An OSV API over fixtures/osv: querybatch answers one vulnerability per page, so a
/// crate with five records takes five pages; vulns/{id} serves the record.
fn osv_api(request: &Request) -> Reply {
    let records: Vec<Value> = std::fs::read_dir(fixture("osv"))
        .unwrap()
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|extension| extension == "json"))
        .map(|entry| serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap())
        .collect();
    if request.method == "POST" && request.path == "/v1/querybatch" {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let results: Vec<Value> = body["queries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|query| {
                let name = &query["package"]["name"];
                let mut matching: Vec<&Value> = records
                    .iter()
                    .filter(|record| {
                        record["affected"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|affected| &affected["package"]["name"] == name)
                    })
                    .collect();
                matching.sort_by_key(|record| record["id"].as_str().unwrap().to_string());
                let page: usize = query["page_token"].as_str().map_or(0, |token| token.parse().unwrap());
                match matching.get(page) {
                    None => json!({}),
                    Some(record) => {
                        let mut result = json!({"vulns": [{"id": record["id"], "modified": record["modified"]}]});
                        if page + 1 < matching.len() {
                            result["next_page_token"] = json!((page + 1).to_string());
                        }
                        result
                    }
                }
            })
            .collect();
        return Reply::Ok(serde_json::to_vec(&json!({ "results": results })).unwrap());
    }
    if let Some(id) = request.path.strip_prefix("/v1/vulns/") {
        return match records.iter().find(|record| record["id"] == id) {
            Some(record) => Reply::Ok(serde_json::to_vec(record).unwrap()),
            None => Reply::Status(404),
        };
    }
    Reply::Status(400)
}

#[test]
fn offline_the_api_is_not_asked() {
    let server = Server::start(10, osv_api);
    let run = audit(&["--osv-api", &server.url], &[("CARGO_SOUP_OSV_DB", "")]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("--osv-api") && run.stderr.contains("offline"),
        "{}",
        run.stderr
    );
    assert!(server.requests().is_empty());
}

#[test]
fn the_api_path_matches_the_folder_path() {
    let folder = audit(&["--offline"], &[]);
    let server = Server::start(100, |request| {
        if request.path.starts_with("/index/") {
            return index(request);
        }
        osv_api(request)
    });
    let cache = tempfile::tempdir().unwrap();
    let args = [
        "--osv-api",
        &server.url,
        "--cache-dir",
        cache.path().to_str().unwrap(),
        "--index-url",
        &format!("{}/index/", server.url),
    ];
    let online = [("CARGO_SOUP_OSV_DB", ""), ("CARGO_SOUP_OFFLINE", "")];
    let api = audit(&args, &online);
    assert_eq!(findings(&api), findings(&folder), "{}", api.stderr);
    // smallvec has five records, one per page: one request and four more pages.
    assert_eq!(server.count("/v1/querybatch"), 5);
    let details = server.count("/v1/vulns/");
    assert!(details >= 10, "one detail request per new id: {details}");
    // Records are cached by `modified`: the next audit asks only for the batch.
    let again = audit(&args, &online);
    assert_eq!(findings(&again), findings(&folder));
    assert_eq!(
        server.count("/v1/vulns/"),
        details,
        "no detail request for cached records"
    );
    assert_eq!(server.count("/v1/querybatch"), 10);
}

/// A sparse index that knows every crate and lists nothing as yanked.
fn index(request: &Request) -> Reply {
    if request.path.ends_with("/config.json") {
        return Reply::Ok(br#"{"dl": "http://127.0.0.1/dl"}"#.to_vec());
    }
    Reply::Status(404)
}

#[test]
fn a_server_error_is_retried_and_then_the_audit_stops_with_a_clear_message() {
    let server = Server::start(10, |_| Reply::Status(500));
    let run = audit_api(&server, "0.2");
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("/v1/querybatch failed 4 times"), "{}", run.stderr);
    assert!(run.stderr.contains("HTTP 500"), "{}", run.stderr);
    assert_eq!(server.count("/v1/querybatch"), 4, "retried, and bounded");
    assert!(run.json.is_null(), "no findings printed");
}

#[test]
fn a_passing_server_error_is_retried_away() {
    let failed = std::sync::atomic::AtomicBool::new(false);
    let server = Server::start(100, move |request| {
        if request.path.starts_with("/index/") {
            return index(request);
        }
        if !failed.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return Reply::Status(503);
        }
        osv_api(request)
    });
    let cache = tempfile::tempdir().unwrap();
    let run = audit(
        &[
            "--osv-api",
            &server.url,
            "--cache-dir",
            cache.path().to_str().unwrap(),
            "--index-url",
            &format!("{}/index", server.url),
        ],
        &[("CARGO_SOUP_OSV_DB", ""), ("CARGO_SOUP_OFFLINE", "")],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(ids(&run).contains(&("time".into(), "RUSTSEC-2020-0071".into())));
}

#[test]
fn a_slow_answer_runs_into_the_timeout() {
    let server = Server::start(10, |_| Reply::Slow(Duration::from_secs(3)));
    let started = std::time::Instant::now();
    let run = audit_api(&server, "0.3");
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("failed 4 times"), "{}", run.stderr);
    assert!(
        run.stderr.to_lowercase().contains("timeout") || run.stderr.contains("timed out"),
        "{}",
        run.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "did not wait for the slow server"
    );
}

#[test]
fn garbage_from_the_api_is_an_error_naming_the_url() {
    let server = Server::start(10, |_| Reply::Ok(b"<html>not json</html>".to_vec()));
    let run = audit_api(&server, "30");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains(&format!(
            "{}/v1/querybatch did not answer with OSV batch results",
            server.url
        )),
        "{}",
        run.stderr
    );
    assert_eq!(server.count("/v1/querybatch"), 1, "garbage is not retried");
}

#[test]
fn an_unreadable_record_is_a_finding_and_the_rest_still_count() {
    let folder = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("osv")).unwrap().flatten() {
        std::fs::copy(entry.path(), folder.path().join(entry.file_name())).unwrap();
    }
    std::fs::write(
        folder.path().join("RUSTSEC-2020-0071.json"),
        "{\"id\": \"RUSTSEC-2020-0071\", \"affected\": 7}",
    )
    .unwrap();
    let bad_range = std::fs::read_to_string(fixture("osv/GHSA-2222-3333-4444.json"))
        .unwrap()
        .replace("\"last_affected\": \"0.12.1\"", "\"last_affected\": \"twelve\"");
    std::fs::write(folder.path().join("GHSA-2222-3333-4444.json"), bad_range).unwrap();
    let run = audit(
        &["--offline", "--no-rustsec"],
        &[("CARGO_SOUP_OSV_DB", folder.path().to_str().unwrap())],
    );
    let unreadable: Vec<(&str, &str)> = run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["code"] == "unreadable-advisory")
        .map(|finding| {
            (
                finding["crate"].as_str().unwrap_or(""),
                finding["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(unreadable.len(), 2, "{unreadable:#?}");
    assert!(
        unreadable
            .iter()
            .any(|(krate, message)| krate.is_empty() && message.contains("RUSTSEC-2020-0071.json"))
    );
    assert!(
        unreadable
            .iter()
            .any(|(krate, message)| *krate == "ansi_term" && message.contains("`twelve` is not a SemVer version"))
    );
    assert!(
        ids(&run).contains(&("smallvec".into(), "RUSTSEC-2021-0003".into())),
        "the rest is still checked"
    );
}

#[test]
fn with_one_source_missing_offline_the_audit_checks_the_other_and_reports_the_gap() {
    let cache = tempfile::tempdir().unwrap();
    let run = audit(
        &["--offline", "--cache-dir", cache.path().to_str().unwrap()],
        &[("CARGO_SOUP_OSV_DB", "")],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: no OSV crates.io data in the cache folder"),
        "{}",
        run.stderr
    );
    let gap: Vec<&Value> = run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["code"] == "stale-advisory-db")
        .collect();
    assert_eq!(gap.len(), 1, "{:#}", run.json);
    assert!(
        gap[0]["message"]
            .as_str()
            .unwrap()
            .contains("the osv advisory source had no data")
    );
    assert_eq!(run.json["advisory_data"][1]["source"], "osv");
    assert_eq!(run.json["advisory_data"][1]["reason"], "no data");
    assert!(
        ids(&run).contains(&("time".into(), "RUSTSEC-2020-0071".into())),
        "RustSec was still checked"
    );

    let mut human = soup();
    human
        .env_remove("CARGO_SOUP_OSV_DB")
        .args(["audit", "--offline", "--as-of", "2026-11-25", "--cache-dir"])
        .arg(cache.path());
    let text = String::from_utf8(run_with_sidecar(human, "vulnerable", VULNERABLE_SOUP).stdout).unwrap();
    assert!(text.contains("OSV skipped (no data)"), "{text}");
}

#[test]
fn a_wrong_osv_folder_or_timeout_is_exit_2_with_what_to_do() {
    let run = audit(&["--offline", "--osv-db", "/no/such/osv"], &[]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("/no/such/osv is not a folder") && run.stderr.contains("--osv-db"),
        "{}",
        run.stderr
    );
    let run = audit(
        &["--offline", "--osv-db", fixture("advisory-db").to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("holds no OSV records"), "{}", run.stderr);

    let server = Server::start(10, osv_api);
    let run = audit_api(&server, "soon");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("CARGO_SOUP_HTTP_TIMEOUT=soon is not a number of seconds"),
        "{}",
        run.stderr
    );
    assert!(server.requests().is_empty());
}

/// An answer with one vulnerability and a next page for every query, always.
fn endless_pages(token: impl Fn(usize) -> String + Send + Sync + 'static) -> impl Fn(&Request) -> Reply + Send + Sync {
    let pages = std::sync::atomic::AtomicUsize::new(0);
    move |request| {
        if request.path.starts_with("/index/") {
            return index(request);
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let count = body["queries"].as_array().map_or(0, Vec::len);
        let page = pages.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let results: Vec<Value> = (0..count)
            .map(|_| json!({"vulns": [], "next_page_token": token(page)}))
            .collect();
        Reply::Ok(serde_json::to_vec(&json!({ "results": results })).unwrap())
    }
}

/// An API that always hands out a next page is stopped: at a repeated token at once,
/// and after 100 pages of new tokens; the error names the API.
#[test]
fn an_api_that_pages_forever_is_stopped() {
    let server = Server::start(500, endless_pages(|_| "same".to_string()));
    let run = audit_api(&server, "2");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("gave the same next_page_token twice"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&server.url), "{}", run.stderr);
    assert_eq!(server.count("/v1/querybatch"), 2);

    let server = Server::start(500, endless_pages(|page| format!("page-{page}")));
    let run = audit_api(&server, "2");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("past 100 pages"), "{}", run.stderr);
    assert_eq!(
        server.count("/v1/querybatch"),
        101,
        "the first answer and 100 more pages"
    );
}

/// Advisory text is third-party text: an escape sequence in a summary (window title,
/// clear screen, colour), a carriage return or a backspace is shown as `\u{..}` by the
/// human and GitHub formats and by review, and kept as data in JSON.
#[test]
fn control_characters_in_advisory_text_never_reach_the_terminal() {
    let folder = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("osv")).unwrap().flatten() {
        std::fs::copy(entry.path(), folder.path().join(entry.file_name())).unwrap();
    }
    let hostile = "Owned\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mred\rhidden\u{8}";
    let record = json!({
        "id": "GHSA-cccc-dddd-eeee",
        "summary": hostile,
        "modified": "2026-03-01T10:00:00Z",
        "published": "2026-02-20T10:00:00Z",
        "affected": [{
            "package": {"ecosystem": "crates.io", "name": "ansi_term"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]
        }]
    });
    std::fs::write(folder.path().join("GHSA-cccc-dddd-eeee.json"), record.to_string()).unwrap();
    let osv_db = folder.path().to_str().unwrap();
    let run = |format: &str| {
        let mut command = soup();
        command
            .args([
                "audit",
                "--offline",
                "--no-rustsec",
                "--as-of",
                "2026-11-25",
                "--format",
                format,
            ])
            .env("CARGO_SOUP_OSV_DB", osv_db);
        run_with_sidecar(command, "vulnerable", VULNERABLE_SOUP).stdout
    };
    for format in ["human", "github"] {
        let out = run(format);
        let text = String::from_utf8_lossy(&out);
        assert!(
            !out.iter().any(|&byte| byte < 0x20 && byte != b'\n'),
            "{format}: {text}"
        );
        assert!(
            text.contains("Owned\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"),
            "{format}: {text}"
        );
    }
    let json: Value = serde_json::from_slice(&run("json")).unwrap();
    let kept = json["findings"].as_array().unwrap().iter().any(|finding| {
        finding["message"]
            .as_str()
            .is_some_and(|message| message.contains(hostile))
    });
    assert!(kept, "JSON keeps the text as data: {json}");

    let mut review = soup();
    review
        .args(["review", "ansi_term", "--by", "R", "--offline", "--no-rustsec"])
        .env("CARGO_SOUP_OSV_DB", osv_db);
    let out = run_with_sidecar(review, "vulnerable", VULNERABLE_SOUP).stdout;
    assert!(
        !out.iter().any(|&byte| byte < 0x20 && byte != b'\n'),
        "{}",
        String::from_utf8_lossy(&out)
    );
    assert!(String::from_utf8_lossy(&out).contains("\\u{1b}]0;pwned"));
}
