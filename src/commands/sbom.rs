//! `cargo soup sbom`.

use crate::atomic_file;
use crate::cli::{GlobalArgs, SbomArgs, SbomFormat};
use crate::render::sbom::{self, Subject};
use crate::workspace::display_path;
use anyhow::Result;
use std::io::Write;

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
                audited.sources,
                audited.report.as_of,
            )?,
        };
        match &args.output {
            Some(path) => {
                atomic_file::write_output(path, &text)?;
                if !global.quiet {
                    eprintln!("wrote {}", display_path(path));
                }
            }
            None => std::io::stdout().lock().write_all(text.as_bytes())?,
        }
        Ok(0)
    })
}
