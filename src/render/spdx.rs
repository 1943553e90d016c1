//! `cargo soup sbom --format spdx`: SPDX 2.3 JSON of the same components as the
//! CycloneDX SBOM (members, SOUP items, native libraries) and the same graph, for the
//! consumers that read SPDX. SPDX 2.3 has no VEX; the SOUP fields go into annotations.
//! Deterministic: the same inputs give the same bytes.

use super::sbom::{Subject, bom_ref, purl};
use crate::date::Date;
use crate::graph::{DepKind, Graph, Package, Source};
use crate::inventory::{Inventory, SoupItem};
use crate::license::LicenseForm;
use crate::sidecar::SoupFile;
use anyhow::Result;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const NOASSERTION: &str = "NOASSERTION";
const NAMESPACE_PLACEHOLDER: &str = "https://spdx.org/spdxdocs/cargo-soup/NAMESPACE";

pub fn spdx(subject: &Subject, graph: &Graph, soup: &SoupFile, inventory: &Inventory, as_of: Date) -> Result<String> {
    let mut ids = Ids::default();
    let created = format!("{as_of}T00:00:00Z");
    let root = json!({
        "SPDXID": "SPDXRef-Device",
        "name": subject.name,
        "versionInfo": subject.version.unwrap_or(NOASSERTION),
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": false,
        "primaryPackagePurpose": "APPLICATION",
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": NOASSERTION,
        "copyrightText": NOASSERTION,
    });
    let mut packages = vec![root];
    let mut by_ref: BTreeMap<String, String> = BTreeMap::new();
    for &member in &graph.members {
        let package = &graph.packages[member];
        let id = ids.of(package);
        packages.push(spdx_package(package, &id, "APPLICATION", None));
        by_ref.insert(bom_ref(package), id);
    }
    for item in &inventory.items {
        let id = ids.of(item.package);
        packages.push(item_package(item, &id, as_of));
        by_ref.insert(bom_ref(item.package), id);
        if let Some(links) = &item.package.links {
            packages.push(native_package(links, item));
        }
    }
    let relationships = relationships(graph, inventory, &by_ref);
    let mut creators = vec![format!("Tool: cargo-soup-{}", env!("CARGO_PKG_VERSION"))];
    creators.extend(soup.document.author.iter().map(|author| format!("Person: {author}")));
    creators.extend(
        soup.document
            .manufacturer
            .iter()
            .map(|maker| format!("Organization: {maker}")),
    );
    let document = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": format!("{} {}", subject.name, subject.version.unwrap_or("")).trim_end(),
        "documentNamespace": NAMESPACE_PLACEHOLDER,
        "creationInfo": {"created": created, "creators": creators},
        "packages": packages,
        "relationships": relationships,
    });
    let text = serde_json::to_string_pretty(&document)? + "\n";
    // A namespace unique to this content, as SPDX asks, and stable for the same inputs.
    let digest = crate::digest::sha256_hex(text.as_bytes());
    let namespace = format!(
        "https://spdx.org/spdxdocs/cargo-soup/{}-{}",
        slug(subject.name),
        &digest[..32]
    );
    Ok(text.replacen(NAMESPACE_PLACEHOLDER, &namespace, 1))
}

/// SPDX ids (letters, digits, `.` and `-`), unique within the document.
#[derive(Default)]
struct Ids {
    used: BTreeSet<String>,
}

impl Ids {
    fn of(&mut self, package: &Package) -> String {
        let base = format!(
            "SPDXRef-Package-{}-{}",
            slug(&package.name),
            slug(&package.version.to_string())
        );
        let mut id = base.clone();
        let mut n = 2;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' })
        .collect()
}

fn native_id(links: &str) -> String {
    format!("SPDXRef-Native-{}", slug(links))
}

/// Where the package's source can be had: the crates.io download, the git repository at
/// the commit, else no assertion.
fn download_location(package: &Package) -> String {
    match &package.source {
        Source::Registry { id } if crate::graph::is_crates_io(id) => format!(
            "https://crates.io/api/v1/crates/{}/{}/download",
            package.name, package.version
        ),
        Source::Git { url, commit, .. } => format!("git+{url}@{commit}"),
        _ => NOASSERTION.to_string(),
    }
}

fn spdx_package(package: &Package, id: &str, purpose: &str, supplier: Option<String>) -> Value {
    let declared = match &package.license {
        Some(license) if license.form != LicenseForm::Invalid => license.expression.clone(),
        _ => NOASSERTION.to_string(),
    };
    let mut value = json!({
        "SPDXID": id,
        "name": package.name,
        "versionInfo": package.version.to_string(),
        "downloadLocation": download_location(package),
        "filesAnalyzed": false,
        "primaryPackagePurpose": purpose,
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": declared,
        "copyrightText": NOASSERTION,
        "supplier": supplier.unwrap_or_else(|| NOASSERTION.to_string()),
    });
    if !package.authors.is_empty() {
        value["originator"] = json!(format!("Person: {}", package.authors.join(", ")));
    }
    if let Some(description) = &package.description {
        value["summary"] = json!(description);
    }
    if let Some(repository) = &package.repository {
        value["homepage"] = json!(repository);
    }
    if let Some(checksum) = &package.checksum {
        value["checksums"] = json!([{"algorithm": "SHA256", "checksumValue": checksum}]);
    }
    if let Some(purl) = purl(package) {
        value["externalRefs"] =
            json!([{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl}]);
    }
    value
}

fn item_package(item: &SoupItem, id: &str, as_of: Date) -> Value {
    let supplier = item
        .entry
        .and_then(|entry| entry.vendor.as_ref())
        .map(|vendor| format!("Organization: {vendor}"));
    let purpose = if item.package.source.is_toolchain() {
        "OPERATING_SYSTEM"
    } else {
        "LIBRARY"
    };
    let mut value = spdx_package(item.package, id, purpose, supplier);
    let mut soup = format!(
        "SOUP item: safety class {}, assessment {}",
        item.class,
        item.status.as_str()
    );
    if let Some(parent) = &item.covered_by {
        soup.push_str(&format!(", covered by {parent}"));
    }
    value["annotations"] = json!([{
        "annotationType": "REVIEW",
        "annotator": format!("Tool: cargo-soup-{}", env!("CARGO_PKG_VERSION")),
        "annotationDate": format!("{as_of}T00:00:00Z"),
        "comment": soup,
    }]);
    value
}

fn native_package(links: &str, item: &SoupItem) -> Value {
    json!({
        "SPDXID": native_id(links),
        "name": links,
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": false,
        "primaryPackagePurpose": "LIBRARY",
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": NOASSERTION,
        "copyrightText": NOASSERTION,
        "comment": format!("The native library that {} {} links.", item.package.name, item.package.version),
    })
}

/// The document describes the device; the device contains the members; each package
/// depends on what it reaches (a build-only item is a build dependency of its parent).
fn relationships(graph: &Graph, inventory: &Inventory, by_ref: &BTreeMap<String, String>) -> Vec<Value> {
    let relation = |from: &str, kind: &str, to: &str| json!({"spdxElementId": from, "relationshipType": kind, "relatedSpdxElement": to});
    let mut relationships = vec![relation("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Device")];
    let id_at = |index: usize| by_ref.get(&bom_ref(&graph.packages[index]));
    let toolchain = inventory
        .items
        .iter()
        .find(|item| item.package.source.is_toolchain())
        .and_then(|item| by_ref.get(&bom_ref(item.package)));
    for &member in &graph.members {
        if let Some(id) = id_at(member) {
            relationships.push(relation("SPDXRef-Device", "CONTAINS", id));
            relationships.extend(toolchain.map(|toolchain| relation(id, "DEPENDS_ON", toolchain)));
        }
    }
    let build_only: BTreeSet<usize> = inventory
        .items
        .iter()
        .filter(|item| !item.kinds.contains(&DepKind::Normal))
        .filter_map(|item| item.index)
        .collect();
    let froms = graph
        .members
        .iter()
        .copied()
        .chain(inventory.items.iter().filter_map(|item| item.index));
    for from in froms {
        let Some(from_id) = id_at(from) else { continue };
        for edge in &graph.edges[from] {
            let Some(to_id) = id_at(edge.to) else { continue };
            if build_only.contains(&edge.to) {
                relationships.push(relation(to_id, "BUILD_DEPENDENCY_OF", from_id));
            } else {
                relationships.push(relation(from_id, "DEPENDS_ON", to_id));
            }
        }
    }
    for item in &inventory.items {
        if let (Some(links), Some(id)) = (&item.package.links, by_ref.get(&bom_ref(item.package))) {
            relationships.push(relation(id, "DEPENDS_ON", &native_id(links)));
        }
    }
    relationships
}
