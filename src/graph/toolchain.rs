//! The Rust toolchain as a SOUP item (IEC 62304 cl. 8.1.2 names standard libraries):
//! the version `rustc -vV` reports for the workspace, with the identification of the
//! Rust project.

use super::{Commit, Package, Source};
use crate::license::License;
use std::path::Path;
use std::process::Command;

/// Replaces what `rustc -vV` reports, for tests only: it lets a test pretend an old
/// toolchain to check the RustSec `rust/` advisories. Not for production use.
pub const VERSION_OVERRIDE: &str = "CARGO_SOUP_TOOLCHAIN_VERSION";

/// What `rustc -vV` says of the toolchain that builds the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rustc {
    pub version: semver::Version,
    pub commit: Option<Commit>,
    /// The triple build scripts and proc-macros are compiled for.
    pub host: Option<String>,
}

/// `rustc -vV`, run in `folder` (rustup picks the toolchain from `rust-toolchain.toml`
/// there), honouring `RUSTC` as Cargo does.
pub fn rustc(folder: Option<&Path>) -> Option<Rustc> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let mut command = Command::new(rustc);
    command.arg("-vV");
    if let Some(folder) = folder {
        command.current_dir(folder);
    }
    let output = command.output().ok().filter(|output| output.status.success())?;
    parse_verbose_version(&String::from_utf8_lossy(&output.stdout))
}

fn parse_verbose_version(text: &str) -> Option<Rustc> {
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
            .map(str::trim)
            .filter(|value| !value.is_empty() && *value != "unknown")
    };
    let version = semver::Version::parse(field("release")?).ok()?;
    let commit = field("commit-hash").map(|hash| Commit {
        hash: hash.to_string(),
        date: field("commit-date").map(str::to_string),
    });
    Some(Rustc {
        version,
        commit,
        host: field("host").map(str::to_string),
    })
}

/// The toolchain as a package of the list.
pub fn package(version: &semver::Version, commit: Option<Commit>) -> Package {
    Package {
        name: "rust".to_string(),
        version: version.clone(),
        source: Source::Toolchain { commit },
        checksum: None,
        lock_line: None,
        license: Some(License::parse("MIT OR Apache-2.0")),
        license_file: None,
        repository: Some("https://github.com/rust-lang/rust".to_string()),
        authors: vec!["The Rust Project".to_string()],
        description: Some("The Rust toolchain: rustc, and the std, core, alloc and proc_macro it links in".to_string()),
        links: None,
        bundling: None,
        is_member: false,
        is_proc_macro: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_toolchain_of_this_build_is_found() {
        let rustc = rustc(None).expect("rustc -vV runs where the tests run");
        assert!(rustc.version.major >= 1);
        assert!(rustc.host.is_some());
        let package = package(&rustc.version, rustc.commit);
        assert_eq!(package.source.display(), "toolchain");
        assert_eq!(package.license.unwrap().expression, "MIT OR Apache-2.0");
    }

    #[test]
    fn a_nightly_is_told_apart_by_its_commit_and_the_host_is_read() {
        let text = "rustc 1.97.0-nightly (5a1b2c3d4 2026-11-20)\nbinary: rustc\ncommit-hash: 5a1b2c3d4e5f\ncommit-date: 2026-11-20\nhost: aarch64-unknown-linux-gnu\nrelease: 1.97.0-nightly\nLLVM version: 21.1.0\n";
        let rustc = parse_verbose_version(text).expect("reads");
        assert_eq!(rustc.version.to_string(), "1.97.0-nightly");
        assert_eq!(
            rustc.commit,
            Some(Commit {
                hash: "5a1b2c3d4e5f".into(),
                date: Some("2026-11-20".into())
            })
        );
        assert_eq!(rustc.host.as_deref(), Some("aarch64-unknown-linux-gnu"));
        let built_locally =
            "release: 1.95.0\ncommit-hash: unknown\ncommit-date: unknown\nhost: x86_64-unknown-linux-gnu\n";
        assert_eq!(parse_verbose_version(built_locally).expect("reads").commit, None);
    }
}
