//! `cargo soup sync`.

use crate::atomic_file;
use crate::cli::{Settings, SyncArgs};
use crate::paths::display_path;
use crate::plans::maintain;
use crate::render;
use crate::workspace::SoupUse;
use anyhow::Result;
use std::io::Write;

pub fn run(settings: &Settings, args: &SyncArgs) -> Result<i32> {
    let (workspace, _lock) = super::load_for_edit(settings, SoupUse::Maintain)?;
    let file = display_path(&workspace.soup_path);
    let sync = maintain::sync(
        &workspace.soup_text,
        &workspace.soup,
        &workspace.graph,
        &workspace.scope,
        args.prune,
    )?;
    super::verify_before_writing(&file, &sync.text)?;

    let mut log = String::new();
    for added in &sync.added {
        let how = if added.direct { "direct" } else { "transitive" };
        log.push_str(&format!(
            "  + [{}] {} {} ({how})\n",
            added.header, added.name, added.version
        ));
        if let Some(advice) = &added.second_line {
            log.push_str(&format!("    note: {advice}\n"));
        }
    }
    for entry in &sync.orphans {
        let sign = if args.prune { '-' } else { '?' };
        log.push_str(&format!(
            "  {sign} [{}] at {file}:{}: {} is no longer in scope\n",
            entry.table_name(),
            entry.location.line,
            entry.key
        ));
    }
    for (entry, names) in &sync.newly_covered {
        log.push_str(&format!(
            "  ! [{}] at {file}:{}: covers = \"*\" now also takes in {}; assess them, then record the review with `cargo soup review`\n",
            entry.table_name(),
            entry.location.line,
            names.join(", ")
        ));
    }
    let count = sync.added.len();
    let verb = if args.dry_run { "would add" } else { "added" };
    let mut summary = format!("{file}: {verb} {count} entr{}", if count == 1 { "y" } else { "ies" });
    let orphans = sync.orphans.len();
    if orphans > 0 {
        if args.prune {
            let verb = if args.dry_run { "would remove" } else { "removed" };
            summary.push_str(&format!("; {verb} {orphans} orphaned"));
        } else if orphans == 1 {
            summary.push_str("; 1 entry names a crate no longer in scope: `cargo soup sync --prune` removes it");
        } else {
            summary.push_str(&format!(
                "; {orphans} entries name crates no longer in scope: `cargo soup sync --prune` removes them"
            ));
        }
    }
    if args.dry_run {
        let diff = render::diff::unified(&file, &workspace.soup_text, &sync.text);
        std::io::stdout().lock().write_all(diff.as_bytes())?;
        summary.push_str(" (dry run: nothing was written)");
    } else if sync.text != workspace.soup_text {
        atomic_file::replace(&workspace.soup_path, &workspace.soup_text, &sync.text)?;
    } else {
        summary.push_str(" (nothing to change)");
    }
    if !settings.quiet {
        eprint!("{log}");
        eprintln!("{summary}");
        if count > 0 && !args.dry_run {
            eprintln!("Next: fill in the TODOs of the new entries, then run `cargo soup audit`.");
        }
    }
    Ok(0)
}
