//! `--format table`: the terminal view, fitted to the terminal's width.

use super::{license_text, notes, printable};
use crate::inventory::{Inventory, Status};
use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, presets};

fn status_color(status: Status) -> Color {
    match status {
        Status::Assessed => Color::Green,
        Status::Covered => Color::Cyan,
        Status::Incomplete | Status::Stale => Color::Yellow,
        Status::Missing => Color::Red,
    }
}

/// The columns of the list, and below which terminal width each is left out: the
/// identification and the status stay, whole, at any width.
const COLUMNS: &[(&str, u16)] = &[
    ("SOUP item", 0),
    ("Version", 0),
    ("Source", 100),
    ("Licence", 0),
    ("Class", 0),
    ("Kind", 110),
    ("Status", 0),
    ("Notes", 120),
];

/// Columns that never wrap: a name, version, class or status broken in two misreads.
const WHOLE: &[&str] = &["SOUP item", "Version", "Class", "Status"];

/// The SOUP list as a table; `width` is the terminal's (`None`: not a terminal, every
/// column at its full width).
pub fn list(inventory: &Inventory, color: bool, width: Option<u16>) -> String {
    let shown: Vec<&str> = COLUMNS
        .iter()
        .filter(|(_, below)| width.is_none_or(|width| width >= *below))
        .map(|(name, _)| *name)
        .collect();
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED).set_header(shown.clone());
    match width {
        Some(width) => {
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
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
        let mut cells = vec![
            ("SOUP item", Cell::new(printable(&package.name))),
            ("Version", Cell::new(package.version.to_string())),
            ("Source", Cell::new(printable(&package.source.display()))),
            ("Licence", Cell::new(printable(&license_text(package)))),
            ("Class", Cell::new(item.class.to_string())),
            ("Kind", Cell::new(kind)),
            ("Status", status),
            ("Notes", Cell::new(printable(&notes(item).join("; ")))),
        ];
        cells.retain(|(name, _)| shown.contains(name));
        table.add_row(cells.into_iter().map(|(_, cell)| cell));
    }
    for (at, name) in shown.iter().enumerate() {
        if WHOLE.contains(name)
            && let Some(column) = table.column_mut(at)
        {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    format!("{table}\n")
}
