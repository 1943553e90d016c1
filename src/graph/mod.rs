//! The resolved dependency graph: one `cargo metadata` call, reduced to what a SOUP
//! list needs, plus the checksums from `Cargo.lock`.

pub mod cache;
mod lockfile;
pub mod platform;
pub mod scope;
pub mod toolchain;

use crate::license::License;
use anyhow::{Result, bail};
use cargo_metadata::cargo_platform::Platform;
use cargo_metadata::{CargoOpt, DependencyKind, MetadataCommand};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use lockfile::Lockfile;

/// How a dependency edge is declared, in the order in which it taints a path: a
/// package reached through a build-dependency is only needed to build, one reached
/// through a dev-dependency only to test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DepKind {
    Normal,
    Build,
    Dev,
}

impl DepKind {
    pub const ALL: [DepKind; 3] = [DepKind::Normal, DepKind::Build, DepKind::Dev];

    pub fn as_str(self) -> &'static str {
        match self {
            DepKind::Normal => "normal",
            DepKind::Build => "build",
            DepKind::Dev => "dev",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    fn from_cargo(kind: &DependencyKind) -> Self {
        match kind {
            DependencyKind::Build => DepKind::Build,
            DependencyKind::Development => DepKind::Dev,
            _ => DepKind::Normal,
        }
    }
}

/// Where a package comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// A registry, with Cargo's source id (`registry+URL` or `sparse+URL`).
    Registry { id: String },
    /// A git repository at a commit; `reference` is the branch, tag or rev asked for.
    Git {
        url: String,
        reference: Option<String>,
        commit: String,
    },
    /// A path dependency outside the workspace, relative to the workspace root where
    /// that is possible (so that lists do not depend on where the checkout lives).
    Path { path: String },
    /// The Rust toolchain that builds the workspace: its `std`, `core`, `alloc` and
    /// `proc_macro` ship in every binary. A nightly's version (`1.97.0-nightly`) stays
    /// the same from one night to the next: its commit tells them apart.
    Toolchain { commit: Option<Commit> },
}

/// The commit a toolchain was built from, as `rustc -vV` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    pub hash: String,
    pub date: Option<String>,
}

const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";
const CRATES_IO_SPARSE: &str = "sparse+https://index.crates.io/";

/// Whether a registry source id is crates.io, over git or the sparse protocol.
pub fn is_crates_io(id: &str) -> bool {
    id == CRATES_IO || id == CRATES_IO_SPARSE
}

impl Source {
    fn from_cargo(repr: Option<&str>, manifest_path: &Path, workspace_root: &Path) -> Self {
        match repr {
            Some(repr) if repr.starts_with("git+") => {
                let rest = &repr["git+".len()..];
                let (location, commit) = rest.split_once('#').unwrap_or((rest, ""));
                let (url, reference) = match location.split_once('?') {
                    Some((url, query)) => (url, Some(query.to_string())),
                    None => (location, None),
                };
                Source::Git {
                    url: url.to_string(),
                    reference,
                    commit: commit.to_string(),
                }
            }
            Some(repr) => Source::Registry { id: repr.to_string() },
            None => {
                let dir = manifest_path.parent().unwrap_or(manifest_path);
                Source::Path {
                    path: relative_path(dir, workspace_root),
                }
            }
        }
    }

    /// Cargo's own spelling for registries and git; `path+` and a relative path for
    /// path dependencies.
    pub fn id(&self) -> String {
        match self {
            Source::Registry { id } => id.clone(),
            Source::Git { url, reference, commit } => match reference {
                Some(reference) => format!("git+{url}?{reference}#{commit}"),
                None => format!("git+{url}#{commit}"),
            },
            Source::Path { path } => format!("path+{path}"),
            Source::Toolchain { .. } => "toolchain".to_string(),
        }
    }

    /// The short form for tables and documents.
    pub fn display(&self) -> String {
        match self {
            Source::Registry { id } if is_crates_io(id) => "crates.io".into(),
            Source::Registry { id } => id
                .trim_start_matches("registry+")
                .trim_start_matches("sparse+")
                .to_string(),
            Source::Git { url, commit, .. } => {
                format!("git {url} @ {}", commit.chars().take(10).collect::<String>())
            }
            Source::Path { path } => format!("path {path}"),
            Source::Toolchain { .. } => "toolchain".to_string(),
        }
    }

    pub fn is_toolchain(&self) -> bool {
        matches!(self, Source::Toolchain { .. })
    }

    /// The commit the code is built from, where the source names one: a git
    /// dependency's locked commit, the toolchain's `commit-hash`.
    pub fn commit(&self) -> Option<&str> {
        match self {
            Source::Git { commit, .. } => Some(commit),
            Source::Toolchain { commit } => commit.as_ref().map(|commit| commit.hash.as_str()),
            _ => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Source::Registry { .. } => "registry",
            Source::Git { .. } => "git",
            Source::Path { .. } => "path",
            Source::Toolchain { .. } => "toolchain",
        }
    }

    /// The source as `Cargo.lock` records it (`None` for path packages).
    pub fn lock_id(&self) -> Option<String> {
        match self {
            Source::Path { .. } | Source::Toolchain { .. } => None,
            _ => Some(self.id()),
        }
    }
}

/// `path` relative to `base`, with `..` where it lies beside it.
pub fn relative_path(path: &Path, base: &Path) -> String {
    let path_parts: Vec<_> = path.components().collect();
    let base_parts: Vec<_> = base.components().collect();
    let common = path_parts.iter().zip(&base_parts).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return path.display().to_string();
    }
    let mut relative = PathBuf::new();
    for _ in common..base_parts.len() {
        relative.push("..");
    }
    for part in &path_parts[common..] {
        relative.push(part);
    }
    if relative.as_os_str().is_empty() {
        ".".into()
    } else {
        relative.display().to_string().replace('\\', "/")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    pub version: semver::Version,
    pub source: Source,
    pub checksum: Option<String>,
    /// Line of the package in `Cargo.lock`, when it is there.
    pub lock_line: Option<usize>,
    pub license: Option<License>,
    pub license_file: Option<String>,
    pub repository: Option<String>,
    pub authors: Vec<String>,
    pub description: Option<String>,
    /// The `links` key: the native library a `-sys` crate links.
    pub links: Option<String>,
    /// For a `-sys` crate with a `bundled` or `vendored` feature: whether the native
    /// library is built from the crate's own copy (the feature is on) or taken from
    /// the system.
    pub bundling: Option<Bundling>,
    pub is_member: bool,
    /// A proc-macro runs in the compiler on the build host, so its dependencies are
    /// resolved for the host, not the device target.
    pub is_proc_macro: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundling {
    /// The feature that bundles the library (`bundled`, `vendored`, `bundled-sqlcipher`).
    pub feature: String,
    pub enabled: bool,
}

/// The bundling feature a crate offers, and whether it is on: the first enabled one,
/// else the first offered.
fn bundling<'f>(offered: impl Iterator<Item = &'f str>, enabled: Option<&Vec<&str>>) -> Option<Bundling> {
    let mut offered: Vec<&str> = offered
        .filter(|name| name.contains("bundled") || name.contains("vendored"))
        .collect();
    offered.sort_unstable();
    let is_on = |name: &&str| enabled.is_some_and(|enabled| enabled.contains(name));
    let feature = offered.iter().find(|name| is_on(name)).or(offered.first())?;
    Some(Bundling {
        feature: feature.to_string(),
        enabled: is_on(feature),
    })
}

/// A target of a workspace member: the test binary a `verified-by` path names.
/// Ordered as `cargo test` runs them: by package, then kind, then name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Target {
    pub package: String,
    pub kind: TargetKind,
    pub name: String,
    /// The package's folder relative to the workspace root, `/`-separated; empty for a
    /// package at the root.
    pub dir: String,
    /// The target's root source file relative to the package's folder.
    pub src_path: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TargetKind {
    Lib,
    Bin,
    Test,
    Bench,
    Example,
}

impl TargetKind {
    fn from_cargo(kinds: &[cargo_metadata::TargetKind]) -> Option<Self> {
        use cargo_metadata::TargetKind as Cargo;
        kinds.iter().find_map(|kind| match kind {
            Cargo::Lib | Cargo::RLib | Cargo::DyLib | Cargo::CDyLib | Cargo::StaticLib | Cargo::ProcMacro => {
                Some(Self::Lib)
            }
            Cargo::Bin => Some(Self::Bin),
            Cargo::Test => Some(Self::Test),
            Cargo::Bench => Some(Self::Bench),
            Cargo::Example => Some(Self::Example),
            _ => None,
        })
    }
}

/// The members' targets, sorted as `cargo test` runs them.
fn member_targets(metadata: &cargo_metadata::Metadata, workspace_root: &Path) -> Vec<Target> {
    let mut targets: Vec<Target> = metadata
        .workspace_packages()
        .into_iter()
        .flat_map(|package| {
            let root = package
                .manifest_path
                .parent()
                .map(|dir| dir.as_std_path())
                .unwrap_or(workspace_root);
            let dir = match relative_path(root, workspace_root).as_str() {
                "." => String::new(),
                dir => dir.to_string(),
            };
            package.targets.iter().filter_map(move |target| {
                Some(Target {
                    package: package.name.to_string(),
                    kind: TargetKind::from_cargo(&target.kind)?,
                    name: target.name.clone(),
                    dir: dir.clone(),
                    src_path: relative_path(target.src_path.as_std_path(), root),
                })
            })
        })
        .collect();
    targets.sort();
    targets
}

/// One resolved dependency edge: how the parent declares the child, per platform.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Edge {
    pub to: usize,
    pub kinds: Vec<(DepKind, Option<Platform>)>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Graph {
    pub workspace_root: PathBuf,
    /// The package of the root manifest, unless the workspace is virtual.
    pub root_package: Option<String>,
    /// The Rust toolchain as a SOUP item, when `rustc -vV` told its version.
    pub toolchain: Option<Package>,
    /// The build host `rustc -vV` reports: where build scripts and proc-macros run.
    pub host: Option<String>,
    pub packages: Vec<Package>,
    /// Outgoing edges, by package index.
    pub edges: Vec<Vec<Edge>>,
    /// Indices of workspace members, in name order.
    pub members: Vec<usize>,
    /// The members' targets, in the order `cargo test` runs their tests.
    pub targets: Vec<Target>,
    /// `cargo metadata` wrote a Cargo.lock the workspace did not have (never cached: the
    /// next run sees the file).
    #[serde(skip)]
    pub created_lockfile: bool,
}

/// What a user can pass on to `cargo metadata`.
#[derive(Debug, Clone, Default)]
pub struct MetadataOptions {
    pub manifest_path: Option<PathBuf>,
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    pub locked: bool,
    pub offline: bool,
    pub frozen: bool,
}

impl Graph {
    pub fn load(options: &MetadataOptions) -> Result<Self> {
        let mut command = MetadataCommand::new();
        if let Some(path) = &options.manifest_path {
            check_manifest_path(path)?;
            command.manifest_path(path);
        }
        if options.all_features {
            command.features(CargoOpt::AllFeatures);
        }
        if options.no_default_features {
            command.features(CargoOpt::NoDefaultFeatures);
        }
        if !options.features.is_empty() {
            command.features(CargoOpt::SomeFeatures(options.features.clone()));
        }
        let flags = [
            (options.locked, "--locked"),
            (options.offline, "--offline"),
            (options.frozen, "--frozen"),
        ];
        command.other_options(
            flags
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, flag)| flag.to_string())
                .collect::<Vec<_>>(),
        );
        // rustc -vV runs beside cargo metadata, in the workspace, so that
        // rust-toolchain.toml and RUSTC pick the toolchain as Cargo would.
        let folder = options
            .manifest_path
            .as_ref()
            .and_then(|path| path.parent())
            .filter(|folder| !folder.as_os_str().is_empty())
            .map(Path::to_path_buf);
        let start = folder.clone().or_else(|| std::env::current_dir().ok());
        let locks_before = existing_lockfiles(start.as_deref());
        let rustc = std::thread::spawn(move || toolchain::rustc(folder.as_deref()));
        let metadata = command.exec().map_err(|err| match err {
            cargo_metadata::Error::CargoMetadata { stderr } => metadata_error(&stderr),
            other => {
                anyhow::Error::new(other).context("could not run `cargo metadata`; is cargo on PATH (or $CARGO set)?")
            }
        })?;
        let lock_path = metadata.workspace_root.as_std_path().join("Cargo.lock");
        let lockfile = Lockfile::read(&lock_path)?;
        let mut graph = Self::from_metadata(metadata, &lockfile);
        graph.created_lockfile = !locks_before.contains(&lock_path);
        if let Some(rustc) = rustc.join().ok().flatten() {
            graph.toolchain = Some(toolchain::package(&rustc.version, rustc.commit));
            graph.host = rustc.host;
        }
        Ok(graph)
    }

    /// The names of the crates in the graph, each once: what advisory data is read for.
    pub fn crate_names(&self) -> std::collections::BTreeSet<&str> {
        self.packages.iter().map(|package| package.name.as_str()).collect()
    }

    /// What to call the workspace: its root package, else the folder it is in.
    pub fn name(&self) -> String {
        self.root_package.clone().unwrap_or_else(|| {
            self.workspace_root
                .file_name()
                .map_or_else(|| "workspace".to_string(), |name| name.to_string_lossy().into_owned())
        })
    }

    /// A shortest path of dependencies from a workspace member to the package at `to`
    /// (both ends included), for a finding to say how the device uses a crate.
    pub fn path_from_member(&self, to: usize) -> Option<Vec<usize>> {
        let mut parent: Vec<Option<usize>> = vec![None; self.packages.len()];
        let mut seen = vec![false; self.packages.len()];
        let mut queue: std::collections::VecDeque<usize> = self.members.iter().copied().collect();
        for &member in &self.members {
            seen[member] = true;
        }
        while let Some(at) = queue.pop_front() {
            if at == to {
                let mut path = vec![at];
                while let Some(previous) = parent[*path.last()?] {
                    path.push(previous);
                }
                path.reverse();
                return Some(path);
            }
            for edge in &self.edges[at] {
                if !seen[edge.to] {
                    seen[edge.to] = true;
                    parent[edge.to] = Some(at);
                    queue.push_back(edge.to);
                }
            }
        }
        None
    }

    /// The packages a `CRATE[@VERSION]` argument names. `context` starts the error
    /// message, which says what is locked when nothing matches.
    pub fn select(&self, spec: &str, context: &str) -> Result<Vec<usize>> {
        let (name, version) = match spec.split_once('@') {
            Some((name, version)) => (name, Some(version)),
            None => (spec, None),
        };
        let matches: Vec<usize> = (0..self.packages.len())
            .filter(|&at| self.packages[at].name == name)
            .filter(|&at| version.is_none_or(|version| self.packages[at].version.to_string() == version))
            .collect();
        if matches.is_empty() {
            let versions: Vec<String> = self
                .packages
                .iter()
                .filter(|package| package.name == name)
                .map(|package| package.version.to_string())
                .collect();
            if versions.is_empty() {
                let names: std::collections::BTreeSet<&str> =
                    self.packages.iter().map(|package| package.name.as_str()).collect();
                let names: Vec<&str> = names.into_iter().collect();
                let hint = match crate::diagnostic::nearest(name, &names) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "`cargo soup list` shows the SOUP items".to_string(),
                };
                bail!("{context}: no package named `{name}` in the dependency graph; {hint}");
            }
            bail!(
                "{context}: `{name}` is locked at {} only; name one of those versions or leave the version out",
                versions.join(", ")
            );
        }
        Ok(matches)
    }

    pub fn from_metadata(metadata: cargo_metadata::Metadata, lockfile: &Lockfile) -> Self {
        let workspace_root = metadata.workspace_root.clone().into_std_path_buf();
        let root_package = metadata.root_package().map(|package| package.name.to_string());
        let index: HashMap<&cargo_metadata::PackageId, usize> = metadata
            .packages
            .iter()
            .enumerate()
            .map(|(at, package)| (&package.id, at))
            .collect();
        let resolve = metadata.resolve.as_ref();
        let enabled_features: HashMap<&cargo_metadata::PackageId, Vec<&str>> = resolve
            .map(|resolve| {
                resolve
                    .nodes
                    .iter()
                    .map(|node| (&node.id, node.features.iter().map(|feature| feature.as_str()).collect()))
                    .collect()
            })
            .unwrap_or_default();
        let member_ids: std::collections::HashSet<_> = metadata.workspace_members.iter().collect();
        // A few licence strings cover most of the ecosystem; parse each once.
        let mut licenses: HashMap<&str, License> = HashMap::new();

        let packages: Vec<Package> = metadata
            .packages
            .iter()
            .map(|package| {
                let source = Source::from_cargo(
                    package.source.as_ref().map(|source| source.repr.as_str()),
                    package.manifest_path.as_std_path(),
                    &workspace_root,
                );
                let version = package.version.to_string();
                let locked = lockfile.get(&package.name, &version, source.lock_id().as_deref());
                Package {
                    name: package.name.to_string(),
                    version: package.version.clone(),
                    checksum: locked.and_then(|locked| locked.checksum.clone()),
                    lock_line: locked.map(|locked| locked.line),
                    source,
                    license: package
                        .license
                        .as_deref()
                        .map(|text| licenses.entry(text).or_insert_with(|| License::parse(text)).clone()),
                    license_file: package.license_file.as_ref().map(|file| file.to_string()),
                    repository: package.repository.clone(),
                    authors: package.authors.clone(),
                    description: package
                        .description
                        .as_ref()
                        .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" ")),
                    links: package.links.clone(),
                    bundling: package.links.as_ref().and_then(|_| {
                        let enabled = enabled_features.get(&package.id);
                        bundling(package.features.keys().map(|name| name.as_str()), enabled)
                    }),
                    is_member: member_ids.contains(&package.id),
                    is_proc_macro: package
                        .targets
                        .iter()
                        .any(|target| target.kind.contains(&cargo_metadata::TargetKind::ProcMacro)),
                }
            })
            .collect();

        let mut edges = vec![Vec::new(); packages.len()];
        for node in resolve.map(|resolve| resolve.nodes.as_slice()).unwrap_or_default() {
            let Some(&from) = index.get(&node.id) else { continue };
            for dep in &node.deps {
                let Some(&to) = index.get(&dep.pkg) else { continue };
                let kinds = dep
                    .dep_kinds
                    .iter()
                    .map(|info| (DepKind::from_cargo(&info.kind), info.target.clone()))
                    .collect();
                edges[from].push(Edge { to, kinds });
            }
        }

        let targets = member_targets(&metadata, &workspace_root);
        let mut members: Vec<usize> = (0..packages.len()).filter(|&at| packages[at].is_member).collect();
        members.sort_by(|&a, &b| packages[a].name.cmp(&packages[b].name));
        Self {
            workspace_root,
            root_package,
            toolchain: None,
            host: None,
            packages,
            edges,
            members,
            targets,
            created_lockfile: false,
        }
    }
}

/// The crates.io packages `(name, version)` of the nearest Cargo.lock at or above the
/// manifest (or the working folder), with the folder it is in: the workspace's, as a
/// rule, known before cargo has said where the workspace is.
pub fn locked_crates_io(manifest_path: Option<&Path>) -> Option<(PathBuf, Vec<(String, String)>)> {
    let start = manifest_path
        .and_then(Path::parent)
        .filter(|dir| !dir.as_os_str().is_empty());
    let start = start.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let lockfile = existing_lockfiles(Some(&start)).into_iter().next()?;
    let packages = Lockfile::read(&lockfile).ok()?.crates_io_packages();
    Some((lockfile.parent()?.to_path_buf(), packages))
}

/// The Cargo.lock files at and above `start`: one of them is the workspace's, if it
/// has one, before cargo runs.
fn existing_lockfiles(start: Option<&Path>) -> Vec<PathBuf> {
    let Some(start) = start.and_then(|start| std::fs::canonicalize(start).ok()) else {
        return Vec::new();
    };
    start
        .ancestors()
        .map(|folder| folder.join("Cargo.lock"))
        .filter(|lock| lock.is_file())
        .collect()
}

fn check_manifest_path(path: &Path) -> Result<()> {
    if path.is_dir() {
        bail!(
            "--manifest-path {} is a folder; pass the Cargo.toml file inside it, e.g. --manifest-path {}",
            path.display(),
            path.join("Cargo.toml").display()
        );
    }
    if !path.exists() {
        bail!(
            "--manifest-path {}: no such file; pass the path of the workspace's Cargo.toml",
            path.display()
        );
    }
    if path.file_name().is_some_and(|name| name != "Cargo.toml") {
        bail!(
            "--manifest-path {} does not name a Cargo.toml; pass the workspace's Cargo.toml",
            path.display()
        );
    }
    Ok(())
}

fn metadata_error(stderr: &str) -> anyhow::Error {
    let stderr = stderr.trim();
    let hint = if stderr.contains("cannot create the lock file") {
        "\nThe workspace has no Cargo.lock: run `cargo generate-lockfile`, commit Cargo.lock (the SOUP list is \
         what it locks), and try again."
    } else if stderr.contains("--locked") || stderr.contains("needs to be updated") {
        "\nCargo.lock is out of date: run `cargo update --workspace` (or `cargo generate-lockfile`), commit the lockfile, and try again."
    } else if stderr.contains("could not find `Cargo.toml`") {
        "\nRun cargo soup inside a Cargo workspace, or point --manifest-path at its Cargo.toml."
    } else {
        ""
    };
    anyhow::anyhow!("`cargo metadata` failed:\n{stderr}{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_read_back_as_cargo_spells_them() {
        let root = Path::new("/w/device");
        let git = Source::from_cargo(
            Some("git+https://github.com/o/r?branch=main#0123456789abcdef"),
            Path::new("/x/Cargo.toml"),
            root,
        );
        assert_eq!(
            git,
            Source::Git {
                url: "https://github.com/o/r".into(),
                reference: Some("branch=main".into()),
                commit: "0123456789abcdef".into()
            }
        );
        assert_eq!(git.id(), "git+https://github.com/o/r?branch=main#0123456789abcdef");
        assert_eq!(git.display(), "git https://github.com/o/r @ 0123456789");
        let path = Source::from_cargo(None, Path::new("/w/vendor/lib/Cargo.toml"), root);
        assert_eq!(
            path,
            Source::Path {
                path: "../vendor/lib".into()
            }
        );
        assert_eq!(path.lock_id(), None);
        let registry = Source::from_cargo(Some(CRATES_IO), Path::new("/r/Cargo.toml"), root);
        assert_eq!(registry.display(), "crates.io");
        assert_eq!(registry.lock_id().as_deref(), Some(CRATES_IO));
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path(Path::new("/w/a/b"), Path::new("/w/a")), "b");
        assert_eq!(relative_path(Path::new("/w/x"), Path::new("/w/a")), "../x");
        assert_eq!(relative_path(Path::new("/w/a"), Path::new("/w/a")), ".");
    }
}
