//! The catalogue of finding codes: each with its default level, the IEC 62304 clause
//! it serves and what it means, so that `[policy]`, the audit and every renderer share
//! one definition.

use crate::location::Location;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Deny,
    Warn,
    Allow,
}

impl Level {
    pub const NAMES: [&'static str; 3] = ["deny", "warn", "allow"];

    /// How reports name the level of a finding: `error` for deny, `warning` for warn.
    pub fn report_name(self) -> &'static str {
        match self {
            Level::Deny => "error",
            Level::Warn => "warning",
            Level::Allow => "allowed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "deny" => Some(Level::Deny),
            "warn" => Some(Level::Warn),
            "allow" => Some(Level::Allow),
            _ => None,
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $level:ident, $clause:literal, $description:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
            pub const NAMES: &'static [&'static str] = &[$($name,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            pub fn default_level(self) -> Level {
                match self {
                    $(Code::$variant => Level::$level,)*
                }
            }

            /// The IEC 62304 clauses this finding serves.
            pub fn clause(self) -> &'static str {
                match self {
                    $(Code::$variant => $clause,)*
                }
            }

            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => $description,)*
                }
            }
        }
    };
}

codes! {
    MissingAssessment = "missing-assessment", Deny, "8.1.2", "A SOUP item in scope has no soup.toml entry and is not covered by one.";
    IncompleteAssessment = "incomplete-assessment", Deny, "5.3.3, 5.3.4, 7.1.2, 7.1.3, 8.1.2", "A field required for the item's safety class is missing or still a placeholder.";
    VersionDrift = "version-drift", Deny, "8.1.2, 6.1", "The locked version differs from the assessed one by at least `stale-on`.";
    LicenseChanged = "license-changed", Deny, "8.1.2", "The locked licence differs from the assessed one.";
    SourceChanged = "source-changed", Deny, "8.1.2", "The checksum or source differs from the assessed one.";
    ReviewOverdue = "review-overdue", Deny, "7.1.3, 6.1", "The anomaly review is older than the review interval.";
    AdvisorySinceReview = "advisory-since-review", Deny, "7.1.3", "An advisory touching this crate was published or modified after the last anomaly review.";
    ClassBelowInherited = "class-below-inherited", Deny, "4.3, 5.3.5", "The declared class is lower than the inherited one and no segregation is given.";
    MissingEvidence = "missing-evidence", Deny, "5.3.4", "A `verified-by` file does not exist, or the named test function is not in it.";
    VerificationFailed = "verification-failed", Deny, "5.3.4, 5.7.5", "Test results were given and a test named by `verified-by` failed.";
    VerificationNotRun = "verification-not-run", Deny, "5.3.4, 5.7.5", "Test results were given and no result matches a `verified-by` (not run, or only ignored).";
    Vulnerability = "vulnerability", Deny, "7.1.2, 7.1.3", "The locked version is affected by a vulnerability advisory that is not dispositioned.";
    Unsound = "unsound", Deny, "7.1.2, 7.1.3", "The locked version is affected by an informational `unsound` advisory that is not dispositioned.";
    Unmaintained = "unmaintained", Warn, "6.1", "The crate has an `unmaintained` advisory that is not dispositioned.";
    Notice = "notice", Warn, "7.1.3", "The locked version is affected by an informational advisory that is not dispositioned.";
    Yanked = "yanked", Deny, "6.1", "The locked version is yanked from its registry.";
    DispositionExpired = "disposition-expired", Deny, "7.1.3", "An advisory disposition is past its `expires` date.";
    StaleDisposition = "stale-disposition", Warn, "7.1.3", "A disposition names an advisory that no longer affects the locked version.";
    EndOfSupport = "end-of-support", Deny, "6.1", "The item's end-of-support date has passed, or a class B or C item has `support = \"none\"`.";
    CoversUnreached = "covers-unreached", Deny, "8.1.2", "A name in an entry's `covers` is not reached through the entry's crate.";
    CoveredClassAboveEntry = "covered-class-above-entry", Deny, "4.3, 5.3.5", "A covered crate inherits a higher class than the covering entry is assessed for.";
    ApprovalBeforeReview = "approval-before-review", Deny, "8.1.2", "An approval is dated before the entry's anomaly review: the approver signed an earlier state.";
    NewlyCovered = "newly-covered", Deny, "8.1.2", "Crates fell under an entry's `covers = \"*\"` after its last review.";
    OrphanedEntry = "orphaned-entry", Warn, "8.1.2", "A soup.toml entry names a crate that is no longer in scope.";
    InactiveCrate = "inactive-crate", Warn, "6.1", "The crate's last release on its registry is older than `inactive-after`.";
    Outdated = "outdated", Allow, "6.1", "A newer semver-incompatible release of the crate exists.";
    ImportChanged = "import-changed", Deny, "8.1.2", "An imported library entry differs from what soup.lock recorded.";
    StaleAdvisoryDb = "stale-advisory-db", Deny, "7.1.3", "The advisory data used is older than `advisory-max-age`.";
    UnreadableAdvisory = "unreadable-advisory", Deny, "7.1.3", "An advisory file could not be parsed.";
}

impl Code {
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|code| code.as_str() == text)
    }

    /// Findings about the advisory data rather than an item.
    pub fn is_about_data(self) -> bool {
        matches!(self, Code::StaleAdvisoryDb | Code::UnreadableAdvisory)
    }

    /// What a user does about a finding of this code, for rule help (SARIF, docs).
    pub fn remedy(self) -> &'static str {
        match self {
            Code::MissingAssessment => {
                "Run `cargo soup sync` to add a placeholder entry, then assess the item; or assess it as part of the entry that reaches it, with `covers`."
            }
            Code::IncompleteAssessment => {
                "Fill in every field the message names; a value starting with TODO counts as missing."
            }
            Code::VersionDrift | Code::LicenseChanged | Code::SourceChanged | Code::ReviewOverdue => {
                "Assess what changed, then record the review with `cargo soup review CRATE@VERSION --by NAME`."
            }
            Code::AdvisorySinceReview => {
                "Review the new advisory, disposition it if it applies, then run `cargo soup review CRATE@VERSION --by NAME`."
            }
            Code::ClassBelowInherited => {
                "Raise `class` to the inherited class, or give the `segregation` that justifies the lower one."
            }
            Code::MissingEvidence => {
                "Fix the `verified-by` path (relative to the workspace root) or the test function name."
            }
            Code::VerificationFailed => {
                "Fix the failing test or the SOUP behaviour it found, run the tests again and give their new results."
            }
            Code::VerificationNotRun => {
                "Run the named tests in the job whose results the audit reads (ignored tests need `--include-ignored` or nextest's `--run-ignored all`), or fix the `verified-by`."
            }
            Code::Vulnerability | Code::Unsound | Code::Unmaintained | Code::Notice => {
                "Update to a version the advisory does not affect, or record a disposition in the entry's `advisories`."
            }
            Code::Yanked => "Update Cargo.lock to a version that is not yanked.",
            Code::ImportChanged => {
                "Review what the library changed, then take it with `cargo soup import --update` (or keep the locked content until you have)."
            }
            Code::InactiveCrate => {
                "Assess whether the crate is still maintained (issues answered, a successor named) and record it in the entry's `surveillance.obsolescence`; plan a replacement if it is abandoned."
            }
            Code::Outdated => {
                "Plan the update to the newer major release in `surveillance.update-strategy`, or record why the locked line stays."
            }
            Code::DispositionExpired => {
                "Review the disposition again and move its `expires` date, or resolve the advisory."
            }
            Code::StaleDisposition => "Remove the disposition: the advisory no longer affects the locked version.",
            Code::EndOfSupport => {
                "Plan the replacement of the item, or record why it stays in the surveillance section."
            }
            Code::CoversUnreached => {
                "Remove the name from `covers`, or give the crate an entry of its own: a crate is covered only where the entry's crate reaches it."
            }
            Code::CoveredClassAboveEntry => {
                "Assess the covered crate for its class in an entry of its own, or raise the covering entry's class (and fill in what that class requires)."
            }
            Code::ApprovalBeforeReview => {
                "Have the approver review the entry as it is now and date the approval on or after the anomaly review."
            }
            Code::NewlyCovered => {
                "Assess the new crates as part of the entry, then record the review with `cargo soup review CRATE@VERSION --by NAME`, which lists them in `covered`."
            }
            Code::OrphanedEntry => {
                "Remove the entry with `cargo soup sync --prune`, or check [project] `kinds` and `targets`."
            }
            Code::StaleAdvisoryDb => "Run `cargo soup fetch`, or point `--advisory-db` / `--osv-db` at current data.",
            Code::UnreadableAdvisory => "Update the advisory data; report the file if it stays unreadable.",
        }
    }
}

/// The advisory a finding is about (RustSec, OSV); one advisory known to both sources
/// is one finding with every id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdvisoryRef {
    pub id: String,
    pub aliases: Vec<String>,
    /// `vulnerability`, `unsound`, `unmaintained`, `notice`, ...
    pub kind: String,
    /// Where it was found: `rustsec`, `osv`.
    pub sources: Vec<String>,
    pub url: Option<String>,
    pub title: String,
    /// The CVSS vector and its qualitative severity, when the advisory has them.
    pub cvss: Option<String>,
    pub severity: Option<String>,
    /// Requirements a fixed version meets (`>=0.6.14, <1.0.0`); empty when none is.
    pub patched: Vec<String>,
    pub date: String,
}

/// One problem the audit reports. The message says what is wrong and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub level: Level,
    /// The crate (or entry) it concerns; `None` for findings about the audit itself.
    pub krate: Option<String>,
    pub version: Option<String>,
    pub message: String,
    pub location: Option<Location>,
    pub advisory: Option<AdvisoryRef>,
    /// What a document marks on the field the finding is about.
    pub mark: Option<Mark>,
}

/// A mark on a field of the record: the soup.toml field (`version`,
/// `anomalies.reviewed`, `requirements.verified-by`) and what to write beside its value
/// (`OVERDUE: due 2026-05-01`), decided where the finding is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mark {
    pub field: &'static str,
    pub text: String,
}

impl Finding {
    /// A finding at its code's default level; `apply_policy` sets the final one.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            level: code.default_level(),
            krate: None,
            version: None,
            message: message.into(),
            location: None,
            advisory: None,
            mark: None,
        }
    }

    /// The message without the advice that follows its `; `: what a record states,
    /// where the command line says what to do next.
    pub fn problem(&self) -> &str {
        self.message
            .split_once("; ")
            .map_or(&self.message, |(problem, _)| problem)
    }

    pub fn marking(mut self, field: &'static str, text: impl Into<String>) -> Self {
        self.mark = Some(Mark {
            field,
            text: text.into(),
        });
        self
    }

    pub fn on(mut self, krate: impl Into<String>, version: Option<String>) -> Self {
        self.krate = Some(krate.into());
        self.version = version;
        self
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }
}

/// Levels from `[policy]` (and `--deny warnings`); `allow` drops a finding. The result is
/// ordered by crate, version and code, so every format lists findings the same way.
pub fn apply_policy(
    findings: Vec<Finding>,
    policy: &std::collections::BTreeMap<Code, Level>,
    deny_warnings: bool,
) -> Vec<Finding> {
    let mut kept: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut finding| {
            finding.level = policy
                .get(&finding.code)
                .copied()
                .unwrap_or(finding.code.default_level());
            if deny_warnings && finding.level == Level::Warn {
                finding.level = Level::Deny;
            }
            (finding.level != Level::Allow).then_some(finding)
        })
        .collect();
    kept.sort_by(|a, b| (&a.krate, &a.version, a.code, &a.message).cmp(&(&b.krate, &b.version, b.code, &b.message)));
    kept.dedup();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_sets_levels_drops_allowed_and_deny_warnings_promotes() {
        let findings = vec![
            Finding::new(Code::OrphanedEntry, "b").on("b", None),
            Finding::new(Code::MissingAssessment, "a").on("a", Some("1.0.0".into())),
            Finding::new(Code::Unmaintained, "c").on("c", None),
        ];
        let policy = [
            (Code::Unmaintained, Level::Allow),
            (Code::MissingAssessment, Level::Warn),
        ]
        .into_iter()
        .collect();
        let kept = apply_policy(findings.clone(), &policy, false);
        let levels: Vec<(Code, Level)> = kept.iter().map(|finding| (finding.code, finding.level)).collect();
        assert_eq!(
            levels,
            [
                (Code::MissingAssessment, Level::Warn),
                (Code::OrphanedEntry, Level::Warn)
            ]
        );
        let kept = apply_policy(findings, &policy, true);
        assert!(kept.iter().all(|finding| finding.level == Level::Deny));
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for &code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
        assert_eq!(Code::ALL.len(), Code::NAMES.len());
        assert_eq!(Code::Unmaintained.default_level(), Level::Warn);
        assert_eq!(Code::parse("no-such-code"), None);
    }
}
