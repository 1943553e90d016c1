//! `cargo soup init`.

use crate::atomic_file;
use crate::cli::{InitArgs, Settings};
use crate::paths::display_path;
use crate::plans::{maintain, template};
use crate::workspace::SoupUse;
use anyhow::Result;

pub fn run(settings: &Settings, args: &InitArgs) -> Result<i32> {
    let (workspace, _lock) = super::load_for_edit(settings, SoupUse::Create)?;
    let graph = &workspace.graph;
    let name = graph.name();
    let members: Vec<String> = graph
        .members
        .iter()
        .map(|&member| graph.packages[member].name.clone())
        .collect();
    let about = template::Workspace {
        name: &name,
        members: &members,
        targets: (!settings.targets.is_empty()).then_some(settings.targets.as_slice()),
    };
    let init = maintain::init(graph, &workspace.scope, &about, args.group)?;
    let file = display_path(&workspace.soup_path);
    super::verify_before_writing(&file, &init.text)?;
    atomic_file::create_new(&workspace.soup_path, &init.text)?;
    if !settings.quiet {
        eprintln!(
            "wrote {file}: {} entries for {} SOUP items ({} direct, {} transitive); every judgement is a \"TODO\".\n\
             Next: fill in the TODOs, then run `cargo soup audit` to see what is still missing.",
            init.entries,
            init.items,
            init.direct,
            init.entries - init.direct
        );
    }
    Ok(0)
}
