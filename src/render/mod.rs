//! Renderers: the same data as a terminal table, JSON, CSV, Markdown and trees.

pub mod csv;
pub mod diff;
pub mod export;
pub mod findings;
pub mod json;
pub mod markdown;
pub mod report;
pub mod sbom;
pub mod spdx;
pub mod table;
pub mod why;

use crate::graph::Package;
use crate::inventory::{Inventory, SoupItem, Status};
use crate::license::LicenseForm;

/// The vendor as an assessor names it: the authors, then the repository.
/// Text for a terminal or a text file, with control characters shown as `\u{1b}`
/// rather than sent: advisory summaries, manifests and servers are third-party text,
/// and an escape sequence in them could retitle the window, clear the screen, or hide
/// what came before a carriage return. Line breaks and tabs stay. JSON and SARIF keep
/// the text as data instead.
/// Pretty JSON with a trailing newline, `placeholder` (a string the document holds
/// once) replaced by what `derive` makes of the serialised text: a content-derived id.
pub fn json_with_derived_id(
    document: &impl serde::Serialize,
    placeholder: &str,
    derive: impl FnOnce(&str) -> String,
) -> anyhow::Result<String> {
    let mut bytes = Vec::with_capacity(1 << 20);
    serde_json::to_writer_pretty(&mut bytes, document)?;
    bytes.push(b'\n');
    let mut text = String::from_utf8(bytes)?;
    if let Some(at) = text.find(placeholder) {
        let id = derive(&text);
        text.replace_range(at..at + placeholder.len(), &id);
    }
    Ok(text)
}

pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c.is_control() && c != '\n' && c != '\t';
    // Control characters are ASCII, DEL, or U+0080..U+009F (0xC2 0x80..0x9F in UTF-8).
    // Most text has none of those bytes, and a scan of 16 bytes at a time without an
    // early exit (which the compiler turns into vector instructions) tells it quickly;
    // a line break or tab sends the text to the exact check.
    let plain = |chunk: &[u8]| {
        chunk.iter().fold(true, |plain, &byte| {
            plain & (byte >= 0x20 && byte != 0x7f && byte != 0xc2)
        })
    };
    if text.as_bytes().chunks(16).all(plain) || !text.contains(hidden) {
        return text.into();
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    shown.into()
}

pub fn vendor(package: &Package) -> Option<String> {
    let authors: Vec<&str> = package
        .authors
        .iter()
        .map(|author| author.split('<').next().unwrap_or(author).trim())
        .filter(|author| !author.is_empty())
        .collect();
    match (authors.is_empty(), &package.repository) {
        (true, None) => None,
        (true, Some(repository)) => Some(repository.clone()),
        (false, None) => Some(authors.join(", ")),
        (false, Some(repository)) => Some(format!("{} ({repository})", authors.join(", "))),
    }
}

/// Remarks an assessor must see next to an item: native libraries, rewritten or
/// invalid licences, licence files, coverage.
pub fn notes(item: &SoupItem) -> Vec<String> {
    let package = item.package;
    let mut notes = Vec::new();
    if let Some(links) = &package.links {
        match &package.bundling {
            Some(bundling) if bundling.enabled => notes.push(format!(
                "links native library `{links}`, built from the crate's copy (feature `{}`)",
                bundling.feature
            )),
            Some(bundling) => notes.push(format!(
                "links native library `{links}` from the system (feature `{}` off)",
                bundling.feature
            )),
            None => notes.push(format!("links native library `{links}`")),
        }
    }
    match &package.license {
        Some(license) if license.form == LicenseForm::Normalised => {
            notes.push(format!("licence normalised from `{}`", license.raw))
        }
        Some(license) if license.form == LicenseForm::Invalid => notes.push(format!(
            "invalid SPDX licence: {}",
            license.problem.as_deref().unwrap_or("unknown")
        )),
        None if package.license_file.is_some() => notes.push("licence only in a license-file".to_string()),
        None => notes.push("no licence declared".to_string()),
        _ => {}
    }
    if let Some(parent) = &item.covered_by {
        notes.push(format!("covered by `{parent}`"));
    }
    notes
}

/// The licence column: the SPDX expression, else the licence file.
pub fn license_text(package: &Package) -> String {
    match (&package.license, &package.license_file) {
        (Some(license), _) => license.expression.clone(),
        (None, Some(file)) => format!("see {file}"),
        (None, None) => "none".to_string(),
    }
}

pub fn kinds_text(item: &SoupItem) -> String {
    item.kinds
        .iter()
        .map(|kind| kind.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn summary_line(inventory: &Inventory, soup_exists: bool) -> String {
    let count = |status: Status| inventory.count(status);
    let mut line = format!(
        "{} SOUP items: {} assessed, {} covered, {} incomplete, {} stale, {} missing\n",
        inventory.items.len(),
        count(Status::Assessed),
        count(Status::Covered),
        count(Status::Incomplete),
        count(Status::Stale),
        count(Status::Missing),
    );
    if !soup_exists {
        line.push_str(
            "no soup.toml yet: every item is missing and classes default to C; `cargo soup init` writes one\n",
        );
    }
    line
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(
            super::printable("a\u{1b}]0;pwned\u{7}\u{1b}[2J\rb\u{8}\u{9b}c\n\td"),
            "a\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{d}b\\u{8}\\u{9b}c\n\td"
        );
        assert!(matches!(super::printable("plain"), std::borrow::Cow::Borrowed("plain")));
    }
}
