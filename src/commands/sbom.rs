//! `cargo soup sbom`.

use crate::cli::{SbomArgs, SbomFormat, Settings};
use crate::render::sbom::{self, Subject};
use anyhow::Result;

pub fn run(settings: &Settings, args: &SbomArgs) -> Result<i32> {
    super::audit::with_audit(settings, &args.advisories, false, false, |audited| {
        let workspace = audited.workspace;
        let graph = &workspace.graph;
        let name = workspace.soup.project.name.clone().unwrap_or_else(|| graph.name());
        let version = super::workspace_version(graph);
        let text = match args.format {
            SbomFormat::CyclonedxJson => sbom::cyclonedx(
                &Subject {
                    name: &name,
                    version: &version,
                },
                graph,
                &workspace.soup,
                audited.inventory,
                audited.verdicts,
                audited.report.as_of,
            )?,
        };
        super::emit(settings, args.output.as_deref(), &text)?;
        Ok(0)
    })
}
