//! Everything a command reads about the workspace: the graph, soup.toml and the scope
//! they define together.

use crate::cli::GlobalArgs;
use crate::graph::platform::TargetCfg;
use crate::graph::scope::Scope;
use crate::graph::{Graph, MetadataOptions};
use crate::sidecar::SoupFile;
use anyhow::Result;
use std::path::{Path, PathBuf};

pub struct Workspace {
    pub graph: Graph,
    pub soup: SoupFile,
    /// Where soup.toml is (or would be).
    pub soup_path: PathBuf,
    pub soup_exists: bool,
    pub scope: Scope,
}

impl Workspace {
    pub fn load(args: &GlobalArgs) -> Result<Self> {
        // Checked before cargo runs, so a typo in soup.toml is reported without waiting
        // for the graph.
        let explicit_soup = args
            .soup_file
            .as_ref()
            .map(|path| read_soup(path, &path.display().to_string()))
            .transpose()?;
        let graph = Graph::load(&MetadataOptions {
            manifest_path: args.manifest_path.clone(),
            features: args.features.clone(),
            all_features: args.all_features,
            no_default_features: args.no_default_features,
            locked: args.locked,
            offline: args.offline,
            frozen: args.frozen,
        })?;
        let soup_path = args
            .soup_file
            .clone()
            .unwrap_or_else(|| graph.workspace_root.join("soup.toml"));
        let (soup, soup_exists) = match explicit_soup {
            Some(soup) => (soup, true),
            None if soup_path.exists() => (read_soup(&soup_path, &display_path(&soup_path))?, true),
            None => (SoupFile::default(), false),
        };
        let targets = if args.targets.is_empty() {
            soup.project.targets.clone()
        } else {
            Some(args.targets.clone())
        };
        let targets = targets
            .map(|triples| {
                triples
                    .iter()
                    .map(|triple| TargetCfg::for_triple(triple))
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?;
        let host = match &targets {
            Some(_) => Some(TargetCfg::for_triple(env!("CARGO_SOUP_HOST"))?),
            None => None,
        };
        let scope = Scope {
            kinds: soup.project.kinds.clone(),
            targets,
            host,
        };
        Ok(Self {
            graph,
            soup,
            soup_path,
            soup_exists,
            scope,
        })
    }
}

impl Workspace {
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
        format!(
            "workspace: {}\nscope: kinds {}; targets {targets}\nsoup.toml: {soup}\n",
            self.graph.workspace_root.display(),
            kinds.join(", ")
        )
    }
}

fn read_soup(path: &Path, display_name: &str) -> Result<SoupFile> {
    if !path.exists() {
        anyhow::bail!(
            "--soup-file {}: no such file; run `cargo soup init` to create one, or fix the path",
            path.display()
        );
    }
    SoupFile::read(path, display_name)
}

/// A path as the user can open it from where they are: relative to the current folder
/// when it lies below it.
pub fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}
