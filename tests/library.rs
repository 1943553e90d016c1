//! The audit through the library, as cargo-vet and cargo-deny test theirs: a graph and
//! a soup.toml built in memory, advisories from OSV records written here, no process
//! and no `cargo metadata`. One snapshot per finding code per output format; the
//! binary tests keep the CLI contract (exit codes, flags, files written).

use cargo_soup::advisories::osv::Record;
use cargo_soup::advisories::{SourceData, Unreadable};
use cargo_soup::audit::AuditReport;
use cargo_soup::date::Date;
use cargo_soup::evidence::Evidence;
use cargo_soup::facts::{FactsFrom, IndexVersion, RegistryFacts};
use cargo_soup::graph::scope::Scope;
use cargo_soup::graph::{DepKind, Edge, Graph, Package, Source, Target, TargetKind, toolchain};
use cargo_soup::inventory::Inventory;
use cargo_soup::license::License;
use cargo_soup::render::findings;
use cargo_soup::rules::AuditInput;
use cargo_soup::rules::advisories::{AdvisoryInput, verdicts};
use cargo_soup::rules::verification::verify;
use cargo_soup::sidecar;
use cargo_soup::verification::{ResultsFile, TestResults};
use std::collections::{BTreeMap, BTreeSet};

/// A workspace graph built by hand: members, crates.io packages and edges.
#[derive(Default)]
struct MockGraph {
    packages: Vec<Package>,
    edges: Vec<Vec<Edge>>,
}

impl MockGraph {
    fn package(mut self, name: &str, version: &str, member: bool) -> Self {
        let at = self.packages.len();
        self.packages.push(Package {
            name: name.to_string(),
            version: version.parse().unwrap(),
            source: if member {
                Source::Path { path: name.to_string() }
            } else {
                Source::Registry {
                    id: "registry+https://github.com/rust-lang/crates.io-index".to_string(),
                }
            },
            checksum: (!member).then(|| format!("{:064x}", at + 1)),
            lock_line: Some(10 * at + 1),
            license: Some(License::parse("MIT")),
            is_member: member,
            ..toolchain::package(&semver::Version::new(0, 0, 0), None)
        });
        self.edges.push(Vec::new());
        self
    }

    fn member(self, name: &str) -> Self {
        self.package(name, "0.1.0", true)
    }

    fn krate(self, name: &str, version: &str) -> Self {
        self.package(name, version, false)
    }

    /// A normal dependency between the first packages of these names.
    fn dep(self, from: &str, to: &str) -> Self {
        let find = |name: &str| self.packages.iter().position(|package| package.name == name).unwrap();
        let (from, to) = (find(from), find(to));
        self.edge(from, to)
    }

    /// A normal dependency between packages by their place, for two versions of a name.
    fn edge(mut self, from: usize, to: usize) -> Self {
        self.edges[from].push(Edge {
            to,
            kinds: vec![(DepKind::Normal, None)],
        });
        self
    }

    fn build(self) -> Graph {
        let members = (0..self.packages.len())
            .filter(|&at| self.packages[at].is_member)
            .collect();
        Graph {
            workspace_root: "/device".into(),
            root_package: None,
            toolchain: None,
            host: None,
            packages: self.packages,
            edges: self.edges,
            members,
            targets: Vec::new(),
            created_lockfile: false,
        }
    }
}

/// app uses leaf 1.0.0, which uses inner 1.0.0; app, at the workspace root, has the
/// integration test tests/config.rs.
fn device() -> Graph {
    let mut graph = MockGraph::default()
        .member("app")
        .krate("leaf", "1.0.0")
        .krate("inner", "1.0.0")
        .dep("app", "leaf")
        .dep("leaf", "inner")
        .build();
    graph.targets.push(Target {
        package: "app".into(),
        kind: TargetKind::Test,
        name: "config".into(),
        dir: String::new(),
        src_path: "tests/config.rs".into(),
    });
    graph
}

fn results_file(text: &str) -> ResultsFile {
    let (format, time, suites) = cargo_soup::verification::parse(text).unwrap();
    ResultsFile {
        path: "results.xml".into(),
        format,
        time,
        suites,
    }
}

/// leaf, of a class that needs evidence, with a requirement verified by app's test.
fn verified_leaf() -> String {
    soup(
        "require = \"all\"",
        "[[soup.leaf.requirements]]\nid = \"LEAF-F1\"\nkind = \"functional\"\ntext = \"t\"\nverified-by = [\"tests/config.rs::parses\"]",
    )
}

/// Class A throughout, inner covered by leaf's entry; `extra` goes into leaf's entry.
fn soup(project: &str, leaf: &str) -> String {
    format!(
        "[project]\nclass = \"A\"\nadvisory-max-age = \"3650d\"\n{project}\n[soup.leaf]\nversion = \"1.0.0\"\nlicense = \"MIT\"\nclass = \"A\"\ncovers = [\"inner\"]\n{leaf}\n"
    )
}

/// An OSV record about leaf, of `informational` kind (`None`: a vulnerability).
fn record(id: &str, informational: Option<&str>, fixed: &str, modified: &str) -> SourceData {
    record_about("leaf", id, informational, fixed, modified)
}

fn record_about(krate: &str, id: &str, informational: Option<&str>, fixed: &str, modified: &str) -> SourceData {
    let specific = informational.map_or_else(String::new, |kind| {
        format!(r#", "database_specific": {{"informational": "{kind}"}}"#)
    });
    let text = format!(
        r#"{{"id": "{id}", "modified": "{modified}T00:00:00Z", "published": "2025-01-01T00:00:00Z",
            "summary": "A problem in {krate}", "aliases": ["CVE-2025-0001"],
            "affected": [{{"package": {{"ecosystem": "crates.io", "name": "{krate}"}},
                "ranges": [{{"type": "SEMVER", "events": [{{"introduced": "0"}}, {{"fixed": "{fixed}"}}]}}]{specific}}}]}}"#
    );
    let record: Record = serde_json::from_str(&text).unwrap();
    SourceData {
        source: "osv",
        location: "osv".to_string(),
        updated: Some(Date::new(2026, 11, 1).unwrap()),
        total: 1,
        advisories: record.advisories(|_| true).unwrap(),
        unreadable: Vec::new(),
        provenance: Default::default(),
    }
}

struct Case {
    soup: String,
    sources: Vec<SourceData>,
    yanked: Option<BTreeSet<(String, String)>>,
    graph: Graph,
    /// A results file's text (JUnit or `cargo test` output).
    results: Option<&'static str>,
    /// The index records of the crates, as the registry would answer.
    index: Vec<(&'static str, Vec<IndexVersion>)>,
    /// What an import would do to the parsed file.
    imports: Option<fn(&mut sidecar::SoupFile)>,
}

impl Case {
    fn new(soup: String) -> Self {
        Self {
            soup,
            sources: Vec::new(),
            yanked: None,
            graph: device(),
            results: None,
            index: Vec::new(),
            imports: None,
        }
    }

    /// leaf's index record: its versions with their publication dates.
    fn with_leaf_releases(mut self, versions: &[(&str, &str)]) -> Self {
        let versions = versions
            .iter()
            .map(|(version, published)| IndexVersion {
                version: version.parse().unwrap(),
                yanked: false,
                published: published.parse().ok(),
            })
            .collect();
        self.index.push(("leaf", versions));
        self
    }

    fn with_results(mut self, text: &'static str) -> Self {
        self.results = Some(text);
        self
    }

    fn with(mut self, source: SourceData) -> Self {
        self.sources.push(source);
        self
    }

    /// The audit as `cargo soup audit` computes it, as of 2026-11-25.
    fn audit(&self) -> AuditReport {
        let mut soup = sidecar::parse("soup.toml", &self.soup).unwrap();
        if let Some(import) = self.imports {
            import(&mut soup);
        }
        let scope = Scope::default();
        let inventory = Inventory::build(&self.graph, &scope, &soup);
        let evidence = Evidence::from_files([("tests/config.rs", Some("#[test]\nfn parses() {}\n"))]);
        let as_of = Date::new(2026, 11, 25).unwrap();
        let results = TestResults {
            files: self.results.iter().map(|text| results_file(text)).collect(),
            missing: Vec::new(),
        };
        let verification = verify(&soup, &self.graph.targets, &results);
        let input = AuditInput {
            soup: &soup,
            as_of,
            evidence: &evidence,
            verification: &verification,
            lock_file: "Cargo.lock",
            line_times: None,
        };
        let facts: BTreeMap<(String, String), RegistryFacts> = self
            .index
            .iter()
            .map(|(name, versions)| {
                let locked = semver::Version::new(1, 0, 0);
                let facts = cargo_soup::facts::facts(versions, &locked, FactsFrom::Index);
                ((name.to_string(), locked.to_string()), facts)
            })
            .collect();
        let advisories = AdvisoryInput {
            soup: &soup,
            as_of,
            sources: &self.sources,
            targets: None,
            lock_file: "Cargo.lock",
            yanked: self.yanked.as_ref(),
            facts: Some(&facts),
            unavailable: &[],
        };
        let decided = verdicts(&inventory, &soup, &self.sources, None, as_of);
        AuditReport::new(&inventory, &input, &advisories, &decided, Vec::new(), false).0
    }
}

fn cases() -> Vec<(&'static str, Case)> {
    let dispositioned = |status: &str, extra: &str| {
        soup(
            "",
            &format!(
                "[[soup.leaf.advisories]]\nid = \"GHSA-aaaa-bbbb-cccc\"\nstatus = \"{status}\"\nrationale = \"r\"\n{extra}"
            ),
        )
    };
    let mut unreadable = record("GHSA-aaaa-bbbb-cccc", None, "1.0.1", "2025-01-01");
    unreadable.advisories.clear();
    unreadable.unreadable.push(Unreadable {
        package: Some("leaf".to_string()),
        file: "osv/GHSA-broken.json".to_string(),
        reason: "missing field `id`".to_string(),
    });
    let mut old = record("GHSA-aaaa-bbbb-cccc", None, "1.0.0", "2020-01-01");
    old.updated = Some(Date::new(2020, 1, 1).unwrap());
    vec![
        (
            "missing-assessment",
            Case::new("[project]\nclass = \"A\"\n".to_string()),
        ),
        (
            "incomplete-assessment",
            Case::new(soup("", "").replace("license = \"MIT\"\n", "")),
        ),
        (
            "version-drift",
            Case::new(soup("", "").replace("version = \"1.0.0\"", "version = \"0.9.0\"")),
        ),
        (
            "license-changed",
            Case::new(soup("", "").replace("license = \"MIT\"", "license = \"Apache-2.0\"")),
        ),
        (
            "source-changed",
            Case::new(soup("", &format!("checksum = \"{}\"", "f".repeat(64)))),
        ),
        (
            "review-overdue",
            Case::new(soup("", "[soup.leaf.anomalies]\nreviewed = 2025-01-01\nby = \"R\"")),
        ),
        (
            "class-below-inherited",
            Case::new(soup("[software-items.app]\nclass = \"B\"", "")),
        ),
        (
            "missing-evidence",
            Case::new(soup(
                "",
                "[[soup.leaf.requirements]]\nid = \"LEAF-F1\"\nkind = \"functional\"\ntext = \"t\"\nverified-by = [\"tests/config.rs::rejects\"]",
            )),
        ),
        (
            "end-of-support",
            Case::new(soup("", "[soup.leaf.surveillance]\nend-of-support = 2026-01-01")),
        ),
        (
            "newly-covered",
            Case::new(soup("", "").replace("covers = [\"inner\"]", "covers = \"*\"\ncovered = []")),
        ),
        (
            "orphaned-entry",
            Case::new(soup("", "\n[soup.gone]\nversion = \"1.0.0\"")),
        ),
        (
            "covers-unreached",
            Case::new(soup("", "").replace("covers = [\"inner\"]", "covers = [\"inner\", \"elsewhere\"]")),
        ),
        (
            "covered-class-above-entry",
            Case::new(soup(
                "[software-items.app]\nclass = \"B\"",
                "segregation = \"Runs apart.\"",
            )),
        ),
        (
            "approval-before-review",
            Case::new(soup(
                "",
                "[soup.leaf.anomalies]\nreviewed = 2026-11-01\nby = \"R\"\n\n[[soup.leaf.approvals]]\nrole = \"QA\"\nname = \"B\"\ndate = 2026-10-01",
            )),
        ),
        (
            "vulnerability",
            Case::new(soup("", "")).with(record("GHSA-aaaa-bbbb-cccc", None, "1.0.1", "2025-01-01")),
        ),
        (
            "unsound",
            Case::new(soup("", "")).with(record("GHSA-aaaa-bbbb-cccc", Some("unsound"), "1.0.1", "2025-01-01")),
        ),
        (
            "unmaintained",
            Case::new(soup("", "")).with(record(
                "GHSA-aaaa-bbbb-cccc",
                Some("unmaintained"),
                "1.0.1",
                "2025-01-01",
            )),
        ),
        (
            "notice",
            Case::new(soup("", "")).with(record("GHSA-aaaa-bbbb-cccc", Some("notice"), "1.0.1", "2025-01-01")),
        ),
        (
            "disposition-expired",
            Case::new(dispositioned("accepted", "expires = 2026-01-01")).with(record(
                "GHSA-aaaa-bbbb-cccc",
                None,
                "1.0.1",
                "2025-01-01",
            )),
        ),
        (
            "stale-disposition",
            Case::new(dispositioned("not-affected", "")).with(record(
                "GHSA-aaaa-bbbb-cccc",
                None,
                "1.0.0",
                "2025-01-01",
            )),
        ),
        (
            "advisory-since-review",
            Case::new(soup("", "[soup.leaf.anomalies]\nreviewed = 2026-01-01\nby = \"R\"")).with(record(
                "GHSA-aaaa-bbbb-cccc",
                Some("notice"),
                "1.0.1",
                "2026-06-01",
            )),
        ),
        (
            "stale-advisory-db",
            Case::new(soup("", "").replace("3650d", "7d")).with(old),
        ),
        ("unreadable-advisory", Case::new(soup("", "")).with(unreadable)),
        (
            "verification-failed",
            Case::new(verified_leaf()).with_results(
                r#"<testsuites><testsuite name="app::config"><testcase name="parses" classname="app::config"><failure message="assertion failed"/></testcase></testsuite></testsuites>"#,
            ),
        ),
        (
            "verification-not-run",
            Case::new(verified_leaf()).with_results(
                "     Running tests/config.rs (target/debug/deps/config-0123456789abcdef)\n\nrunning 1 test\ntest parses ... ignored\n\ntest result: ok. 0 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s\n",
            ),
        ),
        (
            "inactive-crate",
            Case::new(soup("", "")).with_leaf_releases(&[("0.9.0", "2022-01-10"), ("1.0.0", "2023-05-02")]),
        ),
        (
            "outdated",
            Case::new(soup("[policy]\noutdated = \"warn\"", "")).with_leaf_releases(&[
                ("1.0.0", "2026-01-10"),
                ("2.0.0", "2026-05-02"),
                ("3.0.0", "2026-10-20"),
            ]),
        ),
        ("import-changed", {
            let mut case = Case::new(soup("", "").replace("[soup.leaf]", "[imports.company]\npath = \"library.toml\"\n\n[soup.leaf]"));
            case.imports = Some(|soup| {
                soup.entries[0].imported.push(sidecar::Provenance {
                    field: "anomalies",
                    import: "company".into(),
                });
                soup.import_changes.push(sidecar::ImportChange {
                    import: "company".into(),
                    entry: "leaf".into(),
                    what: "changed",
                });
            });
            case
        }),
        ("yanked", {
            let mut case = Case::new(soup("", ""));
            case.yanked = Some([("leaf".to_string(), "1.0.0".to_string())].into_iter().collect());
            case
        }),
    ]
}

/// Every finding code the catalogue has is produced by its case, and each case's
/// findings are pinned in the four formats.
#[test]
fn every_code_in_every_format() {
    let cases = cases();
    let mut produced = BTreeSet::new();
    for (code, case) in &cases {
        let report = case.audit();
        let codes: BTreeSet<&str> = report.findings.iter().map(|finding| finding.code.as_str()).collect();
        assert!(codes.contains(code), "{code}: {codes:?}");
        produced.insert(*code);
        let soup_toml = cargo_soup::location::SourceMap::new("soup.toml", &case.soup);
        let context = findings::Context {
            sources: vec![&soup_toml],
            ..Default::default()
        };
        insta::assert_snapshot!(
            format!("{code}_human"),
            findings::human(&report, &context, false, &|_| true)
        );
        insta::assert_snapshot!(format!("{code}_json"), findings::json(&report).unwrap());
        insta::assert_snapshot!(format!("{code}_sarif"), findings::sarif(&report).unwrap());
        insta::assert_snapshot!(format!("{code}_github"), findings::github(&report));
    }
    let catalogue: BTreeSet<&str> = cargo_soup::finding::Code::ALL
        .iter()
        .map(|code| code.as_str())
        .collect();
    assert_eq!(produced, catalogue, "a case per code of the catalogue");
}

/// `covers = ["itoa"]` covers the itoa that leaf reaches, not the one app uses itself.
#[test]
fn covers_takes_in_only_the_versions_the_entry_reaches() {
    // app -> leaf -> itoa 1.0.0, and app -> itoa 0.4.0.
    let graph = MockGraph::default()
        .member("app")
        .krate("leaf", "1.0.0")
        .krate("itoa", "1.0.0")
        .krate("itoa", "0.4.0")
        .edge(0, 1)
        .edge(1, 2)
        .edge(0, 3)
        .build();
    let soup_toml = soup("", "").replace("covers = [\"inner\"]", "covers = [\"itoa\"]");
    let soup = sidecar::parse("soup.toml", &soup_toml).unwrap();
    let inventory = Inventory::build(&graph, &Scope::default(), &soup);
    let status = |name: &str, version: &str| {
        let item = inventory
            .items
            .iter()
            .find(|item| item.package.name == name && item.package.version.to_string() == version)
            .unwrap();
        (item.status.as_str(), item.covered_by.clone())
    };
    assert_eq!(status("itoa", "1.0.0"), ("covered", Some("leaf".to_string())));
    assert_eq!(status("itoa", "0.4.0"), ("missing", None));
    assert!(
        inventory.unreached_covers.is_empty(),
        "itoa is reached, one version of it"
    );
}

/// A covered crate is reviewed through its covering entry: `review` refuses the crate
/// itself, so the advice names the entry.
#[test]
fn an_advisory_on_a_covered_crate_names_the_review_of_the_covering_entry() {
    let case = Case::new(soup("", "[soup.leaf.anomalies]\nreviewed = 2026-01-01\nby = \"R\"")).with(record_about(
        "inner",
        "GHSA-cccc-dddd-eeee",
        Some("notice"),
        "1.0.1",
        "2026-06-01",
    ));
    let report = case.audit();
    let since = report
        .findings
        .iter()
        .find(|finding| finding.code.as_str() == "advisory-since-review")
        .unwrap_or_else(|| panic!("{:?}", report.findings));
    assert_eq!(since.krate.as_deref(), Some("inner"));
    assert!(
        since.message.contains("`cargo soup review leaf --by NAME`"),
        "{}",
        since.message
    );
    assert!(!since.message.contains("review inner"), "{}", since.message);
}

#[test]
fn the_path_from_a_member_is_a_shortest_one() {
    let graph = MockGraph::default()
        .member("app")
        .krate("leaf", "1.0.0")
        .krate("inner", "1.0.0")
        .krate("other", "1.0.0")
        .dep("app", "leaf")
        .dep("leaf", "inner")
        .dep("app", "other")
        .dep("other", "leaf")
        .build();
    assert_eq!(graph.path_from_member(2), Some(vec![0, 1, 2]), "app → leaf → inner");
    assert_eq!(graph.path_from_member(0), Some(vec![0]), "a member is its own path");
    let unreached = MockGraph::default().member("app").krate("alone", "1.0.0").build();
    assert_eq!(unreached.path_from_member(1), None);
}
