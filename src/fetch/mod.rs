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
use std::path::{Path, PathBuf};
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

/// What a fetch made current.
pub struct Fetched {
    pub current: Current,
    /// `false`: another cargo soup installed this data while this one waited for the
    /// cache's lock, so nothing was downloaded.
    pub downloaded: bool,
}

/// The folder of the current data of `kind` as this cargo soup found it when it set
/// out to fetch (`None`: there was none), so `fetch` can tell data another process
/// installed meanwhile from data that was already there.
pub fn seen(store: &Store, kind: Kind) -> Option<String> {
    store.current(kind).map(|(current, _)| current.folder)
}

/// Downloads one source into the cache and makes it current, unless another cargo soup
/// installed it since `seen` (a parallel CI job; told by the record, not the clock, so
/// a fetch in the same second as the last one still downloads). With `show_progress` a
/// progress bar is drawn on standard error when that is a terminal.
pub fn fetch(
    store: &Store,
    client: &Client,
    kind: Kind,
    urls: &Urls,
    show_progress: bool,
    seen: Option<&str>,
) -> Result<Fetched> {
    let _lock = store.lock()?;
    let url = urls.of(kind);
    if let Some((current, _)) = store
        .current(kind)
        .filter(|(current, _)| Some(current.folder.as_str()) != seen && current.url == url)
    {
        return Ok(Fetched {
            current,
            downloaded: false,
        });
    }
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
    match unpack(kind, &bytes, &folder) {
        Ok(data) => store
            .install(kind, &folder, &data, &url)
            .map(|current| Fetched {
                current,
                downloaded: true,
            })
            .with_context(unchanged),
        Err(err) => {
            let _ = std::fs::remove_dir_all(&folder);
            Err(err).with_context(unchanged)
        }
    }
}

/// Unpacks into `folder` and finds the data in it (the folder, or its one subfolder),
/// with the layout of its source.
fn unpack(kind: Kind, bytes: &[u8], folder: &Path) -> Result<PathBuf> {
    let limits = archive::Limits::default();
    let data = match kind {
        Kind::RustSec => {
            archive::unpack_tar_gz(bytes, folder, limits)?;
            archive::data_root(folder, |candidate| RustSecDb::open(candidate).is_ok())
        }
        Kind::Osv => {
            archive::unpack_zip(bytes, folder, limits)?;
            archive::data_root(folder, |candidate| OsvDb::open(candidate).is_ok())
        }
    };
    data.with_context(|| match kind {
        Kind::RustSec => "the archive is not the advisory-db repository: it has no `crates/` folder",
        Kind::Osv => "the archive holds no OSV records (*.json)",
    })
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
                indicatif::ProgressStyle::with_template("{msg} [{bar:24}] {bytes}/{total_bytes}")
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
