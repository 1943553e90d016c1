//! Post-market surveillance from the registry's facts (IEC 62304 6.1): a crate whose
//! last release is long past, and a locked version a major release or more behind.

use super::advisories::AdvisoryInput;
use crate::facts::{Behind, RegistryFacts};
use crate::finding::{Code, Finding};
use crate::inventory::{Inventory, SoupItem};
use crate::location::Location;
use std::collections::BTreeMap;

type Facts = BTreeMap<(String, String), RegistryFacts>;

/// `inactive-crate` and `outdated` for every item the registry has facts of.
pub fn findings(inventory: &Inventory, input: &AdvisoryInput, facts: &Facts) -> Vec<Finding> {
    let mut findings = Vec::new();
    for item in &inventory.items {
        let key = (item.package.name.clone(), item.package.version.to_string());
        let Some(facts) = facts.get(&key) else { continue };
        let location = location(item, input);
        findings.extend(inactive(item, facts, input).map(|finding| finding.at(location.clone())));
        findings.extend(outdated(item, facts).map(|finding| finding.at(location.clone())));
    }
    findings
}

fn location(item: &SoupItem, input: &AdvisoryInput) -> Option<Location> {
    match item.assessing_entry(input.soup) {
        Some(entry) => Some(entry.location.clone()),
        None => item.package.lock_line.map(|line| Location {
            file: input.lock_file.to_string(),
            line,
            column: 1,
        }),
    }
}

fn inactive(item: &SoupItem, facts: &RegistryFacts, input: &AdvisoryInput) -> Option<Finding> {
    let last = facts.last_release?;
    let after = input.soup.project.inactive_after;
    if last.plus(after) >= input.as_of {
        return None;
    }
    let package = item.package;
    let message = format!(
        "{}'s last release on its registry was on {last}, more than `inactive-after` ({after}) before {}; assess \
         whether it is still maintained and record it in `surveillance.obsolescence`",
        package.name, input.as_of
    );
    let finding = Finding::new(Code::InactiveCrate, message).on(&package.name, Some(package.version.to_string()));
    Some(finding.marking("surveillance.obsolescence", format!("NO RELEASE SINCE {last}")))
}

fn outdated(item: &SoupItem, facts: &RegistryFacts) -> Option<Finding> {
    if facts.behind != Some(Behind::Major) {
        return None;
    }
    let package = item.package;
    let latest = facts.latest.as_deref().unwrap_or("a newer release");
    let since = facts
        .latest_published
        .map(|date| format!(" (published {date})"))
        .unwrap_or_default();
    let message = format!(
        "{} {} is {} major release{} behind: {latest}{since} is the newest; plan the update in \
         `surveillance.update-strategy`",
        package.name,
        package.version,
        facts.majors_behind,
        if facts.majors_behind == 1 { "" } else { "s" }
    );
    let finding = Finding::new(Code::Outdated, message).on(&package.name, Some(package.version.to_string()));
    Some(finding.marking("version", format!("{} MAJOR BEHIND {latest}", facts.majors_behind)))
}
