//! `--format table`: the terminal view, fitted to the terminal's width.

use super::{license_text, notes, printable};
use crate::inventory::{Inventory, Status};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

fn status_color(status: Status) -> Color {
    match status {
        Status::Assessed => Color::Green,
        Status::Covered => Color::Cyan,
        Status::Incomplete | Status::Stale => Color::Yellow,
        Status::Missing => Color::Red,
    }
}

pub fn list(inventory: &Inventory, color: bool) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header([
            "SOUP item",
            "Version",
            "Source",
            "Licence",
            "Class",
            "Kind",
            "Status",
            "Notes",
        ]);
    if color {
        table.enforce_styling();
    }
    for item in &inventory.items {
        let package = item.package;
        let mut status = Cell::new(item.status.as_str());
        if color {
            status = status.fg(status_color(item.status));
        }
        let kind = format!(
            "{}{}",
            super::kinds_text(item),
            if item.direct { ", direct" } else { "" }
        );
        table.add_row(vec![
            Cell::new(printable(&package.name)),
            Cell::new(package.version.to_string()),
            Cell::new(printable(&package.source.display())),
            Cell::new(printable(&license_text(package))),
            Cell::new(item.class.to_string()),
            Cell::new(kind),
            status,
            Cell::new(printable(&notes(item).join("; "))),
        ]);
    }
    format!("{table}\n")
}
