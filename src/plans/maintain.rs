//! What `init` and `sync` write, computed from the graph and the file without I/O, so
//! the commands stay thin and the round trip (`init`, then `sync` changes nothing) is
//! testable directly.

use super::template::{self, NewEntry};
use crate::graph::Graph;
use crate::graph::scope::Scope;
use crate::inventory::{Inventory, SoupItem, Status};
use crate::sidecar::edit::Editor;
use crate::sidecar::{self, Entry, SoupFile};
use anyhow::Result;
use std::collections::BTreeSet;

pub struct Init {
    pub text: String,
    pub entries: usize,
    /// Entries for direct dependencies.
    pub direct: usize,
    pub items: usize,
}

/// A new soup.toml for the graph. With `group`, direct dependencies get entries with
/// `covers = "*"`, and only the crates none of them covers alone get entries of their
/// own.
pub fn init(graph: &Graph, scope: &Scope, about: &template::Workspace, group: bool) -> Result<Init> {
    let empty = SoupFile::default();
    let project = &empty.project;
    let inventory = Inventory::build(graph, scope, &empty);
    let all: Vec<&SoupItem> = inventory.items.iter().collect();
    if !group {
        let entries = template::new_entries(&all, &inventory.items, &BTreeSet::new());
        return Ok(finish(
            template::document(about, project, &entries),
            &entries,
            all.len(),
        ));
    }
    let direct: Vec<&SoupItem> = all.iter().copied().filter(|item| item.direct).collect();
    let mut entries = template::new_entries(&direct, &inventory.items, &BTreeSet::new());
    for entry in &mut entries {
        entry.covers = Some(Vec::new());
    }
    // What `covers = "*"` takes in depends on the whole graph, so read the grouped file
    // back and let the inventory say which crates are still uncovered.
    let grouped = sidecar::parse("soup.toml", &template::document(about, project, &entries))?;
    let grouped_inventory = Inventory::build(graph, scope, &grouped);
    for entry in &mut entries {
        let key = entry.key.to_string();
        let covered = grouped_inventory
            .items
            .iter()
            .filter(|item| item.covered_by.as_deref() == Some(key.as_str()))
            .map(|item| item.package.name.clone());
        entry.covers = Some(covered.collect());
    }
    let uncovered: Vec<&SoupItem> = grouped_inventory
        .items
        .iter()
        .filter(|item| item.status == Status::Missing)
        .collect();
    let taken = entries.iter().map(|entry| entry.key.clone()).collect();
    let rest = template::new_entries(&uncovered, &grouped_inventory.items, &taken);
    let entries: Vec<NewEntry> = entries.into_iter().chain(rest).collect();
    Ok(finish(
        template::document(about, project, &entries),
        &entries,
        all.len(),
    ))
}

fn finish(text: String, entries: &[NewEntry], items: usize) -> Init {
    Init {
        text,
        entries: entries.len(),
        direct: entries.iter().filter(|entry| entry.item.direct).count(),
        items,
    }
}

/// An entry `sync` adds.
pub struct Added {
    /// Its table header: `soup.serde_json`, `toolchain`.
    pub header: String,
    pub name: String,
    pub version: String,
    pub direct: bool,
    /// When the crate's unqualified entry assesses another line: how to qualify it.
    pub second_line: Option<String>,
}

pub struct Sync<'s> {
    /// The file after the change; equal to the input when nothing changes.
    pub text: String,
    pub added: Vec<Added>,
    /// Entries that assess nothing in scope; removed from `text` when pruning.
    pub orphans: Vec<&'s Entry>,
    /// `covers = "*"` entries with the crates they took in since their last review.
    pub newly_covered: Vec<(&'s Entry, Vec<String>)>,
}

/// `text` (already parsed into `soup`) with placeholder entries for the items that
/// have none, and without the orphaned entries when `prune`.
pub fn sync<'s>(text: &str, soup: &'s SoupFile, graph: &Graph, scope: &Scope, prune: bool) -> Result<Sync<'s>> {
    let inventory = Inventory::build(graph, scope, soup);
    let missing: Vec<&SoupItem> = inventory
        .items
        .iter()
        .filter(|item| item.status == Status::Missing)
        .collect();
    let taken = soup.entries.iter().map(|entry| entry.key.clone()).collect();
    let additions = template::new_entries(&missing, &inventory.items, &taken);
    let mut used_ids: BTreeSet<String> = soup
        .entries
        .iter()
        .chain(&soup.toolchain)
        .flat_map(|entry| {
            entry
                .requirements
                .iter()
                .filter_map(|requirement| requirement.id.clone())
        })
        .collect();
    let added_text: String = additions
        .iter()
        .map(|entry| template::entry_text(entry, soup.project.require, &mut used_ids))
        .collect();
    let orphans = inventory.orphans(soup);
    let newly_covered = soup
        .entries
        .iter()
        .map(|entry| (entry, inventory.newly_covered(entry)))
        .filter(|(_, names)| !names.is_empty())
        .collect();
    let mut editor = Editor::new(text)?;
    editor.add_entries(&added_text)?;
    if prune {
        let keys: Vec<&str> = orphans.iter().map(|entry| entry.table_key.as_str()).collect();
        editor.remove_entries(&keys)?;
    }
    let added = additions
        .iter()
        .map(|entry| Added {
            header: entry.header(),
            name: entry.item.package.name.clone(),
            version: entry.item.package.version.to_string(),
            direct: entry.item.direct,
            second_line: soup
                .second_line(&entry.item.package.name, &entry.item.package.version)
                .map(|second| format!("{}; {}", second.what, second.qualify)),
        })
        .collect();
    Ok(Sync {
        text: editor.finish(),
        added,
        orphans,
        newly_covered,
    })
}
