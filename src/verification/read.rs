//! The results files named by `--test-results` and `[project] test-results`, read and
//! parsed. A file the user names on the command line must be there; one soup.toml
//! names may not be yet (a local run before the tests), which the audit reports as a
//! finding instead of failing.

use super::{ResultsFile, parse};
use crate::location::Location;
use crate::sidecar::Project;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// What was read, and the soup.toml files that were not there.
#[derive(Debug, Default)]
pub struct TestResults {
    pub files: Vec<ResultsFile>,
    pub missing: Vec<(String, Option<Location>)>,
}

impl TestResults {
    /// Results were read: the verification findings apply.
    pub fn were_read(&self) -> bool {
        !self.files.is_empty()
    }
}

/// Reads the flagged files (relative to the working directory) and the project's
/// (relative to the workspace root), each once.
pub fn read_all(flagged: &[PathBuf], project: &Project, root: &Path) -> Result<TestResults> {
    let mut results = TestResults::default();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut first_time = |path: &Path| {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let new = !seen.contains(&key);
        seen.push(key);
        new
    };
    for path in flagged {
        let shown = path.display().to_string();
        if !path.exists() {
            bail!(
                "the test results file {shown} (--test-results) does not exist; run the tests first \
                 (`cargo nextest run --profile ci`, or `cargo test 2>&1 | tee {shown}`) or fix the path"
            );
        }
        if first_time(path) {
            results.files.push(read_one(path, shown)?);
        }
    }
    for (file, location) in &project.test_results {
        let path = root.join(file);
        if !path.exists() {
            results.missing.push((file.clone(), location.clone()));
        } else if first_time(&path) {
            results.files.push(read_one(&path, file.clone())?);
        }
    }
    Ok(results)
}

fn read_one(path: &Path, shown: String) -> Result<ResultsFile> {
    let text = crate::user_file::read_text(path, &shown)?;
    let (format, time, suites) = parse(&text)
        .map_err(|problem| anyhow::anyhow!("{shown}:{}:{}: {}", problem.line, problem.column, problem.message))?;
    let time = match time {
        Some(time) => Some(time),
        None => modified(path).with_context(|| format!("could not read the modification time of {shown}"))?,
    };
    Ok(ResultsFile {
        path: shown,
        format,
        time,
        suites,
    })
}

fn modified(path: &Path) -> Result<Option<String>> {
    let modified = std::fs::metadata(path)?.modified()?;
    let seconds = modified
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_secs())
        .ok();
    Ok(seconds.map(crate::date::timestamp))
}
