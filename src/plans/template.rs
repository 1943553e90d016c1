//! The text `init` and `sync` write: identification filled in from the graph, every
//! judgement a `TODO` placeholder that `audit` reports until a person replaces it.

use crate::inventory::SoupItem;
use crate::license::LicenseForm;
use crate::render;
use crate::sidecar::{
    Class, DEFAULT_ADVISORY_MAX_AGE, DEFAULT_REVIEW_INTERVAL, EntryKey, PLACEHOLDER, Project, Require, VersionLine,
};
use crate::sidecar::{toml_key, toml_string};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Where editors fetch the JSON Schema of soup.toml from; taplo and Even Better TOML
/// read the `#:schema` line. Teams without internet access point it at a copy of
/// `soup.schema.json` in their repository instead.
pub const SCHEMA_URL: &str = "https://raw.githubusercontent.com/cargo-soup/cargo-soup/main/soup.schema.json";

/// An entry to write for an item that has none.
pub struct NewEntry<'i, 'g> {
    pub key: EntryKey,
    pub item: &'i SoupItem<'g>,
    /// With `--group`: the crates reached only through this item, which its
    /// `covers = "*"` takes in.
    pub covers: Option<Vec<String>>,
}

impl NewEntry<'_, '_> {
    /// The table the entry is: `soup.serde_json`, `soup."bitflags@1"` or `toolchain`.
    pub fn header(&self) -> String {
        if is_toolchain(self.item) {
            "toolchain".to_string()
        } else {
            format!("soup.{}", toml_key(&self.key.to_string()))
        }
    }
}

/// Entries for `items`, direct dependencies first, then transitive ones. Two versions
/// of one crate in scope get one entry per version line (`name@1`, `name@0.3`); a
/// version line that already has an entry, or a second version in the same line,
/// gets none.
pub fn new_entries<'i, 'g>(
    items: &[&'i SoupItem<'g>],
    in_scope: &[SoupItem<'g>],
    taken: &BTreeSet<EntryKey>,
) -> Vec<NewEntry<'i, 'g>> {
    let mut keys = taken.clone();
    let mut ordered: Vec<&&SoupItem> = items.iter().collect();
    // Direct dependencies first, then transitive ones; the toolchain's `[toolchain]`
    // table at the end.
    ordered.sort_by_key(|item| (is_toolchain(item), !item.direct));
    let mut entries = Vec::new();
    for item in ordered {
        let package = item.package;
        let several_versions = in_scope
            .iter()
            .any(|other| other.package.name == package.name && other.package.version != package.version);
        let key = EntryKey {
            name: package.name.clone(),
            line: several_versions.then(|| VersionLine::of(&package.version)),
        };
        if keys.insert(key.clone()) {
            entries.push(NewEntry {
                key,
                item,
                covers: None,
            });
        }
    }
    entries
}

fn is_toolchain(item: &SoupItem) -> bool {
    item.package.source.is_toolchain()
}

/// Where a crate's known anomalies are reported: the issue tracker of a repository on a
/// forge whose layout is known (`https://github.com/o/r/issues` from
/// `https://github.com/o/r.git` or `.../o/r/tree/master/sub`), else the repository as
/// given, which is true, rather than a tracker address that was only guessed.
fn issue_tracker(repository: &str) -> String {
    let trimmed = repository.trim().trim_start_matches("git+");
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        return repository.trim().to_string();
    };
    let mut parts = rest.split('/').filter(|part| !part.is_empty());
    let (Some(host), Some(owner), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return repository.trim().to_string();
    };
    let host = host.to_ascii_lowercase();
    let name = name.trim_end_matches(".git");
    let scheme = if scheme == "http" || scheme == "git" {
        "https"
    } else {
        scheme
    };
    match host.trim_start_matches("www.") {
        "github.com" | "codeberg.org" | "bitbucket.org" => format!("{scheme}://{host}/{owner}/{name}/issues"),
        "gitlab.com" => format!("{scheme}://{host}/{owner}/{name}/-/issues"),
        _ => repository.trim().to_string(),
    }
}

/// Text from a manifest, safe to put in a comment.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn string_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| toml_string(value)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Requirement ids that are unique in the file: `SOUP-SERDE-JSON-F1`.
fn requirement_id(key: &EntryKey, suffix: &str, used: &mut BTreeSet<String>) -> String {
    let mut stem: String = key
        .name
        .chars()
        .map(|c| if c == '_' { '-' } else { c.to_ascii_uppercase() })
        .collect();
    if let Some(line) = key.line {
        write!(stem, "-{line}").ok();
    }
    let base = format!("SOUP-{stem}-{suffix}");
    let mut id = base.clone();
    let mut counter = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{counter}");
        counter += 1;
    }
    id
}

/// The text of one `[soup.KEY]` entry. Items of class B and C (or every item under
/// `require = "all"`) get every section of the assessment; class A items the fields
/// their class needs.
pub fn entry_text(entry: &NewEntry, require: Require, used_ids: &mut BTreeSet<String>) -> String {
    let item = entry.item;
    let package = item.package;
    let header = entry.header();
    let todo = toml_string(PLACEHOLDER);
    let mut text = String::new();
    let how = match (is_toolchain(item), item.direct) {
        (true, _) => "the toolchain that builds",
        (false, true) => "direct dependency, reached from",
        (false, false) => "transitive dependency, reached from",
    };
    writeln!(
        text,
        "\n# {} {}: {how} {}; inherits class {}",
        package.name,
        package.version,
        item.reached_from.join(", "),
        item.class
    )
    .ok();
    writeln!(text, "[{header}]").ok();
    writeln!(text, "version = {}", toml_string(&package.version.to_string())).ok();
    match (&package.license, &package.license_file) {
        (Some(license), _) if license.form != LicenseForm::Invalid => {
            writeln!(text, "license = {}", toml_string(&license.expression))
        }
        (Some(license), _) => writeln!(
            text,
            "license = {todo}   # declared as {}, which is not an SPDX expression",
            one_line(&license.raw)
        ),
        (None, Some(file)) => writeln!(
            text,
            "license = {todo}   # the crate has only a licence file: {}",
            one_line(file)
        ),
        (None, None) => writeln!(text, "license = {todo}   # the crate declares no licence"),
    }
    .ok();
    let vendor = render::vendor(package).map_or_else(|| todo.clone(), |vendor| toml_string(&vendor));
    writeln!(text, "vendor = {vendor}").ok();
    if let Some(checksum) = &package.checksum {
        writeln!(text, "checksum = {}", toml_string(checksum)).ok();
    }
    if let Some(commit) = package.source.commit() {
        writeln!(text, "commit = {}", toml_string(commit)).ok();
    }
    writeln!(text, "class = {todo}   # A, B or C; inherited: {}", item.class).ok();
    writeln!(text, "class-rationale = {todo}").ok();
    if let Some(covered) = &entry.covers {
        writeln!(text, "covers = \"*\"").ok();
        writeln!(text, "covered = {}   # what \"*\" takes in now", string_list(covered)).ok();
    }
    let full = require == Require::All || item.class >= Class::B;
    if !full {
        return text;
    }
    writeln!(text, "prerequisites = {todo}").ok();
    for (kind, suffix) in [("functional", "F1"), ("performance", "P1")] {
        let id = requirement_id(&entry.key, suffix, used_ids);
        writeln!(text, "\n[[{header}.requirements]]").ok();
        writeln!(text, "id = {}", toml_string(&id)).ok();
        writeln!(text, "kind = \"{kind}\"").ok();
        writeln!(text, "text = {todo}").ok();
        writeln!(text, "verified-by = [{todo}]").ok();
    }
    let mut sources = vec!["RustSec".to_string(), "OSV".to_string()];
    if let Some(repository) = &package.repository {
        sources.insert(0, issue_tracker(repository));
    }
    writeln!(text, "\n[{header}.anomalies]").ok();
    writeln!(text, "reviewed = {todo}").ok();
    writeln!(text, "by = {todo}").ok();
    writeln!(text, "sources = {}", string_list(&sources)).ok();
    writeln!(text, "summary = {todo}").ok();
    writeln!(text, "\n[{header}.verification]").ok();
    writeln!(text, "method = {todo}").ok();
    writeln!(text, "\n[{header}.surveillance]").ok();
    writeln!(text, "update-strategy = {todo}").ok();
    writeln!(text, "obsolescence = {todo}").ok();
    writeln!(text, "support = {todo}   # \"active\", \"limited\" or \"none\"").ok();
    writeln!(text, "\n[[{header}.approvals]]").ok();
    writeln!(text, "role = {todo}").ok();
    writeln!(text, "name = {todo}").ok();
    writeln!(text, "date = {todo}").ok();
    text
}

/// What `init` knows about the workspace beyond its SOUP items.
pub struct Workspace<'a> {
    pub name: &'a str,
    pub members: &'a [String],
    /// Targets given with `--target`, written into `[project]`.
    pub targets: Option<&'a [String]>,
}

/// A whole new soup.toml: `[project]` with every default spelled out, one
/// `[software-items]` table per member, and the entries.
pub fn document(workspace: &Workspace, project: &Project, entries: &[NewEntry]) -> String {
    let mut text = String::new();
    writeln!(text, "#:schema {SCHEMA_URL}").ok();
    writeln!(
        text,
        "# SOUP assessments of {} (IEC 62304 cl. 5.3.3, 5.3.4, 7.1, 8.1.2).",
        workspace.name
    )
    .ok();
    text.push_str(
        "# Written by `cargo soup init`. \"TODO\" marks a judgement still to be made: `cargo soup audit`\n\
         # reports each one until a person replaces it. `cargo soup sync` adds entries for new\n\
         # dependencies; `cargo soup review CRATE --by NAME` records a review.\n",
    );
    text.push_str("schema = 1\n\n[project]\n");
    let kinds: Vec<String> = project.kinds.iter().map(|kind| kind.as_str().to_string()).collect();
    let targets = match workspace.targets {
        Some(targets) => format!("targets = {}", string_list(targets)),
        None => "# targets = [\"thumbv7em-none-eabihf\"]".to_string(),
    };
    let settings = [
        (format!("name = {}", toml_string(workspace.name)), ""),
        (
            "class = \"C\"".to_string(),
            "software system safety class; default for members without an entry",
        ),
        (
            format!("stale-on = \"{}\"", project.stale_on.as_str()),
            "version change that invalidates an assessment: \"patch\", \"minor\" or \"major\"",
        ),
        (
            format!("kinds = {}", string_list(&kinds)),
            "dependency kinds that make a package SOUP",
        ),
        (targets, "target triples the device ships for; default: every platform"),
        (
            format!("advisory-max-age = \"{DEFAULT_ADVISORY_MAX_AGE}\""),
            "advisory data older than this is itself a finding",
        ),
        (
            format!("require = \"{}\"", project.require.as_str()),
            "\"standard\": fields by class (see README); \"all\": every field for every class",
        ),
    ];
    for (setting, comment) in settings {
        if comment.is_empty() {
            writeln!(text, "{setting}").ok();
        } else {
            writeln!(text, "{setting:<27} # {comment}").ok();
        }
    }
    // The one review interval: section 5 states it and `review-overdue` applies it.
    text.push_str(&format!(
        "\n[project.surveillance]      # defaults for every item's section 5 (post-market surveillance)\n\
         monitoring = \"cargo soup audit in nightly CI against RustSec and OSV\"\n\
         role = \"TODO\"               # who watches the SOUP items, e.g. \"Software Lead\"\n\
         interval = \"{DEFAULT_REVIEW_INTERVAL}\"          # how old an anomaly/vulnerability review may get\n\
         triggers = [\"new advisory\", \"major version change\", \"unmaintained notice\"]\n",
    ));
    text.push_str("\n# The software item class of each workspace member (IEC 62304 4.3); SOUP it reaches\n# inherits the highest.\n");
    for member in workspace.members {
        writeln!(text, "[software-items.{}]\nclass = \"C\"", toml_key(member)).ok();
    }
    text.push_str(
        "\n[policy]                    # level per finding code: \"deny\", \"warn\" or \"allow\"\n\
         # orphaned-entry = \"warn\"\n",
    );
    let mut used_ids = BTreeSet::new();
    let direct = entries
        .iter()
        .filter(|entry| entry.item.direct && !is_toolchain(entry.item))
        .count();
    for (at, entry) in entries.iter().enumerate() {
        if is_toolchain(entry.item) {
            text.push_str("\n# ---- The Rust toolchain (IEC 62304 8.1.2: standard libraries are SOUP) ----\n");
        } else if at == 0 && direct > 0 {
            text.push_str("\n# ---- Direct dependencies ----\n");
        } else if at == direct {
            text.push_str("\n# ---- Transitive dependencies ----\n");
        }
        text.push_str(&entry_text(entry, project.require, &mut used_ids));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::issue_tracker;

    #[test]
    fn issue_trackers_are_derived_only_where_the_layout_is_known() {
        for (repository, tracker) in [
            (
                "https://github.com/serde-rs/json",
                "https://github.com/serde-rs/json/issues",
            ),
            (
                "https://github.com/serde-rs/json/",
                "https://github.com/serde-rs/json/issues",
            ),
            (
                "https://github.com/rust-lang/git2-rs.git",
                "https://github.com/rust-lang/git2-rs/issues",
            ),
            (
                "https://github.com/probe-rs/probe-rs/tree/master/probe-rs",
                "https://github.com/probe-rs/probe-rs/issues",
            ),
            ("git+https://github.com/o/r.git", "https://github.com/o/r/issues"),
            ("http://github.com/o/r", "https://github.com/o/r/issues"),
            (
                "https://gitlab.com/group/proj",
                "https://gitlab.com/group/proj/-/issues",
            ),
            ("https://codeberg.org/o/r", "https://codeberg.org/o/r/issues"),
            ("https://git.example.com/o/r", "https://git.example.com/o/r"),
            ("https://github.com/only-owner", "https://github.com/only-owner"),
            ("not a url", "not a url"),
        ] {
            assert_eq!(issue_tracker(repository), tracker, "{repository}");
        }
    }
}
