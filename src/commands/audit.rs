//! `cargo soup audit`.

use crate::audit::AuditReport;
use crate::cli::{AuditArgs, AuditFormat, DenyWhat, GlobalArgs};
use crate::date::Date;
use crate::evidence::Evidence;
use crate::inventory::Inventory;
use crate::render::findings;
use crate::rules::AuditInput;
use crate::workspace::{SoupUse, Workspace, display_path};
use anyhow::Result;
use std::io::Write;

pub fn run(global: &GlobalArgs, args: &AuditArgs) -> Result<i32> {
    let workspace = Workspace::load(global, SoupUse::Required)?;
    if global.verbose > 0 {
        eprint!("{}", workspace.describe());
    }
    let inventory = Inventory::build(&workspace.graph, &workspace.scope, &workspace.soup);
    let evidence = Evidence::collect(&workspace.graph.workspace_root, &workspace.soup);
    let lock_file = display_path(&workspace.graph.workspace_root.join("Cargo.lock"));
    let input = AuditInput {
        soup: &workspace.soup,
        as_of: global.as_of.unwrap_or_else(Date::today),
        evidence: &evidence,
        lock_file: &lock_file,
    };
    let deny_warnings = args.deny.contains(&DenyWhat::Warnings);
    let report = AuditReport::new(&inventory, &input, deny_warnings);
    let text = match args.format {
        AuditFormat::Human => findings::human(&report, super::use_color(global.color)),
        AuditFormat::Json => findings::json(&report)?,
        AuditFormat::Sarif => findings::sarif(&report)?,
        AuditFormat::Github => findings::github(&report),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(report.exit_code())
}
