//! Writing the files a person keeps: a temp file in the same folder, then a rename, so
//! a reader never sees half a file and a failure leaves the old one as it was.

use anyhow::{Context, Result, bail};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Creates `path` with `contents`; fails, writing nothing, when it already exists.
pub fn create_new(path: &Path, contents: &str) -> Result<()> {
    let temp = write_temp(path, contents, Durability::Synced)?;
    // A hard link fails when the target exists, so two racing `init`s cannot clobber
    // each other; file systems without hard links fall back to a checked rename.
    let linked = fs::hard_link(&temp.path, path);
    match linked {
        Ok(()) => {
            temp.remove();
            Ok(())
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            temp.remove();
            bail!("{} already exists; nothing was written", path.display())
        }
        Err(_) if !path.exists() => temp.rename_to(path),
        Err(err) => {
            temp.remove();
            Err(err).with_context(|| format!("could not create {}", path.display()))
        }
    }
}

/// Held while a command reads, changes and writes a file a person keeps (soup.toml), so
/// that two commands at once do not lose one's change: the second waits, then reads the
/// file the first wrote. The lock is a file beside it, `.NAME.lock`, which stays (removing
/// it would race with the next command taking it).
pub struct EditLock {
    _file: File,
}

/// Takes the edit lock of `path` (of the file a symbolic link points to), waiting for a
/// command that holds it, and removes the temporary files of earlier writes that were
/// killed before they could (no live writer has one while the lock is held).
pub fn lock_for_edit(path: &Path) -> Result<EditLock> {
    let target = write_target(path);
    let (folder, name) = folder_and_name(&target);
    let lock = folder.join(format!(".{name}.lock"));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .with_context(|| format!("could not create the lock file {}", lock.display()))?;
    file.lock()
        .with_context(|| format!("could not lock {}", lock.display()))?;
    let stale = |entry_name: &str| {
        entry_name
            .strip_prefix(&format!(".{name}."))
            .is_some_and(|rest| rest.ends_with(".tmp"))
    };
    for entry in fs::read_dir(&folder).into_iter().flatten().flatten() {
        if stale(&entry.file_name().to_string_lossy()) {
            let _ = fs::remove_file(entry.path());
        }
    }
    Ok(EditLock { _file: file })
}

/// The file a write changes: the target of a symbolic link (writing the link itself
/// would turn it into a copy and leave the target as it was), else `path`.
fn write_target(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Why `path` may not be replaced: read-only (an editor would ask first), or hard-linked
/// (a rename would leave the other names with the old text).
fn refuse_replacing(path: &Path, metadata: &fs::Metadata) -> Result<()> {
    if metadata.permissions().readonly() {
        bail!(
            "{} is read-only, so nothing was written; make it writable (`chmod u+w`) if the change is wanted",
            path.display()
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            bail!(
                "{} has {} hard links, and replacing it would leave the others with the old text, so nothing \
                 was written; make the other names symbolic links, which cargo soup writes through",
                path.display(),
                metadata.nlink()
            );
        }
    }
    Ok(())
}

/// Replaces `path` (through a symbolic link, its target) with `contents`, but only while
/// it still holds `expected`: a file someone changed since it was read is left alone,
/// and so is one that is read-only or hard-linked.
pub fn replace(path: &Path, expected: &str, contents: &str) -> Result<()> {
    let path = &write_target(path);
    let metadata = fs::metadata(path).ok();
    if let Some(metadata) = &metadata {
        refuse_replacing(path, metadata)?;
    }
    let temp = write_temp(path, contents, Durability::Synced)?;
    if let Some(metadata) = metadata {
        // Keep the file's mode.
        let _ = fs::set_permissions(&temp.path, metadata.permissions());
    }
    let current = fs::read_to_string(path).unwrap_or_default();
    if current != expected {
        temp.remove();
        bail!(
            "{} was changed by someone else while cargo soup was working; nothing was written. \
             Run the command again.",
            path.display()
        );
    }
    temp.rename_to(path)
}

/// Writes a generated file (a report, an export), whatever `path` holds now.
pub fn write_output(path: &Path, contents: &str) -> Result<()> {
    write_temp(path, contents, Durability::Synced)?.rename_to(path)
}

/// Replaces `path` with `contents`, whatever it holds now, without waiting for the
/// disk: for caches that can be rebuilt, never for files a person edits.
pub fn write(path: &Path, contents: &[u8]) -> Result<()> {
    write_temp(path, contents, Durability::Cache)?.rename_to(path)
}

/// Whether a write waits until the data is on disk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Durability {
    Synced,
    Cache,
}

struct TempFile {
    path: PathBuf,
}

impl TempFile {
    fn remove(self) {
        let _ = fs::remove_file(&self.path);
    }

    fn rename_to(self, path: &Path) -> Result<()> {
        match fs::rename(&self.path, path) {
            Ok(()) => Ok(()),
            Err(err) => {
                let _ = fs::remove_file(&self.path);
                Err(err).with_context(|| format!("could not replace {}; it is unchanged", path.display()))
            }
        }
    }
}

/// The folder a file is in (`.` for a bare name) and its name.
fn folder_and_name(path: &Path) -> (PathBuf, String) {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "soup.toml".into(), |name| name.to_string_lossy().into_owned());
    (folder, name)
}

fn write_temp(path: &Path, contents: impl AsRef<[u8]>, durability: Durability) -> Result<TempFile> {
    let (folder, name) = folder_and_name(path);
    let mut attempt = 0u32;
    let (temp_path, mut file) = loop {
        let candidate = folder.join(format!(".{name}.{}-{attempt}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&candidate) {
            Ok(file) => break (candidate, file),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(err) => {
                return Err(err).with_context(|| format!("could not write a temporary file in {}", folder.display()));
            }
        }
    };
    let temp = TempFile { path: temp_path };
    if let Err(err) = write_all(&mut file, contents.as_ref(), durability) {
        temp.remove();
        return Err(err).with_context(|| format!("could not write {}; it is unchanged", path.display()));
    }
    Ok(temp)
}

fn write_all(file: &mut File, contents: &[u8], durability: Durability) -> std::io::Result<()> {
    file.write_all(contents)?;
    match durability {
        Durability::Synced => file.sync_all(),
        Durability::Cache => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_new_refuses_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("soup.toml");
        create_new(&path, "first").unwrap();
        let err = create_new(&path, "second").unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "first");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left behind");
    }

    #[test]
    fn replace_leaves_a_file_changed_by_someone_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("soup.toml");
        fs::write(&path, "edited meanwhile").unwrap();
        let err = replace(&path, "as read", "ours").unwrap_err();
        assert!(err.to_string().contains("changed by someone else"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "edited meanwhile");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        replace(&path, "edited meanwhile", "ours").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "ours");
    }
}
