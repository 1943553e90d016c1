//! What changed since a git revision, for `audit --changed-since REF`: packages that
//! are new or changed in Cargo.lock, and soup.toml entries whose content changed. Git
//! runs with the variables a hook inherits removed, so it reads the repository the
//! files are in and never the one a commit is being made in.

use crate::graph::{Graph, Lockfile};
use crate::inventory::Inventory;
use crate::record::{History, Revision};
use crate::sidecar::{self, SoupFile};
use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Variables git sets for hooks; inherited, they would point git at another repository
/// or index.
const GIT_ENVIRONMENT: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
];

fn git(folder: &Path, args: &[&str]) -> Result<std::process::Output> {
    let mut command = Command::new("git");
    command.current_dir(folder).args(args);
    for name in GIT_ENVIRONMENT {
        command.env_remove(name);
    }
    command
        .output()
        .map_err(|err| anyhow::anyhow!("could not run git: {err}; --changed-since needs git on PATH"))
}

/// The folder's repository, when git knows one there.
fn in_repository(folder: &Path) -> Option<()> {
    let absolute = std::fs::canonicalize(folder).ok()?;
    absolute.ancestors().find(|at| at.join(".git").exists()).map(|_| ())
}

fn git_text(folder: &Path, args: &[&str]) -> Option<String> {
    in_repository(folder)?;
    let output = git(folder, args).ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim_end().to_string())
}

/// The commits that changed `path`, newest first, and whether it differs from HEAD.
pub fn history(path: &Path) -> History {
    let folder = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return History::default();
    };
    let tracked = git_text(folder, &["ls-files", "--error-unmatch", "--", name]).is_some();
    if !tracked {
        return History::default();
    }
    let log = git_text(
        folder,
        &[
            "log",
            "--follow",
            "--format=%H%x1f%ad%x1f%an%x1f%s",
            "--date=short",
            "--",
            name,
        ],
    );
    let revisions = log
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\x1f');
            Some(Revision {
                commit: fields.next()?.to_string(),
                date: fields.next()?.to_string(),
                author: fields.next()?.to_string(),
                subject: fields.next()?.to_string(),
            })
        })
        .collect();
    let changed = git_text(folder, &["status", "--porcelain", "--", name]).is_some_and(|status| !status.is_empty());
    History {
        revisions: Some(revisions),
        uncommitted: changed,
    }
}

/// The commit checked out in `folder` and whether its work tree has changes, when
/// `folder` is inside a git repository.
pub fn head(folder: &Path) -> Option<(String, bool)> {
    let commit = git_text(folder, &["rev-parse", "HEAD"])?;
    let dirty =
        git_text(folder, &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|status| !status.is_empty());
    Some((commit, dirty))
}

/// The commit of a git checkout whose top folder is `folder` (an advisory-db clone);
/// `None` for a folder that merely lies inside some other repository.
pub fn checkout_commit(folder: &Path) -> Option<String> {
    let top = git_text(folder, &["rev-parse", "--show-toplevel"])?;
    let same = std::fs::canonicalize(&top).ok()? == std::fs::canonicalize(folder).ok()?;
    same.then(|| git_text(folder, &["rev-parse", "HEAD"])).flatten()
}

/// When each line of a tracked file last changed, by 1-based line, in seconds since the
/// epoch, from one `git blame` (a line not committed yet changed now). `None` outside a
/// git repository, for a file git does not track, or without git.
pub fn line_times(path: &Path) -> Option<Vec<i64>> {
    let folder = path.parent().filter(|folder| !folder.as_os_str().is_empty())?;
    // Outside a repository git would only fail; finding that out costs a process.
    in_repository(folder)?;
    let name = path.file_name()?.to_str()?;
    // --porcelain gives a commit's details once, not once per line: a 20,000-line file
    // is read in about 10 ms rather than 300.
    let output = git(folder, &["blame", "--porcelain", "--", name]).ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(i64::MAX))
    };
    let mut commit_times: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    let mut times = Vec::new();
    let mut commit = "";
    for line in text.lines() {
        if line.starts_with('\t') {
            times.push(commit_times.get(commit).copied().unwrap_or_else(now));
        } else if let Some(seconds) = line.strip_prefix("committer-time ") {
            if let Ok(seconds) = seconds.trim().parse::<i64>() {
                commit_times.insert(commit, seconds);
            }
        } else if line.len() > 40 && line.as_bytes()[..40].iter().all(u8::is_ascii_hexdigit) {
            commit = &line[..40];
        }
    }
    Some(times)
}

/// A file as it was at `reference`, `None` when it did not exist there.
fn file_at(folder: &Path, reference: &str, name: &str) -> Result<Option<String>> {
    let output = git(folder, &["show", &format!("{reference}:./{name}")])?;
    Ok(output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
}

/// The crates whose findings stay at deny level: new or changed in Cargo.lock since
/// `reference`, or assessed (or covered) by a soup.toml entry that changed.
pub fn changed_crates(
    reference: &str,
    graph: &Graph,
    inventory: &Inventory,
    soup: &SoupFile,
    soup_path: &Path,
) -> Result<BTreeSet<String>> {
    let root = &graph.workspace_root;
    if !git(root, &["rev-parse", "--git-dir"])?.status.success() {
        bail!(
            "--changed-since {reference}: {} is not inside a git repository",
            root.display()
        );
    }
    let verify = git(
        root,
        &["rev-parse", "--verify", "--quiet", &format!("{reference}^{{commit}}")],
    )?;
    if !verify.status.success() {
        bail!(
            "--changed-since {reference}: no such revision in the repository at {}; name a branch, tag or \
             commit (e.g. origin/main or HEAD)",
            root.display()
        );
    }
    let mut changed = BTreeSet::new();
    let old_lock = file_at(root, reference, "Cargo.lock")?
        .map(|text| Lockfile::parse(&text))
        .transpose()
        .unwrap_or_default()
        .unwrap_or_default();
    for package in graph.packages.iter().filter(|package| !package.is_member) {
        let version = package.version.to_string();
        let before = old_lock.get(&package.name, &version, package.source.lock_id().as_deref());
        if before.is_none_or(|before| before.checksum != package.checksum) {
            changed.insert(package.name.clone());
        }
    }
    let soup_folder = soup_path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(root);
    let soup_name = soup_path
        .file_name()
        .map_or_else(|| "soup.toml".into(), |name| name.to_string_lossy().into_owned());
    let old_soup = file_at(soup_folder, reference, &soup_name)?
        .and_then(|text| sidecar::parse_with_problems(&soup_name, &text).ok())
        .map(|(old, _)| old);
    for entry in &soup.entries {
        let before = old_soup
            .as_ref()
            .and_then(|old| old.entries.iter().find(|old| old.key == entry.key));
        if before.is_some_and(|before| before.content() == entry.content()) {
            continue;
        }
        changed.insert(entry.key.name.clone());
        // A crate taken out of `covers` is changed too: it may now lack an assessment.
        for covers in std::iter::once(&entry.covers).chain(before.map(|before| &before.covers)) {
            if let sidecar::Covers::Crates(names) = covers {
                changed.extend(names.iter().cloned());
            }
        }
        changed.extend(inventory.covered_by(entry).map(|item| item.package.name.clone()));
    }
    Ok(changed)
}
