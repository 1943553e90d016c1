//! `cargo soup import`.

use crate::cli::{ImportArgs, Settings};
use crate::imports::{self, Mode};
use crate::workspace::SoupUse;
use anyhow::{Result, bail};

pub fn run(settings: &Settings, args: &ImportArgs) -> Result<i32> {
    let mut workspace = super::load_workspace(settings, SoupUse::Maintain, |_| ())?.0;
    if workspace.soup.imports.is_empty() {
        bail!(
            "{} names no library; add one, e.g. [imports.company] with path = \"../soup-library/library.toml\" or \
             url = \"https://...\"",
            crate::paths::display_path(&workspace.soup_path)
        );
    }
    let mode = if args.update { Mode::Update } else { Mode::Locked };
    let cache = settings.cache_dir.as_deref();
    let applied = imports::apply(&mut workspace.soup, &workspace.soup_path, cache, settings.online, mode)?;
    if settings.quiet {
        return Ok(0);
    }
    for pinned in &applied.lock {
        println!(
            "{}: {} ({} entries), sha256 {}",
            pinned.name,
            pinned.location,
            pinned.entries.len(),
            pinned.sha256
        );
    }
    for change in &workspace.soup.import_changes {
        println!(
            "  {} library: [soup.{}] {} since soup.lock; review it, then `cargo soup import --update`",
            change.import,
            crate::sidecar::toml_key(&change.entry),
            change.what
        );
    }
    let lock = crate::paths::display_path(&imports::lock_path(&workspace.soup_path));
    match applied.wrote {
        true => println!("wrote {lock}"),
        false => println!("{lock} is up to date"),
    }
    Ok(0)
}
