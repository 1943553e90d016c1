//! `cargo soup sbom`: a CycloneDX 1.6 JSON SBOM of the SOUP items with the SOUP fields
//! as properties, the dependency graph, and the advisories with the dispositions of
//! soup.toml as VEX analysis. Deterministic: the same inputs give the same bytes.

use super::vendor;
use crate::advisories::Advisory;
use crate::date::Date;
use crate::graph::{Graph, Source};
use crate::inventory::{Inventory, SoupItem};
use crate::license::LicenseForm;
use crate::rules::advisories::{AdvisoryVerdict, Applicability, DispositionState};
use crate::sidecar::{DispositionStatus, SoupFile, Support};
use anyhow::Result;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The package URL of an item: `pkg:cargo/NAME@VERSION`, the toolchain as
/// `pkg:generic/rust@VERSION`.
pub fn purl(item: &SoupItem) -> String {
    match item.package.source {
        Source::Toolchain { .. } => format!("pkg:generic/rust@{}", item.package.version),
        _ => format!("pkg:cargo/{}@{}", item.package.name, item.package.version),
    }
}

pub struct Subject<'a> {
    pub name: &'a str,
    pub version: &'a str,
}

pub fn cyclonedx(
    subject: &Subject,
    graph: &Graph,
    soup: &SoupFile,
    inventory: &Inventory,
    verdicts: &[AdvisoryVerdict],
    as_of: Date,
) -> Result<String> {
    let refs: BTreeMap<usize, String> = inventory
        .items
        .iter()
        .filter_map(|item| item.index.map(|index| (index, purl(item))))
        .collect();
    let components: Vec<Value> = inventory.items.iter().map(|item| component(item, soup)).collect();

    let mut dependencies = vec![json!({
        "ref": "workspace",
        "dependsOn": inventory.items.iter().filter(|item| item.direct).map(purl).collect::<BTreeSet<_>>(),
    })];
    for item in &inventory.items {
        let depends_on: BTreeSet<&String> = item
            .index
            .map(|index| {
                graph.edges[index]
                    .iter()
                    .filter_map(|edge| refs.get(&edge.to))
                    .collect()
            })
            .unwrap_or_default();
        dependencies.push(json!({"ref": purl(item), "dependsOn": depends_on}));
    }

    let vulnerabilities = vulnerabilities(inventory, verdicts);
    let document = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": SERIAL_PLACEHOLDER,
        "version": 1,
        "metadata": {
            "timestamp": format!("{as_of}T00:00:00Z"),
            "tools": {"components": [{
                "type": "application",
                "name": "cargo-soup",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
            "component": {
                "type": "application",
                "bom-ref": "workspace",
                "name": subject.name,
                "version": subject.version,
            },
            "properties": [{"name": "cargo-soup:as-of", "value": as_of.to_string()}],
        },
        "components": components,
        "dependencies": dependencies,
        "vulnerabilities": vulnerabilities,
    });
    // The serial number is derived from the rest of the document, serialised once.
    let text = serde_json::to_string_pretty(&document)? + "\n";
    Ok(text.replacen(SERIAL_PLACEHOLDER, &serial_number(&text, as_of), 1))
}

const SERIAL_PLACEHOLDER: &str = "urn:uuid:00000000-0000-5000-8000-000000000000";

fn property(name: &str, value: impl ToString) -> Value {
    json!({"name": name, "value": value.to_string()})
}

fn component(item: &SoupItem, soup: &SoupFile) -> Value {
    let package = item.package;
    let toolchain = package.source.is_toolchain();
    let mut component = json!({
        "type": if toolchain { "platform" } else { "library" },
        "bom-ref": purl(item),
        "name": package.name,
        "version": package.version.to_string(),
        "purl": purl(item),
    });
    let supplier = item
        .entry
        .and_then(|entry| entry.vendor.clone())
        .or_else(|| vendor(package));
    if let Some(supplier) = supplier {
        component["supplier"] = json!({"name": supplier});
    }
    if let Some(description) = &package.description {
        component["description"] = json!(description);
    }
    if let Some(checksum) = &package.checksum {
        component["hashes"] = json!([{"alg": "SHA-256", "content": checksum}]);
    }
    match (&package.license, &package.license_file) {
        (Some(license), _) if license.form != LicenseForm::Invalid => {
            component["licenses"] = json!([{"expression": license.expression}]);
        }
        (Some(license), _) => component["licenses"] = json!([{"license": {"name": license.raw}}]),
        (None, Some(file)) => component["licenses"] = json!([{"license": {"name": format!("see {file}")}}]),
        (None, None) => {}
    }
    if let Some(repository) = package.repository.as_ref().filter(|url| url.starts_with("https://")) {
        component["externalReferences"] = json!([{"type": "vcs", "url": repository}]);
    }
    let mut properties = vec![
        property("cargo-soup:safety-class", item.class),
        property("cargo-soup:assessment-status", item.status.as_str()),
        property("cargo-soup:direct", item.direct),
        property("cargo-soup:source", package.source.display()),
    ];
    if let Some(parent) = &item.covered_by {
        properties.push(property("cargo-soup:covered-by", parent));
    }
    if let Some(links) = &package.links {
        properties.push(property("cargo-soup:native-library", links));
    }
    let own = item.entry.map(|entry| &entry.surveillance);
    let support = own.and_then(|own| own.support).or(soup.project.surveillance.support);
    if let Some(support) = support {
        let level = match support {
            Support::Active => "active",
            Support::Limited => "limited",
            Support::None => "none",
        };
        properties.push(property("cdx:fda:level-of-support", level));
    }
    if let Some(date) = own.and_then(|own| own.end_of_support) {
        properties.push(property("cdx:fda:end-of-support-date", date));
    }
    component["properties"] = json!(properties);
    component
}

/// The VEX analysis of an advisory as its verdict decided it: not on the device's
/// platforms, the disposition, or in triage (none, or expired).
fn analysis(verdict: &AdvisoryVerdict) -> Value {
    if let Applicability::OtherPlatforms(platforms) = &verdict.applicability {
        return json!({
            "state": "not_affected",
            "justification": "requires_environment",
            "detail": format!("Affects only {platforms}, which the device does not ship for."),
        });
    }
    match verdict.disposition {
        DispositionState::None | DispositionState::Expired(_) => json!({"state": "in_triage"}),
        DispositionState::Valid(disposition) => {
            let detail = [disposition.rationale.as_deref(), disposition.mitigation.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" Mitigation: ");
            let mut analysis = match disposition.status {
                DispositionStatus::NotAffected => {
                    json!({"state": "not_affected", "justification": "code_not_reachable"})
                }
                DispositionStatus::Mitigated => {
                    json!({"state": "resolved", "response": ["workaround_available"]})
                }
                DispositionStatus::Accepted => json!({"state": "exploitable", "response": ["will_not_fix"]}),
            };
            if !detail.is_empty() {
                analysis["detail"] = json!(detail);
            }
            if let Some(reviewed) = disposition.reviewed {
                analysis["lastUpdated"] = json!(format!("{reviewed}T00:00:00Z"));
            }
            analysis
        }
    }
}

fn vulnerabilities(inventory: &Inventory, verdicts: &[AdvisoryVerdict]) -> Vec<Value> {
    // One vulnerability per advisory, with every item it affects; the first verdict on
    // the device speaks for it.
    let mut affected: BTreeMap<&str, (&AdvisoryVerdict, Vec<&SoupItem>)> = BTreeMap::new();
    // An advisory the locked version is not affected by is no vulnerability of it.
    for verdict in verdicts
        .iter()
        .filter(|verdict| verdict.applicability != Applicability::VersionNotAffected)
    {
        let (first, items) = affected
            .entry(verdict.advisory.id.as_str())
            .or_insert((verdict, Vec::new()));
        if first.applicability != Applicability::Applies && verdict.applicability == Applicability::Applies {
            *first = verdict;
        }
        items.push(&inventory.items[verdict.item]);
    }
    affected
        .values()
        .map(|(verdict, items)| {
            let advisory = &verdict.advisory;
            let analysis = analysis(verdict);
            let mut vulnerability = json!({
                "bom-ref": format!("vulnerability:{}", advisory.id),
                "id": advisory.id,
                "source": source_of(advisory),
                "description": advisory.title,
                "published": format!("{}T00:00:00Z", advisory.date),
                "affects": items.iter().map(|item| json!({"ref": purl(item)})).collect::<Vec<_>>(),
                "analysis": analysis,
                "properties": [property("cargo-soup:kind", advisory.kind.as_str())],
            });
            if !advisory.aliases.is_empty() {
                vulnerability["references"] = json!(
                    advisory
                        .aliases
                        .iter()
                        .map(|alias| json!({"id": alias, "source": {"name": alias_source(alias)}}))
                        .collect::<Vec<_>>()
                );
            }
            if let Some(cvss) = &advisory.cvss {
                let method = if cvss.starts_with("CVSS:3.1") {
                    "CVSSv31"
                } else if cvss.starts_with("CVSS:4") {
                    "CVSSv4"
                } else {
                    "CVSSv3"
                };
                let mut rating = json!({"method": method, "vector": cvss});
                if let Some(severity) = &advisory.severity {
                    rating["severity"] = json!(severity);
                }
                vulnerability["ratings"] = json!([rating]);
            }
            vulnerability
        })
        .collect()
}

/// Where the advisory's id comes from: RustSec, or for an OSV-only one (a GHSA id,
/// say) the database its id names.
fn source_of(advisory: &Advisory) -> Value {
    if advisory.sources.contains(&"rustsec") {
        json!({"name": "RustSec", "url": advisory.url.clone().unwrap_or_else(|| "https://rustsec.org".into())})
    } else {
        json!({"name": alias_source(&advisory.id), "url": format!("https://osv.dev/vulnerability/{}", advisory.id)})
    }
}

fn alias_source(alias: &str) -> &'static str {
    if alias.starts_with("CVE-") {
        "NVD"
    } else if alias.starts_with("GHSA-") {
        "GitHub"
    } else {
        "RustSec"
    }
}

/// A URN UUID derived from the content, so the same SBOM has the same serial number.
fn serial_number(content: &str, as_of: Date) -> String {
    let hex = crate::digest::sha256_hex(format!("{as_of}\n{content}").as_bytes());
    format!(
        "urn:uuid:{}-{}-5{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}
