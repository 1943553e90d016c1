//! `cargo soup sbom`: a CycloneDX 1.6 JSON SBOM of the workspace members and the SOUP
//! items with the SOUP fields as properties, the dependency graph, and the advisories
//! with the verdicts on them as VEX analysis that Dependency-Track applies.
//! Deterministic: the same inputs give the same bytes.

use crate::advisories::Advisory;
use crate::date::Date;
use crate::graph::{Graph, Package, Source};
use crate::inventory::{Inventory, SoupItem};
use crate::license::LicenseForm;
use crate::rules::advisories::{AdvisoryVerdict, Applicability, VexState};
use crate::rules::verification::Verification;
use crate::sidecar::{Document, SoupFile};
use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The package URL of a package: `pkg:cargo/NAME@VERSION` for a registry crate, with
/// the repository and commit as `vcs_url` for a git one, `pkg:generic/rust@VERSION`
/// for the toolchain. A path dependency has none: a crates.io crate of the same name
/// is another component.
pub fn purl(package: &Package) -> Option<String> {
    let cargo = format!("pkg:cargo/{}@{}", package.name, package.version);
    match &package.source {
        Source::Toolchain { .. } => Some(format!("pkg:generic/rust@{}", package.version)),
        Source::Registry { .. } => Some(cargo),
        Source::Git { url, commit, .. } => Some(format!(
            "{cargo}?vcs_url={}",
            percent_encode(&format!("git+{url}@{commit}"))
        )),
        Source::Path { .. } => None,
    }
}

/// A qualifier value as the purl specification wants it: `:` and `/` may stay.
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b'/' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The component's reference in the BOM: its purl, else (path dependencies and
/// workspace members) its name and version under a prefix that no purl has.
pub fn bom_ref(package: &Package) -> String {
    purl(package).unwrap_or_else(|| {
        let kind = if package.is_member { "member" } else { "path" };
        format!("{kind}:{}@{}", package.name, package.version)
    })
}

/// What the BOM describes: the device software, named as Dependency-Track's project.
pub struct Subject<'a> {
    pub name: &'a str,
    pub version: Option<&'a str>,
}

/// The document, typed where it is large (a component and a dependency per package):
/// a tree of `serde_json::Value`s that size takes longer to build and free than to
/// write. Fields are in alphabetical order, as serde_json orders a `Value`'s keys.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    bom_format: &'static str,
    components: Vec<Component<'a>>,
    dependencies: Vec<Dependency>,
    metadata: Value,
    serial_number: &'static str,
    spec_version: &'static str,
    version: u32,
    vulnerabilities: Vec<Value>,
}

#[derive(Serialize)]
struct Component<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Value>,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(rename = "externalReferences", skip_serializing_if = "Option::is_none")]
    external_references: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hashes: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    licenses: Option<Value>,
    name: &'a str,
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<Value>,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

fn property(name: &'static str, value: impl ToString) -> Property {
    Property {
        name,
        value: value.to_string(),
    }
}

#[derive(Serialize)]
struct Dependency {
    #[serde(rename = "dependsOn")]
    depends_on: BTreeSet<String>,
    #[serde(rename = "ref")]
    reference: String,
}

/// What the audit decided about the items, as the SBOM states it.
pub struct Decided<'a> {
    pub inventory: &'a Inventory<'a>,
    pub verdicts: &'a [AdvisoryVerdict<'a>],
    pub verification: &'a Verification,
    /// The registry facts already kept.
    pub registry: Option<&'a crate::facts::Facts>,
}

pub fn cyclonedx(subject: &Subject, graph: &Graph, soup: &SoupFile, decided: &Decided, as_of: Date) -> Result<String> {
    let Decided {
        inventory,
        verdicts,
        verification,
        registry,
    } = *decided;
    let mut components: Vec<Component> = graph
        .members
        .iter()
        .map(|&member| member_component(&graph.packages[member], soup))
        .collect();
    components.extend(
        inventory
            .items
            .iter()
            .map(|item| component(item, soup, verification, registry)),
    );
    components.extend(inventory.items.iter().filter_map(native_component));

    let targets = targets_text(soup);
    let document = Bom {
        bom_format: "CycloneDX",
        components,
        dependencies: dependencies(graph, inventory),
        metadata: metadata(subject, &soup.document, as_of),
        serial_number: SERIAL_PLACEHOLDER,
        spec_version: "1.6",
        version: 1,
        vulnerabilities: vulnerabilities(inventory, verdicts, &targets),
    };
    // The serial number is derived from the rest of the document, serialised once.
    super::json_with_derived_id(&document, SERIAL_PLACEHOLDER, |text| serial_number(text, as_of))
}

const SERIAL_PLACEHOLDER: &str = "urn:uuid:00000000-0000-5000-8000-000000000000";

/// The device's targets, as a VEX detail names them.
pub fn targets_text(soup: &SoupFile) -> String {
    soup.project
        .targets
        .as_ref()
        .map_or_else(|| "every target".to_string(), |targets| targets.join(", "))
}

fn metadata(subject: &Subject, document: &Document, as_of: Date) -> Value {
    let mut component = json!({"type": "application", "bom-ref": "workspace", "name": subject.name});
    if let Some(version) = subject.version {
        component["version"] = json!(version);
    }
    let mut properties = vec![json!({"name": "cargo-soup:as-of", "value": as_of.to_string()})];
    for (name, value) in [("document-id", &document.id), ("document-revision", &document.revision)] {
        if let Some(value) = value {
            properties.push(json!({"name": format!("cargo-soup:{name}"), "value": value}));
        }
    }
    let mut metadata = json!({
        "timestamp": format!("{as_of}T00:00:00Z"),
        "tools": {"components": [{
            "type": "application",
            "name": "cargo-soup",
            "version": env!("CARGO_PKG_VERSION"),
        }]},
        "component": component,
        "properties": properties,
    });
    if let Some(author) = &document.author {
        metadata["authors"] = json!([{"name": author}]);
    }
    if let Some(manufacturer) = &document.manufacturer {
        metadata["manufacturer"] = json!({"name": manufacturer});
        metadata["component"]["manufacturer"] = json!({"name": manufacturer});
    }
    metadata
}

/// `workspace` depends on the members, each package on what it reaches in scope.
fn dependencies(graph: &Graph, inventory: &Inventory) -> Vec<Dependency> {
    let mut refs: BTreeMap<usize, String> = inventory
        .items
        .iter()
        .filter_map(|item| item.index.map(|index| (index, bom_ref(item.package))))
        .collect();
    for &member in &graph.members {
        refs.insert(member, bom_ref(&graph.packages[member]));
    }
    let depends_on = |index: usize| -> BTreeSet<String> {
        graph.edges[index]
            .iter()
            .filter_map(|edge| refs.get(&edge.to).cloned())
            .collect()
    };
    let mut dependencies = vec![Dependency {
        depends_on: graph
            .members
            .iter()
            .filter_map(|member| refs.get(member).cloned())
            .collect(),
        reference: "workspace".into(),
    }];
    // Every member is built by, and links the std of, the toolchain.
    let toolchain = inventory
        .items
        .iter()
        .find(|item| item.package.source.is_toolchain())
        .map(|item| bom_ref(item.package));
    for &member in &graph.members {
        let mut on = depends_on(member);
        on.extend(toolchain.clone());
        dependencies.push(Dependency {
            depends_on: on,
            reference: refs[&member].clone(),
        });
    }
    for item in &inventory.items {
        let mut on = item.index.map(depends_on).unwrap_or_default();
        on.extend(item.package.links.as_ref().map(|links| native_ref(links)));
        dependencies.push(Dependency {
            depends_on: on,
            reference: bom_ref(item.package),
        });
    }
    dependencies
}

/// A workspace member: the device's own software item, with its class.
fn member_component<'a>(package: &'a Package, soup: &SoupFile) -> Component<'a> {
    let mut component = identity(package, "application");
    component.properties = vec![
        property("cargo-soup:software-item", true),
        property("cargo-soup:safety-class", soup.member_class(&package.name)),
    ];
    component
}

/// Name, version, references, licence, hashes and people: what every component has.
fn identity<'a>(package: &'a Package, kind: &'static str) -> Component<'a> {
    let licenses = match (&package.license, &package.license_file) {
        (Some(license), _) if license.form != LicenseForm::Invalid => Some(json!([{"expression": license.expression}])),
        (Some(license), _) => Some(json!([{"license": {"name": license.raw}}])),
        (None, Some(file)) => Some(json!([{"license": {"name": format!("see {file}")}}])),
        (None, None) => None,
    };
    Component {
        authors: package.authors.iter().map(|author| contact(author)).collect(),
        bom_ref: bom_ref(package),
        description: package.description.as_deref(),
        external_references: https_repository(package).map(|url| json!([{"type": "vcs", "url": url}])),
        hashes: package
            .checksum
            .as_ref()
            .map(|checksum| json!([{"alg": "SHA-256", "content": checksum}])),
        licenses,
        name: &package.name,
        properties: Vec::new(),
        purl: purl(package),
        scope: None,
        supplier: None,
        kind,
        version: Some(package.version.to_string()),
    }
}

fn https_repository(package: &Package) -> Option<&str> {
    package.repository.as_deref().filter(|url| url.starts_with("https://"))
}

/// A Cargo author (`Name <email>`) as a CycloneDX contact. An address that strict
/// validators (the schema's `idn-email` format) might refuse stays in the name.
fn contact(author: &str) -> Value {
    let parsed = author.split_once('<').and_then(|(name, rest)| {
        let email = rest.trim_end().strip_suffix('>')?.trim();
        plain_email(email).then(|| (name.trim(), email))
    });
    match parsed {
        Some(("", email)) => json!({"name": email, "email": email}),
        Some((name, email)) => json!({"name": name, "email": email}),
        None => json!({"name": author.trim()}),
    }
}

fn plain_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let plain = |part: &str| {
        !part.is_empty()
            && !part.starts_with('.')
            && !part.ends_with('.')
            && part.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    };
    plain(local) && plain(domain) && domain.contains('.')
}

/// Who supplies the component: the vendor soup.toml names (`Name (URL)`), else the
/// owner of its https repository.
fn supplier(item: &SoupItem) -> Option<Value> {
    if let Some(vendor) = item.entry.and_then(|entry| entry.vendor.as_deref()) {
        return Some(
            match vendor
                .trim_end()
                .strip_suffix(')')
                .and_then(|rest| rest.rsplit_once(" ("))
            {
                Some((name, url)) if url.starts_with("http") => json!({"name": name, "url": [url]}),
                _ => json!({"name": vendor}),
            },
        );
    }
    let repository = https_repository(item.package)?;
    let owner = repository.strip_prefix("https://")?.split('/').nth(1)?;
    (!owner.is_empty()).then(|| json!({"name": owner, "url": [repository]}))
}

/// The registry facts as properties, each only when known.
fn registry_properties(facts: &crate::facts::RegistryFacts) -> Vec<Property> {
    let mut properties = Vec::new();
    if let Some(date) = facts.published {
        properties.push(property("cargo-soup:published", date));
    }
    if let Some(latest) = &facts.latest {
        properties.push(property("cargo-soup:latest", latest));
    }
    if let Some(behind) = facts.behind {
        properties.push(property("cargo-soup:behind", behind.as_str()));
        properties.push(property("cargo-soup:majors-behind", facts.majors_behind));
    }
    if let Some(date) = facts.last_release {
        properties.push(property("cargo-soup:last-release", date));
    }
    properties
}

fn component<'a>(
    item: &SoupItem<'a>,
    soup: &SoupFile,
    verification: &Verification,
    registry: Option<&crate::facts::Facts>,
) -> Component<'a> {
    let package = item.package;
    let toolchain = package.source.is_toolchain();
    let mut component = identity(package, if toolchain { "platform" } else { "library" });
    component.supplier = supplier(item);
    // What is not linked into the device (build scripts, proc-macros, their
    // dependencies) is still SOUP, but not part of the shipped software.
    let shipped = toolchain || item.kinds.contains(&crate::graph::DepKind::Normal);
    component.scope = Some(if shipped { "required" } else { "excluded" });
    let mut properties = vec![
        property("cargo-soup:safety-class", item.class),
        property("cargo-soup:assessment-status", item.status.as_str()),
        property("cargo-soup:direct", item.direct),
        property("cargo-soup:kind", super::kinds_text(item)),
        property("cargo-soup:source", package.source.display()),
    ];
    if let Source::Git { url, commit, .. } = &package.source {
        properties.push(property("cargo-soup:vcs-url", format!("{url}@{commit}")));
    }
    if let Some(parent) = &item.covered_by {
        properties.push(property("cargo-soup:covered-by", parent));
    }
    if let Some(entry) = item.entry.filter(|_| verification.results_read()) {
        let (passed, failed, not_run) = verification.counts(&entry.table_name());
        let text = format!("verified-by: {passed} passed, {failed} failed, {not_run} not run");
        properties.push(property("cargo-soup:verification", text));
    }
    let key = (package.name.clone(), package.version.to_string());
    if let Some(facts) = registry.and_then(|registry| registry.get(&key)) {
        properties.extend(registry_properties(facts));
    }
    let own = item.entry.map(|entry| &entry.surveillance);
    let support = own.and_then(|own| own.support).or(soup.project.surveillance.support);
    if let Some(support) = support {
        properties.push(property("cdx:fda:level-of-support", support.as_str()));
    }
    if let Some(date) = own.and_then(|own| own.end_of_support) {
        properties.push(property("cdx:fda:end-of-support-date", date));
    }
    component.properties = properties;
    component
}

fn native_ref(links: &str) -> String {
    format!("native:{links}")
}

/// The native library a `-sys` crate links, a component of its own: it is SOUP that
/// no Cargo.lock names, built from the crate's copy or taken from the system.
fn native_component<'a>(item: &SoupItem<'a>) -> Option<Component<'a>> {
    let package = item.package;
    let links = package.links.as_ref()?;
    let origin = match &package.bundling {
        Some(bundling) if bundling.enabled => format!("built from {}'s copy", package.name),
        Some(_) => "the system's".to_string(),
        None => "unknown: the build script decides".to_string(),
    };
    Some(Component {
        authors: Vec::new(),
        bom_ref: native_ref(links),
        description: None,
        external_references: None,
        hashes: None,
        licenses: None,
        name: links,
        properties: vec![
            property(
                "cargo-soup:native-library-of",
                format!("{} {}", package.name, package.version),
            ),
            property("cargo-soup:native-library-origin", origin),
            property("cargo-soup:safety-class", item.class),
        ],
        purl: None,
        scope: Some("required"),
        supplier: None,
        kind: "library",
        version: None,
    })
}

/// The CycloneDX analysis of a VEX decision.
fn analysis(state: VexState) -> Value {
    let (mut analysis, detail) = match state {
        VexState::NotAffected { justification, detail } => {
            let mut analysis = json!({"state": "not_affected"});
            if let Some(justification) = justification {
                analysis["justification"] = json!(justification);
            }
            (analysis, detail)
        }
        VexState::Exploitable { response, detail } => (json!({"state": "exploitable", "response": [response]}), detail),
        VexState::InTriage { detail } => (json!({"state": "in_triage"}), detail),
    };
    if let Some(detail) = detail.filter(|detail| !detail.is_empty()) {
        analysis["detail"] = json!(detail);
    }
    analysis
}

/// One vulnerability per advisory, with every item it affects; the first verdict on
/// the device speaks for it. An advisory the locked version is not affected by is no
/// vulnerability of it.
fn vulnerabilities(inventory: &Inventory, verdicts: &[AdvisoryVerdict], targets: &str) -> Vec<Value> {
    let mut affected: BTreeMap<&str, (&AdvisoryVerdict, Vec<&SoupItem>)> = BTreeMap::new();
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
        .map(|(verdict, items)| vulnerability(verdict, items, targets))
        .collect()
}

fn vulnerability(verdict: &AdvisoryVerdict, items: &[&SoupItem], targets: &str) -> Value {
    let advisory = &verdict.advisory;
    let mut vulnerability = json!({
        "bom-ref": format!("vulnerability:{}", advisory.id),
        "id": advisory.id,
        "source": id_source(&advisory.id),
        "description": advisory.title,
        "published": format!("{}T00:00:00Z", advisory.date),
        "affects": items.iter().map(|item| json!({"ref": bom_ref(item.package)})).collect::<Vec<_>>(),
        "analysis": analysis(verdict.vex(targets)),
        "properties": [{"name": "cargo-soup:kind", "value": advisory.kind.as_str()}],
    });
    if let Some(url) = &advisory.url {
        vulnerability["advisories"] = json!([{"url": url}]);
    }
    if !advisory.aliases.is_empty() {
        vulnerability["references"] = json!(
            advisory
                .aliases
                .iter()
                .map(|alias| json!({"id": alias, "source": id_source(alias)}))
                .collect::<Vec<_>>()
        );
    }
    if let Some(rating) = rating(advisory) {
        vulnerability["ratings"] = json!([rating]);
    }
    vulnerability
}

fn rating(advisory: &Advisory) -> Option<Value> {
    let cvss = advisory.cvss.as_ref()?;
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
    Some(rating)
}

/// The source of an id as Dependency-Track stores it: RustSec (and other OSV) ids under
/// `OSV`, GHSA under `GITHUB`, CVE under `NVD`. Its VEX import skips other names.
fn id_source(id: &str) -> Value {
    if id.starts_with("CVE-") {
        json!({"name": "NVD", "url": format!("https://nvd.nist.gov/vuln/detail/{id}")})
    } else if id.starts_with("GHSA-") {
        json!({"name": "GITHUB", "url": format!("https://github.com/advisories/{id}")})
    } else {
        json!({"name": "OSV", "url": format!("https://osv.dev/vulnerability/{id}")})
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
