//! `cargo soup audit`.

use crate::advisories::SourceData;
use crate::advisories::rustsec::RustSecDb;
use crate::audit::{AdvisoryData, AuditReport};
use crate::changes;
use crate::cli::{AdvisoryArgs, AuditArgs, AuditFormat, DenyWhat, GlobalArgs};
use crate::date::Date;
use crate::evidence::Evidence;
use crate::inventory::Inventory;
use crate::render::findings;
use crate::rules::AuditInput;
use crate::rules::advisories::AdvisoryInput;
use crate::workspace::{SoupUse, Workspace, display_path};
use anyhow::{Result, bail};
use std::io::Write;

pub fn run(global: &GlobalArgs, args: &AuditArgs) -> Result<i32> {
    let deny_warnings = args.deny.contains(&DenyWhat::Warnings);
    with_audit(global, &args.advisories, deny_warnings, true, |mut audited| {
        if let Some(reference) = &args.changed_since {
            let workspace = audited.workspace;
            let changed = changes::changed_crates(
                reference,
                &workspace.graph,
                audited.inventory,
                &workspace.soup,
                &workspace.soup_path,
            )?;
            audited.report.gate_change(reference, &changed);
        }
        let report = &audited.report;
        let text = match args.format {
            AuditFormat::Human => findings::human(report, super::use_color(global.color)),
            AuditFormat::Json => findings::json(report)?,
            AuditFormat::Sarif => findings::sarif(report)?,
            AuditFormat::Github => findings::github(report),
        };
        std::io::stdout().lock().write_all(text.as_bytes())?;
        Ok(report.exit_code())
    })
}

/// What the audit established, for the commands that render it.
pub struct Audited<'w> {
    pub workspace: &'w Workspace,
    pub inventory: &'w Inventory<'w>,
    pub sources: &'w [SourceData],
    pub report: AuditReport,
}

/// Loads the workspace and the advisory data, audits, and hands the result to `then`
/// (the audit itself, the report, the SBOM). Without `with_findings` neither the rules
/// run nor is the database's age surveyed: the SBOM needs only items and advisories.
pub fn with_audit<R>(
    global: &GlobalArgs,
    advisory_args: &AdvisoryArgs,
    deny_warnings: bool,
    with_findings: bool,
    then: impl FnOnce(Audited) -> Result<R>,
) -> Result<R> {
    // Checked first: without advisory data there is no audit to wait for.
    let rustsec = rustsec_db(global, advisory_args)?;
    // The database survey, the graph and soup.toml are read side by side; the
    // advisories of the graph's crates as soon as the graph is there.
    let (loaded, survey) = std::thread::scope(|scope| {
        let survey = rustsec
            .as_ref()
            .filter(|_| with_findings)
            .map(|db| scope.spawn(|| db.survey()));
        let loaded = Workspace::load_with(global, SoupUse::Required, |graph| {
            rustsec.as_ref().map(|db| {
                let names = graph.packages.iter().map(|package| package.name.as_str());
                db.load(names)
            })
        });
        (loaded, survey.map(|survey| survey.join().unwrap_or_default()))
    });
    let (workspace, rustsec_data) = loaded?;
    if global.verbose > 0 {
        eprint!("{}", workspace.describe());
    }
    let inventory = Inventory::build(&workspace.graph, &workspace.scope, &workspace.soup);
    // The evidence files are read only for the rules that check them.
    let evidence = if with_findings {
        Evidence::collect(&workspace.graph.workspace_root, &workspace.soup)
    } else {
        Evidence::default()
    };
    let lock_file = display_path(&workspace.graph.workspace_root.join("Cargo.lock"));
    let as_of = global.as_of.unwrap_or_else(Date::today);
    let input = AuditInput {
        soup: &workspace.soup,
        as_of,
        evidence: &evidence,
        lock_file: &lock_file,
    };
    let mut sources: Vec<SourceData> = Vec::new();
    let mut advisory_data = Vec::new();
    match (rustsec_data, survey) {
        (Some(mut data), survey) => {
            let survey = survey.unwrap_or_default();
            data.updated = survey.updated;
            data.total = survey.total;
            advisory_data.push(AdvisoryData::read(&data));
            sources.push(data);
        }
        (None, _) => advisory_data.push(AdvisoryData::skipped("rustsec")),
    }
    let targets: Option<Vec<(String, String)>> = workspace.scope.targets.as_ref().map(|targets| {
        targets
            .iter()
            .map(|target| {
                let os = target.value("target_os").unwrap_or("none").to_string();
                let arch = target.value("target_arch").unwrap_or_default().to_string();
                (os, arch)
            })
            .collect()
    });
    let advisories = AdvisoryInput {
        soup: &workspace.soup,
        as_of,
        sources: &sources,
        targets: targets.as_deref(),
        lock_file: &lock_file,
    };
    let (report, notes) = if with_findings {
        AuditReport::new(&inventory, &input, &advisories, advisory_data, deny_warnings)
    } else {
        (
            AuditReport::without_findings(&inventory, as_of, advisory_data),
            Vec::new(),
        )
    };
    if global.verbose > 0 {
        for data in &sources {
            eprintln!(
                "advisories: {} from {} ({} advisories, newest {}; {} read for this graph)",
                data.source,
                data.location,
                data.total,
                data.updated
                    .map_or_else(|| "unknown".to_string(), |date| date.to_string()),
                data.advisories.len()
            );
        }
        for note in &notes {
            eprintln!("note: {note}");
        }
    }
    let result = then(Audited {
        workspace: &workspace,
        inventory: &inventory,
        sources: &sources,
        report,
    });
    // The process ends now: freeing the graph, the sidecar and the advisories would
    // cost a tenth of a cached audit, for nothing.
    std::mem::forget(inventory);
    std::mem::forget(sources);
    std::mem::forget(workspace);
    result
}

/// The RustSec database the audit reads; without one the audit cannot vouch for
/// anything, so that is an error naming the ways to provide one.
fn rustsec_db(global: &GlobalArgs, args: &AdvisoryArgs) -> Result<Option<RustSecDb>> {
    if args.no_rustsec {
        return Ok(None);
    }
    match super::find_rustsec(global, args)? {
        Some(db) => Ok(Some(db)),
        None => bail!(
            "no RustSec advisory data{}: pass --advisory-db DIR (a checkout of \
             https://github.com/rustsec/advisory-db) or set CARGO_SOUP_ADVISORY_DB, or audit without it with \
             --no-rustsec (the output then says RustSec was skipped)",
            if global.offline {
                " and --offline forbids downloading it"
            } else {
                ""
            }
        ),
    }
}
