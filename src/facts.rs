//! Registry facts about a locked version, from its crate's index record: when it was
//! published, what is newer and how far, when the crate last released, whether it is
//! yanked. Pure: the index lines arrive already read (online, from the cache folder or
//! from Cargo's own index cache).

use crate::date::Date;
use serde::Serialize;

/// How the audit's data rows name the copies read offline (the cache folder's, Cargo's).
pub const LOCAL_INDEX_CACHE: &str = "the local index cache";

/// The facts of each locked `(name, version)` the index has a record of.
pub type Facts = std::collections::BTreeMap<(String, String), RegistryFacts>;

/// One version line of an index record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexVersion {
    pub version: semver::Version,
    pub yanked: bool,
    /// The publication date, for records that carry `pubtime` (crates.io since 2025).
    pub published: Option<Date>,
}

/// Where the record came from: the index asked now (or confirmed unchanged), or
/// Cargo's cache offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FactsFrom {
    Index,
    Cache,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Behind {
    Patch,
    Minor,
    Major,
}

impl Behind {
    pub fn as_str(self) -> &'static str {
        match self {
            Behind::Patch => "patch",
            Behind::Minor => "minor",
            Behind::Major => "major",
        }
    }
}

/// The registry facts of the specification's JSON `registry` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryFacts {
    /// When the locked version was published.
    pub published: Option<Date>,
    /// The newest stable version that is not yanked.
    pub latest: Option<String>,
    pub latest_published: Option<Date>,
    /// The newest version semver-compatible with the locked one, not yanked.
    pub latest_compatible: Option<String>,
    pub behind: Option<Behind>,
    /// Semver-incompatible release lines newer than the locked one's.
    pub majors_behind: usize,
    /// The newest publication date of any version.
    pub last_release: Option<Date>,
    pub yanked: bool,
    pub from: FactsFrom,
}

impl RegistryFacts {
    /// One line for a document: `published 2021-03-02; newest 0.4.38 of 2024-07-11;
    /// 1 major behind; last release 2024-07-11`.
    pub fn summary(&self) -> String {
        let dated = |what: String, date: Option<Date>| match date {
            Some(date) => format!("{what} of {date}"),
            None => what,
        };
        let mut parts = vec![match self.published {
            Some(date) => format!("published {date}"),
            None => "publication date not recorded".to_string(),
        }];
        if let Some(latest) = &self.latest {
            parts.push(dated(format!("newest {latest}"), self.latest_published));
        }
        parts.push(match (self.behind, self.majors_behind) {
            (Some(Behind::Major), majors) => format!("{majors} major{} behind", if majors == 1 { "" } else { "s" }),
            (Some(behind), _) => format!("a {} release behind", behind.as_str()),
            (None, _) => "up to date".to_string(),
        });
        if let Some(date) = self.last_release {
            parts.push(format!("last release {date}"));
        }
        if self.yanked {
            parts.push("YANKED".to_string());
        }
        parts.join("; ")
    }
}

/// The versions of an index file: one JSON object per line (`vers`, `yanked`,
/// `pubtime`); a line that is not one is an error with its number.
pub fn index_versions(file: &[u8]) -> Result<Vec<IndexVersion>, String> {
    let mut versions = Vec::new();
    for (number, line) in file.split(|byte| *byte == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Some(version) = index_version(line) else {
            return Err(format!("line {} is not an index entry", number + 1));
        };
        versions.push(version);
    }
    Ok(versions)
}

/// One index line, reading only the fields the facts need: a record's dependencies
/// and features are most of its bytes, and a workspace's records are tens of MiB.
/// Index JSON is compact, so the three keys are found as written; a line written
/// otherwise is parsed in full.
pub fn index_version(json: &[u8]) -> Option<IndexVersion> {
    // `vers` leads a record, `yanked` and `pubtime` follow its dependencies: each is
    // looked for from the nearer end.
    let string_at = |at: usize| {
        let end = memchr::memchr(b'"', &json[at..])?;
        std::str::from_utf8(&json[at..at + end]).ok()
    };
    const VERS: &[u8] = b"\"vers\":\"";
    const YANKED: &[u8] = b"\"yanked\":";
    const PUBTIME: &[u8] = b"\"pubtime\":\"";
    let vers = memchr::memmem::find(json, VERS).and_then(|at| string_at(at + VERS.len()));
    let yanked = match memchr::memmem::rfind(json, YANKED) {
        Some(at) => match json.get(at + YANKED.len()) {
            Some(b't') => Some(true),
            Some(b'f') => Some(false),
            _ => None,
        },
        None if memchr::memmem::find(json, b"\"yanked\"").is_some() => None,
        None => Some(false),
    };
    let (Some(vers), Some(yanked)) = (vers, yanked) else {
        return parsed_version(json);
    };
    Some(IndexVersion {
        version: vers.parse().ok()?,
        yanked,
        published: memchr::memmem::rfind(json, PUBTIME)
            .and_then(|at| string_at(at + PUBTIME.len()))
            .and_then(date_of),
    })
}

/// The same fields through a JSON parser, for a line that is not compact.
fn parsed_version(json: &[u8]) -> Option<IndexVersion> {
    #[derive(serde::Deserialize)]
    struct Line<'a> {
        #[serde(borrow)]
        vers: std::borrow::Cow<'a, str>,
        #[serde(default)]
        yanked: bool,
        #[serde(default, borrow)]
        pubtime: Option<std::borrow::Cow<'a, str>>,
    }
    let line: Line = serde_json::from_slice(json).ok()?;
    Some(IndexVersion {
        version: line.vers.parse().ok()?,
        yanked: line.yanked,
        published: line.pubtime.as_deref().and_then(date_of),
    })
}

/// `2021-03-02T10:11:12Z` → 2021-03-02.
pub fn date_of(pubtime: &str) -> Option<Date> {
    pubtime.get(..10)?.parse().ok()
}

/// The facts of `locked` from its crate's versions.
pub fn facts(versions: &[IndexVersion], locked: &semver::Version, from: FactsFrom) -> RegistryFacts {
    // Index versions may carry build metadata the lockfile drops.
    let same = |version: &semver::Version| {
        (version.major, version.minor, version.patch, &version.pre)
            == (locked.major, locked.minor, locked.patch, &locked.pre)
    };
    let own = versions.iter().find(|version| same(&version.version));
    let usable = || versions.iter().filter(|version| !version.yanked);
    let latest = usable()
        .filter(|version| version.version.pre.is_empty())
        .max_by(|a, b| a.version.cmp_precedence(&b.version));
    let compatible = semver::VersionReq::parse(&format!("^{locked}")).ok();
    let latest_compatible = usable()
        .filter(|version| compatible.as_ref().is_some_and(|req| req.matches(&version.version)))
        .max_by(|a, b| a.version.cmp_precedence(&b.version));
    let newer_lines: std::collections::BTreeSet<(u64, u64)> = usable()
        .filter(|version| version.version.pre.is_empty() && version.version.cmp_precedence(locked).is_gt())
        .map(|version| line_of(&version.version))
        .filter(|line| *line != line_of(locked))
        .collect();
    let behind = latest
        .filter(|latest| latest.version.cmp_precedence(locked).is_gt())
        .map(|latest| behind(locked, &latest.version));
    RegistryFacts {
        published: own.and_then(|version| version.published),
        latest: latest.map(|version| version.version.to_string()),
        latest_published: latest.and_then(|version| version.published),
        latest_compatible: latest_compatible.map(|version| version.version.to_string()),
        behind,
        majors_behind: newer_lines.len(),
        last_release: versions.iter().filter_map(|version| version.published).max(),
        yanked: own.is_some_and(|version| version.yanked),
        from,
    }
}

/// The semver-compatible line of a version: `1.x` is (1, 0), `0.4.x` is (0, 4), and
/// `0.0.3` is a line of its own.
fn line_of(version: &semver::Version) -> (u64, u64) {
    match (version.major, version.minor) {
        (0, 0) => (0, 1_000_000 + version.patch),
        (0, minor) => (0, minor),
        (major, _) => (major, 0),
    }
}

fn behind(locked: &semver::Version, newer: &semver::Version) -> Behind {
    if line_of(locked) != line_of(newer) {
        Behind::Major
    } else if (locked.major, locked.minor) != (newer.major, newer.minor) {
        Behind::Minor
    } else {
        Behind::Patch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str, yanked: bool, published: Option<&str>) -> IndexVersion {
        IndexVersion {
            version: text.parse().unwrap(),
            yanked,
            published: published.map(|date| date.parse().unwrap()),
        }
    }

    fn locked(text: &str) -> semver::Version {
        text.parse().unwrap()
    }

    #[test]
    fn facts_of_a_crate_two_majors_ahead() {
        let versions = [
            version("0.4.20", false, Some("2021-03-02")),
            version("0.4.38", false, Some("2024-07-11")),
            version("0.4.39", true, Some("2024-08-01")),
            version("1.0.0", false, Some("2025-01-10")),
            version("2.0.0", false, Some("2025-06-01")),
            version("3.0.0-beta.1", false, Some("2025-09-01")),
        ];
        let facts = facts(&versions, &locked("0.4.20"), FactsFrom::Index);
        assert_eq!(facts.published, Some("2021-03-02".parse().unwrap()));
        assert_eq!(
            facts.latest.as_deref(),
            Some("2.0.0"),
            "pre-releases never count as latest"
        );
        assert_eq!(facts.latest_published, Some("2025-06-01".parse().unwrap()));
        assert_eq!(
            facts.latest_compatible.as_deref(),
            Some("0.4.38"),
            "yanked 0.4.39 is no update"
        );
        assert_eq!((facts.behind, facts.majors_behind), (Some(Behind::Major), 2));
        assert_eq!(facts.last_release, Some("2025-09-01".parse().unwrap()));
        assert!(!facts.yanked);
    }

    #[test]
    fn up_to_date_yanked_and_undated_versions() {
        let versions = [version("1.2.0", false, None), version("1.2.3+build.5", true, None)];
        let facts = facts(&versions, &locked("1.2.3"), FactsFrom::Cache);
        assert!(facts.yanked, "build metadata is not part of the lockfile's version");
        assert_eq!(facts.latest.as_deref(), Some("1.2.0"));
        assert_eq!((facts.behind, facts.majors_behind), (None, 0));
        assert_eq!((facts.published, facts.last_release), (None, None));
        let minor = facts_behind("1.2.3", "1.4.0");
        assert_eq!(minor, Some(Behind::Minor));
        assert_eq!(facts_behind("0.4.1", "0.4.2"), Some(Behind::Patch));
        assert_eq!(facts_behind("0.0.1", "0.0.2"), Some(Behind::Major));
    }

    fn facts_behind(locked_version: &str, newer: &str) -> Option<Behind> {
        let versions = [version(locked_version, false, None), version(newer, false, None)];
        facts(&versions, &locked(locked_version), FactsFrom::Index).behind
    }

    #[test]
    fn index_lines_are_read_and_bad_lines_refused() {
        let file = b"{\"name\":\"x\",\"vers\":\"1.0.0\",\"pubtime\":\"2024-01-02T03:04:05Z\"}\n\n{\"name\":\"x\",\"vers\":\"1.0.1\",\"yanked\":true}\n";
        let versions = index_versions(file).unwrap();
        assert_eq!(versions[0].published, Some("2024-01-02".parse().unwrap()));
        assert!(versions[1].yanked);
        assert_eq!(index_versions(b"<html>").unwrap_err(), "line 1 is not an index entry");
    }

    /// The scan of compact lines and the parse of any other agree.
    #[test]
    fn compact_and_spaced_lines_read_alike() {
        let compact = br#"{"name":"x","vers":"1.2.3","deps":[{"name":"yanked","features":["pubtime"]}],"features":{"yanked":[]},"yanked":true,"pubtime":"2024-01-02T03:04:05Z"}"#;
        let spaced =
            br#"{ "name": "x", "vers": "1.2.3", "deps": [], "yanked": true, "pubtime": "2024-01-02T03:04:05Z" }"#;
        let want = IndexVersion {
            version: "1.2.3".parse().unwrap(),
            yanked: true,
            published: Some("2024-01-02".parse().unwrap()),
        };
        assert_eq!(index_version(compact), Some(want.clone()));
        assert_eq!(index_version(spaced), Some(want));
        let unyanked = index_version(br#"{"name":"x","vers":"0.1.0","yanked":false}"#).unwrap();
        assert_eq!((unyanked.yanked, unyanked.published), (false, None));
    }
}
