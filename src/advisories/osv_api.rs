//! The live OSV API (`--osv-api URL`): one `POST /v1/querybatch` per 1000 locked
//! versions, again for each result that has a next page, then `GET /v1/vulns/{id}` for
//! the records not already cached with the same `modified`. The records are evaluated
//! like those of a folder, so both paths give the same findings for the same data.

use super::osv::Record;
use super::{SourceData, Unreadable};
use crate::net::Client;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The API's own limit on queries per batch.
const BATCH: usize = 1000;
/// Pages per query before the API is taken to be broken: OSV pages at 1000 records,
/// and no crate has more than a few dozen advisories.
const MAX_PAGES: usize = 100;
const RESPONSE_LIMIT: u64 = 64 << 20;

#[derive(Deserialize)]
struct BatchResponse {
    #[serde(default)]
    results: Vec<BatchResult>,
}

#[derive(Deserialize, Default)]
struct BatchResult {
    #[serde(default)]
    vulns: Vec<VulnRef>,
    #[serde(default, alias = "nextPageToken")]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct VulnRef {
    id: String,
    #[serde(default)]
    modified: Option<String>,
}

pub struct OsvApi<'c> {
    base: String,
    client: &'c Client,
    /// Records kept by id, reused while their `modified` is unchanged.
    cache: Option<PathBuf>,
}

impl<'c> OsvApi<'c> {
    pub fn new(base: &str, client: &'c Client, cache: Option<PathBuf>) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            client,
            cache,
        }
    }

    /// The advisories about the given crates.io `(name, version)` pairs.
    pub fn load(&self, packages: &[(&str, String)]) -> Result<SourceData> {
        let known = self.query(packages)?;
        let names: BTreeSet<&str> = packages.iter().map(|(name, _)| *name).collect();
        let ids: Vec<(&String, &Option<String>)> = known.iter().collect();
        let records = crate::net::in_parallel(&ids, |(id, modified)| self.record(id, modified.as_deref()))?;
        let mut data = SourceData {
            source: "osv",
            location: self.base.clone(),
            updated: None,
            total: records.len(),
            advisories: Vec::new(),
            unreadable: Vec::new(),
            provenance: Default::default(),
        };
        for (url, record) in records {
            let converted = record.and_then(|record| record.advisories(|name| names.contains(name)));
            match converted {
                Ok(advisories) => data.advisories.extend(advisories),
                Err(reason) => data.unreadable.push(Unreadable {
                    file: url,
                    package: None,
                    reason,
                }),
            }
        }
        Ok(data)
    }

    /// Every vulnerability id the batch API knows for the packages, with its
    /// `modified`. Results line up with the queries by index; only the queries whose
    /// result has a `next_page_token` are sent again, with that token.
    fn query(&self, packages: &[(&str, String)]) -> Result<BTreeMap<String, Option<String>>> {
        let url = format!("{}/v1/querybatch", self.base);
        let mut known = BTreeMap::new();
        for chunk in packages.chunks(BATCH) {
            let mut pending: Vec<(usize, Option<String>)> = (0..chunk.len()).map(|at| (at, None)).collect();
            // The tokens each query has been given, to stop an API that pages forever.
            let mut tokens: Vec<BTreeSet<String>> = vec![BTreeSet::new(); chunk.len()];
            while !pending.is_empty() {
                let queries: Vec<serde_json::Value> = pending
                    .iter()
                    .map(|(at, token)| {
                        let (name, version) = &chunk[*at];
                        let mut query =
                            json!({"package": {"name": name, "ecosystem": "crates.io"}, "version": version});
                        if let Some(token) = token {
                            query["page_token"] = json!(token);
                        }
                        query
                    })
                    .collect();
                let body = self
                    .client
                    .post_json(&url, &json!({ "queries": queries }), RESPONSE_LIMIT)?;
                let response: BatchResponse = serde_json::from_slice(&body).with_context(|| {
                    format!("{url} did not answer with OSV batch results; check that --osv-api names an OSV API")
                })?;
                if response.results.len() != queries.len() {
                    bail!(
                        "{url} answered {} results to {} queries; check that --osv-api names an OSV API",
                        response.results.len(),
                        queries.len()
                    );
                }
                let mut next = Vec::new();
                for ((at, _), result) in pending.iter().zip(response.results) {
                    for vuln in result.vulns {
                        known.insert(vuln.id, vuln.modified);
                    }
                    if let Some(token) = result.next_page_token.filter(|token| !token.is_empty()) {
                        let (name, version) = &chunk[*at];
                        if tokens[*at].len() >= MAX_PAGES {
                            bail!(
                                "{url} kept paging the results for {name} {version} past {MAX_PAGES} pages; \
                                 check that --osv-api names a working OSV API, or use --osv-db with a downloaded copy"
                            );
                        }
                        if !tokens[*at].insert(token.clone()) {
                            bail!(
                                "{url} gave the same next_page_token twice for {name} {version}, so its pages never \
                                 end; check that --osv-api names a working OSV API, or use --osv-db with a \
                                 downloaded copy"
                            );
                        }
                        next.push((*at, Some(token)));
                    }
                }
                pending = next;
            }
        }
        Ok(known)
    }

    /// The record from the cache when it has this `modified`, else from the API. A
    /// record that is not valid OSV is reported, not fatal.
    fn record(&self, id: &str, modified: Option<&str>) -> Result<(String, Result<Record, String>)> {
        let url = format!("{}/v1/vulns/{id}", self.base);
        let cached = self
            .cache
            .as_ref()
            .map(|cache| cache.join(format!("{}.json", file_name(id))));
        if let (Some(path), Some(modified)) = (&cached, modified)
            && let Some(record) = read_cached(path).filter(|record| record.modified.as_deref() == Some(modified))
        {
            return Ok((url, Ok(record)));
        }
        let body = self.client.get(&url, RESPONSE_LIMIT, &())?;
        let record = serde_json::from_slice::<Record>(&body)
            .map_err(|err| format!("the API's answer is not an OSV record ({err})"));
        if let (Ok(_), Some(path)) = (&record, &cached) {
            // A cache that cannot be written only costs the next audit a request.
            let _ = crate::atomic_file::write(path, &body);
        }
        Ok((url, record))
    }
}

fn read_cached(path: &Path) -> Option<Record> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Ids are `[A-Z0-9-]`; anything else is kept out of the file name.
fn file_name(id: &str) -> String {
    id.chars()
        .map(|char| {
            if char.is_ascii_alphanumeric() || char == '-' {
                char
            } else {
                '_'
            }
        })
        .collect()
}
