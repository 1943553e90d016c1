//! Unpacking a downloaded archive into a fresh folder, trusting nothing in it: every
//! entry must stay inside the folder (no absolute path, no `..`, no link), the sizes
//! and counts are bounded, and an archive that ends early is an error.

use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Bounds on what one archive may unpack to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub total_bytes: u64,
    pub entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            total_bytes: 1 << 30,
            entries: 200_000,
        }
    }
}

/// Notes whether the tar reader ran into the end of the data: an archive is complete
/// only when tar's end-of-archive marker (a block of zeros) ended the entries.
struct EndWatch<R> {
    inner: R,
    hit_end: bool,
}

impl<R: Read> Read for EndWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        if read == 0 && !buf.is_empty() {
            self.hit_end = true;
        }
        Ok(read)
    }
}

/// A `.tar.gz`, such as GitHub's archive of advisory-db (everything below one top
/// folder, `advisory-db-main/`), kept as named; `data_root` finds the data inside.
/// Every gzip member is read (pigz and bgzip write several, as do some mirrors), and the
/// archive must end with tar's end-of-archive marker: without it, it was cut short at
/// an entry boundary, and half a database would pass for a whole one.
pub fn unpack_tar_gz(bytes: &[u8], into: &Path, limits: Limits) -> Result<usize> {
    let mut archive = tar::Archive::new(EndWatch {
        inner: flate2::read::MultiGzDecoder::new(bytes),
        hit_end: false,
    });
    let mut budget = Budget::new(limits);
    let mut files = 0;
    let entries = archive.entries().context("the archive is not a tar.gz file")?;
    for entry in entries {
        let mut entry = entry.context("the archive is truncated or damaged")?;
        let kind = entry.header().entry_type();
        let raw = entry.path().context("an entry has an unreadable name")?.into_owned();
        if kind.is_pax_global_extensions() || kind.is_pax_local_extensions() || kind.is_gnu_longname() {
            continue;
        }
        let relative = safe_relative(&raw)?;
        if kind.is_dir() {
            budget.count(&raw, 0)?;
            std::fs::create_dir_all(into.join(&relative))?;
            continue;
        }
        if !kind.is_file() {
            bail!(
                "the archive holds `{}`, a {} rather than a file; links and devices are refused",
                raw.display(),
                kind_name(kind)
            );
        }
        let size = entry.size();
        budget.count(&raw, size)?;
        write_file(&mut entry, &into.join(&relative), size, &raw)?;
        files += 1;
    }
    let mut rest = archive.into_inner();
    if rest.hit_end {
        bail!(
            "the archive is truncated: it ends without tar's end-of-archive marker, after {files} files; \
             download it again (a mirror may be serving a partial copy)"
        );
    }
    // A gzip stream cut short ends the entries without an error; reading on tells.
    std::io::copy(&mut rest, &mut std::io::sink())
        .context("the archive is truncated: it ends in the middle of its data")?;
    Ok(files)
}

/// Where the data of an unpacked archive is: `folder` itself when `holds_data` says so,
/// else its one subfolder (GitHub's archives put everything below a folder named after
/// the branch; a mirror's may not).
pub fn data_root(folder: &Path, holds_data: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    if holds_data(folder) {
        return Some(folder.to_path_buf());
    }
    let mut entries = std::fs::read_dir(folder).ok()?.flatten();
    let only = entries.next().filter(|entry| entry.path().is_dir())?;
    (entries.next().is_none() && holds_data(&only.path())).then(|| only.path())
}

/// A `.zip` such as OSV's `crates.io/all.zip`: one record per file, kept as named.
pub fn unpack_zip(bytes: &[u8], into: &Path, limits: Limits) -> Result<usize> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .context("the archive is not a complete zip file (it may have been cut short)")?;
    let mut budget = Budget::new(limits);
    let mut files = 0;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).context("the zip archive is damaged")?;
        let raw = PathBuf::from(
            entry
                .name()
                .context("an entry of the zip archive has an unreadable name")?
                .into_owned(),
        );
        let relative = safe_relative(&raw)?;
        if entry.is_symlink() {
            bail!("the archive holds `{}`, a link; links are refused", raw.display());
        }
        if entry.is_dir() {
            budget.count(&raw, 0)?;
            std::fs::create_dir_all(into.join(&relative))?;
            continue;
        }
        let size = entry.size();
        budget.count(&raw, size)?;
        write_file(&mut entry, &into.join(&relative), size, &raw)?;
        files += 1;
    }
    Ok(files)
}

struct Budget {
    limits: Limits,
    bytes: u64,
    entries: usize,
}

impl Budget {
    fn new(limits: Limits) -> Self {
        Self {
            limits,
            bytes: 0,
            entries: 0,
        }
    }

    fn count(&mut self, name: &Path, size: u64) -> Result<()> {
        self.entries += 1;
        self.bytes = self.bytes.saturating_add(size);
        if self.entries > self.limits.entries {
            bail!(
                "the archive holds more than {} entries; it is not advisory data",
                self.limits.entries
            );
        }
        if self.bytes > self.limits.total_bytes {
            bail!(
                "the archive unpacks to more than {} bytes (at `{}`); it is not advisory data",
                self.limits.total_bytes,
                name.display()
            );
        }
        Ok(())
    }
}

/// The entry's path when it stays below the folder it is unpacked into.
fn safe_relative(raw: &Path) -> Result<PathBuf> {
    let mut relative = PathBuf::new();
    for component in raw.components() {
        match component {
            Component::Normal(part) => relative.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => bail!(
                "the archive holds `{}`, which would be written outside the cache folder; it was refused",
                raw.display()
            ),
        }
    }
    Ok(relative)
}

/// Writes exactly `size` bytes; an entry whose data is shorter than its header says is
/// a truncated archive.
fn write_file(reader: &mut impl Read, path: &Path, size: u64, name: &Path) -> Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| {
            format!(
                "could not create {} (is `{}` in the archive twice?)",
                path.display(),
                name.display()
            )
        })?;
    let copied = std::io::copy(&mut reader.take(size), &mut file)
        .with_context(|| format!("the archive is truncated or damaged at `{}`", name.display()))?;
    if copied != size {
        bail!(
            "the archive is truncated: `{}` has {copied} of its {size} bytes",
            name.display()
        );
    }
    // Reading to the end is what makes a zip entry check its CRC-32.
    match reader.read(&mut [0; 1]) {
        Ok(0) => Ok(()),
        Ok(_) => bail!("the archive is damaged: `{}` is longer than it says", name.display()),
        Err(err) => Err(err).with_context(|| format!("the archive is damaged at `{}`", name.display())),
    }
}

fn kind_name(kind: tar::EntryType) -> &'static str {
    if kind.is_symlink() {
        "symbolic link"
    } else if kind.is_hard_link() {
        "hard link"
    } else {
        "special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile names (`..`, absolute) are tested on the real binary in tests/online.rs;
    /// these entries have ordinary names.
    fn tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        for (name, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            builder.append_data(&mut header, name, *data).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn the_data_is_found_below_a_top_folder_or_at_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = tar_gz(&[
            ("db-main/crates/x/RUSTSEC-1.md", b"hello"),
            ("db-main/README.md", b"read"),
        ]);
        assert_eq!(unpack_tar_gz(&bytes, dir.path(), Limits::default()).unwrap(), 2);
        let has_crates = |folder: &Path| folder.join("crates").is_dir();
        let root = data_root(dir.path(), has_crates).unwrap();
        assert_eq!(root, dir.path().join("db-main"));
        assert_eq!(std::fs::read(root.join("crates/x/RUSTSEC-1.md")).unwrap(), b"hello");
        let flat = tempfile::tempdir().unwrap();
        unpack_tar_gz(
            &tar_gz(&[("crates/x/RUSTSEC-1.md", b"hello")]),
            flat.path(),
            Limits::default(),
        )
        .unwrap();
        assert_eq!(
            data_root(flat.path(), has_crates).unwrap(),
            flat.path(),
            "a mirror's flat archive"
        );
        assert_eq!(data_root(&root.join("crates"), has_crates), None);
    }

    #[test]
    fn escaping_names_are_refused() {
        for name in ["db-main/../../evil.md", "/etc/evil.md", "../x"] {
            let err = safe_relative(Path::new(name)).unwrap_err();
            assert!(err.to_string().contains("outside the cache folder"), "{name}: {err}");
        }
        assert_eq!(safe_relative(Path::new("./a/b.md")).unwrap(), Path::new("a/b.md"));
    }

    #[test]
    fn links_are_refused() {
        for kind in [tar::EntryType::Symlink, tar::EntryType::Link] {
            let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(kind);
            header.set_size(0);
            builder
                .append_link(&mut header, "db-main/crates/evil", "/etc/passwd")
                .unwrap();
            let bytes = builder.into_inner().unwrap().finish().unwrap();
            let dir = tempfile::tempdir().unwrap();
            let err = unpack_tar_gz(&bytes, dir.path(), Limits::default()).unwrap_err();
            assert!(err.to_string().contains("links and devices are refused"), "{err}");
            assert!(!dir.path().join("crates/evil").exists());
        }
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        writer
            .add_symlink("evil.json", "/etc/passwd", zip::write::SimpleFileOptions::default())
            .unwrap();
        let bytes = writer.finish().unwrap().into_inner();
        let err = unpack_zip(&bytes, tempfile::tempdir().unwrap().path(), Limits::default()).unwrap_err();
        assert!(err.to_string().contains("links are refused"), "{err}");
    }

    /// A plain tar of the entries, with its end-of-archive marker.
    fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            builder.append_data(&mut header, name, *data).unwrap();
        }
        builder.into_inner().unwrap()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn an_archive_without_the_end_marker_is_truncated() {
        let whole = tar(&[("db-main/a.md", b"a"), ("db-main/b.md", b"b")]);
        // Cut at the entry boundary: the two zero blocks of the end marker go.
        let cut = gzip(&whole[..whole.len() - 1024]);
        let dir = tempfile::tempdir().unwrap();
        let err = unpack_tar_gz(&cut, dir.path(), Limits::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains("without tar's end-of-archive marker, after 2 files"),
            "{err:#}"
        );
        let again = tempfile::tempdir().unwrap();
        assert_eq!(
            unpack_tar_gz(&gzip(&whole), again.path(), Limits::default()).unwrap(),
            2
        );
    }

    #[test]
    fn every_gzip_member_is_read() {
        let whole = tar(&[("db-main/a.md", b"a"), ("db-main/b.md", b"b"), ("db-main/c.md", b"c")]);
        // pigz-style: the tar stream split into two gzip members at a block boundary.
        let split = 1024;
        let mut bytes = gzip(&whole[..split]);
        bytes.extend(gzip(&whole[split..]));
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(unpack_tar_gz(&bytes, dir.path(), Limits::default()).unwrap(), 3);
        assert_eq!(std::fs::read(dir.path().join("db-main/c.md")).unwrap(), b"c");
    }

    #[test]
    fn a_truncated_archive_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let data = vec![7u8; 100_000];
        let bytes = tar_gz(&[("db-main/big.md", &data)]);
        let err = unpack_tar_gz(&bytes[..bytes.len() / 2], dir.path(), Limits::default()).unwrap_err();
        assert!(format!("{err:#}").contains("truncated"), "{err:#}");
    }

    #[test]
    fn limits_bound_size_and_entries() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = tar_gz(&[("db-main/a.md", b"12345"), ("db-main/b.md", b"12345")]);
        let small = Limits {
            total_bytes: 8,
            entries: 10,
        };
        let err = unpack_tar_gz(&bytes, dir.path(), small).unwrap_err();
        assert!(err.to_string().contains("more than 8 bytes"), "{err}");
        let few = Limits {
            total_bytes: 1000,
            entries: 1,
        };
        let err = unpack_tar_gz(&bytes, tempfile::tempdir().unwrap().path(), few).unwrap_err();
        assert!(err.to_string().contains("more than 1 entries"), "{err}");
    }

    #[test]
    fn zip_entries_are_checked_too() {
        use std::io::Write;
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        writer.start_file("RUSTSEC-1.json", options).unwrap();
        writer.write_all(b"{}").unwrap();
        let good = writer.finish().unwrap().into_inner();
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(unpack_zip(&good, dir.path(), Limits::default()).unwrap(), 1);
        let err = unpack_zip(
            &good[..good.len() - 10],
            tempfile::tempdir().unwrap().path(),
            Limits::default(),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("not a complete zip"), "{err:#}");

        let stored = options.compression_method(zip::CompressionMethod::Stored);
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        writer.start_file("RUSTSEC-2.json", stored).unwrap();
        writer.write_all(b"{\"id\": \"RUSTSEC-2\"}").unwrap();
        let mut flipped = writer.finish().unwrap().into_inner();
        let at = flipped.windows(9).position(|window| window == b"RUSTSEC-2").unwrap() + 20;
        flipped[at] ^= 0x20;
        let err = unpack_zip(&flipped, tempfile::tempdir().unwrap().path(), Limits::default()).unwrap_err();
        assert!(
            format!("{err:#}").contains("damaged at `RUSTSEC-2.json`"),
            "a flipped byte fails the CRC: {err:#}"
        );

        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        writer.start_file("../evil.json", options).unwrap();
        writer.write_all(b"{}").unwrap();
        let evil = writer.finish().unwrap().into_inner();
        let err = unpack_zip(&evil, tempfile::tempdir().unwrap().path(), Limits::default()).unwrap_err();
        assert!(err.to_string().contains("outside the cache folder"), "{err}");
    }
}
