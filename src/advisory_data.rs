//! Which advisory data a command reads, and getting it. A source named on the command
//! line or in the environment (`--advisory-db`, `--osv-db`, `--osv-api`) is used as it
//! is; otherwise the cache folder that `fetch` fills, downloaded first when it is
//! missing or older than `advisory-max-age`, unless cargo soup is offline.

use crate::advisories::osv::OsvDb;
use crate::advisories::osv_api::OsvApi;
use crate::advisories::rustsec::RustSecDb;
use crate::advisories::{Provenance, SourceData};
use crate::audit::AdvisoryData;
use crate::cli::{AdvisoryArgs, Settings};
use crate::date::{Date, Duration};
use crate::fetch::store::{Current, Kind, Store};
use crate::net::Client;
use crate::paths::display_path;
use crate::registry::IndexCheck;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Whether the data came from the cache (and when it was fetched) or as given.
enum Origin {
    Given,
    Cached(Current),
}

enum Osv {
    Folder(OsvDb, Origin),
    Api(String),
}

/// Whether a missing cache is downloaded (the audit) or simply not used (review,
/// export).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    IfPresent,
}

/// What the plan has to tell the user as it goes. The library does not print: the
/// command that made the plan decides how (and whether, under `-q`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A download is starting.
    Progress(String),
    Warning(String),
}

pub struct Plan<'a> {
    settings: &'a Settings,
    notify: &'a (dyn Fn(Notice) + Sync),
    args: &'a AdvisoryArgs,
    store: Option<Store>,
    rustsec: Option<(RustSecDb, Origin)>,
    osv: Option<Osv>,
    /// Sources that should have been read but had no data (offline, or the download
    /// failed), with why; the audit goes on with the other and reports these.
    unavailable: Vec<(Kind, String)>,
    client: OnceLock<Client>,
}

impl<'a> Plan<'a> {
    pub fn new(
        settings: &'a Settings,
        args: &'a AdvisoryArgs,
        need: Need,
        notify: &'a (dyn Fn(Notice) + Sync),
    ) -> Result<Self> {
        let mut plan = Self {
            settings,
            notify,
            args,
            store: settings.cache_dir.as_ref().map(|root| Store::new(root)),
            rustsec: None,
            osv: None,
            unavailable: Vec::new(),
            client: OnceLock::new(),
        };
        // A folder named on the command line must be right; the cache may be missing.
        let mut missing = Vec::new();
        if !args.no_rustsec {
            plan.rustsec = match &args.advisory_db {
                Some(dir) => Some((RustSecDb::open(dir)?, Origin::Given)),
                None => plan.open_cached(Kind::RustSec, need, &mut missing, RustSecDb::open),
            };
        }
        if !args.no_osv {
            plan.osv = match (&args.osv_api, &args.osv_db) {
                (Some(url), _) => Some(Osv::Api(url.clone())),
                (None, Some(dir)) => Some(Osv::Folder(OsvDb::open(dir)?, Origin::Given)),
                (None, None) => plan
                    .open_cached(Kind::Osv, need, &mut missing, OsvDb::open)
                    .map(|(db, origin)| Osv::Folder(db, origin)),
            };
        }
        // Without any data there is no audit; with one source there is, and the other's
        // absence becomes a finding rather than a silent gap.
        if plan.rustsec.is_none() && plan.osv.is_none() {
            if let Some((_, err)) = missing.into_iter().next() {
                return Err(err);
            }
            return Ok(plan);
        }
        for (kind, err) in missing {
            (plan.notify)(Notice::Warning(format!(
                "{err:#}\n  the audit goes on with the other source and reports the missing one"
            )));
            plan.unavailable.push((kind, format!("{err:#}")));
        }
        Ok(plan)
    }

    /// The sources that had no data, by name (`rustsec`, `osv`), with why.
    pub fn unavailable(&self) -> Vec<(&'static str, String)> {
        self.unavailable
            .iter()
            .map(|(kind, reason)| (kind.name(), reason.clone()))
            .collect()
    }

    /// The source opened from the cache; what cannot be had is added to `missing`.
    fn open_cached<T>(
        &self,
        kind: Kind,
        need: Need,
        missing: &mut Vec<(Kind, anyhow::Error)>,
        open: impl Fn(&std::path::Path) -> Result<T>,
    ) -> Option<(T, Origin)> {
        match self.cached(kind, need) {
            Ok(found) => found.and_then(|(current, folder)| Some((open(&folder).ok()?, Origin::Cached(current)))),
            Err(err) => {
                missing.push((kind, err));
                None
            }
        }
    }

    /// The cache's current data of a source; when it has none and the data is
    /// required, downloaded now, or an error naming the ways to provide it.
    fn cached(&self, kind: Kind, need: Need) -> Result<Option<(Current, std::path::PathBuf)>> {
        if let Some(current) = self.store.as_ref().and_then(|store| store.current(kind)) {
            return Ok(Some(current));
        }
        if need == Need::IfPresent {
            return Ok(None);
        }
        let (flag, env, off) = match kind {
            Kind::RustSec => ("--advisory-db DIR", "CARGO_SOUP_ADVISORY_DB", "--no-rustsec"),
            Kind::Osv => ("--osv-db DIR (or --osv-api URL)", "CARGO_SOUP_OSV_DB", "--no-osv"),
        };
        let Some(store) = self.store.as_ref() else {
            bail!(
                "no {} and no cache folder (CARGO_HOME is unknown): pass {flag} or set {env}, set \
                 --cache-dir, or audit without it with {off} (the output then says it was skipped)",
                kind.title()
            );
        };
        if !self.settings.online {
            bail!(
                "no {} in the cache folder {} and cargo soup is offline (--offline, --frozen or \
                 CARGO_SOUP_OFFLINE): run `cargo soup fetch` while online, pass {flag} or set {env}, or audit without it with {off} (the output then says it was \
                 skipped)",
                kind.title(),
                display_path(store.root())
            );
        }
        self.fetch(store, kind, None, "the cache has none").with_context(|| {
            format!(
                "the audit needs the {}: fix the download (--{}-url, CARGO_SOUP_{}_URL for a mirror), pass \
                 {flag}, or audit without it with {off}",
                kind.title(),
                kind.name(),
                kind.name().to_ascii_uppercase()
            )
        })?;
        Ok(store.current(kind))
    }

    /// Fetches `kind` unless another cargo soup replaced `seen` (the data found) meanwhile.
    fn fetch(&self, store: &Store, kind: Kind, seen: Option<&str>, why: &str) -> Result<Current> {
        let urls = self.args.download.urls();
        (self.notify)(Notice::Progress(format!(
            "fetching the {} from {} ({why})",
            kind.title(),
            urls.of(kind)
        )));
        let request = crate::fetch::Request {
            kind,
            urls: &urls,
            show_progress: !self.settings.quiet,
            seen,
            force: false,
        };
        crate::fetch::fetch(store, self.client()?, &request).map(|fetched| fetched.current)
    }

    fn client(&self) -> Result<&Client> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = Client::new()?;
        Ok(self.client.get_or_init(|| client))
    }

    /// Downloads again the cached sources fetched longer than `max_age` ago, when
    /// online. A failed download keeps the old data (the audit then reports it as
    /// stale) and says why. True when some data changed.
    pub fn refresh(&mut self, max_age: Duration) -> bool {
        let Some(store) = self.store.as_ref().filter(|_| self.settings.online) else {
            return false;
        };
        let today = Date::today();
        // The stale data's folder, when the source is cached and stale.
        let stale = |origin: &Origin| match origin {
            Origin::Cached(current) if current.fetched_on().plus(max_age) < today => Some(current.folder.clone()),
            _ => None,
        };
        let mut changed = false;
        let why = format!("older than advisory-max-age, {max_age}");
        let renew = |kind: Kind, seen: String| match self.fetch(store, kind, Some(&seen), &why) {
            Ok(_) => store.current(kind),
            Err(err) => {
                (self.notify)(Notice::Warning(format!(
                    "{err:#}; the audit goes on with the data fetched before"
                )));
                None
            }
        };
        let rustsec_stale = self.rustsec.as_ref().and_then(|(_, origin)| stale(origin));
        let osv_stale = match &self.osv {
            Some(Osv::Folder(_, origin)) => stale(origin),
            _ => None,
        };
        let new_rustsec = rustsec_stale.and_then(|seen| renew(Kind::RustSec, seen));
        let new_osv = osv_stale.and_then(|seen| renew(Kind::Osv, seen));
        if let Some((current, folder)) = new_rustsec
            && let Ok(db) = RustSecDb::open(&folder)
        {
            self.rustsec = Some((db, Origin::Cached(current)));
            changed = true;
        }
        if let Some((current, folder)) = new_osv
            && let Ok(db) = OsvDb::open(&folder)
        {
            self.osv = Some(Osv::Folder(db, Origin::Cached(current)));
            changed = true;
        }
        changed
    }

    /// Whether there is RustSec data or an OSV folder to read.
    pub fn has_local_data(&self) -> bool {
        self.rustsec.is_some() || matches!(self.osv, Some(Osv::Folder(..)))
    }

    /// The local data (RustSec and an OSV folder) about the named crates, read side by
    /// side, each dated by its fetch when it came from the cache, else by its newest
    /// advisory.
    pub fn load_local(&self, names: &BTreeSet<&str>) -> Vec<SourceData> {
        std::thread::scope(|scope| {
            let rustsec = self.rustsec.as_ref().map(|(db, origin)| {
                scope.spawn(move || {
                    let mut data = db.load(names.iter().copied());
                    let survey = db.survey();
                    data.total = survey.total;
                    data.updated = fetched(origin).or(survey.updated);
                    data.provenance = provenance(origin, survey.updated, db.root());
                    data
                })
            });
            let osv = match &self.osv {
                Some(Osv::Folder(db, origin)) => {
                    let mut data = db.load(names.iter().copied());
                    data.provenance = provenance(origin, data.updated, db.root());
                    data.updated = fetched(origin).or(data.updated);
                    Some(data)
                }
                _ => None,
            };
            let rustsec = rustsec.and_then(|handle| handle.join().ok());
            rustsec.into_iter().chain(osv).collect()
        })
    }

    /// With `--osv-api`, the advisories the API knows for the given crates.io
    /// `(name, version)` pairs; the API is live, so the data has no age.
    pub fn query_api(&self, packages: &[(&str, String)]) -> Result<Option<SourceData>> {
        let Some(Osv::Api(url)) = &self.osv else {
            return Ok(None);
        };
        if !self.settings.online {
            bail!(
                "--osv-api {url} needs the network, and cargo soup is offline; use --osv-db DIR or the cache instead"
            );
        }
        let cache = self.store.as_ref().map(|store| store.root().join("osv-api"));
        if let Some(cache) = &cache {
            // Without a cache the records are simply asked for again next time.
            let _ = std::fs::create_dir_all(cache);
        }
        OsvApi::new(url, self.client()?, cache).load(packages).map(Some)
    }

    /// The JSON `advisory_data` rows of the sources not read: switched off, or without
    /// data.
    pub fn skipped(&self) -> Vec<AdvisoryData> {
        let reason = |kind: Kind| {
            self.unavailable
                .iter()
                .any(|(missing, _)| *missing == kind)
                .then(|| "no data".to_string())
        };
        let mut skipped = Vec::new();
        if self.rustsec.is_none() {
            skipped.push(AdvisoryData::skipped("rustsec", reason(Kind::RustSec)));
        }
        if self.osv.is_none() {
            skipped.push(AdvisoryData::skipped("osv", reason(Kind::Osv)));
        }
        skipped
    }

    /// What the registry index says of each `(name, version)`: asked online
    /// (revalidating the copies in the cache folder), read from Cargo's index cache
    /// offline; `None` when there is nothing to ask about.
    pub fn index_check(&self, packages: &[(&str, String)], root: &std::path::Path) -> Result<Option<IndexCheck>> {
        if packages.is_empty() {
            return Ok(None);
        }
        let index_url = self.index_url(root);
        if !self.settings.online || !index_url.starts_with("sparse+http") && !index_url.starts_with("http") {
            return Ok(self.cached_index(packages, root));
        }
        crate::registry::check(self.client()?, &index_url, packages, self.settings.cache_dir.as_deref())
            .with_context(|| {
                format!(
                    "could not check for yanked versions at {index_url}: point --index-url (CARGO_SOUP_INDEX_URL) at \
                     a reachable sparse index or mirror, or run with --offline to read Cargo's index cache"
                )
            })
            .map(Some)
    }

    /// The registry facts already kept (by an earlier online audit, or by Cargo), for
    /// the commands that never ask the network for them.
    pub fn cached_index(&self, packages: &[(&str, String)], root: &std::path::Path) -> Option<IndexCheck> {
        let cache = self.settings.cache_dir.as_deref();
        (!packages.is_empty()).then(|| crate::registry::from_cache(&self.index_url(root), packages, cache))
    }

    /// The index asked: `--index-url`, or the mirror Cargo's configuration names.
    pub fn index_url(&self, root: &std::path::Path) -> String {
        crate::registry::effective_url(&self.args.index_url, root)
    }
}

/// What the record can say of where the data came from: the download (when, from where,
/// its digest) for the cache, the commit for a folder that is a git checkout of its own.
fn provenance(origin: &Origin, newest: Option<Date>, folder: &std::path::Path) -> Provenance {
    match origin {
        Origin::Cached(current) => Provenance {
            newest,
            fetched: Some(crate::date::timestamp(current.fetched)),
            url: Some(current.url.clone()),
            sha256: current.sha256.clone(),
            commit: None,
        },
        Origin::Given => Provenance {
            newest,
            commit: crate::changes::checkout_commit(folder),
            ..Provenance::default()
        },
    }
}

fn fetched(origin: &Origin) -> Option<Date> {
    match origin {
        Origin::Given => None,
        Origin::Cached(current) => Some(current.fetched_on()),
    }
}
