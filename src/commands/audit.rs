//! `cargo soup audit`.

use crate::advisory_data::{Need, Plan};
use crate::audit::{AdvisoryData, AuditReport};
use crate::changes;
use crate::cli::{AdvisoryArgs, AuditArgs, AuditFormat, DenyWhat, Settings, VerificationArgs};
use crate::date::Date;
use crate::evidence::Evidence;
use crate::facts::FactsFrom;
use crate::finding::Finding;
use crate::inventory::{Inventory, Status};
use crate::paths::{display_path, repository_path};
use crate::render::findings;
use crate::rules::AuditInput;
use crate::rules::advisories::{AdvisoryInput, AdvisoryVerdict, verdicts};
use crate::workspace::{SoupUse, Workspace};
use anyhow::Result;
use std::io::Write;

/// The `advisory_data` row of the yanked check.
const REGISTRY_INDEX: &str = "registry-index";

pub fn run(settings: &Settings, args: &AuditArgs) -> Result<i32> {
    let deny_warnings = args.deny.contains(&DenyWhat::Warnings);
    with_audit(
        settings,
        &args.advisories,
        &args.verification,
        deny_warnings,
        true,
        |mut audited| {
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
            if args.format == AuditFormat::Github {
                // GitHub places an annotation by its path in the repository.
                let locations = audited
                    .report
                    .findings
                    .iter_mut()
                    .filter_map(|finding| finding.location.as_mut());
                for location in locations {
                    location.file = repository_path(&location.file);
                }
            }
            let report = &audited.report;
            let text = match args.format {
                AuditFormat::Human => {
                    let sources = sources(audited.workspace);
                    let context = findings::Context {
                        sources: sources.iter().map(AsRef::as_ref).collect(),
                        paths: advisory_paths(&audited.workspace.graph, audited.inventory, report),
                    };
                    let statuses: Vec<Status> = args.status.iter().map(|filter| filter.status()).collect();
                    let shown = |finding: &Finding| {
                        statuses.is_empty()
                            || item_status(audited.inventory, finding).is_none_or(|status| statuses.contains(&status))
                    };
                    match settings.quiet {
                        true => findings::diagnostics(report, &context, settings.color, &shown),
                        false => findings::human(report, &context, settings.color, &shown),
                    }
                }
                AuditFormat::Json => findings::json(report)?,
                AuditFormat::Sarif => findings::sarif(report)?,
                AuditFormat::Github => findings::github(report),
            };
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(report.exit_code())
        },
    )
}

/// For the crates advisory findings are about, a path from a member: `app → leaf → inner`.
fn advisory_paths(
    graph: &crate::graph::Graph,
    inventory: &Inventory,
    report: &AuditReport,
) -> std::collections::HashMap<(String, String), String> {
    let mut paths = std::collections::HashMap::new();
    for finding in report.findings.iter().filter(|finding| finding.advisory.is_some()) {
        let (Some(name), Some(version)) = (&finding.krate, &finding.version) else {
            continue;
        };
        let key = (name.clone(), version.clone());
        if paths.contains_key(&key) {
            continue;
        }
        let index = inventory
            .items
            .iter()
            .find(|item| &item.package.name == name && &item.package.version.to_string() == version)
            .and_then(|item| item.index);
        if let Some(path) = index.and_then(|index| graph.path_from_member(index)) {
            let names: Vec<String> = path
                .iter()
                .map(|&at| format!("{} {}", graph.packages[at].name, graph.packages[at].version))
                .collect();
            paths.insert(key, names.join(" → "));
        }
    }
    paths
}

/// The status of the item a finding is on; `None` for a finding about the audit itself
/// or an entry, which `--status` never hides.
fn item_status(inventory: &Inventory, finding: &Finding) -> Option<Status> {
    let (name, version) = (finding.krate.as_deref()?, finding.version.as_deref()?);
    inventory
        .items
        .iter()
        .find(|item| item.package.name == name && item.package.version.to_string() == version)
        .map(|item| item.status)
}

/// The files findings point into, for the lines a diagnostic shows: soup.toml as it was
/// read, and Cargo.lock.
fn sources(workspace: &Workspace) -> Vec<std::sync::Arc<crate::location::SourceMap>> {
    let soup_toml = workspace
        .soup
        .entries
        .iter()
        .chain(&workspace.soup.toolchain)
        .find_map(|entry| entry.source.clone());
    let lock_path = workspace.graph.workspace_root.join("Cargo.lock");
    let lockfile = std::fs::read_to_string(&lock_path)
        .ok()
        .map(|text| std::sync::Arc::new(crate::location::SourceMap::new(&display_path(&lock_path), &text)));
    soup_toml.into_iter().chain(lockfile).collect()
}

/// The registry facts kept on disk for the crates.io packages of the nearest
/// Cargo.lock; `None` without one.
fn kept_index(settings: &Settings, index_url: &str) -> Option<crate::registry::IndexCheck> {
    let (root, packages) = crate::graph::locked_crates_io(settings.metadata.manifest_path.as_deref())?;
    let packages: Vec<(&str, String)> = packages
        .iter()
        .map(|(name, version)| (name.as_str(), version.clone()))
        .collect();
    let url = crate::registry::effective_url(index_url, &root);
    (!packages.is_empty()).then(|| crate::registry::from_cache(&url, &packages, settings.cache_dir.as_deref()))
}

/// What the audit established, for the commands that render it.
pub struct Audited<'w> {
    pub workspace: &'w Workspace,
    pub inventory: &'w Inventory<'w>,
    /// Every advisory on every item, decided once.
    pub verdicts: &'w [AdvisoryVerdict<'w>],
    /// Every `verified-by` against the test results, decided once.
    pub verification: &'w crate::rules::verification::Verification,
    /// The registry facts of the locked versions, where the index (or a cache) has them.
    pub registry: Option<&'w std::collections::BTreeMap<(String, String), crate::facts::RegistryFacts>>,
    pub report: AuditReport,
}

/// Loads the workspace and the advisory data, audits, and hands the result to `then`
/// (the audit itself, the report, the SBOM). Without `with_findings` neither the rules
/// run nor are yanked versions looked up: the SBOM needs only items and advisories.
pub fn with_audit<R>(
    settings: &Settings,
    advisory_args: &AdvisoryArgs,
    verification_args: &VerificationArgs,
    deny_warnings: bool,
    with_findings: bool,
    then: impl FnOnce(Audited) -> Result<R>,
) -> Result<R> {
    // Checked first: without advisory data there is no audit to wait for.
    let notify = super::print_notice(settings.quiet);
    let mut plan = Plan::new(settings, advisory_args, Need::Required, &notify)?;
    // The graph and soup.toml are read side by side; the local advisories of the
    // graph's crates as soon as the graph is there.
    // Offline, the registry facts come from disk: Cargo.lock names the crates, so they
    // are read while cargo metadata runs.
    let from_disk = !settings.online || !with_findings;
    let (loaded, early_index) = std::thread::scope(|scope| {
        let early = from_disk.then(|| scope.spawn(|| kept_index(settings, &advisory_args.index_url)));
        let loaded = super::load_workspace(settings, SoupUse::Required, |graph| {
            plan.load_local(&graph.crate_names())
        });
        (loaded, early.and_then(|early| early.join().ok()).flatten())
    });
    let (workspace, mut sources) = loaded?;
    if settings.verbose > 0 {
        eprint!("{}", workspace.describe());
    }
    // Read before anything is decided or written: bad results are exit 2.
    let results = crate::verification::read_all(
        &verification_args.test_results,
        &workspace.soup.project,
        &workspace.graph.workspace_root,
    )?;
    let verification = crate::rules::verification::verify(&workspace.soup, &workspace.graph.targets, &results);
    drop(results);
    if plan.refresh(workspace.soup.project.advisory_max_age) {
        sources = plan.load_local(&workspace.graph.crate_names());
    }
    let inventory = Inventory::build(&workspace.graph, &workspace.scope, &workspace.soup);
    let registry_items = crate::rules::advisories::registry_packages(&inventory);
    sources.extend(plan.query_api(&registry_items)?);
    // The SBOM states the facts already kept; only the audit and the report ask.
    let root = &workspace.graph.workspace_root;
    let index = match early_index {
        Some(mut index) => {
            index.keep_only(&registry_items);
            Some(index)
        }
        None if from_disk => plan.cached_index(&registry_items, root),
        None => plan.index_check(&registry_items, root)?,
    };
    // The evidence files are read only for the rules that check them.
    let evidence = if with_findings {
        Evidence::collect(&workspace.graph.workspace_root, &workspace.soup)
    } else {
        Evidence::default()
    };
    let lock_file = display_path(&workspace.graph.workspace_root.join("Cargo.lock"));
    let as_of = settings.as_of.unwrap_or_else(Date::today);
    // soup.toml's history dates each `version` line, for approval-before-review; asked
    // only when some entry has a dated approval (init's placeholders have none).
    let approved = workspace
        .soup
        .entries
        .iter()
        .chain(&workspace.soup.toolchain)
        .any(|entry| entry.approvals.iter().any(|approval| approval.date.is_some()));
    let line_times = (with_findings && approved)
        .then(|| crate::changes::line_times(&workspace.soup_path))
        .flatten();
    let input = AuditInput {
        soup: &workspace.soup,
        as_of,
        evidence: &evidence,
        verification: &verification,
        lock_file: &lock_file,
        line_times: line_times.as_deref(),
    };
    let mut advisory_data: Vec<AdvisoryData> = sources.iter().map(AdvisoryData::read).collect();
    advisory_data.extend(plan.skipped());
    if with_findings {
        advisory_data.push(match &index {
            Some(check) if check.from == FactsFrom::Index => AdvisoryData::live(REGISTRY_INDEX, &check.url),
            Some(check) if !check.facts.is_empty() => {
                AdvisoryData::live(REGISTRY_INDEX, crate::facts::LOCAL_INDEX_CACHE)
            }
            _ => AdvisoryData::skipped(REGISTRY_INDEX, Some("offline".to_string())),
        });
    }
    advisory_data.sort_by_key(|data| {
        ["rustsec", "osv", REGISTRY_INDEX]
            .iter()
            .position(|source| *source == data.source)
    });
    let targets = workspace.scope.target_platforms();
    let verdicts = verdicts(&inventory, &workspace.soup, &sources, targets.as_deref(), as_of);
    let unavailable = plan.unavailable();
    let advisories = AdvisoryInput {
        soup: &workspace.soup,
        as_of,
        sources: &sources,
        targets: targets.as_deref(),
        lock_file: &lock_file,
        yanked: index.as_ref().filter(|_| with_findings).map(|check| &check.yanked),
        facts: index.as_ref().filter(|_| with_findings).map(|check| &check.facts),
        unavailable: &unavailable,
    };
    let (report, notes) = if with_findings {
        AuditReport::new(&inventory, &input, &advisories, &verdicts, advisory_data, deny_warnings)
    } else {
        (
            AuditReport::without_findings(&inventory, &input, advisory_data),
            Vec::new(),
        )
    };
    if settings.verbose > 0 {
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
    if settings.verbose > 0
        && let Some(check) = index.as_ref().filter(|check| !check.unknown.is_empty())
    {
        let whose = match check.from {
            FactsFrom::Index => "the registry index does not list",
            FactsFrom::Cache => "neither the cache folder nor Cargo's index cache holds the record of",
        };
        eprintln!(
            "note: {whose} {}: not checked for yanked versions, no registry facts",
            check.unknown.join(", ")
        );
    }
    let result = then(Audited {
        workspace: &workspace,
        inventory: &inventory,
        verdicts: &verdicts,
        verification: &verification,
        registry: index.as_ref().map(|check| &check.facts),
        report,
    });
    // The process ends now: freeing the graph, the sidecar and the advisories would
    // cost a tenth of a cached audit, for nothing.
    std::mem::forget(inventory);
    std::mem::forget(sources);
    std::mem::forget(workspace);
    result
}
