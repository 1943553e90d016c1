//! The advisory data in the cache folder. Each download is unpacked into a folder of
//! its own; a small record per source (`rustsec.json`, `osv.json`) names the current
//! folder and when it was fetched. Replacing that record with a rename is the atomic
//! swap: a reader sees the old data or the new, never a mix, and a failed download
//! never touches the record. The previous folder is kept for readers still on it.

use crate::date::Date;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    RustSec,
    Osv,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::RustSec => "rustsec",
            Kind::Osv => "osv",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::RustSec => "RustSec advisory-db",
            Kind::Osv => "OSV crates.io data",
        }
    }
}

/// What the record of a source says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Current {
    /// The data's folder inside the cache (`/`-separated).
    pub folder: String,
    /// Seconds since the Unix epoch.
    pub fetched: u64,
    pub url: String,
    /// SHA-256 of the downloaded archive (records of older versions have none).
    #[serde(default)]
    pub sha256: Option<String>,
}

impl Current {
    pub fn fetched_on(&self) -> Date {
        Date::from_days((self.fetched / 86_400) as i64)
    }
}

pub struct Store {
    root: PathBuf,
}

impl Store {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The current data of a source, if a fetch has completed and its folder is there.
    pub fn current(&self, kind: Kind) -> Option<(Current, PathBuf)> {
        let text = std::fs::read(self.record(kind)).ok()?;
        let current: Current = serde_json::from_slice(&text).ok()?;
        let folder = self.root.join(&current.folder);
        folder.is_dir().then_some((current, folder))
    }

    /// Holds the cache's lock until dropped, so two fetches never interleave (other
    /// processes wait for it).
    pub fn lock(&self) -> Result<File> {
        std::fs::create_dir_all(&self.root)
            .with_context(|| format!("could not create the cache folder {}", self.root.display()))?;
        let path = self.root.join(".lock");
        let file = File::create(&path).with_context(|| format!("could not create {}", path.display()))?;
        file.lock()
            .with_context(|| format!("could not lock {}", path.display()))?;
        Ok(file)
    }

    /// A new, empty folder to unpack a download into.
    pub fn staging(&self, kind: Kind) -> Result<PathBuf> {
        let stamp = now();
        for attempt in 0..100 {
            let folder = self
                .root
                .join(format!("{}-{stamp}-{}-{attempt}", kind.name(), std::process::id()));
            match std::fs::create_dir(&folder) {
                Ok(()) => return Ok(folder),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(err).with_context(|| format!("could not create {}", folder.display())),
            }
        }
        anyhow::bail!("could not create a new folder in {}", self.root.display())
    }

    /// Makes `data` (in `folder`, from `staging`) the current data of `kind`, then
    /// removes the folders of older fetches but the one just replaced.
    pub fn install(&self, kind: Kind, folder: &Path, data: &Path, url: &str, sha256: &str) -> Result<Current> {
        let top = |path: &str| path.split('/').next().unwrap_or_default().to_string();
        let previous = self.current(kind).map(|(current, _)| top(&current.folder));
        let name = folder
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let inside = data.strip_prefix(folder).unwrap_or(Path::new(""));
        let mut relative = name.clone();
        for part in inside.components() {
            relative.push('/');
            relative.push_str(&part.as_os_str().to_string_lossy());
        }
        let current = Current {
            folder: relative,
            fetched: now(),
            url: url.to_string(),
            sha256: Some(sha256.to_string()),
        };
        crate::atomic_file::write_output(&self.record(kind), &serde_json::to_string_pretty(&current)?)?;
        let prefix = format!("{}-", kind.name());
        for entry in std::fs::read_dir(&self.root).into_iter().flatten().flatten() {
            let entry_name = entry.file_name().to_string_lossy().into_owned();
            if entry_name.starts_with(&prefix) && entry_name != name && Some(&entry_name) != previous.as_ref() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        Ok(current)
    }

    fn record(&self, kind: Kind) -> PathBuf {
        self.root.join(format!("{}.json", kind.name()))
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_swaps_the_record_and_keeps_one_previous_folder() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        assert!(store.current(Kind::Osv).is_none());
        let mut folders = Vec::new();
        for _ in 0..3 {
            let folder = store.staging(Kind::Osv).unwrap();
            std::fs::write(folder.join("X.json"), "{}").unwrap();
            store
                .install(Kind::Osv, &folder, &folder, "http://mirror/", "00")
                .unwrap();
            folders.push(folder);
        }
        let (current, folder) = store.current(Kind::Osv).unwrap();
        assert_eq!(folder, folders[2]);
        assert_eq!(current.url, "http://mirror/");
        assert_eq!(current.fetched_on(), Date::today());
        assert!(
            folders[1].is_dir(),
            "the folder just replaced stays for readers still on it"
        );
        assert!(!folders[0].exists(), "older ones go");
        assert!(store.current(Kind::RustSec).is_none());
    }
}
