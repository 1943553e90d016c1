//! `cargo soup report`.

use crate::atomic_file;
use crate::cli::{GlobalArgs, ReportArgs, ReportFormat};
use crate::render::report::{self, Subject};
use crate::workspace::display_path;
use anyhow::Result;
use std::io::Write;

pub fn run(global: &GlobalArgs, args: &ReportArgs) -> Result<i32> {
    super::audit::with_audit(global, &args.advisories, false, true, |audited| {
        let workspace = audited.workspace;
        let graph = &workspace.graph;
        let project = workspace.soup.project.name.clone().unwrap_or_else(|| graph.name());
        let subject = Subject {
            project: &project,
            version: Some(super::workspace_version(graph)),
        };
        let blocks = report::build(
            &subject,
            &workspace.soup,
            audited.inventory,
            audited.sources,
            &audited.report,
        );
        let text = match args.format {
            ReportFormat::Markdown => report::markdown(&blocks),
            ReportFormat::Html => report::html(&blocks),
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
