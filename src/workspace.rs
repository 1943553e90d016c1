//! Everything a command reads about the workspace: the graph, soup.toml and the scope
//! they define together.

use crate::cli::Settings;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::graph::cache::{self, Provenance};
use crate::graph::platform::TargetCfg;
use crate::graph::scope::Scope;
use crate::graph::{Graph, toolchain};
use crate::paths::display_path;
use crate::sidecar::{self, SoupFile};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

pub struct Workspace {
    pub graph: Graph,
    pub soup: SoupFile,
    /// Where soup.toml is (or would be).
    pub soup_path: PathBuf,
    pub soup_exists: bool,
    /// The file as read, for commands that edit it.
    pub soup_text: String,
    pub scope: Scope,
    /// Whether the graph came from the cache, for `-v`.
    pub provenance: Provenance,
}

/// What a command needs of soup.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoupUse {
    /// Read it when it exists (`list`); every `name@LINE` key must match a locked
    /// version.
    Optional,
    /// It must exist, and every `name@LINE` key must match a locked version (`audit`,
    /// `review`).
    Required,
    /// It must exist; keys that match nothing are what the command reports and prunes
    /// (`sync`).
    Maintain,
    /// It must not exist yet (`init`).
    Create,
}

impl Workspace {
    /// Reads the graph and soup.toml, and runs `beside` on the graph as soon as it is
    /// there, while soup.toml is still being read: work that needs only the graph
    /// (reading the advisories of its crates) costs no time of its own.
    pub fn load_with<T: Send>(
        settings: &Settings,
        soup_use: SoupUse,
        beside: impl FnOnce(&Graph) -> T + Send,
    ) -> Result<(Self, T)> {
        // Read before cargo runs, so a syntax error is reported without waiting for the
        // graph.
        let explicit_soup = match (&settings.soup_file, soup_use) {
            (Some(path), SoupUse::Create) => {
                refuse_existing(path)?;
                None
            }
            (Some(path), _) => Some(read_soup(path, &path.display().to_string())?),
            (None, _) => None,
        };
        let options = &settings.metadata;
        let cache_dir = settings.cache_dir.as_deref().filter(|_| settings.graph_cache);
        // The default soup.toml is read while cargo metadata runs. Where it is depends
        // on the workspace root, so the nearest one above the manifest is read early and
        // used when it is the one at the root.
        let guessed = match (&settings.soup_file, soup_use) {
            (None, SoupUse::Optional | SoupUse::Required | SoupUse::Maintain) => {
                nearest_soup(settings.metadata.manifest_path.as_deref())
            }
            _ => None,
        };
        let (graph, early_soup) = std::thread::scope(|scope| {
            let graph = scope.spawn(|| {
                cache::load(options, cache_dir).map(|(graph, provenance)| {
                    let extra = beside(&graph);
                    (graph, provenance, extra)
                })
            });
            let early_soup = guessed.map(|path| {
                let loaded = read_soup(&path, &display_path(&path));
                (path, loaded)
            });
            (graph.join(), early_soup)
        });
        let graph = graph.map_err(|_| anyhow::anyhow!("reading the dependency graph failed unexpectedly"))?;
        // A broken soup.toml is the more useful message when cargo fails too.
        let (mut graph, provenance, extra) = match graph {
            Ok(loaded) => loaded,
            Err(err) => match explicit_soup {
                Some(loaded) if !loaded.problems.is_empty() => return Err(loaded.into_error().into()),
                _ => return Err(err),
            },
        };
        if let Some(version) = std::env::var_os(toolchain::VERSION_OVERRIDE) {
            let text = version.to_string_lossy();
            let version = semver::Version::parse(&text)
                .map_err(|err| anyhow::anyhow!("{}={text} is not a version: {err}", toolchain::VERSION_OVERRIDE))?;
            graph.toolchain = Some(toolchain::package(&version, None));
        }
        let soup_path = settings
            .soup_file
            .clone()
            .unwrap_or_else(|| graph.workspace_root.join("soup.toml"));
        let loaded = match explicit_soup {
            Some(loaded) => Some(loaded),
            None if soup_use == SoupUse::Create => {
                refuse_existing(&soup_path)?;
                None
            }
            None if soup_path.exists() => match early_soup {
                Some((path, loaded)) if same_file(&path, &soup_path) => Some(loaded?),
                _ => Some(read_soup(&soup_path, &display_path(&soup_path))?),
            },
            None if soup_use == SoupUse::Optional => None,
            None => bail!(
                "there is no {}; run `cargo soup init` to write one, or point --soup-file at it",
                display_path(&soup_path)
            ),
        };
        let (soup, soup_text, soup_exists) = match loaded {
            None => (SoupFile::default(), String::new(), false),
            Some(mut loaded) => {
                if matches!(soup_use, SoupUse::Optional | SoupUse::Required) {
                    let versions = |crate_name: &str| {
                        graph
                            .packages
                            .iter()
                            .filter(|package| package.name == crate_name)
                            .map(|package| &package.version)
                            .collect()
                    };
                    let problems = sidecar::check_version_lines(&loaded.soup, &loaded.name, &loaded.text, versions);
                    loaded.problems.extend(problems);
                }
                if !loaded.problems.is_empty() {
                    return Err(loaded.into_error().into());
                }
                let mut soup = loaded.soup;
                if matches!(soup_use, SoupUse::Optional | SoupUse::Required) && !soup.imports.is_empty() {
                    let cache = settings.cache_dir.as_deref();
                    crate::imports::apply(
                        &mut soup,
                        &soup_path,
                        cache,
                        settings.online,
                        crate::imports::Mode::Locked,
                    )?;
                }
                (soup, loaded.text, true)
            }
        };
        let targets = if settings.targets.is_empty() {
            soup.project.targets.clone()
        } else {
            Some(settings.targets.clone())
        };
        let targets = targets
            .map(|triples| {
                triples
                    .iter()
                    .map(|triple| TargetCfg::for_triple(triple))
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?;
        // Without the host rustc reports, host code is evaluated for the targets.
        let host = match (&targets, &graph.host) {
            (Some(_), Some(host)) => Some(TargetCfg::for_triple(host)?),
            _ => None,
        };
        let scope = Scope {
            kinds: soup.project.kinds.clone(),
            targets,
            host,
        };
        let workspace = Self {
            graph,
            soup,
            soup_path,
            soup_exists,
            soup_text,
            scope,
            provenance,
        };
        Ok((workspace, extra))
    }
}

impl Workspace {
    /// What the user should know about how the workspace was read, for the command to
    /// print: cargo writes a missing Cargo.lock, which is a project file.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.graph.created_lockfile {
            warnings.push(format!(
                "the workspace had no Cargo.lock, so `cargo metadata` wrote {}; commit it, since the SOUP \
                 list is what it locks (pass --locked to refuse instead)",
                display_path(&self.graph.workspace_root.join("Cargo.lock"))
            ));
        }
        warnings
    }

    /// What `-v` prints: the scope in force and where it came from.
    pub fn describe(&self) -> String {
        let kinds: Vec<&str> = self.scope.kinds.iter().map(|kind| kind.as_str()).collect();
        let targets = match &self.scope.targets {
            None => "every platform".to_string(),
            Some(targets) => {
                let triples: Vec<&str> = targets.iter().map(|target| target.triple.as_str()).collect();
                let host = self.scope.host.as_ref().map_or("", |host| host.triple.as_str());
                format!("{} (build scripts and proc-macros on host {host})", triples.join(", "))
            }
        };
        let soup = if self.soup_exists {
            format!("{} ({} entries)", self.soup_path.display(), self.soup.entries.len())
        } else {
            format!("none at {}", self.soup_path.display())
        };
        let graph = match &self.provenance {
            Provenance::Cache => "cached (no input changed since the last cargo metadata)".to_string(),
            Provenance::Metadata { reason } => format!("cargo metadata ({reason})"),
        };
        format!(
            "workspace: {}\ngraph: {graph}\nscope: kinds {}; targets {targets}\nsoup.toml: {soup}\n",
            self.graph.workspace_root.display(),
            kinds.join(", ")
        )
    }
}

/// A soup.toml as read, with the problems found in it so far.
struct LoadedSoup {
    soup: SoupFile,
    text: String,
    /// The name diagnostics use for it.
    name: String,
    problems: Vec<Diagnostic>,
}

impl LoadedSoup {
    fn into_error(mut self) -> Diagnostics {
        self.problems.sort_by(|a, b| a.location.cmp(&b.location));
        Diagnostics {
            file: self.name,
            items: self.problems,
        }
    }
}

fn read_soup(path: &Path, display_name: &str) -> Result<LoadedSoup> {
    if !path.exists() {
        bail!(
            "--soup-file {}: no such file; run `cargo soup init` to create one, or fix the path",
            path.display()
        );
    }
    let text = crate::user_file::read_text(path, display_name)?;
    let (soup, problems) = sidecar::parse_with_problems(display_name, &text)?;
    Ok(LoadedSoup {
        soup,
        text,
        name: display_name.to_string(),
        problems,
    })
}

/// The nearest `soup.toml` at or above the folder of the manifest cargo starts from.
fn nearest_soup(manifest_path: Option<&Path>) -> Option<PathBuf> {
    let start = match manifest_path {
        Some(manifest) => std::fs::canonicalize(manifest).ok()?.parent()?.to_path_buf(),
        None => std::env::current_dir().ok()?,
    };
    start
        .ancestors()
        .map(|folder| folder.join("soup.toml"))
        .find(|path| path.is_file())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn refuse_existing(path: &Path) -> Result<()> {
    if path.exists() {
        bail!(
            "{} already exists; nothing was written. `cargo soup sync` adds entries for new dependencies \
             to an existing file",
            display_path(path)
        );
    }
    Ok(())
}
