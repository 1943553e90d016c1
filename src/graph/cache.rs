//! The resolved graph, cached for the pre-commit case: a repeated run on unchanged
//! inputs reads the graph instead of running `cargo metadata`. The cache records every
//! input the graph came from (Cargo.lock, every workspace and path-dependency manifest,
//! Cargo config files, toolchain files, the flags, the cargo version and `CARGO_*`
//! environment) with a hash of each, and is used only when all of them still match.

use super::{Graph, MetadataOptions, Source};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Bumped whenever `Graph` changes shape, so an old cache is never misread.
const FORMAT: u32 = 5;

/// Where the graph came from, for `-v`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    Cache,
    Metadata { reason: String },
}

#[derive(Serialize, Deserialize)]
struct CachedGraph {
    format: u32,
    tool_version: String,
    /// Hash of the flags, cargo version and environment.
    key: String,
    /// Every input file with the hash of its contents (`absent` when it did not exist).
    inputs: Vec<(PathBuf, String)>,
    graph: Graph,
}

/// The graph for `options`, from the cache in `dir` when every input is unchanged, else
/// from `cargo metadata` (and then cached). Without a `dir` the cache is off.
pub fn load(options: &MetadataOptions, dir: Option<&Path>) -> Result<(Graph, Provenance)> {
    let Some(dir) = dir else {
        let reason = "--no-cache".to_string();
        return Ok((Graph::load(options)?, Provenance::Metadata { reason }));
    };
    let Some(start) = start_manifest(options) else {
        // No manifest to key the cache by: cargo metadata says what is wrong.
        let reason = "no Cargo.toml found".to_string();
        return Ok((Graph::load(options)?, Provenance::Metadata { reason }));
    };
    // `cargo -V` runs beside the cheap checks, and beside cargo metadata on a miss.
    let mut cargo_version = CargoVersion::start();
    let path = dir.join("graphs").join(format!(
        "{:016x}.json",
        hash_bytes(start.as_os_str().as_encoded_bytes())
    ));
    let cached = read(&path);
    let reason = match cached {
        None => "nothing cached yet".to_string(),
        Some(cached) => match changed_input(&cached) {
            Some(reason) => reason,
            None => match cargo_version.output() {
                Some(version) if cached.key == fixed_key(options, &start, version) => {
                    return Ok((cached.graph, Provenance::Cache));
                }
                Some(_) => "flags, cargo version or CARGO_* environment changed".to_string(),
                None => "`cargo -V` failed".to_string(),
            },
        },
    };
    let before = input_hashes(&candidate_inputs(&start, None));
    let graph = Graph::load(options)?;
    let Some(version) = cargo_version.output() else {
        return Ok((graph, Provenance::Metadata { reason }));
    };
    let inputs = input_hashes(&candidate_inputs(&start, Some(&graph)));
    // cargo may rewrite Cargo.lock, and a user may edit while it runs: cache only a
    // graph whose inputs held still.
    let steady = before.iter().all(|input| inputs.contains(input));
    let cached = CachedGraph {
        format: FORMAT,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        key: fixed_key(options, &start, version),
        inputs,
        graph,
    };
    if steady {
        // The cache is an optimisation: failing to write it must not fail the command.
        let _ = write(&path, &cached);
    }
    Ok((cached.graph, Provenance::Metadata { reason }))
}

/// Which cargo answers: `cargo -V`, run in the background and read once it is needed.
/// Run as `cargo soup`, Cargo names its own binary in `CARGO`; its path, size and
/// modification time then identify it without starting a process, which is most of
/// what a cached run would otherwise wait for.
enum CargoVersion {
    Running(Option<std::process::Child>),
    Done(Option<Vec<u8>>),
}

impl CargoVersion {
    fn start() -> Self {
        if let Some(identity) = cargo_binary_identity() {
            return Self::Done(Some(identity));
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let child = std::process::Command::new(cargo)
            .arg("-V")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok();
        Self::Running(child)
    }

    fn output(&mut self) -> Option<&[u8]> {
        if let Self::Running(child) = self {
            let output = child.take().and_then(|child| child.wait_with_output().ok());
            *self = Self::Done(
                output
                    .filter(|output| output.status.success())
                    .map(|output| output.stdout),
            );
        }
        match self {
            Self::Done(version) => version.as_deref(),
            Self::Running(_) => None,
        }
    }
}

/// The manifest cargo starts from: `--manifest-path`, else the nearest `Cargo.toml` at
/// or above the current folder.
fn start_manifest(options: &MetadataOptions) -> Option<PathBuf> {
    match &options.manifest_path {
        Some(path) => std::fs::canonicalize(path).ok(),
        None => {
            let cwd = std::env::current_dir().ok()?;
            cwd.ancestors()
                .map(|dir| dir.join("Cargo.toml"))
                .find(|manifest| manifest.is_file())
        }
    }
}

/// The `CARGO` binary as path, size and modification time, when it is a file (not a
/// rustup proxy, which stays the same file whatever toolchain it starts).
fn cargo_binary_identity() -> Option<Vec<u8>> {
    let cargo = std::fs::canonicalize(std::env::var_os("CARGO")?).ok()?;
    if cargo.file_name()?.to_string_lossy().starts_with("rustup") {
        return None;
    }
    let metadata = std::fs::metadata(&cargo).ok().filter(std::fs::Metadata::is_file)?;
    let modified = metadata.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{}:{}:{}", cargo.display(), metadata.len(), modified.as_nanos()).into_bytes())
}

/// Everything besides files that changes what `cargo metadata` answers.
fn fixed_key(options: &MetadataOptions, start: &Path, cargo_version: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    cargo_version.hash(&mut hasher);
    start.hash(&mut hasher);
    // Cargo finds its config files from the current folder.
    std::env::current_dir().ok().hash(&mut hasher);
    (
        &options.features,
        options.all_features,
        options.no_default_features,
        options.locked,
        options.offline,
        options.frozen,
    )
        .hash(&mut hasher);
    let mut environment: Vec<(String, String)> =
        std::env::vars().filter(|(name, _)| affects_resolution(name)).collect();
    environment.sort();
    environment.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Cargo's own environment (registries, sources, resolver, net, config) and what picks
/// the toolchain; not output settings or cargo soup's own.
fn affects_resolution(name: &str) -> bool {
    (name.starts_with("CARGO_") && !name.starts_with("CARGO_TERM_") && !name.starts_with("CARGO_SOUP_"))
        || name == "CARGO"
        || name == "RUSTC"
        || name == "RUSTUP_TOOLCHAIN"
}

/// The files the graph depends on. Before cargo runs only the ones known up front;
/// afterwards every manifest of a path package too.
fn candidate_inputs(start: &Path, graph: Option<&Graph>) -> Vec<PathBuf> {
    let mut files = vec![start.to_path_buf()];
    let mut folders: Vec<PathBuf> = start.parent().map(Path::to_path_buf).into_iter().collect();
    if let Ok(cwd) = std::env::current_dir() {
        folders.push(cwd);
    }
    if let Some(graph) = graph {
        let root = &graph.workspace_root;
        files.push(root.join("Cargo.toml"));
        files.push(root.join("Cargo.lock"));
        for package in &graph.packages {
            if let Source::Path { path } = &package.source {
                files.push(root.join(path).join("Cargo.toml"));
            }
        }
        folders.push(root.clone());
    }
    // Cargo reads `.cargo/config.toml` in every ancestor, and rustup the toolchain file.
    for folder in &folders {
        for ancestor in folder.ancestors() {
            for name in [
                ".cargo/config.toml",
                ".cargo/config",
                "rust-toolchain.toml",
                "rust-toolchain",
            ] {
                files.push(ancestor.join(name));
            }
        }
    }
    if let Some(home) = cargo_home() {
        files.push(home.join("config.toml"));
        files.push(home.join("config"));
    }
    files.sort();
    files.dedup();
    files
}

/// `$CARGO_HOME`, else `~/.cargo`, as Cargo finds it.
pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
}

fn input_hashes(files: &[PathBuf]) -> Vec<(PathBuf, String)> {
    files.iter().map(|file| (file.clone(), file_hash(file))).collect()
}

fn file_hash(path: &Path) -> String {
    match std::fs::read(path) {
        Ok(bytes) => format!("{:016x}-{}", hash_bytes(&bytes), bytes.len()),
        Err(_) => "absent".to_string(),
    }
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    crate::digest::hash64(&bytes)
}

/// Why a cached graph cannot be used as far as its files tell, or `None`.
fn changed_input(cached: &CachedGraph) -> Option<String> {
    if cached.format != FORMAT || cached.tool_version != env!("CARGO_PKG_VERSION") {
        return Some("cached by another version of cargo soup".into());
    }
    let changed = cached.inputs.iter().find(|(path, hash)| file_hash(path) != *hash);
    if let Some((path, _)) = changed {
        return Some(format!("{} changed", path.display()));
    }
    // Config and toolchain files are looked for from the current folder and the start
    // manifest, both part of the key, so one appearing elsewhere cannot matter.
    None
}

fn read(path: &Path) -> Option<CachedGraph> {
    let text = std::fs::read(path).ok()?;
    serde_json::from_slice(&text).ok()
}

fn write(path: &Path, cached: &CachedGraph) -> Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    crate::atomic_file::write(path, serde_json::to_string(cached)?.as_bytes())
}
