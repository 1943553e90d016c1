//! Assessment rules: pure functions from an item, its entry, the project settings and
//! the audit date to what is wrong with the assessment. `list` derives an item's status
//! from them; the audit turns them into findings. No I/O happens here: the evidence
//! files arrive already read.

use crate::date::Date;
use crate::evidence::Evidence;
use crate::finding::{Code, Finding};
use crate::inventory::{Inventory, SoupItem};
use crate::location::Location;
use crate::sidecar::{Class, Entry, Project, SoupFile, StaleOn, Support};
use std::collections::BTreeSet;

pub mod advisories;
pub mod registry;
pub mod verification;

pub use crate::assessment::{
    license_changed, missing_fields, needs_evidence, required_class, source_change_of, source_changed, version_drifted,
};
use verification::{TestResult, Verification};

/// What the audit reads besides the inventory: the file, its date and its evidence.
pub struct AuditInput<'a> {
    pub soup: &'a SoupFile,
    pub as_of: Date,
    pub evidence: &'a Evidence,
    /// The `verified-by` references judged against test results, when any were read.
    pub verification: &'a Verification,
    /// How findings name Cargo.lock (relative to where the user is).
    pub lock_file: &'a str,
    /// When each line of soup.toml last changed, by 1-based line, when git knows.
    pub line_times: Option<&'a [i64]>,
}

/// Every assessment finding of the inventory, before `[policy]` levels apply.
pub fn assessment_findings(inventory: &Inventory, input: &AuditInput) -> Vec<Finding> {
    let project = &input.soup.project;
    let mut findings = Vec::new();
    for item in &inventory.items {
        let Some(entry) = item.entry else {
            findings.extend(missing_assessment(item, input.soup, input.lock_file));
            continue;
        };
        findings.extend(version_drift(item, entry, project.stale_on));
        findings.extend(license_change(item, entry));
        findings.extend(source_change(item, entry));
        findings.extend(class_below_inherited(item, entry));
    }
    // Entry-level rules once per entry, for the most demanding item it assesses.
    let mut seen: Vec<*const Entry> = Vec::new();
    for item in &inventory.items {
        let Some(entry) = item.entry else { continue };
        if seen.contains(&std::ptr::from_ref(entry)) {
            continue;
        }
        seen.push(std::ptr::from_ref(entry));
        let assessed: Vec<&SoupItem> = inventory
            .items
            .iter()
            .filter(|other| other.entry.is_some_and(|own| std::ptr::eq(own, entry)))
            .collect();
        let class = assessed
            .iter()
            .map(|item| required_class(item.class, entry))
            .max()
            .unwrap_or(item.class);
        findings.extend(incomplete_assessment(item, entry, class, project));
        findings.extend(newly_covered(item, entry, inventory));
        findings.extend(covered_class_above_entry(entry, class, inventory));
        findings.extend(approvals_before_review(item, entry, input.line_times));
        findings.extend(end_of_support(item, entry, class, project, input.as_of));
        findings.extend(review_overdue(item, entry, project, input.as_of));
        findings.extend(missing_evidence(item, entry, input.evidence));
        if needs_evidence(class, project) {
            findings.extend(unverified(item, entry, input.evidence, input.verification));
        }
    }
    findings.extend(missing_results(input.verification));
    findings.extend(import_changes(inventory, input.soup));
    for entry in inventory.orphans(input.soup) {
        findings.push(orphaned_entry(entry));
    }
    for (entry, names) in &inventory.unreached_covers {
        findings.push(covers_unreached(entry, names));
    }
    findings
}

fn on_item(finding: Finding, item: &SoupItem) -> Finding {
    finding.on(&item.package.name, Some(item.package.version.to_string()))
}

/// The command that records a review of this item.
fn review_command(item: &SoupItem) -> String {
    format!(
        "`cargo soup review {}@{} --by NAME`",
        item.package.name, item.package.version
    )
}

pub fn missing_assessment(item: &SoupItem, soup: &SoupFile, lock_file: &str) -> Option<Finding> {
    if item.covered_by.is_some() {
        return None;
    }
    let package = item.package;
    let location = package.lock_line.map(|line| Location {
        file: lock_file.to_string(),
        line,
        column: 1,
    });
    const ADD_OR_COVER: &str = "run `cargo soup sync` to add a placeholder entry and assess it, or add it to \
                                the `covers` of the entry that assesses it";
    // The toolchain is no crate: nothing covers it, and its entry is a table of its own.
    const ADD_TOOLCHAIN: &str = "add a [toolchain] table to soup.toml (`cargo soup sync` writes one with \
                                 placeholders) and assess the Rust toolchain there";
    let advice = match soup.second_line(&package.name, &package.version) {
        Some(second) => second.to_string(),
        None if package.source.is_toolchain() => ADD_TOOLCHAIN.to_string(),
        None => ADD_OR_COVER.to_string(),
    };
    let message = format!(
        "{} {} (reached from {}) has no soup.toml entry and no entry covers it; {advice}",
        package.name,
        package.version,
        item.reached_from.join(", ")
    );
    Some(on_item(Finding::new(Code::MissingAssessment, message), item).at(location))
}

pub fn incomplete_assessment(item: &SoupItem, entry: &Entry, class: Class, project: &Project) -> Option<Finding> {
    let missing = missing_fields(entry, class, project);
    if missing.is_empty() {
        return None;
    }
    let message = format!(
        "[{}] lacks what class {class} requires: {}; fill {} in (\"TODO\" counts as missing)",
        entry.table_name(),
        missing.join(", "),
        if missing.len() == 1 { "it" } else { "them" }
    );
    Some(on_item(Finding::new(Code::IncompleteAssessment, message), item).at(Some(entry.location.clone())))
}

pub fn version_drift(item: &SoupItem, entry: &Entry, stale_on: StaleOn) -> Option<Finding> {
    let assessed = entry.version.as_ref()?;
    let locked = &item.package.version;
    if !version_drifted(assessed, locked, stale_on) {
        return None;
    }
    let message = format!(
        "{} is locked at {locked} but {assessed} was assessed (stale-on = \"{}\"); assess what changed, \
         then run {}",
        item.package.name,
        stale_on.as_str(),
        review_command(item)
    );
    let finding = on_item(Finding::new(Code::VersionDrift, message), item).at(Some(entry.location_of("version")));
    Some(finding.marking("version", format!("CHANGED from {assessed}")))
}

pub fn license_change(item: &SoupItem, entry: &Entry) -> Option<Finding> {
    if !license_changed(entry, item.package) {
        return None;
    }
    let assessed = entry.license.as_ref()?;
    let locked = item.package.license.as_ref()?;
    let message = format!(
        "{} {} is licensed `{}` but `{}` was assessed; check the new licence, then run {}",
        item.package.name,
        item.package.version,
        locked.expression,
        assessed.expression,
        review_command(item)
    );
    let finding = on_item(Finding::new(Code::LicenseChanged, message), item).at(Some(entry.location_of("license")));
    Some(finding.marking("license", format!("CHANGED from {}", assessed.expression)))
}

pub fn source_change(item: &SoupItem, entry: &Entry) -> Option<Finding> {
    let (field, change) = source_change_of(entry, item.package)?;
    let message = format!(
        "{} {} is locked with {change}: the code is not what was reviewed; check where it comes from \
         and what changed, then run {}",
        item.package.name,
        item.package.version,
        review_command(item)
    );
    let finding = on_item(Finding::new(Code::SourceChanged, message), item).at(Some(entry.location_of(field)));
    Some(finding.marking(field, "CHANGED since the assessment"))
}

/// The anomaly review is older than the entry's review interval (the one section 5 of
/// the documents states).
pub fn review_overdue(item: &SoupItem, entry: &Entry, project: &Project, as_of: Date) -> Option<Finding> {
    let reviewed = entry.anomalies.reviewed?;
    let interval = project.review_interval_of(&entry.surveillance);
    let due = reviewed.plus(interval);
    if as_of <= due {
        return None;
    }
    let message = format!(
        "the anomaly review of [{}] is from {reviewed}, more than {interval} before {as_of} (due {due}); \
         review its known anomalies and advisories again, then run {}",
        entry.table_name(),
        review_command(item)
    );
    let finding = on_item(Finding::new(Code::ReviewOverdue, message), item);
    let finding = finding.at(Some(entry.location_of("anomalies.reviewed")));
    Some(finding.marking("anomalies.reviewed", format!("OVERDUE: due {due}")))
}

/// Crates an update brought under `covers = "*"` after the entry's last review.
pub fn newly_covered(item: &SoupItem, entry: &Entry, inventory: &Inventory) -> Option<Finding> {
    let names = inventory.newly_covered(entry);
    if names.is_empty() {
        return None;
    }
    let recorded = if entry.covered.is_some() {
        "since its last review"
    } else {
        "and the entry records no `covered` list of what was assessed"
    };
    let message = format!(
        "[{}] has `covers = \"*\"`, which now takes in {} {recorded}; assess {} as part of the entry, \
         then run {} to record them",
        entry.table_name(),
        names.join(", "),
        if names.len() == 1 { "it" } else { "them" },
        review_command(item)
    );
    Some(on_item(Finding::new(Code::NewlyCovered, message), item).at(Some(entry.location_of("covers"))))
}

/// Covered crates that inherit a higher class than `class`, the one the covering entry is
/// assessed for: a class C crate inside a class B assessment is not assessed for class C.
pub fn covered_class_above_entry(entry: &Entry, class: Class, inventory: &Inventory) -> Vec<Finding> {
    inventory
        .covered_by(entry)
        .filter(|covered| covered.class > class)
        .map(|covered| {
            let message = format!(
                "{} {} is covered by [{}], which is assessed for class {class}, but {} reaches it, which \
                 makes it class {}; give it an entry of its own assessed for class {}, or raise the class of \
                 [{}]",
                covered.package.name,
                covered.package.version,
                entry.table_name(),
                covered.reached_from.join(", "),
                covered.class,
                covered.class,
                entry.table_name()
            );
            on_item(Finding::new(Code::CoveredClassAboveEntry, message), covered).at(Some(entry.location_of("covers")))
        })
        .collect()
}

/// Approvals dated before the entry's anomaly review, or recorded before its assessed
/// `version` last changed (`line_times`: soup.toml's git history, by line; the version
/// line changed in a later commit than the approval's `date`): what was approved is not
/// what the entry says now.
pub fn approvals_before_review(item: &SoupItem, entry: &Entry, line_times: Option<&[i64]>) -> Vec<Finding> {
    let time_of = |line: usize| line_times.and_then(|times| times.get(line.checked_sub(1)?).copied());
    let version_changed = entry
        .version
        .as_ref()
        .and_then(|_| time_of(entry.location_of("version").line));
    entry
        .approvals
        .iter()
        .zip(entry.approval_date_lines())
        .filter_map(|(approval, date_line)| {
            let date = approval.date?;
            let approved = date_line.and_then(time_of);
            let later = match (entry.anomalies.reviewed, version_changed, approved) {
                (Some(reviewed), _, _) if date < reviewed => format!("before the anomaly review of {reviewed}"),
                (_, Some(changed), Some(approved)) if changed > approved => {
                    "and the assessed `version` changed in a later commit of soup.toml".to_string()
                }
                _ => return None,
            };
            let who = approval.signatory();
            let message = format!(
                "the approval of [{}] by {who} is dated {date}, {later}: it approved an earlier state of the \
                 assessment; have it approved again as it is now",
                entry.table_name()
            );
            let finding = on_item(Finding::new(Code::ApprovalBeforeReview, message), item);
            Some(
                finding
                    .at(Some(approval.location.clone()))
                    .marking("approvals", format!("BEFORE REVIEW: {date}")),
            )
        })
        .collect()
}

/// Support ended (`end-of-support` passed), or none is given for a class B or C item.
pub fn end_of_support(item: &SoupItem, entry: &Entry, class: Class, project: &Project, as_of: Date) -> Option<Finding> {
    let surveillance = &entry.surveillance;
    let support = surveillance.support.or(project.surveillance.support);
    let end = surveillance.end_of_support.or(project.surveillance.end_of_support);
    let (problem, field) = match (end, support) {
        (Some(end), _) if end < as_of => (format!("support for it ended on {end}"), "surveillance.end-of-support"),
        (_, Some(Support::None)) if class >= Class::B => (
            format!("it has `support = \"none\"` and is class {class}"),
            "surveillance.support",
        ),
        _ => return None,
    };
    let message = format!(
        "[{}]: {problem} (as of {as_of}); plan its replacement, or record in section 5 (surveillance) why \
         it stays and how its anomalies are watched, then run {}",
        entry.table_name(),
        review_command(item)
    );
    let finding = on_item(Finding::new(Code::EndOfSupport, message), item).at(Some(entry.location_of(field)));
    Some(finding.marking(field, "ENDED"))
}

pub fn class_below_inherited(item: &SoupItem, entry: &Entry) -> Option<Finding> {
    let declared = entry.class?;
    if declared >= item.class || entry.segregation.is_some() {
        return None;
    }
    let message = format!(
        "[{}] declares class {declared} but {} is reached from {}, which makes it class {}; raise \
         `class` to {}, or give the `segregation` that justifies the lower class",
        entry.table_name(),
        item.package.name,
        item.reached_from.join(", "),
        item.class,
        item.class
    );
    let finding = on_item(Finding::new(Code::ClassBelowInherited, message), item).at(Some(entry.location_of("class")));
    Some(finding.marking("class", format!("BELOW INHERITED {}", item.class)))
}

pub fn missing_evidence(item: &SoupItem, entry: &Entry, evidence: &Evidence) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (at, requirement) in entry.requirements.iter().enumerate() {
        let name = requirement.id.clone().unwrap_or_else(|| format!("requirements[{at}]"));
        let mut reported = BTreeSet::new();
        for reference in &requirement.verified_by {
            let Some(problem) = evidence.problem(reference) else {
                continue;
            };
            if !reported.insert(reference) {
                continue;
            }
            let message = format!(
                "requirement {name} of [{}] is verified by `{reference}`, but {problem}; fix the path \
                 (relative to the workspace root) or the test name",
                entry.table_name()
            );
            let location = requirement
                .verified_by_location
                .clone()
                .unwrap_or_else(|| requirement.location.clone());
            let finding = on_item(Finding::new(Code::MissingEvidence, message), item).at(Some(location));
            findings.push(finding.marking("requirements.verified-by", format!("NOT FOUND: {reference}")));
        }
    }
    findings
}

/// The references whose tests failed or did not run, by the results read; a reference
/// whose file or function is missing is `missing-evidence` only.
pub fn unverified(item: &SoupItem, entry: &Entry, evidence: &Evidence, verification: &Verification) -> Vec<Finding> {
    let table = entry.table_name();
    let mut findings = Vec::new();
    for (at, requirement) in entry.requirements.iter().enumerate() {
        let name = requirement.id.clone().unwrap_or_else(|| format!("requirements[{at}]"));
        for verdict in verification.of(&table, at) {
            if evidence.problem(&verdict.reference).is_some() {
                continue;
            }
            let reference = &verdict.reference;
            let (code, problem, advice, mark) = match verdict.result {
                TestResult::Passed => continue,
                TestResult::Failed => {
                    let failed: Vec<String> = verdict
                        .tests
                        .iter()
                        .filter(|test| test.outcome == crate::verification::Outcome::Failed)
                        .map(|test| {
                            format!(
                                "`{}` of {} failed in {}{}",
                                test.test,
                                test.binary,
                                test.file,
                                by_name(test)
                            )
                        })
                        .collect();
                    (
                        Code::VerificationFailed,
                        failed.join(", "),
                        "fix the failure (or what the requirement claims) and give the results of a new run",
                        "FAILED",
                    )
                }
                TestResult::Skipped => {
                    let skipped: Vec<String> = verdict
                        .tests
                        .iter()
                        .map(|test| {
                            format!(
                                "`{}` of {} was ignored in {}{}",
                                test.test,
                                test.binary,
                                test.file,
                                by_name(test)
                            )
                        })
                        .collect();
                    (
                        Code::VerificationNotRun,
                        skipped.join(", "),
                        "run it (`cargo test -- --include-ignored`, `cargo nextest run --run-ignored all`) where the \
                         results come from",
                        "NOT RUN",
                    )
                }
                TestResult::NotRun => (
                    Code::VerificationNotRun,
                    verdict.reason.clone().unwrap_or_default(),
                    verdict
                        .hint
                        .unwrap_or("run it in the job whose results the audit reads, or fix the reference"),
                    "NOT RUN",
                ),
            };
            let message =
                format!("requirement {name} of [{table}] is verified by `{reference}`, but {problem}; {advice}");
            let location = requirement
                .verified_by_location
                .clone()
                .unwrap_or_else(|| requirement.location.clone());
            let finding = on_item(Finding::new(code, message), item).at(Some(location));
            findings.push(finding.marking("requirements.verified-by", format!("{mark}: {reference}")));
        }
    }
    findings
}

/// Each item whose assessment a library change would alter: an entry that takes from
/// the import, or none of its own. The audit keeps to the locked content until the
/// change is reviewed and taken.
fn import_changes(inventory: &Inventory, soup: &SoupFile) -> Vec<Finding> {
    let mut findings = Vec::new();
    for change in &soup.import_changes {
        let krate = change.entry.split('@').next().unwrap_or(&change.entry);
        let Some(import) = soup.imports.iter().find(|import| import.name == change.import) else {
            continue;
        };
        let affected = inventory
            .items
            .iter()
            .filter(|item| item.package.name == krate)
            .filter(|item| {
                item.entry.is_none_or(|entry| {
                    entry.import_only.as_deref() == Some(import.name.as_str())
                        || entry.imported.iter().any(|provenance| provenance.import == import.name)
                })
            });
        for item in affected {
            let message = format!(
                "the {} library's entry [soup.{}] was {} since soup.lock recorded it; the audit uses the locked \
                 content: review the change, then run `cargo soup import --update`",
                import.name,
                crate::sidecar::toml_key(&change.entry),
                change.what
            );
            findings.push(on_item(Finding::new(Code::ImportChanged, message), item).at(Some(import.location.clone())));
        }
    }
    findings
}

/// How a result found only by its name says so.
fn by_name(test: &verification::MatchedTest) -> &'static str {
    if test.by_name {
        " (matched by name: the file does not name its test binaries)"
    } else {
        ""
    }
}

/// A results file `[project] test-results` names that is not there: the run it
/// records is not evidence of anything.
fn missing_results(verification: &Verification) -> Vec<Finding> {
    verification
        .missing
        .iter()
        .map(|(file, location)| {
            let message = format!(
                "`[project] test-results` names {file}, which does not exist (relative to the workspace root); \
                 run the tests that write it before the audit, or fix the path"
            );
            Finding::new(Code::VerificationNotRun, message).at(location.clone())
        })
        .collect()
}

/// Names in `covers` that the entry's crate does not reach: they cover nothing, and a
/// crate of that name reached from elsewhere is not assessed by this entry.
pub fn covers_unreached(entry: &Entry, names: &[String]) -> Finding {
    let message = format!(
        "[{}] covers {}, which {} does not reach, so the entry assesses none of {}; remove {} from `covers`, \
         or give {} an entry of its own",
        entry.table_name(),
        names.join(", "),
        entry.key.name,
        if names.len() == 1 { "it" } else { "them" },
        if names.len() == 1 { "the name" } else { "the names" },
        if names.len() == 1 { "the crate" } else { "each crate" },
    );
    Finding::new(Code::CoversUnreached, message)
        .on(&entry.key.name, entry.version.as_ref().map(ToString::to_string))
        .at(Some(entry.location_of("covers")))
}

pub fn orphaned_entry(entry: &Entry) -> Finding {
    let message = format!(
        "[{}] assesses {}, which is not a SOUP item in scope any more; remove the entry with \
         `cargo soup sync --prune`, or check [project] `kinds` and `targets`",
        entry.table_name(),
        entry.key
    );
    Finding::new(Code::OrphanedEntry, message)
        .on(&entry.key.name, entry.version.as_ref().map(ToString::to_string))
        .at(Some(entry.location.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sidecar::parse;

    fn version(text: &str) -> semver::Version {
        text.parse().unwrap()
    }

    #[test]
    fn drift_follows_stale_on_and_cargo_compatibility() {
        let cases = [
            ("1.0.128", "1.0.129", [true, false, false]),
            ("1.0.128", "1.1.0", [true, true, false]),
            ("1.0.128", "2.0.0", [true, true, true]),
            ("0.3.1", "0.3.2", [true, true, false]),
            ("0.3.1", "0.4.0", [true, true, true]),
            ("0.9.0", "1.0.0", [true, true, true]),
            ("1.0.0", "1.0.0", [false, false, false]),
        ];
        for (assessed, locked, expected) in cases {
            for (stale_on, expected) in [StaleOn::Patch, StaleOn::Minor, StaleOn::Major]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(
                    version_drifted(&version(assessed), &version(locked), stale_on),
                    expected,
                    "{assessed} -> {locked} {stale_on:?}"
                );
            }
        }
    }

    fn entry(body: &str) -> (Entry, Project) {
        let file = parse("soup.toml", &format!("[soup.foo]\n{body}")).unwrap();
        (file.entries[0].clone(), file.project)
    }

    #[test]
    fn class_a_needs_identification_and_class_only() {
        let (entry, project) = entry("version = \"1.0.0\"\nlicense = \"MIT\"\nclass = \"A\"\n");
        assert!(missing_fields(&entry, Class::A, &project).is_empty());
        let missing = missing_fields(&entry, Class::C, &project);
        for field in [
            "class-rationale",
            "requirements (functional)",
            "prerequisites",
            "anomalies.reviewed",
            "verification.method",
            "surveillance.role",
            "approvals",
        ] {
            assert!(missing.contains(&field.to_string()), "{field} in {missing:?}");
        }
    }

    #[test]
    fn a_parenthesised_assessment_of_a_slash_licence_is_no_change() {
        let mut package = crate::graph::toolchain::package(&version("1.0.0"), None);
        package.license = Some(crate::license::License::parse("MIT/Apache-2.0 AND BSD-2-Clause"));
        for (assessed, changed) in [
            ("(MIT OR Apache-2.0) AND BSD-2-Clause", false),
            ("BSD-2-Clause AND (Apache-2.0 OR MIT)", false),
            ("MIT OR Apache-2.0 AND BSD-2-Clause", true),
        ] {
            let (entry, _) = entry(&format!("license = \"{assessed}\"\n"));
            assert_eq!(license_changed(&entry, &package), changed, "{assessed}");
        }
    }

    #[test]
    fn no_support_is_end_of_support_for_class_b_and_c_only() {
        let package = crate::graph::toolchain::package(&version("1.0.0"), None);
        let item = SoupItem {
            package: &package,
            index: None,
            direct: true,
            kinds: Vec::new(),
            reached_from: Vec::new(),
            class: Class::A,
            entry: None,
            covered_by: None,
            status: crate::inventory::Status::Assessed,
        };
        let (entry, project) = entry("surveillance = { support = \"none\" }\n");
        let today = Date::new(2026, 11, 25).unwrap();
        assert!(end_of_support(&item, &entry, Class::A, &project, today).is_none());
        let finding = end_of_support(&item, &entry, Class::B, &project, today).expect("class B");
        assert_eq!(finding.code, Code::EndOfSupport);
        let (entry, project) = entry_with_date("2026-11-25");
        assert!(
            end_of_support(&item, &entry, Class::A, &project, today).is_none(),
            "ends today, not yet passed"
        );
        let (entry, project) = entry_with_date("2026-11-24");
        assert!(end_of_support(&item, &entry, Class::A, &project, today).is_some());
    }

    fn entry_with_date(date: &str) -> (Entry, Project) {
        entry(&format!("surveillance = {{ end-of-support = {date} }}\n"))
    }

    #[test]
    fn require_all_asks_for_sources_summary_strategy_and_obsolescence() {
        let body = "version = \"1.0.0\"\nlicense = \"MIT\"\nclass = \"A\"\n";
        let file = parse(
            "soup.toml",
            &format!("[project]\nrequire = \"all\"\n[soup.foo]\n{body}"),
        )
        .unwrap();
        let missing = missing_fields(&file.entries[0], Class::A, &file.project);
        for field in [
            "anomalies.sources",
            "anomalies.summary",
            "surveillance.update-strategy",
            "surveillance.obsolescence",
            "approvals",
        ] {
            assert!(missing.contains(&field.to_string()), "{field} in {missing:?}");
        }
        let (standard, project) = entry(body);
        assert!(
            missing_fields(&standard, Class::C, &project)
                .iter()
                .all(|field| !field.starts_with("anomalies.s") && !field.contains("strategy"))
        );
    }

    #[test]
    fn placeholders_count_as_missing() {
        let (entry, project) = entry("version = \"1.0.0\"\nlicense = \"TODO\"\nclass = \"TODO: pick\"\n");
        assert_eq!(missing_fields(&entry, Class::A, &project), ["license", "class"]);
        assert!(entry.placeholders.contains("license"));
    }
}
