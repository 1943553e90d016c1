//! Reading a text file the user names (soup.toml, `verified-by` evidence): only a
//! regular file, of a bounded size, as UTF-8. A FIFO would block forever and
//! `/dev/zero` would read until memory runs out; invalid UTF-8 is located like every
//! other problem of a file.

use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::Path;

/// Larger than any real soup.toml (1,000 fully assessed entries are 1.5 MiB) or test
/// file, small enough to read at once.
pub const SIZE_LIMIT: u64 = 32 << 20;

/// The text of `path`, which `shown` names in messages.
pub fn read_text(path: &Path, shown: &str) -> Result<String> {
    let metadata = std::fs::metadata(path).with_context(|| format!("could not read {shown}"))?;
    if !metadata.is_file() {
        bail!("{shown} is not a regular file (a folder, a pipe or a device); name the file itself");
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(SIZE_LIMIT + 1).read_to_end(&mut bytes))
        .with_context(|| format!("could not read {shown}"))?;
    if bytes.len() as u64 > SIZE_LIMIT {
        bail!(
            "{shown} is larger than {} MiB, which no real file of its kind is; check that it is the right file",
            SIZE_LIMIT >> 20
        );
    }
    String::from_utf8(bytes).map_err(|err| {
        let bytes = err.as_bytes();
        let at = err.utf8_error().valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&byte| byte == b'\n').map_or(0, |at| at + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        anyhow::anyhow!(
            "{shown}:{line}:{column}: byte 0x{:02x} is not UTF-8; save the file as UTF-8 (TOML files must be)",
            bytes[at]
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("soup.toml");
        std::fs::write(&path, b"[project]\nname = \"d\xe9vice\"\n").unwrap();
        let err = read_text(&path, "soup.toml").unwrap_err().to_string();
        assert!(err.starts_with("soup.toml:2:10: byte 0xe9 is not UTF-8"), "{err}");
    }

    /// What reading and parsing a soup.toml does with any bytes: a text or a located
    /// error, never a panic. The bytes are the SPEC example with bytes of any value put
    /// in (invalid UTF-8 among them), or any bytes at all.
    fn read_and_parse(bytes: &[u8]) -> Result<(), String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("soup.toml");
        std::fs::write(&path, bytes).unwrap();
        match read_text(&path, "soup.toml") {
            Ok(text) => {
                let _ = crate::sidecar::parse_with_problems("soup.toml", &text);
                Ok(())
            }
            Err(err) => Err(err.to_string()),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        #[test]
        fn any_bytes_are_read_and_parsed_or_located(
            inserts in proptest::collection::vec((0usize..20_000, proptest::prelude::any::<u8>()), 0..8),
            noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let mut bytes = include_bytes!("../fixtures/soup-toml/spec-example.toml").to_vec();
            for (at, byte) in inserts {
                bytes.insert(at % (bytes.len() + 1), byte);
            }
            for candidate in [bytes, noise] {
                if let Err(message) = read_and_parse(&candidate) {
                    let located = message.starts_with("soup.toml:") && message.contains("is not UTF-8");
                    proptest::prop_assert!(located, "{}", message);
                }
            }
        }
    }

    /// A large file below the limit is parsed whole (and quickly enough to be a test),
    /// one above it is refused before it is parsed.
    #[test]
    fn huge_inputs_are_parsed_or_refused() {
        let entry = "[soup.crate-N]\nversion = \"1.0.0\"\nlicense = \"MIT\"\nclass = \"A\"\n\n";
        let text: String = (0..40_000).map(|at| entry.replace('N', &at.to_string())).collect();
        assert!(text.len() > 2 << 20);
        assert_eq!(read_and_parse(text.as_bytes()), Ok(()));
        let junk = vec![b'['; 3 << 20];
        assert_eq!(
            read_and_parse(&junk),
            Ok(()),
            "unparsable, but read and reported as TOML errors"
        );
    }

    #[test]
    fn only_regular_files_of_a_sane_size_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_text(dir.path(), "x").unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        let big = dir.path().join("big.toml");
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(SIZE_LIMIT + 1).unwrap();
        let err = read_text(&big, "big.toml").unwrap_err().to_string();
        assert!(err.contains("larger than 32 MiB"), "{err}");
    }
}
