//! The catalogue of finding codes: each with its default level, the IEC 62304 clause
//! it serves and what it means, so that `[policy]`, the audit and every renderer share
//! one definition.

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
    Vulnerability = "vulnerability", Deny, "7.1.2, 7.1.3", "The locked version is affected by a vulnerability advisory that is not dispositioned.";
    Unsound = "unsound", Deny, "7.1.2, 7.1.3", "The locked version is affected by an informational `unsound` advisory that is not dispositioned.";
    Unmaintained = "unmaintained", Warn, "6.1", "The crate has an `unmaintained` advisory that is not dispositioned.";
    Notice = "notice", Warn, "7.1.3", "The locked version is affected by an informational advisory that is not dispositioned.";
    Yanked = "yanked", Deny, "6.1", "The locked version is yanked from its registry.";
    DispositionExpired = "disposition-expired", Deny, "7.1.3", "An advisory disposition is past its `expires` date.";
    StaleDisposition = "stale-disposition", Warn, "7.1.3", "A disposition names an advisory that no longer affects the locked version.";
    EndOfSupport = "end-of-support", Deny, "6.1", "The item's end-of-support date has passed, or a class B or C item has `support = \"none\"`.";
    OrphanedEntry = "orphaned-entry", Warn, "8.1.2", "A soup.toml entry names a crate that is no longer in scope.";
    StaleAdvisoryDb = "stale-advisory-db", Deny, "7.1.3", "The advisory data used is older than `advisory-max-age`.";
    UnreadableAdvisory = "unreadable-advisory", Deny, "7.1.3", "An advisory file could not be parsed.";
}

impl Code {
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|code| code.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
