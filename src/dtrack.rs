//! `sbom --upload`: the BOM and then its VEX to a Dependency-Track server, the engine
//! that watches a whole portfolio of devices. Through its REST API: `PUT /api/v1/bom`
//! (the project created when missing), wait until the server has processed it (`GET
//! /api/v1/event/token/TOKEN`), then `PUT /api/v1/vex`, which applies the analyses only
//! to vulnerabilities the processed BOM has produced.

use crate::net::{Client, Refused};
use anyhow::{Context, Result, anyhow};
use base64::Engine;
use serde_json::json;
use std::time::Duration;

/// Where and as what the BOM goes.
pub struct Upload<'a> {
    /// The server's base URL (`https://dtrack.example.com`); a trailing `/api` or
    /// `/api/v1` is accepted too.
    pub url: &'a str,
    pub api_key: &'a str,
    pub project: &'a str,
    pub version: Option<&'a str>,
}

/// What happened: the server's tokens, and whether it finished processing the BOM
/// before the VEX was sent.
#[derive(Debug)]
pub struct Uploaded {
    pub bom_token: Option<String>,
    pub vex_token: Option<String>,
    pub processed: bool,
}

const REPLY_LIMIT: u64 = 1024 * 1024;
/// How long the BOM may take to process before the VEX is sent anyway.
const PROCESSING_POLLS: u32 = 150;
const POLL_INTERVAL: Duration = Duration::from_secs(2);

pub fn upload(client: &Client, upload: &Upload, bom: &str) -> Result<Uploaded> {
    let api = api_base(upload.url);
    let key = ("X-Api-Key", upload.api_key);
    let encoded = base64::engine::general_purpose::STANDARD.encode(bom);
    let mut body = project_of(upload);
    body["autoCreate"] = json!(true);
    body["bom"] = json!(encoded);
    let reply = send(client, &format!("{api}/bom"), key, &body).context("uploading the BOM to Dependency-Track")?;
    let bom_token = token(&reply);
    let processed = match &bom_token {
        Some(token) => wait_for(client, &format!("{api}/event/token/{token}"), key)?,
        None => false,
    };
    // The BOM carries the analyses: Dependency-Track reads them from the same document.
    let mut body = project_of(upload);
    body["vex"] = json!(encoded);
    let reply = send(client, &format!("{api}/vex"), key, &body).context("uploading the VEX to Dependency-Track")?;
    Ok(Uploaded {
        bom_token,
        vex_token: token(&reply),
        processed,
    })
}

fn project_of(upload: &Upload) -> serde_json::Value {
    let mut project = json!({"projectName": upload.project});
    if let Some(version) = upload.version {
        project["projectVersion"] = json!(version);
    }
    project
}

fn api_base(url: &str) -> String {
    let url = url.trim_end_matches('/');
    let url = url
        .strip_suffix("/api/v1")
        .or_else(|| url.strip_suffix("/api"))
        .unwrap_or(url);
    format!("{url}/api/v1")
}

fn send(client: &Client, url: &str, key: (&str, &str), body: &serde_json::Value) -> Result<Vec<u8>> {
    let bytes = serde_json::to_vec(body)?;
    client.put_json(url, key, &bytes, REPLY_LIMIT).map_err(explained)
}

/// Dependency-Track's refusals, with what to do about each.
fn explained(err: anyhow::Error) -> anyhow::Error {
    let Some(refused) = err.downcast_ref::<Refused>() else {
        return err;
    };
    let advice = match refused.status {
        401 => {
            "the server did not accept the API key: set CARGO_SOUP_DTRACK_API_KEY to a key of a team with the BOM_UPLOAD permission"
        }
        403 => {
            "the API key's team lacks a permission: BOM_UPLOAD, and PROJECT_CREATION_UPLOAD to create the project, and VULNERABILITY_ANALYSIS for the VEX"
        }
        404 => {
            "no Dependency-Track API at this URL, or the project does not exist: check --upload (the API server's URL)"
        }
        413 => {
            "the server refused the BOM as too large: raise the request size limit of the server or of the proxy in front of it"
        }
        _ => return err,
    };
    anyhow!("{refused}: {advice}")
}

fn token(reply: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(reply).ok()?;
    value.get("token")?.as_str().map(String::from)
}

/// Polls until the server says the BOM is processed; `false` when it still is after
/// the time allowed.
fn wait_for(client: &Client, url: &str, key: (&str, &str)) -> Result<bool> {
    for poll in 0..PROCESSING_POLLS {
        if poll > 0 {
            std::thread::sleep(POLL_INTERVAL);
        }
        let reply = client.get_with(url, key, REPLY_LIMIT).map_err(explained)?;
        let value: serde_json::Value = serde_json::from_slice(&reply)
            .with_context(|| format!("{url} did not answer JSON; is this a Dependency-Track server?"))?;
        if value.get("processing").and_then(serde_json::Value::as_bool) == Some(false) {
            return Ok(true);
        }
    }
    Ok(false)
}
