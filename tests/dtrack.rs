//! `sbom --upload`: the BOM, then its VEX, to a stand-in on 127.0.0.1 that answers as
//! Dependency-Track's REST API does (`PUT /api/v1/bom`, `GET /api/v1/event/token/T`,
//! `PUT /api/v1/vex`, the key in `X-Api-Key`), and its refusals.

mod common;

use base64::Engine;
use common::server::{Reply, Request, Server};
use common::{fixture, soup};
use std::time::Duration;

const KEY: &str = "odt_test-key";

/// A Dependency-Track that takes the BOM, has processed it at the first poll, and takes
/// the VEX.
fn dependency_track(request: &Request) -> Reply {
    if request.header("x-api-key") != Some(KEY) {
        return Reply::Refuse(401, "Unauthorized");
    }
    match (request.method.as_str(), request.path.as_str()) {
        ("PUT", "/api/v1/bom") => Reply::Ok(br#"{"token":"bom-token-1"}"#.to_vec()),
        ("GET", "/api/v1/event/token/bom-token-1") => Reply::Ok(br#"{"processing":false}"#.to_vec()),
        ("PUT", "/api/v1/vex") => Reply::Ok(br#"{"token":"vex-token-2"}"#.to_vec()),
        _ => Reply::Status(404),
    }
}

fn upload(server_url: &str, key: Option<&str>) -> std::process::Output {
    upload_with(server_url, key, &[])
}

fn upload_with(server_url: &str, key: Option<&str>, extra: &[&str]) -> std::process::Output {
    let mut command = soup();
    command
        .env_remove("CARGO_SOUP_OFFLINE")
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_SOUP_HTTP_TIMEOUT", "1")
        .args(["sbom", "--as-of", "2026-11-25", "--no-osv", "--upload", server_url])
        .arg("--manifest-path")
        .arg(fixture("demo/Cargo.toml"))
        .arg("--advisory-db")
        .arg(fixture("advisory-db"))
        .args(extra);
    if let Some(key) = key {
        command.env("CARGO_SOUP_DTRACK_API_KEY", key);
    }
    command.output().unwrap()
}

fn body(request: &Request) -> serde_json::Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn decoded(value: &serde_json::Value) -> serde_json::Value {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value.as_str().unwrap())
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn the_bom_then_its_vex_go_to_the_project_and_release_of_document() {
    let server = Server::start(10, dependency_track);
    let output = upload(&format!("{}/", server.url), Some(KEY));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(output.stdout.is_empty(), "uploaded, not printed");
    assert!(
        stderr.contains("uploaded the BOM and its VEX to") && stderr.contains("project Demo infusion pump 2.4.0"),
        "{stderr}"
    );
    let requests = server.requests();
    let asked: Vec<(&str, &str)> = requests
        .iter()
        .map(|request| (request.method.as_str(), request.path.as_str()))
        .collect();
    assert_eq!(
        asked,
        [
            ("PUT", "/api/v1/bom"),
            ("GET", "/api/v1/event/token/bom-token-1"),
            ("PUT", "/api/v1/vex")
        ],
        "the VEX only once the BOM is processed"
    );
    let bom = body(&requests[0]);
    assert_eq!(bom["projectName"], "Demo infusion pump");
    assert_eq!(bom["projectVersion"], "2.4.0");
    assert_eq!(bom["autoCreate"], true);
    let document = decoded(&bom["bom"]);
    assert_eq!(document["bomFormat"], "CycloneDX");
    let vex = body(&requests[2]);
    assert_eq!(vex["projectName"], "Demo infusion pump");
    assert_eq!(vex["projectVersion"], "2.4.0");
    let vex_document = decoded(&vex["vex"]);
    assert!(
        vex_document["vulnerabilities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|vulnerability| vulnerability["source"]["name"] != "RustSec"),
        "sources Dependency-Track imports"
    );
}

#[test]
fn a_refused_key_says_what_the_server_answered_and_what_to_set() {
    let server = Server::start(10, dependency_track);
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("soup.cdx.json");
    let output = upload_with(&server.url, Some("wrong"), &["--output", copy.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!copy.exists(), "a failed upload writes nothing");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("/api/v1/bom answered HTTP 401 (Unauthorized)"),
        "{stderr}"
    );
    assert!(stderr.contains("CARGO_SOUP_DTRACK_API_KEY"), "{stderr}");
    assert_eq!(server.count("/api/v1/vex"), 0, "no VEX after a refused BOM");
}

#[test]
fn a_bom_too_large_for_the_server_is_explained() {
    let server = Server::start(10, |_: &Request| Reply::Refuse(413, "Request Entity Too Large"));
    let output = upload(&server.url, Some(KEY));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HTTP 413") && stderr.contains("too large"), "{stderr}");
    assert_eq!(server.requests().len(), 1, "a 413 is not retried");
}

#[test]
fn a_server_slower_than_the_timeout_fails_after_the_retries() {
    let server = Server::start(10, |_: &Request| Reply::Slow(Duration::from_secs(3)));
    let output = upload(&server.url, Some(KEY));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("uploading the BOM to Dependency-Track") && stderr.contains("failed 4 times"),
        "{stderr}"
    );
    assert_eq!(server.count("/api/v1/bom"), 4);
}

#[test]
fn without_a_key_or_offline_nothing_is_sent() {
    let server = Server::start(10, dependency_track);
    let output = upload(&server.url, None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("needs a Dependency-Track API key in CARGO_SOUP_DTRACK_API_KEY")
    );

    let offline = soup()
        .env("CARGO_SOUP_DTRACK_API_KEY", KEY)
        .args(["sbom", "--offline", "--upload", &server.url])
        .arg("--manifest-path")
        .arg(fixture("demo/Cargo.toml"))
        .output()
        .unwrap();
    assert_eq!(offline.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&offline.stderr).contains("needs the network"));
    assert!(server.requests().is_empty());
}
