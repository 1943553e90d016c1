//! `cargo soup list`.

use crate::cli::{ListArgs, ListFormat, Settings};
use crate::inventory::Inventory;
use crate::render;
use crate::workspace::{SoupUse, Workspace};
use anyhow::Result;
use std::io::Write;

/// The registry facts an earlier online audit (or Cargo) kept: `list` asks no network.
fn kept_facts(settings: &Settings, workspace: &Workspace, inventory: &Inventory) -> Option<crate::facts::Facts> {
    let packages = crate::rules::advisories::registry_packages(inventory);
    if packages.is_empty() {
        return None;
    }
    let url = crate::registry::effective_url(&settings.index_url, &workspace.graph.workspace_root);
    Some(crate::registry::from_cache(&url, &packages, settings.cache_dir.as_deref()).facts)
}

pub fn run(settings: &Settings, args: &ListArgs) -> Result<i32> {
    let workspace = super::load_workspace(settings, SoupUse::Optional, |_| ())?.0;
    if settings.verbose > 0 {
        eprint!("{}", workspace.describe());
    }
    let mut out = std::io::stdout().lock();
    if let Some(spec) = &args.why {
        let text = render::why::tree(&workspace.graph, &workspace.scope, spec)?;
        out.write_all(text.as_bytes())?;
        return Ok(0);
    }
    let mut inventory = Inventory::build(&workspace.graph, &workspace.scope, &workspace.soup);
    // The summary counts every item; the list shows the statuses asked for.
    let summary = render::summary_line(&inventory, workspace.soup_exists);
    if !args.status.is_empty() {
        let wanted: Vec<_> = args.status.iter().map(|filter| filter.status()).collect();
        inventory.items.retain(|item| wanted.contains(&item.status));
    }
    let text = match args.format {
        ListFormat::Table => {
            let mut text = render::table::list(&inventory, settings.color, settings.width);
            if !settings.quiet {
                text.push_str(&summary);
            }
            text
        }
        ListFormat::Json => render::json::list(&inventory, kept_facts(settings, &workspace, &inventory).as_ref())?,
        ListFormat::Csv => render::csv::list(&inventory),
        ListFormat::Markdown => render::markdown::list(&inventory),
    };
    out.write_all(text.as_bytes())?;
    Ok(0)
}
