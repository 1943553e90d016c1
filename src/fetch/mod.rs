//! Downloading the advisory databases into the cache folder: RustSec's advisory-db as a
//! `.tar.gz` of the repository, OSV's crates.io export as `crates.io/all.zip`. What
//! arrives is checked (size, entries, completeness, the layout of the data) in a new
//! folder before it replaces the current data, so a broken download changes nothing.

pub mod archive;
pub mod store;

use crate::advisories::osv::OsvDb;
use crate::advisories::rustsec::RustSecDb;
use crate::net::{Client, Progress};
use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::path::Path;
use store::{Current, Kind, Store};

pub const DEFAULT_RUSTSEC_URL: &str = "https://github.com/rustsec/advisory-db/archive/refs/heads/main.tar.gz";
pub const DEFAULT_OSV_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The most a download may be: advisory-db is a few MiB packed, OSV's crates.io
/// export some tens.
const DOWNLOAD_LIMIT: u64 = 512 << 20;

/// Where the data is downloaded from.
#[derive(Debug, Clone)]
pub struct Urls {
    pub rustsec: String,
    /// The base under which `crates.io/all.zip` lives.
    pub osv: String,
}

impl Urls {
    pub fn of(&self, kind: Kind) -> String {
        match kind {
            Kind::RustSec => self.rustsec.clone(),
            Kind::Osv => format!("{}/crates.io/all.zip", self.osv.trim_end_matches('/')),
        }
    }
}

/// Downloads one source into the cache and makes it current. With `show_progress` a
/// progress bar is drawn on standard error when that is a terminal.
pub fn fetch(store: &Store, client: &Client, kind: Kind, urls: &Urls, show_progress: bool) -> Result<Current> {
    let _lock = store.lock()?;
    let url = urls.of(kind);
    let bar = (show_progress && std::io::stderr().is_terminal()).then(|| ProgressBar::new(kind));
    let bytes = match &bar {
        Some(bar) => client.get(&url, DOWNLOAD_LIMIT, bar),
        None => client.get(&url, DOWNLOAD_LIMIT, &()),
    };
    if let Some(bar) = &bar {
        bar.0.finish_and_clear();
    }
    let unchanged = || {
        format!(
            "could not fetch the {} from {url}; the cache in {} is unchanged",
            kind.title(),
            store.root().display()
        )
    };
    let bytes = bytes.with_context(unchanged)?;
    let folder = store.staging(kind).with_context(unchanged)?;
    let checked = unpack(kind, &bytes, &folder);
    if let Err(err) = checked {
        let _ = std::fs::remove_dir_all(&folder);
        return Err(err).with_context(unchanged);
    }
    store.install(kind, &folder, &url).with_context(unchanged)
}

/// Unpacks and checks that the result has the layout of its source.
fn unpack(kind: Kind, bytes: &[u8], folder: &Path) -> Result<()> {
    let limits = archive::Limits::default();
    match kind {
        Kind::RustSec => {
            archive::unpack_tar_gz(bytes, folder, limits)?;
            RustSecDb::open(folder).context("the archive is not the advisory-db repository")?;
        }
        Kind::Osv => {
            archive::unpack_zip(bytes, folder, limits)?;
            OsvDb::open(folder).context("the archive holds no OSV records")?;
        }
    }
    Ok(())
}

struct ProgressBar(indicatif::ProgressBar);

impl ProgressBar {
    fn new(kind: Kind) -> Self {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(format!("fetching the {}", kind.title()));
        Self(bar)
    }
}

impl Progress for ProgressBar {
    fn start(&self, length: Option<u64>) {
        if let Some(length) = length {
            self.0.set_length(length);
            self.0.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
        }
        self.0.set_position(0);
    }

    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
}
