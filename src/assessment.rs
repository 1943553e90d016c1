//! What an entry says against what is locked, as pure predicates: the class whose
//! fields it must hold, the fields it lacks, and whether the version, licence or
//! source moved. The inventory derives an item's status from them and the rules turn
//! them into findings, so both read one definition.

use crate::graph::Package;
use crate::license::{self, LicenseForm};
use crate::sidecar::{Class, Entry, Project, Require, RequirementKind, StaleOn, VersionLine};

/// The class whose fields an entry must hold: the inherited class, the declared one
/// when it is higher, or a lower declared one that a `segregation` rationale justifies.
pub fn required_class(inherited: Class, entry: &Entry) -> Class {
    match entry.class {
        Some(declared) if declared < inherited && entry.segregation.is_some() => declared,
        Some(declared) => declared.max(inherited),
        None => inherited,
    }
}

/// Whether the class needs a `verified-by` on every requirement, and so results for
/// them when results are given.
pub fn needs_evidence(class: Class, project: &Project) -> bool {
    project.require == Require::All || class >= Class::B
}

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
    // A library's entry alone leaves the class to what the item inherits.
    need(entry.class.is_some() || entry.import_only.is_some(), "class");
    if at_least(Class::C) {
        need(entry.class_rationale.is_some(), "class-rationale");
    }
    if needs_evidence(class, project) {
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
    if all {
        // What the auditors' article asks of sections 3 and 5 beyond the class table.
        let (own, default) = (&entry.surveillance, &project.surveillance);
        need(!entry.anomalies.sources.is_empty(), "anomalies.sources");
        need(entry.anomalies.summary.is_some(), "anomalies.summary");
        need(
            own.update_strategy.is_some() || default.update_strategy.is_some(),
            "surveillance.update-strategy",
        );
        need(
            own.obsolescence.is_some() || default.obsolescence.is_some(),
            "surveillance.obsolescence",
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
    // A placeholder `init` wrote is a judgement not yet made, required or not.
    for placeholder in &entry.placeholders {
        if !missing.contains(placeholder) {
            missing.push(placeholder.clone());
        }
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

/// The locked licence differs from the assessed one. Only a valid SPDX expression in
/// the manifest can be compared: where the crate has only a licence file or an invalid
/// expression, the assessor's reading stands. Expressions that mean the same compare
/// equal (`MIT OR Apache-2.0` and `Apache-2.0 OR MIT`).
pub fn license_changed(entry: &Entry, package: &Package) -> bool {
    match (&entry.license, &package.license) {
        (Some(assessed), Some(locked)) if locked.form != LicenseForm::Invalid => {
            let same = |text: &str| license::canonical(text).unwrap_or_else(|| text.to_string());
            same(&assessed.expression) != same(&locked.expression)
        }
        _ => false,
    }
}

/// What the locked source differs in from the assessed one, as (the entry's field, what
/// differs): the commit of a git dependency or toolchain, else the checksum, compared
/// only at the assessed version (every update changes it, and an update is drift, not
/// tampering).
pub fn source_change_of(entry: &Entry, package: &Package) -> Option<(&'static str, String)> {
    let same_version = entry.version.as_ref() == Some(&package.version);
    let checksum = match (&entry.checksum, &package.checksum) {
        (Some(assessed), Some(locked)) if !assessed.eq_ignore_ascii_case(locked) => {
            Some(format!("checksum {locked} but checksum {assessed} was assessed"))
        }
        (Some(assessed), None) => Some(format!(
            "no checksum (source {}) but checksum {assessed} was assessed",
            package.source.display()
        )),
        _ => None,
    };
    let commit = match (&entry.commit, package.source.commit()) {
        (Some(assessed), Some(locked)) if assessed != locked => Some(format!(
            "commit {locked}{} but commit {assessed} was assessed",
            commit_date(package)
        )),
        _ => None,
    };
    commit
        .map(|change| ("commit", change))
        .or(checksum.filter(|_| same_version).map(|change| ("checksum", change)))
}

fn commit_date(package: &Package) -> String {
    match &package.source {
        crate::graph::Source::Toolchain { commit: Some(commit) } => commit
            .date
            .as_ref()
            .map(|date| format!(" of {date}"))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

pub fn source_changed(entry: &Entry, package: &Package) -> bool {
    source_change_of(entry, package).is_some()
}
