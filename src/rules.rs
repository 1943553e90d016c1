//! Assessment rules: pure functions from an item, its entry and the project settings
//! to what is wrong with the assessment. `list` derives an item's status from them;
//! the audit turns them into findings.

use crate::graph::Package;
use crate::sidecar::{Class, Entry, Project, Require, RequirementKind, StaleOn, VersionLine};

/// Every field the item's class requires that the entry lacks or still holds as a
/// placeholder, named as in soup.toml.
pub fn missing_fields(entry: &Entry, class: Class, project: &Project) -> Vec<String> {
    let all = project.require == Require::All;
    let at_least = |minimum: Class| all || class >= minimum;
    let mut missing = Vec::new();
    let mut need = |present: bool, field: &str| {
        if !present {
            missing.push(field.to_string());
        }
    };
    need(entry.version.is_some(), "version");
    need(entry.license.is_some(), "license");
    need(entry.class.is_some(), "class");
    if at_least(Class::C) {
        need(entry.class_rationale.is_some(), "class-rationale");
    }
    if at_least(Class::B) {
        let has_kind = |kind| {
            entry
                .requirements
                .iter()
                .any(|requirement| requirement.kind == Some(kind) && requirement.text.is_some())
        };
        need(has_kind(RequirementKind::Functional), "requirements (functional)");
        need(has_kind(RequirementKind::Performance), "requirements (performance)");
        need(entry.prerequisites.is_some(), "prerequisites");
        need(entry.anomalies.reviewed.is_some(), "anomalies.reviewed");
        need(entry.anomalies.by.is_some(), "anomalies.by");
        need(entry.verification_method.is_some(), "verification.method");
        for (at, requirement) in entry.requirements.iter().enumerate() {
            let name = requirement.id.clone().unwrap_or_else(|| format!("requirements[{at}]"));
            need(!requirement.verified_by.is_empty(), &format!("verified-by of {name}"));
        }
        let own = &entry.surveillance;
        let default = &project.surveillance;
        need(
            own.monitoring.is_some() || default.monitoring.is_some(),
            "surveillance.monitoring",
        );
        need(own.role.is_some() || default.role.is_some(), "surveillance.role");
        need(
            own.interval.is_some() || default.interval.is_some(),
            "surveillance.interval",
        );
    }
    if at_least(Class::C) {
        need(
            entry
                .approvals
                .iter()
                .any(|approval| approval.name.is_some() && approval.date.is_some()),
            "approvals",
        );
    }
    missing
}

/// The locked version differs from the assessed one by at least `stale_on`. Below 1.0
/// Cargo treats `0.MINOR` as the breaking level, so the levels shift down one there.
pub fn version_drifted(assessed: &semver::Version, locked: &semver::Version, stale_on: StaleOn) -> bool {
    let minor_level = |version: &semver::Version| {
        if version.major == 0 {
            (0, version.minor, version.patch)
        } else {
            (version.major, version.minor, 0)
        }
    };
    match stale_on {
        StaleOn::Patch => assessed != locked,
        StaleOn::Minor => minor_level(assessed) != minor_level(locked),
        StaleOn::Major => VersionLine::of(assessed) != VersionLine::of(locked),
    }
}

/// The locked licence differs from the assessed one (compared as SPDX expressions).
pub fn license_changed(entry: &Entry, package: &Package) -> bool {
    match (&entry.license, &package.license) {
        (Some(assessed), Some(locked)) => assessed.expression != locked.expression,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The assessed checksum differs from the locked one.
pub fn source_changed(entry: &Entry, package: &Package) -> bool {
    match (&entry.checksum, &package.checksum) {
        (Some(assessed), Some(locked)) => !assessed.eq_ignore_ascii_case(locked),
        (Some(_), None) => true,
        (None, _) => false,
    }
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
    fn placeholders_count_as_missing() {
        let (entry, project) = entry("version = \"1.0.0\"\nlicense = \"TODO\"\nclass = \"TODO: pick\"\n");
        assert_eq!(missing_fields(&entry, Class::A, &project), ["license", "class"]);
        assert!(entry.placeholders.contains("license"));
    }
}
