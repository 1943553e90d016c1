//! Paths as messages show them: relative to where the user is, or to the repository
//! for annotations that are placed by path.

use std::path::{Path, PathBuf};

/// A path as the user can open it from where they are: relative to the current folder,
/// with `..` from a subfolder of the workspace (`../soup.toml`); absolute when the two
/// share no more than the file system's root.
pub fn display_path(path: &Path) -> String {
    let Ok(cwd) = std::env::current_dir() else {
        return path.display().to_string();
    };
    let path = normalise(&cwd.join(path));
    if let Ok(below) = path.strip_prefix(&cwd) {
        return below.display().to_string();
    }
    let shared = path
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .count();
    if shared <= 1 {
        return path.display().to_string();
    }
    crate::graph::relative_path(&path, &cwd)
}

/// A path as a repository names it, for annotations placed by path (GitHub): relative
/// to `GITHUB_WORKSPACE` when set, else to the nearest folder above the current one that
/// holds `.git`; as shown otherwise.
pub fn repository_path(shown: &str) -> String {
    let Ok(cwd) = std::env::current_dir() else {
        return shown.to_string();
    };
    let root = std::env::var_os("GITHUB_WORKSPACE").map(PathBuf::from).or_else(|| {
        cwd.ancestors()
            .find(|folder| folder.join(".git").exists())
            .map(Path::to_path_buf)
    });
    let absolute = normalise(&cwd.join(shown));
    root.and_then(|root| {
        absolute
            .strip_prefix(normalise(&root))
            .ok()
            .map(|below| below.display().to_string())
    })
    .unwrap_or_else(|| shown.to_string())
}

/// `a/b/../c` as `a/c`, without asking the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
