//! Which test results verify each `verified-by`: the one decision the findings, the
//! audit JSON, the report's traceability matrix and the SBOM all show.
//!
//! A `FILE::PATH` names the test binary built from FILE (an integration test, or the
//! unit tests of the lib or bin whose sources FILE is among, with the module path
//! from FILE's place) and the tests in it whose name is PATH or ends with `::PATH`; a
//! bare FILE names every test of that binary under FILE's module. A results file
//! names binaries its own way (nextest's binary id, cargo's `Running` line, or not at
//! all), so each suite is first resolved to the member targets it can be.

use crate::graph::{Target, TargetKind};
use crate::location::Location;
use crate::sidecar::SoupFile;
use crate::verification::{Binary, Outcome, ResultsFile, TestResults};
use serde::Serialize;

/// Every `verified-by` reference of the file with its result.
#[derive(Debug, Default)]
pub struct Verification {
    /// The results files read; without any no reference is judged.
    pub files: Vec<ResultsSummary>,
    /// Files `[project] test-results` names that do not exist, with where it names them.
    pub missing: Vec<(String, Option<Location>)>,
    pub references: Vec<ReferenceVerdict>,
}

/// A results file as documents name it.
#[derive(Debug, Clone, Serialize)]
pub struct ResultsSummary {
    pub path: String,
    pub format: &'static str,
    /// When the tests ran (JUnit `timestamp`, else the file's modification time).
    pub time: Option<String>,
    pub tests: usize,
}

#[derive(Debug, Clone)]
pub struct ReferenceVerdict {
    /// The entry's table (`soup.fifo-lite`, `toolchain`).
    pub entry: String,
    /// The requirement's index in the entry.
    pub requirement: usize,
    pub reference: String,
    pub result: TestResult,
    /// The results that decided it.
    pub tests: Vec<MatchedTest>,
    /// Why nothing decided it, for a reference that did not run.
    pub reason: Option<String>,
    /// What would decide it, when the results could not.
    pub hint: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestResult {
    Passed,
    Failed,
    /// Matched only tests that were ignored or skipped.
    Skipped,
    NotRun,
}

impl TestResult {
    pub fn as_str(self) -> &'static str {
        match self {
            TestResult::Passed => "passed",
            TestResult::Failed => "failed",
            TestResult::Skipped => "skipped",
            TestResult::NotRun => "not run",
        }
    }
}

/// One test case that a reference matched.
#[derive(Debug, Clone)]
pub struct MatchedTest {
    /// Its name in its binary: `limits::refuses_a_full_queue`.
    pub test: String,
    /// The binary: `pump's test tests/dosing.rs`.
    pub binary: String,
    pub outcome: Outcome,
    /// The results file it is in.
    pub file: String,
    /// Matched by name alone: the results do not name their test binaries.
    pub by_name: bool,
}

/// A suite as far as the workspace's targets tell.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolved {
    /// The target's index.
    Target(usize),
    /// Two or more targets it can be.
    Ambiguous(Vec<usize>),
    /// The file does not name its binaries (cargo2junit's `cargo test #0`).
    Unnamed,
    /// Doc tests, or a binary of no member.
    Other,
}

impl Verification {
    pub fn results_read(&self) -> bool {
        !self.files.is_empty()
    }

    /// The verdicts of the references of one requirement.
    pub fn of<'v>(&'v self, entry: &'v str, requirement: usize) -> impl Iterator<Item = &'v ReferenceVerdict> + 'v {
        self.references
            .iter()
            .filter(move |verdict| verdict.entry == entry && verdict.requirement == requirement)
    }

    /// Passed, failed and not run (skipped included) among an entry's references.
    pub fn counts(&self, entry: &str) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for verdict in self.references.iter().filter(|verdict| verdict.entry == entry) {
            match verdict.result {
                TestResult::Passed => counts.0 += 1,
                TestResult::Failed => counts.1 += 1,
                TestResult::Skipped | TestResult::NotRun => counts.2 += 1,
            }
        }
        counts
    }
}

/// Judges every `verified-by` of the file against the results.
pub fn verify(soup: &SoupFile, targets: &[Target], results: &TestResults) -> Verification {
    let files = results
        .files
        .iter()
        .map(|file| ResultsSummary {
            path: file.path.clone(),
            format: file.format.as_str(),
            time: file.time.clone(),
            tests: file.suites.iter().map(|suite| suite.cases.len()).sum(),
        })
        .collect();
    let mut verification = Verification {
        files,
        missing: results.missing.clone(),
        references: Vec::new(),
    };
    if !results.were_read() {
        return verification;
    }
    let resolved: Vec<Vec<Resolved>> = results.files.iter().map(|file| resolve(file, targets)).collect();
    let mut references = Vec::new();
    for entry in soup.entries.iter().chain(&soup.toolchain) {
        for (at, requirement) in entry.requirements.iter().enumerate() {
            for reference in &requirement.verified_by {
                let mut verdict = judge(reference, targets, &results.files, &resolved);
                verdict.entry = entry.table_name();
                verdict.requirement = at;
                references.push(verdict);
            }
        }
    }
    verification.references = references;
    verification
}

fn judge(reference: &str, targets: &[Target], files: &[ResultsFile], resolved: &[Vec<Resolved>]) -> ReferenceVerdict {
    let (file, path) = reference.split_once("::").unwrap_or((reference, ""));
    let not_run = |reason: String, hint: Option<&'static str>| ReferenceVerdict {
        entry: String::new(),
        requirement: 0,
        reference: reference.to_string(),
        result: TestResult::NotRun,
        tests: Vec::new(),
        reason: Some(reason),
        hint,
    };
    let Some((target, module)) = locate(file, targets) else {
        return not_run(
            format!("no test binary of a workspace member is built from `{file}`"),
            Some("name a test file of a workspace member, or a source file of its lib or bin"),
        );
    };
    let wanted = Wanted {
        module: module.join("::"),
        path,
    };
    let mut tests = Vec::new();
    let mut ambiguous = Vec::new();
    let mut unnamed_files = Vec::new();
    for (results, suites) in files.iter().zip(resolved) {
        if suites.contains(&Resolved::Unnamed) {
            unnamed_files.push(results.path.as_str());
        }
        let mut unnamed: Vec<(usize, MatchedTest)> = Vec::new();
        for (at, (suite, resolution)) in results.suites.iter().zip(suites).enumerate() {
            let matching = suite.cases.iter().filter(|case| wanted.matches(&case.name));
            let shown = |name: &str, by_name| MatchedTest {
                test: name.to_string(),
                binary: label(&targets[target]),
                outcome: Outcome::Passed,
                file: results.path.clone(),
                by_name,
            };
            match resolution {
                Resolved::Target(own) if *own == target => tests.extend(matching.map(|case| MatchedTest {
                    outcome: case.outcome,
                    ..shown(&case.name, false)
                })),
                Resolved::Ambiguous(candidates)
                    if candidates.contains(&target) && matching.clone().next().is_some() =>
                {
                    ambiguous.push((results.path.clone(), candidates.clone()));
                }
                Resolved::Unnamed if !path.is_empty() => unnamed.extend(matching.map(|case| {
                    let test = MatchedTest {
                        outcome: case.outcome,
                        ..shown(&case.name, true)
                    };
                    (at, test)
                })),
                _ => {}
            }
        }
        match unnamed.first().map(|(suite, _)| *suite) {
            Some(first) if unnamed.iter().all(|(suite, _)| *suite == first) => {
                tests.extend(unnamed.into_iter().map(|(_, test)| test));
            }
            Some(_) => ambiguous.push((results.path.clone(), Vec::new())),
            None => {}
        }
    }
    let result = if tests.iter().any(|test| test.outcome == Outcome::Failed) {
        TestResult::Failed
    } else if tests.iter().any(|test| test.outcome == Outcome::Passed) {
        TestResult::Passed
    } else if !tests.is_empty() {
        TestResult::Skipped
    } else {
        let binary = label(&targets[target]);
        let (reason, hint) = match ambiguous.first() {
            Some((file, candidates)) if !candidates.is_empty() => (
                format!(
                    "{file} cannot tell {} apart (their test binaries have one name), so it does not show which ran",
                    candidates
                        .iter()
                        .map(|&at| label(&targets[at]))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
                Some("give cargo-nextest's JUnit file, which names the package"),
            ),
            Some((file, _)) => (
                format!("{file} does not name its test binaries, and tests of that name are in more than one of them"),
                Some("give cargo-nextest's JUnit file or the output of `cargo test`"),
            ),
            None if path.is_empty() && !unnamed_files.is_empty() => (
                format!(
                    "{} does not name its test binaries, so no test in it can be tied to a whole file",
                    unnamed_files.join(", ")
                ),
                Some("name the test (`FILE::TEST`), or give cargo-nextest's JUnit file"),
            ),
            None => {
                let read: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
                let reason = match path {
                    "" => format!("no test of {binary} is in {}", read.join(", ")),
                    _ => format!("no test `{path}` of {binary} is in {}", read.join(", ")),
                };
                (reason, None)
            }
        };
        return not_run(reason, hint);
    };
    ReferenceVerdict {
        result,
        tests,
        reason: None,
        ..not_run(String::new(), None)
    }
}

/// The test names a reference wants: under `module` (the file's place in its crate),
/// `path` or a path ending in `::path`; every test there when `path` is empty.
struct Wanted<'r> {
    module: String,
    path: &'r str,
}

impl Wanted<'_> {
    fn matches(&self, name: &str) -> bool {
        let rest = if self.module.is_empty() {
            Some(name)
        } else {
            name.strip_prefix(self.module.as_str())
                .and_then(|rest| rest.strip_prefix("::"))
        };
        rest.is_some_and(|rest| {
            self.path.is_empty()
                || rest == self.path
                || rest
                    .strip_suffix(self.path)
                    .is_some_and(|before| before.ends_with("::"))
        })
    }
}

/// `pump's test tests/dosing.rs`, `pump's lib src/lib.rs`.
fn label(target: &Target) -> String {
    let kind = match target.kind {
        TargetKind::Lib => "lib",
        TargetKind::Bin => "bin",
        TargetKind::Test => "test",
        TargetKind::Bench => "bench",
        TargetKind::Example => "example",
    };
    format!("{}'s {kind} {}", target.package, target.src_path)
}

/// The member target built from `file` (relative to the workspace root), with the
/// module path of `file` inside it.
fn locate(file: &str, targets: &[Target]) -> Option<(usize, Vec<String>)> {
    let file = file.trim_start_matches("./").replace('\\', "/");
    let inside = |target: &Target| -> Option<String> {
        if target.dir.is_empty() {
            Some(file.clone())
        } else {
            file.strip_prefix(&target.dir)?.strip_prefix('/').map(str::to_string)
        }
    };
    // The innermost package holding the file.
    let dir = targets
        .iter()
        .filter(|target| inside(target).is_some())
        .map(|target| target.dir.len())
        .max()?;
    let own = targets
        .iter()
        .enumerate()
        .filter(|(_, target)| target.dir.len() == dir)
        .filter_map(|(at, target)| Some((at, target, inside(target)?)));
    let mut best: Option<(usize, usize, Vec<String>)> = None;
    for (at, target, relative) in own {
        if target.src_path == relative {
            return Some((at, Vec::new()));
        }
        if !matches!(target.kind, TargetKind::Lib | TargetKind::Bin) {
            continue;
        }
        let root = target.src_path.rsplit_once('/').map_or("", |(root, _)| root);
        let Some(module) = relative.strip_prefix(root).and_then(|rest| rest.strip_prefix('/')) else {
            continue;
        };
        // The deepest root wins (src/bin/tool/ over src/); the lib before a bin.
        if best.as_ref().is_none_or(|(_, depth, _)| root.len() > *depth) {
            best = Some((at, root.len(), module_path(module)?));
        }
    }
    best.map(|(at, _, module)| (at, module))
}

/// `config/parse.rs` → `config::parse`; `config/mod.rs` → `config`.
fn module_path(file: &str) -> Option<Vec<String>> {
    let file = file.strip_suffix(".rs")?;
    let mut parts: Vec<String> = file.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    Some(parts)
}

/// Each suite of a file resolved to the targets it can be. cargo runs the test
/// binaries of one `cargo test` in the order of `targets`, so where two targets share
/// a binary name, the order of the file's `Running` lines tells them apart.
fn resolve(file: &ResultsFile, targets: &[Target]) -> Vec<Resolved> {
    let mut resolved: Vec<Resolved> = file
        .suites
        .iter()
        .map(|suite| match &suite.binary {
            Binary::Suite(name) => nextest_target(name, targets).map_or(Resolved::Unnamed, Resolved::Target),
            Binary::Cargo { source, executable } => {
                let candidates: Vec<usize> = targets
                    .iter()
                    .enumerate()
                    .filter(|(_, target)| target.name.replace('-', "_") == *executable)
                    .filter(|(_, target)| source.as_ref().is_none_or(|source| *source == target.src_path))
                    .map(|(at, _)| at)
                    .collect();
                match candidates.as_slice() {
                    [] => Resolved::Other,
                    [one] => Resolved::Target(*one),
                    _ => Resolved::Ambiguous(candidates),
                }
            }
            Binary::DocTests => Resolved::Other,
        })
        .collect();
    order_cargo_runs(&mut resolved);
    resolved
}

/// Narrows ambiguous suites to the candidates that keep the file's suites in cargo's
/// run order (strictly increasing target index); leaves them when no order fits (a
/// file of several runs).
fn order_cargo_runs(resolved: &mut [Resolved]) {
    let candidates = |resolution: &Resolved| -> Option<Vec<usize>> {
        match resolution {
            Resolved::Target(at) => Some(vec![*at]),
            Resolved::Ambiguous(candidates) => Some(candidates.clone()),
            _ => None,
        }
    };
    let sequence: Vec<(usize, Vec<usize>)> = resolved
        .iter()
        .enumerate()
        .filter_map(|(at, resolution)| Some((at, candidates(resolution)?)))
        .collect();
    // The lowest index each can take after its predecessors, the highest before its
    // successors; a candidate between both fits some order.
    let mut lowest = Vec::with_capacity(sequence.len());
    for (_, candidates) in &sequence {
        let after = lowest.last().copied();
        let Some(low) = candidates
            .iter()
            .copied()
            .find(|&c| after.is_none_or(|after| c > after))
        else {
            return;
        };
        lowest.push(low);
    }
    let mut highest = vec![0; sequence.len()];
    let mut before: Option<usize> = None;
    for (at, (_, candidates)) in sequence.iter().enumerate().rev() {
        let Some(high) = candidates
            .iter()
            .copied()
            .rev()
            .find(|&c| before.is_none_or(|before| c < before))
        else {
            return;
        };
        highest[at] = high;
        before = Some(high);
    }
    for (at, (suite, candidates)) in sequence.iter().enumerate() {
        let fits: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&c| at == 0 || c > lowest[at - 1])
            .filter(|&c| highest.get(at + 1).is_none_or(|&next| c < next))
            .collect();
        resolved[*suite] = match fits.as_slice() {
            [one] => Resolved::Target(*one),
            _ => Resolved::Ambiguous(fits),
        };
    }
}

/// nextest's binary id: `pkg` (the lib), `pkg::bin/name`, `pkg::bench/name`,
/// `pkg::example/name`, `pkg::name` (an integration test).
fn nextest_target(id: &str, targets: &[Target]) -> Option<usize> {
    let (package, rest) = id.split_once("::").unwrap_or((id, ""));
    let (kind, name) = match rest.split_once('/') {
        Some(("bin", name)) => (TargetKind::Bin, Some(name)),
        Some(("bench", name)) => (TargetKind::Bench, Some(name)),
        Some(("example", name)) => (TargetKind::Example, Some(name)),
        _ if rest.is_empty() => (TargetKind::Lib, None),
        _ => (TargetKind::Test, Some(rest)),
    };
    targets.iter().position(|target| {
        target.package == package && target.kind == kind && name.is_none_or(|name| target.name == name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verification::{Case, Format, Suite};

    fn target(package: &str, kind: TargetKind, name: &str, src_path: &str) -> Target {
        Target {
            package: package.into(),
            kind,
            name: name.into(),
            dir: package.into(),
            src_path: src_path.into(),
        }
    }

    /// The verification fixture's targets, in cargo's order.
    fn targets() -> Vec<Target> {
        let mut targets = vec![
            target("console", TargetKind::Bin, "console", "src/main.rs"),
            target("console", TargetKind::Test, "dosing", "tests/dosing.rs"),
            target("pump", TargetKind::Lib, "pump", "src/lib.rs"),
            target("pump", TargetKind::Test, "dosing", "tests/dosing.rs"),
        ];
        targets.sort();
        targets
    }

    #[test]
    fn files_locate_their_target_and_module() {
        let targets = targets();
        assert_eq!(locate("pump/tests/dosing.rs", &targets), Some((3, vec![])));
        assert_eq!(locate("console/tests/dosing.rs", &targets), Some((1, vec![])));
        assert_eq!(locate("pump/src/lib.rs", &targets), Some((2, vec![])));
        assert_eq!(
            locate("./pump/src/config/mod.rs", &targets),
            Some((2, vec!["config".to_string()]))
        );
        assert_eq!(
            locate("pump/src/a/b.rs", &targets),
            Some((2, vec!["a".to_string(), "b".to_string()]))
        );
        assert_eq!(locate("pump/benches/x.rs", &targets), None);
        assert_eq!(locate("evidence/x.rs", &targets), None);
    }

    #[test]
    fn names_match_at_a_path_boundary_under_the_module() {
        let wanted = Wanted {
            module: "config".into(),
            path: "parses",
        };
        assert!(wanted.matches("config::parses"));
        assert!(wanted.matches("config::tests::parses"));
        assert!(!wanted.matches("config::tests::unparses"));
        assert!(!wanted.matches("other::tests::parses"));
        let every = Wanted {
            module: "".into(),
            path: "",
        };
        assert!(every.matches("anything::at_all"));
    }

    fn cargo_suite(source: &str, executable: &str, names: &[(&str, Outcome)]) -> Suite {
        Suite {
            binary: Binary::Cargo {
                source: Some(source.into()),
                executable: executable.into(),
            },
            cases: names
                .iter()
                .map(|(name, outcome)| Case {
                    name: name.to_string(),
                    outcome: *outcome,
                })
                .collect(),
        }
    }

    #[test]
    fn cargo_order_tells_two_binaries_of_one_name_apart() {
        let targets = targets();
        let file = ResultsFile {
            path: "out.txt".into(),
            format: Format::CargoTest,
            time: None,
            suites: vec![
                cargo_suite("src/main.rs", "console", &[]),
                cargo_suite("tests/dosing.rs", "dosing", &[("same", Outcome::Failed)]),
                cargo_suite("src/lib.rs", "pump", &[]),
                cargo_suite("tests/dosing.rs", "dosing", &[("same", Outcome::Passed)]),
            ],
        };
        assert_eq!(
            resolve(&file, &targets),
            [
                Resolved::Target(0),
                Resolved::Target(1),
                Resolved::Target(2),
                Resolved::Target(3)
            ]
        );
        // `cargo test -p pump --test dosing` alone: nothing tells which member's it is.
        let alone = ResultsFile {
            suites: vec![cargo_suite("tests/dosing.rs", "dosing", &[("same", Outcome::Passed)])],
            ..file
        };
        assert_eq!(resolve(&alone, &targets), [Resolved::Ambiguous(vec![1, 3])]);
        let results = TestResults {
            files: vec![alone],
            missing: Vec::new(),
        };
        let resolved = vec![resolve(&results.files[0], &targets)];
        let verdict = judge("pump/tests/dosing.rs::same", &targets, &results.files, &resolved);
        assert_eq!(verdict.result, TestResult::NotRun);
        let reason = verdict.reason.unwrap();
        assert!(
            reason.contains("cannot tell console's test tests/dosing.rs and pump's test tests/dosing.rs apart"),
            "{reason}"
        );
    }

    #[test]
    fn nextest_ids_name_their_target() {
        let targets = targets();
        assert_eq!(nextest_target("pump", &targets), Some(2));
        assert_eq!(nextest_target("pump::dosing", &targets), Some(3));
        assert_eq!(nextest_target("console::bin/console", &targets), Some(0));
        assert_eq!(nextest_target("cargo test #0", &targets), None);
    }
}
