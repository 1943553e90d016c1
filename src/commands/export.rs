//! `cargo soup export`.

use crate::advisories::{Advisory, merged};
use crate::advisory_data::{Need, Plan};
use crate::cli::{ExportArgs, ExportFormat, Settings};
use crate::date::Date;
use crate::inventory::Inventory;
use crate::render::export::{self, Exported};
use crate::sidecar::Entry;
use crate::workspace::SoupUse;
use anyhow::Result;

pub fn run(settings: &Settings, args: &ExportArgs) -> Result<i32> {
    let notify = super::print_notice(settings.quiet);
    let plan = Plan::new(settings, &args.advisories, Need::IfPresent, &notify)?;
    let workspace = super::load_workspace(settings, SoupUse::Required, |_| ())?.0;
    let inventory = Inventory::build(&workspace.graph, &workspace.scope, &workspace.soup);
    let sources = plan.load_local(&workspace.graph.crate_names());
    let advisories: Vec<Advisory> = merged(sources.iter().flat_map(|source| &source.advisories));
    let as_of = settings.as_of.unwrap_or_else(Date::today);
    let soup = &workspace.soup;
    let mut exported = Vec::new();
    let mut expired = Vec::new();
    for entry in soup.entries.iter().chain(&soup.toolchain) {
        for disposition in &entry.advisories {
            if disposition.expires.is_some_and(|expires| expires < as_of) {
                expired.push(format!("{} in [{}]", disposition.id, entry.table_name()));
                continue;
            }
            let advisory = about(entry, &disposition.id, &inventory, &advisories);
            let (krate, version) = match advisory {
                Some(advisory) => {
                    let locked = inventory
                        .items
                        .iter()
                        .find(|item| item.package.name == advisory.package)
                        .map(|item| item.package.version.to_string());
                    (advisory.package.clone(), locked)
                }
                None => (entry.key.name.clone(), entry.version.as_ref().map(ToString::to_string)),
            };
            let aliases = advisory.map_or_else(Vec::new, |advisory| {
                std::iter::once(&advisory.id)
                    .chain(&advisory.aliases)
                    .filter(|name| !name.eq_ignore_ascii_case(&disposition.id))
                    .cloned()
                    .collect()
            });
            exported.push(Exported {
                disposition,
                aliases,
                krate,
                version,
                table: entry.table_name(),
            });
        }
    }
    let text = match args.format {
        ExportFormat::DenyToml => export::deny_toml(&exported),
        ExportFormat::OsvScanner => export::osv_scanner(&exported),
        ExportFormat::Openvex => {
            let author = soup.project.name.clone().unwrap_or_else(|| workspace.graph.name());
            export::openvex(&exported, &format!("{author} (soup.toml, via cargo soup)"), as_of)?
        }
    };
    super::emit(settings, args.output.as_deref(), &text)?;
    if !settings.quiet {
        eprintln!("exported {} disposition(s)", exported.len());
        if !expired.is_empty() {
            eprintln!(
                "left out {} expired disposition(s), as of {as_of}: {}; review them in soup.toml",
                expired.len(),
                expired.join(", ")
            );
        }
    }
    Ok(0)
}

/// The advisory a disposition names, among those about the entry's own crate or a
/// crate it covers.
fn about<'a>(entry: &Entry, id: &str, inventory: &Inventory, advisories: &'a [Advisory]) -> Option<&'a Advisory> {
    let crates: Vec<&str> = inventory
        .assessed_by(entry)
        .map(|item| item.package.name.as_str())
        .collect();
    advisories
        .iter()
        .find(|advisory| advisory.is_named(id) && crates.contains(&advisory.package.as_str()))
}
