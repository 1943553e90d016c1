//! `--format json`: one object, every key present (`null` when it has no value).

use super::vendor;
use crate::graph::DepKind;
use crate::inventory::{Inventory, Status};
use crate::license::LicenseForm;
use crate::sidecar::Class;
use anyhow::Result;
use serde::Serialize;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct ListDocument<'a> {
    schema_version: u32,
    items: Vec<ItemRecord<'a>>,
}

#[derive(Serialize)]
struct ItemRecord<'a> {
    name: &'a str,
    version: String,
    source: String,
    source_kind: &'static str,
    checksum: Option<&'a str>,
    license: Option<&'a str>,
    license_raw: Option<&'a str>,
    license_form: Option<LicenseForm>,
    license_file: Option<&'a str>,
    repository: Option<&'a str>,
    authors: &'a [String],
    vendor: Option<String>,
    description: Option<&'a str>,
    direct: bool,
    kinds: &'a [DepKind],
    reached_from: &'a [String],
    class: Class,
    entry: Option<String>,
    covered_by: Option<&'a str>,
    native_library: Option<&'a str>,
    /// Whether the native library is built from the crate's bundled copy; `null` when
    /// the crate offers no `bundled` or `vendored` feature.
    native_library_bundled: Option<bool>,
    status: Status,
    /// The registry facts kept by an earlier online audit (or Cargo), null otherwise.
    registry: Option<&'a crate::facts::RegistryFacts>,
    /// Each field an import gave the entry, with the import's name; null when none.
    imported: Option<std::collections::BTreeMap<&'static str, &'a str>>,
}

/// The list; `facts` are the registry facts already kept, where there are any.
pub fn list(inventory: &Inventory, facts: Option<&crate::facts::Facts>) -> Result<String> {
    let items = inventory
        .items
        .iter()
        .map(|item| {
            let package = item.package;
            ItemRecord {
                name: &package.name,
                version: package.version.to_string(),
                source: package.source.id(),
                source_kind: package.source.kind(),
                checksum: package.checksum.as_deref(),
                license: package.license.as_ref().map(|license| license.expression.as_str()),
                license_raw: package.license.as_ref().map(|license| license.raw.as_str()),
                license_form: package.license.as_ref().map(|license| license.form),
                license_file: package.license_file.as_deref(),
                repository: package.repository.as_deref(),
                authors: &package.authors,
                vendor: vendor(package),
                description: package.description.as_deref(),
                direct: item.direct,
                kinds: &item.kinds,
                reached_from: &item.reached_from,
                class: item.class,
                entry: item.entry.map(|entry| entry.key.to_string()),
                covered_by: item.covered_by.as_deref(),
                native_library: package.links.as_deref(),
                native_library_bundled: package.bundling.as_ref().map(|bundling| bundling.enabled),
                status: item.status,
                registry: facts.and_then(|facts| facts.get(&(package.name.clone(), package.version.to_string()))),
                imported: item.entry.and_then(crate::sidecar::Entry::imported_fields),
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&ListDocument {
        schema_version: SCHEMA_VERSION,
        items,
    })?;
    text.push('\n');
    Ok(text)
}
