//! `cargo soup report`.

use crate::cli::{ReportArgs, ReportFormat, Settings};
use crate::render::report::{self, Subject};
use anyhow::Result;

pub fn run(settings: &Settings, args: &ReportArgs) -> Result<i32> {
    super::audit::with_audit(settings, &args.advisories, false, true, |audited| {
        let workspace = audited.workspace;
        let graph = &workspace.graph;
        let project = workspace.soup.project.name.clone().unwrap_or_else(|| graph.name());
        let subject = Subject {
            project: &project,
            version: super::release(&workspace.soup, graph),
        };
        let blocks = report::build(
            &subject,
            &workspace.soup,
            audited.inventory,
            audited.verdicts,
            &audited.report,
        );
        let text = match args.format {
            ReportFormat::Markdown => report::markdown(&blocks),
            ReportFormat::Html => report::html(&blocks),
        };
        super::emit(settings, args.output.as_deref(), &text)?;
        Ok(0)
    })
}
