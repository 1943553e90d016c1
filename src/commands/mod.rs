//! One module per command: each reads the workspace, calls the pure parts and renders.

pub mod audit;
pub mod export;
pub mod fetch;
pub mod import;
pub mod init;
pub mod list;
pub mod report;
pub mod review;
pub mod sbom;
pub mod sync;

use crate::cli::{Cli, Command, Settings};
use anyhow::Result;

/// Runs a command; the result is the process exit code (0 or 1). Errors mean the
/// command could not do its job and exit with 2.
pub fn run(cli: Cli) -> Result<i32> {
    let (common, workspace) = cli.command.options();
    let settings = &Settings::resolve(common, workspace);
    match &cli.command {
        Command::List(args) => list::run(settings, args),
        Command::Init(args) => init::run(settings, args),
        Command::Sync(args) => sync::run(settings, args),
        Command::Review(args) => review::run(settings, args),
        Command::Audit(args) => audit::run(settings, args),
        Command::Export(args) => export::run(settings, args),
        Command::Import(args) => import::run(settings, args),
        Command::Report(args) => report::run(settings, args),
        Command::Sbom(args) => sbom::run(settings, args),
        Command::Fetch(args) => fetch::run(settings, args),
    }
}

/// Reads the workspace as every command does, and says what the user should know about
/// how it was read.
fn load_workspace<T: Send>(
    settings: &crate::cli::Settings,
    soup_use: crate::workspace::SoupUse,
    beside: impl FnOnce(&crate::graph::Graph) -> T + Send,
) -> Result<(crate::workspace::Workspace, T)> {
    let (workspace, extra) = crate::workspace::Workspace::load_with(settings, soup_use, beside)?;
    if !settings.quiet {
        for warning in workspace.warnings() {
            eprintln!("warning: {warning}");
        }
    }
    Ok((workspace, extra))
}

/// The workspace read under the edit lock of its soup.toml, for the commands that change
/// the file, which hold the lock until they have written: another cargo soup may have
/// written the file between the first read and the lock, and then it is read again.
fn load_for_edit(
    settings: &crate::cli::Settings,
    soup_use: crate::workspace::SoupUse,
) -> Result<(crate::workspace::Workspace, crate::atomic_file::EditLock)> {
    let (workspace, ()) = load_workspace(settings, soup_use, |_| ())?;
    let lock = crate::atomic_file::lock_for_edit(&workspace.soup_path)?;
    let now = std::fs::read_to_string(&workspace.soup_path).ok();
    if now.as_deref() == workspace.soup_exists.then_some(workspace.soup_text.as_str()) {
        return Ok((workspace, lock));
    }
    let (workspace, ()) = crate::workspace::Workspace::load_with(settings, soup_use, |_| ())?;
    Ok((workspace, lock))
}

/// How a command shows what the advisory data plan tells as it goes: warnings always,
/// progress unless `-q`; third-party text (a server's answer) shown, not sent.
fn print_notice(quiet: bool) -> impl Fn(crate::advisory_data::Notice) + Sync {
    move |notice| match notice {
        crate::advisory_data::Notice::Warning(text) => {
            eprintln!("warning: {}", crate::render::printable(&text));
        }
        crate::advisory_data::Notice::Progress(text) if !quiet => eprintln!("{}", crate::render::printable(&text)),
        crate::advisory_data::Notice::Progress(_) => {}
    }
}

/// Parses what a command is about to write, so a bug in cargo soup can never leave an
/// unreadable soup.toml behind.
fn verify_before_writing(file: &str, text: &str) -> Result<crate::sidecar::SoupFile> {
    crate::sidecar::parse(file, text).map_err(|err| {
        anyhow::anyhow!("cargo soup produced an invalid {file}, so nothing was written; please report this bug:\n{err}")
    })
}

/// The version of what is being documented: the root package's, else each member's.
/// The device software release the documents describe: `[document] release`, else the
/// root package's version, else the version every member shares.
fn release(soup: &crate::sidecar::SoupFile, graph: &crate::graph::Graph) -> Option<String> {
    if let Some(release) = &soup.document.release {
        return Some(release.clone());
    }
    let mut members = graph.members.iter().map(|&member| &graph.packages[member]);
    if let Some(root) = &graph.root_package
        && let Some(package) = members.clone().find(|package| &package.name == root)
    {
        return Some(package.version.to_string());
    }
    let first = members.next()?;
    members
        .all(|package| package.version == first.version)
        .then(|| first.version.to_string())
}

/// What the documents call the device: `[document] title`, else `[project] name`, else
/// the workspace's name.
fn product_name(soup: &crate::sidecar::SoupFile, graph: &crate::graph::Graph) -> String {
    soup.document
        .title
        .clone()
        .or_else(|| soup.project.name.clone())
        .unwrap_or_else(|| graph.name())
}

/// Writes a generated document to `--output` (atomically, saying so unless `-q`), or
/// to standard output.
fn emit(settings: &crate::cli::Settings, output: Option<&std::path::Path>, text: &str) -> Result<()> {
    use std::io::Write;
    match output {
        Some(path) => {
            crate::atomic_file::write_output(path, text)?;
            if !settings.quiet {
                eprintln!("wrote {}", crate::paths::display_path(path));
            }
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}
