//! `cargo soup sbom`.

use crate::cli::{GlobalArgs, SbomArgs, SbomFormat};
use crate::render::sbom::{self, Subject};
use anyhow::Result;

pub fn run(global: &GlobalArgs, args: &SbomArgs) -> Result<i32> {
    super::audit::with_audit(global, &args.advisories, false, false, |audited| {
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
        super::emit(global, args.output.as_deref(), &text)?;
        Ok(0)
    })
}
