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
            } else if !path.exists() {
                FileState::Missing
            } else {
                match crate::user_file::read_text(&path, file) {
                    Ok(text) => FileState::Text(text),
                    Err(err) => FileState::Unreadable(format!("{err:#}")),
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
                match declared_functions(text) {
                    Err(err) => Some(format!("`{file}` is not Rust that cargo soup can read ({err})")),
                    Ok(declared) => missing_declaration(&declared, &modules, function, file),
                }
            }
        }
    }
}

/// `FILE::a::b::f` into `FILE` and `a::b::f`.
fn split(reference: &str) -> (&str, &str) {
    reference.split_once("::").unwrap_or((reference, ""))
}

/// Why `modules::function` is not among the declared functions: a module path matches
/// the end of where the function is declared, so `parsing::f` and `f` both find
/// `mod tests { mod parsing { fn f() } }`.
fn missing_declaration(declared: &[Vec<String>], modules: &[&str], function: &str, file: &str) -> Option<String> {
    let wanted: Vec<&str> = modules.iter().copied().chain([function]).map(unraw).collect();
    let found = declared
        .iter()
        .any(|path| path.len() >= wanted.len() && path[path.len() - wanted.len()..].iter().eq(wanted.iter()));
    if found {
        return None;
    }
    let declares_module = |module: &str| {
        declared
            .iter()
            .any(|path| path[..path.len() - 1].iter().any(|at| at == module))
    };
    match modules
        .iter()
        .map(|module| unraw(module))
        .find(|module| !declares_module(module))
    {
        Some(module) => Some(format!("`{file}` has no `mod {module}`")),
        None => Some(format!("`{file}` has no `fn {function}`")),
    }
}

fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Every `fn` of the source with the inline modules it is declared in, as read by a
/// Rust lexer (proc-macro2): comments, nested ones too, and strings are never code.
fn declared_functions(text: &str) -> Result<Vec<Vec<String>>, proc_macro2::LexError> {
    let tokens: proc_macro2::TokenStream = text.parse()?;
    let mut declared = Vec::new();
    collect_functions(tokens, &mut Vec::new(), &mut declared);
    Ok(declared)
}

fn collect_functions(tokens: proc_macro2::TokenStream, modules: &mut Vec<String>, declared: &mut Vec<Vec<String>>) {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (at, token) in tokens.iter().enumerate() {
        let keyword = match token {
            TokenTree::Ident(ident) => ident.to_string(),
            TokenTree::Group(group) => {
                // A module's body is handled with its name below; other groups (impl
                // blocks, function bodies) can still hold nested functions and modules.
                let is_module_body = at >= 2
                    && matches!((&tokens[at - 2], &tokens[at - 1]), (TokenTree::Ident(keyword), TokenTree::Ident(_)) if keyword == "mod");
                if !is_module_body {
                    collect_functions(group.stream(), modules, declared);
                }
                continue;
            }
            _ => continue,
        };
        let Some(TokenTree::Ident(name)) = tokens.get(at + 1) else {
            continue;
        };
        let name = unraw(&name.to_string()).to_string();
        match keyword.as_str() {
            "fn" => declared.push(modules.iter().cloned().chain([name]).collect()),
            "mod" => {
                if let Some(TokenTree::Group(body)) = tokens.get(at + 2) {
                    modules.push(name);
                    collect_functions(body.stream(), modules, declared);
                    modules.pop();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TESTS: &str = "// fn commented_out() {}\n/* fn in_block() {} */\n#[test]\nfn rejects_malformed_config() {}\nmod parsing {\n    #[test]\n    fn generic<T>() {}\n    async fn r#async() {}\n}\nfn rejects_malformed_config_too() {}\n";

    /// What the hand-written scanner got wrong: a `/*` inside a string hid every later
    /// test, `//` in a URL hid the rest of its line, and a `fn` inside a string or a
    /// nested comment counted as present.
    #[test]
    fn strings_and_nested_comments_are_never_code() {
        let source = r#"
const GLOB: &str = "src/*.rs";
#[test]
fn after_a_glob_in_a_string() { let url = "http://example.invalid"; } fn after_a_url() {}
const FAKE: &str = "fn only_in_a_string() {}";
/* outer /* nested */ fn only_in_a_nested_comment() {} */
/// A doc comment: fn only_in_a_doc_comment() {}
fn last() {}
"#;
        let evidence = Evidence::from_files([("tests/t.rs", Some(source))]);
        for present in ["after_a_glob_in_a_string", "after_a_url", "last"] {
            assert_eq!(evidence.problem(&format!("tests/t.rs::{present}")), None, "{present}");
        }
        for absent in ["only_in_a_string", "only_in_a_nested_comment", "only_in_a_doc_comment"] {
            assert_eq!(
                evidence.problem(&format!("tests/t.rs::{absent}")),
                Some(format!("`tests/t.rs` has no `fn {absent}`")),
                "{absent}"
            );
        }
        let broken = Evidence::from_files([("tests/b.rs", Some("fn open() { \"unterminated }"))]);
        assert!(
            broken
                .problem("tests/b.rs::open")
                .is_some_and(|problem| problem.contains("is not Rust")),
            "{:?}",
            broken.problem("tests/b.rs::open")
        );
        assert_eq!(broken.problem("tests/b.rs"), None, "a file alone needs no lexing");
    }

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
