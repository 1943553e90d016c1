//! `cargo soup list`.

use crate::cli::{ListArgs, ListFormat, Settings};
use crate::inventory::Inventory;
use crate::render;
use crate::workspace::SoupUse;
use anyhow::Result;
use std::io::Write;

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
    let inventory = Inventory::build(&workspace.graph, &workspace.scope, &workspace.soup);
    let text = match args.format {
        ListFormat::Table => {
            let mut text = render::table::list(&inventory, settings.color);
            if !settings.quiet {
                text.push_str(&render::summary_line(&inventory, workspace.soup_exists));
            }
            text
        }
        ListFormat::Json => render::json::list(&inventory)?,
        ListFormat::Csv => render::csv::list(&inventory),
        ListFormat::Markdown => render::markdown::list(&inventory),
    };
    out.write_all(text.as_bytes())?;
    Ok(0)
}
