//! Downloading the advisory databases into the cache folder: RustSec's advisory-db as a
//! `.tar.gz` of the repository, OSV's crates.io export as `crates.io/all.zip`. What
//! arrives is checked (size, entries, completeness, the layout of the data) in a new
//! folder before it replaces the current data, so a broken download changes nothing.

pub mod archive;
pub mod store;

use crate::advisories::osv::OsvDb;
use crate::advisories::rustsec::RustSecDb;
use crate::net::{Client, Progress};
use anyhow::{Context, Result, bail};
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
    /// What the download holds, when it was downloaded.
    pub count: Option<Count>,
}

/// The records of a download: advisories (RustSec) or OSV records, and how many of the
/// OSV records could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub records: usize,
    pub unreadable: usize,
}

/// One source to fetch, and how.
pub struct Request<'a> {
    pub kind: Kind,
    pub urls: &'a Urls,
    pub show_progress: bool,
    /// The folder of the current data as this cargo soup found it when it set out to
    /// fetch (`None`: there was none), so data another process installed meanwhile is
    /// told apart from data that was already there.
    pub seen: Option<&'a str>,
    /// Take a download that holds fewer than half the records of the data it replaces.
    pub force: bool,
}

/// The folder of the current data of `kind`, for `Request::seen`.
pub fn seen(store: &Store, kind: Kind) -> Option<String> {
    store.current(kind).map(|(current, _)| current.folder)
}

/// Downloads one source into the cache and makes it current, unless another cargo soup
/// installed it since `seen` (a parallel CI job; told by the record, not the clock, so
/// a fetch in the same second as the last one still downloads). With `show_progress` a
/// progress bar is drawn on standard error when that is a terminal.
pub fn fetch(store: &Store, client: &Client, request: &Request) -> Result<Fetched> {
    let kind = request.kind;
    let _lock = store.lock()?;
    let url = request.urls.of(kind);
    if let Some((current, _)) = store
        .current(kind)
        .filter(|(current, _)| Some(current.folder.as_str()) != request.seen && current.url == url)
    {
        return Ok(Fetched {
            current,
            downloaded: false,
            count: None,
        });
    }
    let bar = (request.show_progress && std::io::stderr().is_terminal()).then(|| ProgressBar::new(kind));
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
    let unpacked = unpack(kind, &bytes, &folder).and_then(|(data, count)| {
        let previous = store.current(kind).map(|(_, folder)| records_in(kind, &folder));
        check_plausible(kind, count, previous, request.force)?;
        Ok((data, count))
    });
    match unpacked {
        Ok((data, count)) => store
            .install(kind, &folder, &data, &url, &crate::digest::sha256_hex(&bytes))
            .map(|current| Fetched {
                current,
                downloaded: true,
                count: Some(count),
            })
            .with_context(unchanged),
        Err(err) => {
            let _ = std::fs::remove_dir_all(&folder);
            Err(err).with_context(unchanged)
        }
    }
}

/// Unpacks into `folder` and finds the data in it (the folder, or its one subfolder),
/// with the layout of its source, and counts its records. OSV records must be readable:
/// a zip of names ending in `.json` is not data.
fn unpack(kind: Kind, bytes: &[u8], folder: &Path) -> Result<(PathBuf, Count)> {
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
    let data = data.with_context(|| match kind {
        Kind::RustSec => "the archive is not the advisory-db repository: it has no `crates/` folder",
        Kind::Osv => "the archive holds no OSV records (*.json)",
    })?;
    let count = match kind {
        Kind::RustSec => Count {
            records: RustSecDb::open(&data)?.survey().total,
            unreadable: 0,
        },
        Kind::Osv => {
            let loaded = OsvDb::open(&data)?.load_where(&|_| true);
            let unreadable = loaded.unreadable.len();
            if unreadable == loaded.total {
                bail!(
                    "none of the {} *.json files in the archive is a readable OSV record ({})",
                    loaded.total,
                    loaded
                        .unreadable
                        .first()
                        .map_or_else(String::new, |first| first.reason.clone())
                );
            }
            Count {
                records: loaded.total - unreadable,
                unreadable,
            }
        }
    };
    Ok((data, count))
}

/// The records of data already in the cache, counted the cheap way (files).
fn records_in(kind: Kind, folder: &Path) -> usize {
    match kind {
        Kind::RustSec => RustSecDb::open(folder).map_or(0, |db| db.survey().total),
        Kind::Osv => std::fs::read_dir(folder).map_or(0, |entries| {
            entries
                .flatten()
                .filter(|entry| entry.path().extension().is_some_and(|extension| extension == "json"))
                .count()
        }),
    }
}

/// A database only grows: a download with fewer than half the records of the data it
/// would replace is a partial copy (a broken mirror, an archive cut short), and an
/// audit on it would report fewer problems than there are.
fn check_plausible(kind: Kind, count: Count, previous: Option<usize>, force: bool) -> Result<()> {
    match previous {
        Some(previous) if count.records * 2 < previous && !force => bail!(
            "the download holds {} {}, fewer than half of the {previous} in the data it would replace: it looks \
             like a partial copy. Check the mirror (--{}-url), or pass `cargo soup fetch --force` to take it anyway",
            count.records,
            match kind {
                Kind::RustSec => "advisories",
                Kind::Osv => "readable OSV records",
            },
            kind.name()
        ),
        _ => Ok(()),
    }
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
