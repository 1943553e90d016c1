//! `cargo soup export`.

use crate::advisory_data::{Need, Plan};
use crate::cli::{ExportArgs, ExportFormat, Settings};
use crate::date::Date;
use crate::inventory::Inventory;
use crate::render::export::{self, Exported, VexStatement};
use crate::rules::advisories::{AdvisoryVerdict, Applicability, DispositionState, VexState, has_expired, verdicts};
use crate::workspace::SoupUse;
use anyhow::Result;

pub fn run(settings: &Settings, args: &ExportArgs) -> Result<i32> {
    let notify = super::print_notice(settings.quiet);
    let plan = Plan::new(settings, &args.advisories, Need::IfPresent, &notify)?;
    let workspace = super::load_workspace(settings, SoupUse::Required, |_| ())?.0;
    let inventory = Inventory::build(&workspace.graph, &workspace.scope, &workspace.soup);
    let sources = plan.load_local(&workspace.graph.crate_names());
    let as_of = settings.as_of.unwrap_or_else(Date::today);
    let soup = &workspace.soup;
    let targets = workspace.scope.target_platforms();
    let verdicts = verdicts(&inventory, soup, &sources, targets.as_deref(), as_of);
    let mut exported = Vec::new();
    let mut expired = Vec::new();
    for entry in soup.entries.iter().chain(&soup.toolchain) {
        for disposition in &entry.advisories {
            // The verdict this disposition answers (one for every advisory about what the
            // entry assesses, affecting it or not); a disposition of an id the data does
            // not know is exported as written.
            let answered = verdicts.iter().find(|verdict| verdict.answers(disposition));
            let lapsed = match answered {
                Some(verdict) => matches!(verdict.disposition, DispositionState::Expired(_)),
                None => has_expired(disposition, as_of),
            };
            if lapsed {
                expired.push(format!("{} in [{}]", disposition.id, entry.table_name()));
                continue;
            }
            let (krate, version, aliases) = match answered {
                Some(verdict) => {
                    let item = &inventory.items[verdict.item];
                    let aliases = std::iter::once(&verdict.advisory.id)
                        .chain(&verdict.advisory.aliases)
                        .filter(|name| !name.eq_ignore_ascii_case(&disposition.id))
                        .cloned()
                        .collect();
                    (
                        item.package.name.clone(),
                        Some(item.package.version.to_string()),
                        aliases,
                    )
                }
                None => (
                    entry.key.name.clone(),
                    entry.version.as_ref().map(ToString::to_string),
                    Vec::new(),
                ),
            };
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
            let author = soup.document.author.clone().unwrap_or_else(|| {
                let product = soup.project.name.clone().unwrap_or_else(|| workspace.graph.name());
                format!("{product} (soup.toml, via cargo soup)")
            });
            let statements = vex_statements(&inventory, &verdicts, &exported, soup, as_of);
            export::openvex(&statements, &author, as_of)?
        }
        ExportFormat::Library => crate::library::export(&workspace.soup_text).map_err(|err| {
            anyhow::anyhow!(
                "{} is not TOML cargo soup can rewrite: {err}",
                workspace.soup_path.display()
            )
        })?,
    };
    super::emit(settings, args.output.as_deref(), &text)?;
    if !settings.quiet && args.format == ExportFormat::Library {
        let entries = workspace
            .soup
            .entries
            .iter()
            .filter(|entry| entry.import_only.is_none())
            .count();
        eprintln!("exported the crate-level parts of {entries} entries as a library");
    } else if !settings.quiet {
        eprintln!("exported {} disposition(s)", exported.len());
        // OpenVEX says "under investigation" for them; the other formats cannot.
        if !expired.is_empty() && args.format != ExportFormat::Openvex {
            eprintln!(
                "left out {} expired disposition(s), as of {as_of}: {}; review them in soup.toml",
                expired.len(),
                expired.join(", ")
            );
        }
    }
    Ok(0)
}

/// The SBOM's decisions as OpenVEX statements: one per advisory on an item of the
/// device (every verdict but a version that is not affected), and the dispositions of
/// ids the advisory data does not know, as soup.toml writes them.
fn vex_statements(
    inventory: &Inventory,
    verdicts: &[AdvisoryVerdict],
    exported: &[Exported],
    soup: &crate::sidecar::SoupFile,
    as_of: Date,
) -> Vec<VexStatement> {
    let targets = crate::render::sbom::targets_text(soup);
    let mut statements: Vec<VexStatement> = verdicts
        .iter()
        .filter(|verdict| verdict.applicability != Applicability::VersionNotAffected)
        .map(|verdict| VexStatement {
            id: verdict.advisory.id.clone(),
            aliases: verdict.advisory.aliases.clone(),
            product: crate::render::sbom::bom_ref(inventory.items[verdict.item].package),
            state: verdict.vex(&targets),
            timestamp: verdict
                .disposition
                .written()
                .and_then(|disposition| disposition.reviewed)
                .unwrap_or(as_of),
        })
        .collect();
    let unknown = exported
        .iter()
        .filter(|item| !verdicts.iter().any(|verdict| verdict.answers(item.disposition)));
    statements.extend(unknown.map(|item| VexStatement {
        id: item.disposition.id.clone(),
        aliases: item.aliases.clone(),
        product: item.purl(),
        state: VexState::of_disposition(item.disposition),
        timestamp: item.disposition.reviewed.unwrap_or(as_of),
    }));
    statements
}
