//! `cargo soup report`.

use crate::cli::{ReportArgs, ReportFormat, Settings};
use crate::digest::sha256_hex;
use crate::graph::{Graph, Source};
use crate::record::Configuration;
use crate::render::report::{self, Inputs, Record};
use crate::workspace::Workspace;
use anyhow::Result;

/// Writes the record; exit 1 while it is a draft (an error is open, or no advisory
/// database was checked), as for an audit that does not pass.
pub fn run(settings: &Settings, args: &ReportArgs) -> Result<i32> {
    super::audit::with_audit(settings, &args.advisories, &args.verification, false, true, |audited| {
        let workspace = audited.workspace;
        let graph = &workspace.graph;
        let project = workspace.soup.project.name.clone().unwrap_or_else(|| graph.name());
        let history = crate::changes::history(&workspace.soup_path);
        let configuration = configuration(settings, workspace);
        let record = Record {
            project: &project,
            release: super::release(&workspace.soup, graph),
            soup_file: soup_file(workspace),
            history: &history,
            configuration: &configuration,
        };
        let blocks = report::build(&Inputs {
            record: &record,
            soup: &workspace.soup,
            graph,
            inventory: audited.inventory,
            verdicts: audited.verdicts,
            verification: audited.verification,
            registry: audited.registry,
            audit: &audited.report,
        });
        let text = match args.format {
            ReportFormat::Markdown => report::markdown(&blocks),
            ReportFormat::Html => report::html(&blocks),
        };
        super::emit(settings, args.output.as_deref(), &text)?;
        Ok(i32::from(report::is_draft(&audited.report)))
    })
}

/// soup.toml relative to the workspace root, so the record reads the same wherever it
/// is made.
fn soup_file(workspace: &Workspace) -> String {
    workspace
        .soup_path
        .strip_prefix(&workspace.graph.workspace_root)
        .map_or_else(
            |_| crate::paths::display_path(&workspace.soup_path),
            |relative| relative.display().to_string(),
        )
}

fn configuration(settings: &Settings, workspace: &Workspace) -> Configuration {
    let graph = &workspace.graph;
    let lockfile = std::fs::read(graph.workspace_root.join("Cargo.lock")).ok();
    let metadata = &settings.metadata;
    let mut features = if metadata.all_features {
        vec!["all features".to_string()]
    } else if metadata.no_default_features {
        vec!["no default features".to_string()]
    } else {
        vec!["default features".to_string()]
    };
    features.extend(metadata.features.iter().cloned());
    Configuration {
        commit: crate::changes::head(&graph.workspace_root),
        lockfile_sha256: lockfile.map(|bytes| sha256_hex(&bytes)),
        soup_toml_sha256: workspace
            .soup_exists
            .then(|| sha256_hex(workspace.soup_text.as_bytes())),
        rustc: rustc(graph),
        features: features.join(", "),
    }
}

fn rustc(graph: &Graph) -> Option<String> {
    let toolchain = graph.toolchain.as_ref()?;
    let mut text = format!("rustc {}", toolchain.version);
    if let Source::Toolchain { commit: Some(commit) } = &toolchain.source {
        let short: String = commit.hash.chars().take(9).collect();
        match &commit.date {
            Some(date) => text.push_str(&format!(" ({short} {date})")),
            None => text.push_str(&format!(" ({short})")),
        }
    }
    if let Some(host) = &graph.host {
        text.push_str(&format!(", host {host}"));
    }
    Some(text)
}
