//! Libraries of crate-level assessments that a company's devices share
//! (`[imports.NAME]`): what a library may hold, how a device's entries take from it,
//! and what changed between two versions of one. Pure: the texts arrive read.
//!
//! A library has soup.toml's format restricted to what is about the crate (version,
//! licence, vendor, checksum, the anomaly review, surveillance, advisory
//! dispositions). The class, requirements, verification and approvals are about the
//! device and stay in its soup.toml.

use crate::diagnostic::{Diagnostics, SourceText};
use crate::sidecar::{self, DEVICE_KEYS, Entry, Provenance, SoupFile, VersionLine};

/// The top-level tables a library may hold.
const LIBRARY_TABLES: &[&str] = &["schema", "soup"];

/// One import's entries as locked, and how documents name it.
#[derive(Debug, Clone)]
pub struct Library {
    pub import: String,
    /// `the company library (sha256 3f2a…)`.
    pub label: String,
    pub entries: Vec<Entry>,
}

/// A library file's entries; a device-level field or table is a located error.
pub fn parse(file: &str, text: &str) -> Result<Vec<Entry>, Diagnostics> {
    let (soup, mut problems) = sidecar::parse_with_problems(file, text)?;
    let source = SourceText::new(file, text);
    if let Ok(document) = toml::de::DeTable::parse(text) {
        for (key, _) in document.get_ref().iter() {
            if !LIBRARY_TABLES.contains(&key.get_ref().as_ref()) {
                problems.push(
                    source.diagnostic(
                        Some(key.span()),
                        format!(
                            "a library holds no `{}`: it is about crates, not a device",
                            key.get_ref()
                        ),
                        Some(
                            "keep [soup.CRATE] entries (and `schema`) only; the rest belongs in a device's soup.toml"
                                .into(),
                        ),
                    ),
                );
            }
        }
    }
    for entry in &soup.entries {
        problems.extend(device_fields(entry).into_iter().map(|(key, offset)| {
            source.diagnostic(
                Some(offset..offset + key.len()),
                format!(
                    "`{key}` in [{}] is about the device, not the crate: a library holds version, license, vendor, \
                     checksum, anomalies, surveillance and advisories only",
                    entry.table_name()
                ),
                Some("move it to the soup.toml of each device that uses the crate".into()),
            )
        }));
    }
    if problems.is_empty() {
        return Ok(soup.entries);
    }
    problems.sort_by(|a, b| a.location.cmp(&b.location));
    Err(Diagnostics {
        file: file.to_string(),
        items: problems,
    })
}

/// The device-level keys an entry holds, each once, with where it first is.
fn device_fields(entry: &Entry) -> Vec<(&'static str, usize)> {
    let mut found: Vec<(&'static str, usize)> = Vec::new();
    for (table, key, offset) in &entry.fields {
        let name = table.unwrap_or(key);
        if let Some(device) = DEVICE_KEYS.iter().find(|device| **device == name)
            && !found.iter().any(|(seen, _)| seen == device)
        {
            found.push((*device, *offset));
        }
    }
    found
}

/// The crate-level parts of a device's soup.toml as a library: the `[soup.*]` entries
/// without their device-level keys, comments and formatting kept.
pub fn export(soup_text: &str) -> Result<String, String> {
    let mut document: toml_edit::DocumentMut =
        soup_text.parse().map_err(|err: toml_edit::TomlError| err.to_string())?;
    let tables: Vec<String> = document.iter().map(|(key, _)| key.to_string()).collect();
    for key in tables {
        if !LIBRARY_TABLES.contains(&key.as_str()) {
            document.remove(&key);
        }
    }
    if let Some(soup) = document.get_mut("soup").and_then(toml_edit::Item::as_table_like_mut) {
        for (_, entry) in soup.iter_mut() {
            if let Some(entry) = entry.as_table_like_mut() {
                for key in DEVICE_KEYS {
                    entry.remove(key);
                }
            }
        }
    }
    Ok(format!(
        "# A library of crate-level SOUP assessments, written by `cargo soup export --format library`.\n\
         # Devices take from it with [imports.NAME] in their soup.toml.\n{}",
        document.to_string().trim_start_matches('\n')
    ))
}

/// What identifies an entry's content, for soup.lock.
pub fn digest(entry: &Entry) -> String {
    crate::digest::sha256_hex(entry.content().as_bytes())
}

/// The entries whose content differs between the locked library and the current one:
/// `(entry key, changed | added | removed)`.
pub fn changes(locked: &[(String, String)], current: &[Entry]) -> Vec<(String, &'static str)> {
    let current: Vec<(String, String)> = current
        .iter()
        .map(|entry| (entry.table_key.clone(), digest(entry)))
        .collect();
    let mut changes = Vec::new();
    for (key, digest) in &current {
        match locked.iter().find(|(locked, _)| locked == key) {
            None => changes.push((key.clone(), "added")),
            Some((_, locked)) if locked != digest => changes.push((key.clone(), "changed")),
            Some(_) => {}
        }
    }
    for (key, _) in locked {
        if !current.iter().any(|(current, _)| current == key) {
            changes.push((key.clone(), "removed"));
        }
    }
    changes
}

/// Each device entry takes the crate-level fields it does not set from the first
/// library with its crate at a matching version line; a crate with a library entry and
/// none of the device's gets the library's, marked as such.
pub fn merge(soup: &mut SoupFile, libraries: &[Library]) {
    for entry in &mut soup.entries {
        let found = libraries
            .iter()
            .find_map(|library| matching(entry, &library.entries).map(|found| (library, found)));
        if let Some((library, found)) = found {
            take_from(entry, found, &library.import);
        }
    }
    let mut added: Vec<Entry> = Vec::new();
    for library in libraries {
        for found in &library.entries {
            let assessed = soup
                .entries
                .iter()
                .chain(&added)
                .any(|own| own.key.name == found.key.name);
            if !assessed {
                let mut entry = found.clone();
                entry.import_only = Some(library.import.clone());
                entry.imported = crate_level_fields(found)
                    .into_iter()
                    .map(|field| Provenance {
                        field,
                        import: library.import.clone(),
                    })
                    .collect();
                // A disposition counts once a device accepts it, and no device entry does.
                entry.advisories.clear();
                added.push(entry);
            }
        }
    }
    soup.entries.extend(added);
}

/// The library entry for a device entry: the same crate, at the line the device names
/// (its key's, else its version's), else the library's unqualified entry.
fn matching<'l>(entry: &Entry, library: &'l [Entry]) -> Option<&'l Entry> {
    let line = entry.key.line.or(entry.version.as_ref().map(VersionLine::of));
    let line_of = |candidate: &Entry| candidate.key.line.or(candidate.version.as_ref().map(VersionLine::of));
    let same_crate = || library.iter().filter(|candidate| candidate.key.name == entry.key.name);
    match line {
        Some(line) => same_crate().find(|candidate| line_of(candidate) == Some(line)),
        None => same_crate().find(|candidate| candidate.key.line.is_none()),
    }
}

/// The crate-level fields an entry sets, named as soup.toml names them.
fn crate_level_fields(entry: &Entry) -> Vec<&'static str> {
    let anomalies = &entry.anomalies;
    [
        ("version", entry.version.is_some()),
        ("license", entry.license.is_some()),
        ("vendor", entry.vendor.is_some()),
        ("checksum", entry.checksum.is_some()),
        (
            "anomalies",
            anomalies.reviewed.is_some() || anomalies.by.is_some() || anomalies.summary.is_some(),
        ),
        ("surveillance", entry.surveillance != Default::default()),
        ("advisories", !entry.advisories.is_empty()),
    ]
    .into_iter()
    .filter_map(|(field, set)| set.then_some(field))
    .collect()
}

fn take_from(entry: &mut Entry, library: &Entry, import: &str) {
    let mut taken: Vec<&'static str> = Vec::new();
    let mut take = |field: &'static str, set: bool| {
        if set {
            taken.push(field);
        }
        set
    };
    let same_version = entry.version.is_none() || entry.version == library.version;
    if take("version", entry.version.is_none() && library.version.is_some()) {
        entry.version = library.version.clone();
    }
    if take("license", entry.license.is_none() && library.license.is_some()) {
        entry.license = library.license.clone();
    }
    if take("vendor", entry.vendor.is_none() && library.vendor.is_some()) {
        entry.vendor = library.vendor.clone();
        entry.placeholders.remove("vendor");
    }
    // A checksum is of one archive: only with the version it is the checksum of.
    if take(
        "checksum",
        same_version && entry.checksum.is_none() && library.checksum.is_some(),
    ) {
        entry.checksum = library.checksum.clone();
    }
    // The review itself (when, by whom) is the device's or the library's, never half of
    // each; placeholders (`init`'s TODOs) are no review.
    let own = &entry.anomalies;
    if take(
        "anomalies",
        own.reviewed.is_none() && own.by.is_none() && library.anomalies.reviewed.is_some(),
    ) {
        entry.anomalies = library.anomalies.clone();
        entry.placeholders.retain(|field| !field.starts_with("anomalies."));
    }
    let filled = fill_surveillance(&mut entry.surveillance, &library.surveillance);
    if take("surveillance", !filled.is_empty()) {
        entry.placeholders.retain(|field| {
            !filled
                .iter()
                .any(|filled| field.strip_prefix("surveillance.") == Some(*filled))
        });
    }
    let accepted: Vec<sidecar::Disposition> = library
        .advisories
        .iter()
        .filter(|disposition| entry.accept_imported.accepts(&disposition.id))
        .filter(|disposition| !entry.advisories.iter().any(|own| own.id == disposition.id))
        .map(|disposition| sidecar::Disposition {
            imported: Some(import.to_string()),
            ..disposition.clone()
        })
        .collect();
    if take("advisories", !accepted.is_empty()) {
        entry.advisories.extend(accepted);
    }
    entry.imported.extend(taken.into_iter().map(|field| Provenance {
        field,
        import: import.to_string(),
    }));
}

/// The surveillance fields the device leaves unset, from the library; the keys of
/// those it filled.
fn fill_surveillance(own: &mut sidecar::Surveillance, library: &sidecar::Surveillance) -> Vec<&'static str> {
    let mut filled = Vec::new();
    macro_rules! fill {
        ($($field:ident = $key:literal),*) => {
            $(if own.$field.is_none() && library.$field.is_some() {
                own.$field = library.$field.clone();
                filled.push($key);
            })*
        };
    }
    fill!(
        monitoring = "monitoring",
        role = "role",
        interval = "interval",
        triggers = "triggers",
        update_strategy = "update-strategy",
        obsolescence = "obsolescence",
        support = "support",
        end_of_support = "end-of-support"
    );
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIBRARY: &str = r#"schema = 1

[soup.serde_json]
version = "1.0.140"
license = "MIT OR Apache-2.0"
vendor = "serde-rs"

[soup.serde_json.anomalies]
reviewed = 2026-09-30
by = "Library Reviewer"
summary = "No open issue affects parsing."

[[soup.serde_json.advisories]]
id = "RUSTSEC-2099-0001"
status = "not-affected"
rationale = "Never called."

[soup.itoa]
version = "1.0.15"
license = "MIT OR Apache-2.0"
"#;

    #[test]
    fn device_fields_and_device_tables_are_located_errors() {
        let text = "[project]\nclass = \"C\"\n\n[soup.x]\nversion = \"1.0.0\"\nclass = \"B\"\n\n[[soup.x.requirements]]\nid = \"R\"\n";
        let err = parse("lib.toml", text).unwrap_err();
        let found: Vec<(usize, bool)> = err
            .items
            .iter()
            .map(|item| {
                (
                    item.location.line,
                    item.message.contains("about the device") || item.message.contains("no `project`"),
                )
            })
            .collect();
        assert_eq!(found, [(1, true), (6, true), (8, true)], "{err}");
        assert!(parse("lib.toml", LIBRARY).is_ok());
    }

    fn device(text: &str) -> SoupFile {
        let mut soup = sidecar::parse("soup.toml", text).unwrap();
        let library = Library {
            import: "company".into(),
            label: "the company library".into(),
            entries: parse("lib.toml", LIBRARY).unwrap(),
        };
        merge(&mut soup, &[library]);
        soup
    }

    #[test]
    fn the_device_wins_and_takes_only_what_it_does_not_set() {
        let soup = device("[soup.serde_json]\nlicense = \"MIT\"\nclass = \"C\"\n");
        let entry = &soup.entries[0];
        assert_eq!(
            entry.license.as_ref().unwrap().expression,
            "MIT",
            "the device's licence wins"
        );
        assert_eq!(entry.version.as_ref().unwrap().to_string(), "1.0.140");
        assert_eq!(entry.anomalies.by.as_deref(), Some("Library Reviewer"));
        let fields: Vec<&str> = entry.imported.iter().map(|provenance| provenance.field).collect();
        assert_eq!(fields, ["version", "vendor", "anomalies"]);
        assert!(entry.advisories.is_empty(), "an imported disposition needs acceptance");
        let itoa = soup.entries.iter().find(|entry| entry.key.name == "itoa").unwrap();
        assert_eq!(itoa.import_only.as_deref(), Some("company"));
    }

    /// `init`'s TODOs are no judgement: the library's fills them.
    #[test]
    fn placeholders_are_filled_from_the_library() {
        let soup = device(
            "[soup.serde_json]\nvendor = \"TODO\"\n[soup.serde_json.anomalies]\nreviewed = \"TODO\"\nby = \"TODO\"\nsources = [\"RustSec\", \"OSV\"]\nsummary = \"TODO\"\n",
        );
        let entry = &soup.entries[0];
        assert_eq!(entry.vendor.as_deref(), Some("serde-rs"));
        assert_eq!(entry.anomalies.by.as_deref(), Some("Library Reviewer"));
        assert!(entry.placeholders.is_empty(), "{:?}", entry.placeholders);
    }

    #[test]
    fn accepted_dispositions_count_and_other_version_lines_take_nothing() {
        let soup = device("[soup.serde_json]\nclass = \"C\"\naccept-imported = [\"RUSTSEC-2099-0001\"]\n");
        assert_eq!(soup.entries[0].advisories[0].imported.as_deref(), Some("company"));
        let soup = device("[soup.serde_json]\nversion = \"2.0.0\"\n");
        assert!(soup.entries[0].imported.is_empty(), "1.0 is not the 2 line");
    }

    #[test]
    fn a_device_file_exports_as_a_library_that_parses() {
        let device = "schema = 1\n\n[project]\nclass = \"C\"\n\n# The parser.\n[soup.serde_json]\nversion = \"1.0.140\"   # assessed\nclass = \"C\"\nclass-rationale = \"Parses the dose.\"\n\n[[soup.serde_json.requirements]]\nid = \"R1\"\n\n[soup.serde_json.anomalies]\nreviewed = 2026-09-30\nby = \"R\"\n\n[[soup.serde_json.approvals]]\nrole = \"QA\"\nname = \"B\"\ndate = 2026-10-01\n";
        let exported = export(device).unwrap();
        assert!(
            exported.contains("# The parser.") && exported.contains("version = \"1.0.140\"   # assessed"),
            "{exported}"
        );
        for gone in ["[project]", "class", "requirements", "approvals"] {
            assert!(!exported.contains(gone), "{gone} in {exported}");
        }
        let entries = parse("library.toml", &exported).unwrap();
        assert_eq!(entries[0].anomalies.by.as_deref(), Some("R"));
    }

    #[test]
    fn changes_name_each_entry_that_moved() {
        let entries = parse("lib.toml", LIBRARY).unwrap();
        let locked: Vec<(String, String)> =
            vec![("serde_json".into(), digest(&entries[0])), ("gone".into(), "00".into())];
        assert_eq!(
            changes(&locked, &entries),
            [("itoa".to_string(), "added"), ("gone".to_string(), "removed")]
        );
    }
}
