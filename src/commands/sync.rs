//! `cargo soup sync`.

use crate::atomic_file;
use crate::cli::{GlobalArgs, SyncArgs};
use crate::inventory::{Inventory, SoupItem, Status};
use crate::render;
use crate::sidecar::edit::Editor;
use crate::sidecar::template;
use crate::workspace::{SoupUse, Workspace, display_path};
use anyhow::Result;
use std::collections::BTreeSet;
use std::io::Write;

pub fn run(global: &GlobalArgs, args: &SyncArgs) -> Result<i32> {
    let workspace = Workspace::load(global, SoupUse::Maintain)?;
    let soup = &workspace.soup;
    let inventory = Inventory::build(&workspace.graph, &workspace.scope, soup);
    let file = display_path(&workspace.soup_path);

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

    let mut editor = Editor::new(&workspace.soup_text)?;
    editor.add_entries(&added_text)?;
    if args.prune {
        let keys: Vec<&str> = orphans.iter().map(|entry| entry.table_key.as_str()).collect();
        editor.remove_entries(&keys)?;
    }
    let after = editor.finish();
    super::verify_before_writing(&file, &after)?;

    let mut log = String::new();
    for entry in &additions {
        let how = if entry.item.direct { "direct" } else { "transitive" };
        log.push_str(&format!(
            "  + [soup.{}] {} {} ({how})\n",
            template::toml_key(&entry.key.to_string()),
            entry.item.package.name,
            entry.item.package.version
        ));
    }
    for entry in &orphans {
        let sign = if args.prune { '-' } else { '?' };
        log.push_str(&format!(
            "  {sign} [soup.{}] at {file}:{}: {} is no longer in scope\n",
            template::toml_key(&entry.table_key),
            entry.location.line,
            entry.key
        ));
    }
    let changed = after != workspace.soup_text;
    let verb = if args.dry_run { "would add" } else { "added" };
    let mut summary = format!("{file}: {verb} {} entr{}", additions.len(), plural(additions.len()));
    if !orphans.is_empty() {
        if args.prune {
            let verb = if args.dry_run { "would remove" } else { "removed" };
            summary.push_str(&format!("; {verb} {} orphaned", orphans.len()));
        } else {
            summary.push_str(&format!(
                "; {} entr{} name crates no longer in scope: `cargo soup sync --prune` removes them",
                orphans.len(),
                plural(orphans.len())
            ));
        }
    }
    if args.dry_run {
        std::io::stdout()
            .lock()
            .write_all(render::diff::unified(&file, &workspace.soup_text, &after).as_bytes())?;
        summary.push_str(" (dry run: nothing was written)");
    } else if changed {
        atomic_file::replace(&workspace.soup_path, &workspace.soup_text, &after)?;
    } else {
        summary.push_str(" (nothing to change)");
    }
    if !global.quiet {
        eprint!("{log}");
        eprintln!("{summary}");
        if !additions.is_empty() && !args.dry_run {
            eprintln!("Next: fill in the TODOs of the new entries, then run `cargo soup audit`.");
        }
    }
    Ok(0)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "y" } else { "ies" }
}
