//! `--format markdown`: the SOUP list as a table for a design history file.

use super::{license_text, notes, vendor};
use crate::inventory::Inventory;

fn cell(text: &str) -> String {
    let text = text
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ");
    super::printable(&text).into_owned()
}

pub fn list(inventory: &Inventory) -> String {
    let mut out = String::from(
        "| # | SOUP item | Version | Source | Licence | Vendor | Class | Kind | Reached from | Status | Notes |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for (number, item) in inventory.items.iter().enumerate() {
        let package = item.package;
        let row = [
            (number + 1).to_string(),
            package.name.clone(),
            package.version.to_string(),
            package.source.display(),
            license_text(package),
            vendor(package).unwrap_or_else(|| "not declared".into()),
            item.class.to_string(),
            super::kinds_text(item),
            item.reached_from.join(", "),
            item.status.as_str().to_string(),
            notes(item).join("; "),
        ];
        let cells: Vec<String> = row.iter().map(|text| cell(text)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
