//! The verification evidence named by `verified-by` (`FILE` or `FILE::TEST_FN`): read
//! from disk once here, checked by a pure function, so the audit rules stay pure.

use crate::sidecar::SoupFile;
use std::collections::BTreeMap;
use std::path::Path;

/// What each `verified-by` file holds, by the path as written.
#[derive(Debug, Default)]
pub struct Evidence {
    files: BTreeMap<String, FileState>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FileState {
    Text(String),
    Missing,
    Folder,
    Unreadable(String),
}

impl Evidence {
    /// Reads every file named in `verified-by`, relative to the workspace root.
    pub fn collect(root: &Path, soup: &SoupFile) -> Self {
        let mut files = BTreeMap::new();
        let references = soup
            .entries
            .iter()
            .chain(&soup.toolchain)
            .flat_map(|entry| &entry.requirements)
            .flat_map(|requirement| &requirement.verified_by);
        for reference in references {
            let file = split(reference).0;
            if files.contains_key(file) {
                continue;
            }
            let path = root.join(file);
            let state = if path.is_dir() {
                FileState::Folder
            } else {
                match std::fs::read_to_string(&path) {
                    Ok(text) => FileState::Text(text),
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => FileState::Missing,
                    Err(err) => FileState::Unreadable(err.to_string()),
                }
            };
            files.insert(file.to_string(), state);
        }
        Self { files }
    }

    /// Evidence from given file contents, for tests.
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Self {
        let files = files
            .into_iter()
            .map(|(path, text)| {
                let state = text.map_or(FileState::Missing, |text| FileState::Text(text.to_string()));
                (path.to_string(), state)
            })
            .collect();
        Self { files }
    }

    /// Why `reference` is not evidence, or `None` when it is.
    pub fn problem(&self, reference: &str) -> Option<String> {
        let (file, path) = split(reference);
        match self.files.get(file) {
            None | Some(FileState::Missing) => Some(format!("`{file}` does not exist")),
            Some(FileState::Folder) => Some(format!("`{file}` is a folder; name a file")),
            Some(FileState::Unreadable(err)) => Some(format!("`{file}` could not be read: {err}")),
            Some(FileState::Text(text)) => {
                let (modules, function) = match path.rsplit_once("::") {
                    Some((modules, function)) => (modules.split("::").collect(), function),
                    None if path.is_empty() => return None,
                    None => (Vec::new(), path),
                };
                let code = strip_comments(text);
                if let Some(module) = modules.iter().find(|module| !declares(&code, "mod", module)) {
                    return Some(format!("`{file}` has no `mod {module}`"));
                }
                (!declares(&code, "fn", function)).then(|| format!("`{file}` has no `fn {function}`"))
            }
        }
    }
}

/// `FILE::a::b::f` into `FILE` and `a::b::f`.
fn split(reference: &str) -> (&str, &str) {
    reference.split_once("::").unwrap_or((reference, ""))
}

/// Source without `//` and `/* */` comments, so a commented-out test does not count.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |end| &after[end..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
            out.push(' ');
        } else {
            let next = rest.chars().next().unwrap_or(' ');
            out.push(next);
            rest = &rest[next.len_utf8()..];
        }
    }
    out
}

/// Whether `keyword name` appears as tokens: `fn name(`, `fn name<`, `mod name {`.
fn declares(code: &str, keyword: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut search = code;
    while let Some(at) = search.find(keyword) {
        let before_ok = search[..at].chars().next_back().is_none_or(|c| !is_ident(c));
        let after = &search[at + keyword.len()..];
        let trimmed = after.trim_start();
        let spaced = trimmed.len() < after.len();
        if before_ok && spaced {
            let name = name.strip_prefix("r#").unwrap_or(name);
            let candidate = trimmed.strip_prefix("r#").unwrap_or(trimmed);
            if let Some(rest) = candidate.strip_prefix(name)
                && rest.chars().next().is_none_or(|c| !is_ident(c))
            {
                return true;
            }
        }
        search = &search[at + keyword.len()..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const TESTS: &str = "// fn commented_out() {}\n/* fn in_block() {} */\n#[test]\nfn rejects_malformed_config() {}\nmod parsing {\n    #[test]\n    fn generic<T>() {}\n    async fn r#async() {}\n}\nfn rejects_malformed_config_too() {}\n";

    #[test]
    fn finds_functions_inside_modules_and_ignores_comments() {
        let evidence = Evidence::from_files([("tests/config.rs", Some(TESTS)), ("gone.rs", None)]);
        assert_eq!(evidence.problem("tests/config.rs"), None);
        assert_eq!(evidence.problem("tests/config.rs::rejects_malformed_config"), None);
        assert_eq!(evidence.problem("tests/config.rs::generic"), None);
        assert_eq!(evidence.problem("tests/config.rs::parsing::generic"), None);
        assert_eq!(evidence.problem("tests/config.rs::r#async"), None);
        assert_eq!(
            evidence.problem("tests/config.rs::commented_out").as_deref(),
            Some("`tests/config.rs` has no `fn commented_out`")
        );
        assert_eq!(
            evidence.problem("tests/config.rs::in_block").as_deref(),
            Some("`tests/config.rs` has no `fn in_block`")
        );
        assert_eq!(
            evidence.problem("tests/config.rs::rejects").as_deref(),
            Some("`tests/config.rs` has no `fn rejects`"),
            "a prefix of a name is not the name"
        );
        assert_eq!(
            evidence.problem("tests/config.rs::other::generic").as_deref(),
            Some("`tests/config.rs` has no `mod other`")
        );
        assert_eq!(evidence.problem("gone.rs").as_deref(), Some("`gone.rs` does not exist"));
        assert_eq!(
            evidence.problem("never-read.rs").as_deref(),
            Some("`never-read.rs` does not exist")
        );
    }
}
