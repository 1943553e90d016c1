//! `cargo soup fetch`.

use crate::cli::{FetchArgs, Settings};
use crate::fetch::Request;
use crate::fetch::store::{Kind, Store};
use crate::net::Client;
use crate::paths::display_path;
use anyhow::{Result, bail};

pub fn run(settings: &Settings, args: &FetchArgs) -> Result<i32> {
    if !settings.online {
        bail!(
            "`cargo soup fetch` downloads the advisory data and cargo soup is offline (--offline, --frozen or CARGO_SOUP_OFFLINE); run it where the network, or a mirror (--rustsec-url, --osv-url), is reachable"
        );
    }
    let Some(root) = settings.cache_dir.clone() else {
        bail!("no cache folder: CARGO_HOME is unknown; pass --cache-dir DIR or set CARGO_SOUP_CACHE");
    };
    let store = Store::new(&root);
    let client = Client::new()?;
    let urls = args.download.urls();
    let kinds = [(Kind::RustSec, args.no_rustsec), (Kind::Osv, args.no_osv)];
    let wanted: Vec<Kind> = kinds.iter().filter(|(_, off)| !off).map(|(kind, _)| *kind).collect();
    let seen: Vec<Option<String>> = wanted.iter().map(|&kind| crate::fetch::seen(&store, kind)).collect();
    for (&kind, seen) in wanted.iter().zip(&seen) {
        let request = Request {
            kind,
            urls: &urls,
            show_progress: !settings.quiet,
            seen: seen.as_deref(),
            force: args.force,
        };
        let fetched = crate::fetch::fetch(&store, &client, &request)?;
        if !settings.quiet {
            let current = &fetched.current;
            let folder = display_path(&root.join(&current.folder));
            if let Some(count) = fetched.count {
                let unreadable = match count.unreadable {
                    0 => String::new(),
                    some => format!("; {some} unreadable, which the audit reports"),
                };
                eprintln!(
                    "fetched the {} ({} records{unreadable}) from {} into {folder}",
                    kind.title(),
                    count.records,
                    current.url
                );
            } else {
                eprintln!(
                    "the {} in {folder} was fetched from {} by another cargo soup while this one waited; \
                     nothing was downloaded",
                    kind.title(),
                    current.url
                );
            }
        }
    }
    for kind in kinds.iter().filter(|(_, off)| *off).map(|(kind, _)| kind) {
        if !settings.quiet {
            eprintln!("skipped the {} (--no-{})", kind.title(), kind.name());
        }
    }
    Ok(0)
}
