//! `--format csv`: RFC 4180, one row per item, the JSON keys as the header.

use super::{kinds_text, vendor};
use crate::inventory::Inventory;

const HEADER: [&str; 18] = [
    "name",
    "version",
    "source",
    "checksum",
    "license",
    "license_raw",
    "license_file",
    "repository",
    "vendor",
    "description",
    "direct",
    "kinds",
    "reached_from",
    "class",
    "entry",
    "covered_by",
    "native_library",
    "status",
];

/// Quotes a field when it holds a comma, a quote or a line break, doubling quotes. A
/// field a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or
/// a carriage return: descriptions and authors come from third-party manifests) gets a
/// leading `'`, as OWASP advises, so it is shown as text.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn push_record(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|text| field(text)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

pub fn list(inventory: &Inventory) -> String {
    let mut out = String::new();
    push_record(&mut out, &HEADER.map(String::from));
    for item in &inventory.items {
        let package = item.package;
        let text = |value: Option<&str>| value.unwrap_or("").to_string();
        push_record(
            &mut out,
            &[
                package.name.clone(),
                package.version.to_string(),
                package.source.id(),
                text(package.checksum.as_deref()),
                text(package.license.as_ref().map(|license| license.expression.as_str())),
                text(package.license.as_ref().map(|license| license.raw.as_str())),
                text(package.license_file.as_deref()),
                text(package.repository.as_deref()),
                vendor(package).unwrap_or_default(),
                text(package.description.as_deref()),
                item.direct.to_string(),
                kinds_text(item),
                item.reached_from.join(", "),
                item.class.to_string(),
                item.entry.map(|entry| entry.key.to_string()).unwrap_or_default(),
                text(item.covered_by.as_deref()),
                text(package.links.as_deref()),
                item.status.as_str().to_string(),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}
