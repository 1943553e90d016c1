//! `cargo soup init`.

use crate::atomic_file;
use crate::cli::{GlobalArgs, InitArgs};
use crate::inventory::{Inventory, SoupItem, Status};
use crate::sidecar::template::{self, NewEntry};
use crate::workspace::{SoupUse, Workspace, display_path};
use anyhow::Result;
use std::collections::BTreeSet;

pub fn run(global: &GlobalArgs, args: &InitArgs) -> Result<i32> {
    let workspace = Workspace::load(global, SoupUse::Create)?;
    let inventory = Inventory::build(&workspace.graph, &workspace.scope, &workspace.soup);
    let name = workspace
        .graph
        .workspace_root
        .file_name()
        .map_or_else(|| "workspace".to_string(), |name| name.to_string_lossy().into_owned());
    let members: Vec<String> = workspace
        .graph
        .members
        .iter()
        .map(|&member| workspace.graph.packages[member].name.clone())
        .collect();
    let targets = (!global.targets.is_empty()).then_some(global.targets.as_slice());
    let about = template::Workspace {
        name: &name,
        members: &members,
        targets,
    };
    let file = display_path(&workspace.soup_path);
    let project = &workspace.soup.project;
    let all: Vec<&SoupItem> = inventory.items.iter().collect();

    let (text, (entries, direct)) = if args.group {
        let direct: Vec<&SoupItem> = all.iter().copied().filter(|item| item.direct).collect();
        let mut entries = template::new_entries(&direct, &inventory.items, &BTreeSet::new());
        for entry in &mut entries {
            entry.covers = Some(Vec::new());
        }
        // What `covers = "*"` takes in depends on the whole graph, so read the grouped
        // file back and let the inventory say which crates are still uncovered.
        let grouped = super::verify_before_writing(&file, &template::document(&about, project, &entries))?;
        let grouped_inventory = Inventory::build(&workspace.graph, &workspace.scope, &grouped);
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
        let all_entries: Vec<NewEntry> = entries.into_iter().chain(rest).collect();
        (template::document(&about, project, &all_entries), counts(&all_entries))
    } else {
        let entries = template::new_entries(&all, &inventory.items, &BTreeSet::new());
        (template::document(&about, project, &entries), counts(&entries))
    };
    super::verify_before_writing(&file, &text)?;
    atomic_file::create_new(&workspace.soup_path, &text)?;
    if !global.quiet {
        eprintln!(
            "wrote {file}: {} entries for {} SOUP items ({direct} direct, {} transitive); every judgement is a \"TODO\".\n\
         Next: fill in the TODOs, then run `cargo soup audit` to see what is still missing.",
            entries,
            inventory.items.len(),
            entries - direct
        );
    }
    Ok(0)
}

/// Entries written, and how many of them are for direct dependencies.
fn counts(entries: &[NewEntry]) -> (usize, usize) {
    (entries.len(), entries.iter().filter(|entry| entry.item.direct).count())
}
