//! Properties of soup.toml handling over generated inputs: the parser never panics,
//! `init` then `sync` changes nothing, and `sync` keeps any comment layout intact.

use cargo_soup::graph::scope::Scope;
use cargo_soup::graph::{DepKind, Edge, Graph, Package, Source};
use cargo_soup::inventory::Inventory;
use cargo_soup::license::License;
use cargo_soup::plans::{maintain, template};
use cargo_soup::sidecar;
use proptest::prelude::*;
use std::path::PathBuf;

/// A fixed number of cases, and no regression files written into the checkout.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------- the parser

/// Fragments soup.toml is made of, so generated text reaches deep into the walker
/// instead of failing at the first byte.
const FRAGMENTS: &[&str] = &[
    "[soup.a]\n",
    "[soup.\"a@1\"]\n",
    "[soup.\"a@0.3\"]\n",
    "[[soup.a.requirements]]\n",
    "[soup.a.anomalies]\n",
    "[project]\n",
    "[project.surveillance]\n",
    "[policy]\n",
    "[toolchain]\n",
    "[software-items.x]\n",
    "version = \"1.0.0\"\n",
    "license = \"MIT/Apache-2.0\"\n",
    "license = \"GPL-2.0+ WITH\"\n",
    "class = \"B\"\n",
    "class = 3\n",
    "covers = \"*\"\n",
    "covers = [\"b\", 1]\n",
    "reviewed = 2026-02-30\n",
    "reviewed = 2026-09-30T10:00:00\n",
    "reviewed = \"TODO\"\n",
    "interval = \"0d\"\n",
    "review-interval = \"18446744073709551616d\"\n",
    "id = \"R1\"\n",
    "kind = \"functional\"\n",
    "verified-by = [\"tests/a.rs::f\"]\n",
    "advisories = [{ id = \"X\" }, 3]\n",
    "unmaintained = \"deny\"\n",
    "schema = 1\n",
    "schema = \"1\"\n",
    "a.b.c = 1\n",
    "kinds = []\n",
    "# comment ü\n",
    "\n",
    "=",
    "\"",
    "[",
    "]",
    "{",
    "}",
    "@",
    "é",
];

fn soup_like_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|parts| parts.concat()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn the_parser_never_panics(text in soup_like_text()) {
        // Either a model or diagnostics, each with a location inside the text.
        if let Err(diagnostics) = sidecar::parse("soup.toml", &text) {
            prop_assert!(!diagnostics.items.is_empty());
            let lines = text.split('\n').count();
            for diagnostic in &diagnostics.items {
                prop_assert!(diagnostic.location.line >= 1 && diagnostic.location.line <= lines);
                let rendered = diagnostic.to_string();
                prop_assert!(rendered.contains("--> soup.toml:"));
            }
        }
    }
}

// ---------------------------------------------------------------- graphs

/// Manifest text as crates.io has it: odd characters, quotes, newlines, legacy licences.
const LICENSES: &[Option<&str>] = &[
    Some("MIT OR Apache-2.0"),
    Some("MIT/Apache-2.0"),
    Some("Apache-2.0 WITH LLVM-exception"),
    Some("GPL-2.0+"),
    Some("Not A Licence"),
    Some("(MIT OR Apache-2.0) AND Unicode-3.0"),
    None,
];
const AUTHORS: &[&str] = &[
    "Jane Doe <jane@example.org>",
    "\"Quoted\" Name",
    "Zoë Ünïcode",
    "line\nbreak",
    "back\\slash # not a comment",
    "",
];
const NAMES: &[&str] = &["alpha", "beta-x", "gamma_y", "delta", "eps", "zeta2"];

#[derive(Debug, Clone)]
struct GeneratedPackage {
    name: usize,
    version: (u64, u64, u64),
    license: usize,
    authors: Vec<usize>,
    repository: Option<String>,
    checksum: bool,
}

fn generated_package() -> impl Strategy<Value = GeneratedPackage> {
    (
        0..NAMES.len(),
        (0u64..3, 0u64..4, 0u64..3),
        0..LICENSES.len(),
        prop::collection::vec(0..AUTHORS.len(), 0..3),
        prop::option::of("[a-z:/.\"# ]{0,20}"),
        any::<bool>(),
    )
        .prop_map(
            |(name, version, license, authors, repository, checksum)| GeneratedPackage {
                name,
                version,
                license,
                authors,
                repository,
                checksum,
            },
        )
}

fn package(name: &str, version: semver::Version, is_member: bool) -> Package {
    Package {
        name: name.to_string(),
        version,
        source: Source::Path { path: "x".into() },
        checksum: None,
        lock_line: None,
        license: None,
        license_file: None,
        repository: None,
        authors: Vec::new(),
        description: None,
        links: None,
        bundling: None,
        is_member,
        is_proc_macro: false,
    }
}

/// A workspace of two members over the generated packages, with edges from each
/// package to some later ones (so the graph is acyclic) and of every kind.
fn graph(generated: &[GeneratedPackage], edges: &[(usize, usize, usize)]) -> Graph {
    let mut packages = vec![
        package("member-a", semver::Version::new(0, 1, 0), true),
        package("member-b", semver::Version::new(0, 1, 0), true),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for generated in generated {
        let (major, minor, patch) = generated.version;
        if !seen.insert((generated.name, generated.version)) {
            continue;
        }
        let mut dep = package(NAMES[generated.name], semver::Version::new(major, minor, patch), false);
        dep.license = LICENSES[generated.license].map(License::parse);
        dep.license_file = dep.license.is_none().then(|| "LICENSE.txt".to_string());
        dep.authors = generated.authors.iter().map(|&at| AUTHORS[at].to_string()).collect();
        dep.repository = generated.repository.clone();
        dep.checksum = generated.checksum.then(|| format!("{:064x}", packages.len()));
        packages.push(dep);
    }
    let count = packages.len();
    let mut adjacency: Vec<Vec<Edge>> = vec![Vec::new(); count];
    // Every package is reached: each one has an edge from a member or an earlier package.
    for to in 2..count {
        let from = if to % 3 == 0 { 1 } else { 0 };
        adjacency[from].push(Edge {
            to,
            kinds: vec![(DepKind::Normal, None)],
        });
    }
    for &(from, to, kind) in edges {
        let (from, to) = (from % count, to % count);
        if from < to && to >= 2 {
            adjacency[from].push(Edge {
                to,
                kinds: vec![(DepKind::ALL[kind % 3], None)],
            });
        }
    }
    Graph {
        workspace_root: PathBuf::from("/work/generated"),
        root_package: None,
        toolchain: None,
        host: None,
        created_lockfile: false,
        packages,
        edges: adjacency,
        members: vec![0, 1],
        targets: Vec::new(),
    }
}

fn graphs() -> impl Strategy<Value = Graph> {
    (
        prop::collection::vec(generated_package(), 0..12),
        prop::collection::vec((0usize..20, 0usize..20, 0usize..3), 0..20),
    )
        .prop_map(|(generated, edges)| graph(&generated, &edges))
}

fn about() -> template::Workspace<'static> {
    const MEMBERS: &[String] = &[];
    template::Workspace {
        name: "generated \"workspace\"",
        members: MEMBERS,
        targets: None,
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn init_then_sync_changes_nothing(graph in graphs(), group in any::<bool>()) {
        let scope = Scope::default();
        let init = maintain::init(&graph, &scope, &about(), group).unwrap();
        let soup = sidecar::parse("soup.toml", &init.text)
            .unwrap_or_else(|err| panic!("init wrote an invalid file:\n{err}\n{}", init.text));
        let sync = maintain::sync(&init.text, &soup, &graph, &scope, true).unwrap();
        prop_assert!(sync.added.is_empty(), "sync added {:?}", sync.added.iter().map(|a| &a.header).collect::<Vec<_>>());
        prop_assert!(sync.orphans.is_empty());
        prop_assert_eq!(sync.text, init.text);
    }
}

// ---------------------------------------------------------------- comment layouts

/// How one hand-written entry is dressed: a detached comment block, comments right
/// above the header, a comment on the header line, spacing, trailing comments on
/// values, an inline table or dotted keys.
#[derive(Debug, Clone)]
struct Layout {
    blank_before: bool,
    detached: Option<String>,
    attached: Vec<String>,
    header_comment: Option<String>,
    spaced: bool,
    value_comment: Option<String>,
    style: u8,
}

fn comment() -> impl Strategy<Value = String> {
    "[ a-zA-Z0-9ü#=\\[\\]\"'.,:-]{0,24}".prop_map(|text| format!("#{text}"))
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        any::<bool>(),
        prop::option::of(comment()),
        prop::collection::vec(comment(), 0..3),
        prop::option::of(comment()),
        any::<bool>(),
        prop::option::of(comment()),
        0u8..3,
    )
        .prop_map(
            |(blank_before, detached, attached, header_comment, spaced, value_comment, style)| Layout {
                blank_before,
                detached,
                attached,
                header_comment,
                spaced,
                value_comment,
                style,
            },
        )
}

/// The text of one entry, with its own prefix: everything that goes with it on removal
/// is in `own`, what stays (a detached comment block) in `detached`.
fn entry(key: &str, version: &str, layout: &Layout) -> (String, String) {
    let mut detached = String::new();
    if layout.blank_before {
        detached.push('\n');
    }
    if let Some(comment) = &layout.detached {
        detached.push_str(&format!("{comment}\n\n"));
    }
    let mut own = String::new();
    for comment in &layout.attached {
        own.push_str(&format!("{comment}\n"));
    }
    let eq = if layout.spaced { "  =   " } else { " = " };
    own.push_str(&format!("[soup.{key}]"));
    if let Some(comment) = &layout.header_comment {
        own.push_str(&format!("  {comment}"));
    }
    own.push('\n');
    own.push_str(&format!("version{eq}\"{version}\""));
    if let Some(comment) = &layout.value_comment {
        own.push_str(&format!(" {comment}"));
    }
    own.push('\n');
    match layout.style {
        0 => own.push_str(&format!("anomalies{eq}{{ by = \"A. Reviewer\", summary = \"x\" }}\n")),
        1 => own.push_str("anomalies.by = \"A. Reviewer\"\n"),
        _ => own.push_str(&format!("\n[soup.{key}.anomalies]\nby{eq}\"A. Reviewer\"\n")),
    }
    (detached, own)
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn sync_keeps_any_comment_layout(
        graph in graphs(),
        layouts in prop::collection::vec(layout(), 8),
        orphan_at in 0usize..8,
        head in prop::option::of(comment()),
        tail in prop::option::of(comment()),
    ) {
        let scope = Scope::default();
        let nothing = sidecar::SoupFile::default();
        let in_scope: std::collections::BTreeMap<String, String> = Inventory::build(&graph, &scope, &nothing)
            .items
            .iter()
            .map(|item| (item.package.name.clone(), item.package.version.to_string()))
            .collect();
        let names: Vec<(String, String)> = in_scope.into_iter().collect();
        // Entries for the first crates in scope, in the file's own order, with an orphan.
        let mut text = String::new();
        if let Some(head) = &head {
            text.push_str(&format!("{head}\n"));
        }
        text.push_str("schema = 1\n[project]\nname = \"x\" # the product\n");
        let mut orphan_text = None;
        let entries = names.len().min(layouts.len());
        for (at, layout) in layouts.iter().enumerate().take(entries.max(orphan_at + 1)) {
            let (detached, own) = if at == orphan_at {
                let (detached, own) = entry("gone-crate", "9.9.9", &Layout { detached: None, ..layout.clone() });
                // Its blank line goes with it; a detached comment would stay, so it has none.
                orphan_text = Some(format!("{detached}{own}"));
                (detached, own)
            } else if let Some((name, version)) = names.get(at) {
                entry(name, version, layout)
            } else {
                continue;
            };
            text.push_str(&detached);
            text.push_str(&own);
        }
        if let Some(tail) = &tail {
            text.push_str(&format!("\n{tail}\n"));
        }
        let soup = sidecar::parse("soup.toml", &text).unwrap_or_else(|err| panic!("{err}\n{text}"));

        // Without --prune: the file is the old text with one block inserted.
        let sync = maintain::sync(&text, &soup, &graph, &scope, false).unwrap();
        let after = &sync.text;
        let common = text.bytes().zip(after.bytes()).take_while(|(a, b)| a == b).count();
        let common = (0..=common).rev().find(|&at| text.is_char_boundary(at)).unwrap_or(0);
        prop_assert!(after.ends_with(&text[common..]), "only an insertion:\n{text}\n---\n{after}");
        prop_assert_eq!(after.len() >= text.len(), true);
        let inserted = &after[common..after.len() - (text.len() - common)];
        prop_assert_eq!(inserted.is_empty(), sync.added.is_empty());
        prop_assert!(sidecar::parse("soup.toml", after).is_ok());

        // With --prune: exactly the orphan's own text goes, every other byte stays.
        let pruned = maintain::sync(&text, &soup, &graph, &scope, true).unwrap();
        let orphan_text = orphan_text.unwrap();
        let expected = sync.text.replacen(&orphan_text, "", 1);
        prop_assert_eq!(pruned.text, expected);
    }
}
