//! The Rust toolchain as a SOUP item (IEC 62304 cl. 8.1.2 names standard libraries):
//! the version `rustc -vV` reports for the workspace, with the identification of the
//! Rust project.

use super::{Package, Source};
use crate::license::License;
use std::path::Path;
use std::process::Command;

/// Replaces what `rustc -vV` reports, for tests only: it lets a test pretend an old
/// toolchain to check the RustSec `rust/` advisories. Not for production use.
pub const VERSION_OVERRIDE: &str = "CARGO_SOUP_TOOLCHAIN_VERSION";

/// The `release:` line of `rustc -vV`, run in `folder` (rustup picks the toolchain from
/// `rust-toolchain.toml` there), honouring `RUSTC` as Cargo does.
pub fn rustc_version(folder: Option<&Path>) -> Option<semver::Version> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let mut command = Command::new(rustc);
    command.arg("-vV");
    if let Some(folder) = folder {
        command.current_dir(folder);
    }
    let output = command.output().ok().filter(|output| output.status.success())?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("release: "))
        .and_then(|release| semver::Version::parse(release.trim()).ok())
}

/// The toolchain as a package of the list.
pub fn package(version: &semver::Version) -> Package {
    Package {
        name: "rust".to_string(),
        version: version.clone(),
        source: Source::Toolchain,
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
        let version = rustc_version(None).expect("rustc -vV runs where the tests run");
        assert!(version.major >= 1);
        let package = package(&version);
        assert_eq!(package.source.display(), "toolchain");
        assert_eq!(package.license.unwrap().expression, "MIT OR Apache-2.0");
    }
}
