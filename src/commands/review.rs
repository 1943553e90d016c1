//! `cargo soup review CRATE[@VERSION]`.

use crate::advisory_data::{Need, Plan};
use crate::atomic_file;
use crate::cli::{ReviewArgs, Settings};
use crate::date::Date;
use crate::inventory::{Inventory, SoupItem};
use crate::license::LicenseForm;
use crate::paths::display_path;
use crate::render::printable;
use crate::rules::advisories::{AdvisoryVerdict, Applicability, DispositionState, on_items, verdicts};
use crate::sidecar::edit::{Editor, NewDisposition, Review};
use crate::sidecar::{Covers, Entry, JUSTIFICATIONS, PLACEHOLDER};
use crate::workspace::SoupUse;
use anyhow::{Result, bail};
use std::io::{BufRead, IsTerminal, Write};

pub fn run(settings: &Settings, args: &ReviewArgs) -> Result<i32> {
    let by = args.by.trim();
    if by.is_empty() || by.starts_with(PLACEHOLDER) {
        bail!("--by must name the reviewer, e.g. --by \"A. Reviewer\"");
    }
    let (workspace, _lock) = super::load_for_edit(settings, SoupUse::Required)?;
    let file = display_path(&workspace.soup_path);
    let context = format!("review {}", args.item);
    let inventory = Inventory::build(&workspace.graph, &workspace.scope, &workspace.soup);
    let toolchain: Vec<&SoupItem> = inventory
        .items
        .iter()
        .filter(|item| item.index.is_none() && is_named(item, &args.item))
        .collect();
    let items: Vec<&SoupItem> = if toolchain.is_empty() {
        let selected = workspace.graph.select(&args.item, &context)?;
        inventory
            .items
            .iter()
            .filter(|item| item.index.is_some_and(|index| selected.contains(&index)))
            .collect()
    } else {
        toolchain
    };
    let item = match items.as_slice() {
        [item] => *item,
        [] => bail!(
            "{context}: {} is in the graph but not a SOUP item in scope (a workspace member, or reached \
             only through dependency kinds or targets outside [project] `kinds`/`targets`)",
            args.item
        ),
        several => {
            let versions: Vec<String> = several.iter().map(|item| item.package.version.to_string()).collect();
            bail!(
                "{context}: several versions are in scope ({}); name one, e.g. `cargo soup review {}@{}`",
                versions.join(", "),
                several[0].package.name,
                versions[0]
            );
        }
    };
    let Some(entry) = item.entry else {
        match &item.covered_by {
            Some(parent) => bail!(
                "{context}: {} is covered by [soup.{parent}]; review {parent} instead, which assesses it",
                item.package.name
            ),
            None => match workspace.soup.second_line(&item.package.name, &item.package.version) {
                Some(advice) => bail!("{context}: nothing was written; {advice}, then review it"),
                None => bail!(
                    "{context}: {file} has no entry for {}; run `cargo soup sync` to add one, fill it in, then review",
                    item.package.name
                ),
            },
        }
    };
    if let Some(import) = &entry.import_only {
        bail!(
            "{context}: {}'s assessment comes from the {import} library only; review it in the library, or add \
             [soup.{}] to {file} with the device's fields and review it here",
            item.package.name,
            entry.table_key
        );
    }
    let package = item.package;
    let date = args.date.or(settings.as_of).unwrap_or_else(Date::today);
    let license = package
        .license
        .as_ref()
        .filter(|license| license.form != LicenseForm::Invalid)
        .map(|license| license.expression.as_str());
    let review = Review {
        version: package.version.to_string(),
        license,
        checksum: package.checksum.as_deref(),
        commit: package.source.commit(),
        covered: (entry.covers == Covers::Exclusive).then(|| inventory.covered_names(entry)),
        reviewed: date,
        by,
    };

    let mut out = std::io::stdout().lock();
    write!(out, "{}", printable(&changes(entry, item, &review)))?;
    if let Some(provenance) = workspace.soup.provenance(entry) {
        writeln!(
            out,
            "  imported ({provenance}): what is written here now overrides the library for this device; to change \
             it for every device, change the library"
        )?;
    }
    let newly_covered = inventory.newly_covered(entry);
    if !newly_covered.is_empty() {
        writeln!(
            out,
            "  covers \"*\" now also takes in: {} (assess them as part of this entry; the review records them in `covered`)",
            newly_covered.join(", ")
        )?;
    }
    let notify = super::print_notice(settings.quiet);
    let plan = Plan::new(settings, &args.advisories, Need::IfPresent, &notify)?;
    let mut decisions: Vec<Decision> = Vec::new();
    if plan.has_local_data() {
        let covered: Vec<&SoupItem> = inventory.covered_by(entry).collect();
        let assessed: Vec<&SoupItem> = std::iter::once(item).chain(covered).collect();
        let sources = plan.load_local(&assessed.iter().map(|item| item.package.name.as_str()).collect());
        let targets = workspace.scope.target_platforms();
        let verdicts = verdicts(&inventory, &workspace.soup, &sources, targets.as_deref(), date);
        let touching = on_items(&verdicts, &inventory, &assessed);
        write!(out, "{}", printable(&advisories(entry, &inventory, &touching)))?;
        let open: Vec<&AdvisoryVerdict> = touching
            .iter()
            .copied()
            .filter(|verdict| verdict.is_open() && matches!(verdict.disposition, DispositionState::None))
            .collect();
        if !args.yes && !open.is_empty() && std::io::stdin().is_terminal() {
            out.flush()?;
            decisions = ask_dispositions(&open, &inventory, &mut std::io::stdin().lock(), &mut std::io::stderr())?;
        }
    } else {
        writeln!(
            out,
            "  advisories: NONE CHECKED: no advisory data was read (switched off, or none offline); \
             `cargo soup fetch` downloads it, or name a copy with --advisory-db / --osv-db, and review again \
             before you sign for the known anomalies"
        )?;
    }
    if license.is_none() {
        writeln!(
            out,
            "  note: {} declares no valid SPDX licence, so `license` stays as it is; set it by hand",
            package.name
        )?;
    }
    write!(out, "{}", printable(&outdated_approvals(entry, date)))?;
    for decision in &decisions {
        writeln!(out, "  disposition to record: {} {}", decision.id, decision.status)?;
    }
    writeln!(out, "  review: {date} by {by}")?;
    out.flush()?;
    if !args.yes && !confirm(&format!("Record this review in {file}?"))? {
        eprintln!("nothing was written");
        return Ok(0);
    }
    let mut editor = Editor::new(&workspace.soup_text)?;
    editor.record_review(&entry.table_key, &review)?;
    for decision in &decisions {
        editor.add_disposition(
            &entry.table_key,
            &NewDisposition {
                id: &decision.id,
                status: decision.status,
                justification: decision.justification,
                rationale: &decision.rationale,
                mitigation: decision.mitigation.as_deref(),
                reviewed: date,
                by,
                expires: decision.expires,
            },
        )?;
    }
    let after = editor.finish();
    super::verify_before_writing(&file, &after)?;
    atomic_file::replace(&workspace.soup_path, &workspace.soup_text, &after)?;
    if !settings.quiet {
        eprintln!(
            "recorded the review of {} {} in [{}] of {file}",
            package.name,
            package.version,
            entry.table_name()
        );
    }
    Ok(0)
}

/// `rust` or `rust@1.95.0` names the toolchain item.
fn is_named(item: &SoupItem, spec: &str) -> bool {
    let (name, version) = spec
        .split_once('@')
        .map_or((spec, None), |(name, version)| (name, Some(version)));
    item.package.name == name && version.is_none_or(|version| item.package.version.to_string() == version)
}

/// What changed since the last review, as the reviewer should see it before signing.
fn changes(entry: &Entry, item: &SoupItem, review: &Review) -> String {
    let package = item.package;
    let mut text = format!("{} {} ([{}]):\n", package.name, package.version, entry.table_name());
    let mut line = |field: &str, before: Option<String>, after: Option<String>| {
        let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "(none)".into());
        if before == after {
            text.push_str(&format!("  {field}: {} (unchanged)\n", shown(&after)));
        } else {
            text.push_str(&format!("  {field}: {} -> {}\n", shown(&before), shown(&after)));
        }
    };
    line(
        "version",
        entry.version.as_ref().map(ToString::to_string),
        Some(review.version.clone()),
    );
    if let Some(license) = review.license {
        line(
            "license",
            entry.license.as_ref().map(|license| license.expression.clone()),
            Some(license.to_string()),
        );
    }
    line(
        "checksum",
        entry.checksum.clone(),
        review.checksum.map(ToString::to_string),
    );
    if review.commit.is_some() || entry.commit.is_some() {
        line("commit", entry.commit.clone(), review.commit.map(ToString::to_string));
    }
    let last = match (&entry.anomalies.reviewed, &entry.anomalies.by) {
        (Some(date), Some(by)) => format!("{date} by {by}"),
        (Some(date), None) => date.to_string(),
        _ => "never".to_string(),
    };
    text.push_str(&format!("  last review: {last}\n"));
    text
}

/// The advisories that touch what the entry assesses, marked new when published after
/// the last review, with their dispositions.
/// The advisories that touch what the entry assesses, as their verdicts decided them:
/// marked new when published after the last review, with the state of their disposition.
fn advisories(entry: &Entry, inventory: &Inventory, touching: &[&AdvisoryVerdict]) -> String {
    let mut text = String::new();
    let (applies, elsewhere): (Vec<&&AdvisoryVerdict>, Vec<&&AdvisoryVerdict>) = touching
        .iter()
        .partition(|verdict| verdict.applicability == Applicability::Applies);
    for verdict in applies.iter().copied() {
        let (item, advisory) = (&inventory.items[verdict.item], &verdict.advisory);
        let new = entry
            .anomalies
            .reviewed
            .is_none_or(|reviewed| advisory.changed() > reviewed);
        let status = |disposition: &crate::sidecar::Disposition| disposition.status.as_str();
        let state = match verdict.disposition {
            DispositionState::None => "NO DISPOSITION".to_string(),
            DispositionState::Valid(disposition) => format!("disposition: {}", status(disposition)),
            DispositionState::Expired(disposition) => format!(
                "disposition EXPIRED on {}: {} no longer counts",
                disposition.expires.map(|date| date.to_string()).unwrap_or_default(),
                status(disposition)
            ),
        };
        text.push_str(&format!(
            "  advisory{}: {} on {} {} ({}): {}; {state}\n",
            if new { " (new since the last review)" } else { "" },
            advisory.id,
            item.package.name,
            item.package.version,
            advisory.kind.as_str(),
            advisory.title.trim_end_matches('.')
        ));
    }
    // The others in one line per reason: they are no anomaly of the device.
    let mut reasons: Vec<(String, Vec<&str>)> = Vec::new();
    for verdict in elsewhere {
        let reason = verdict.applicability.reason().unwrap_or_default();
        match reasons.iter_mut().find(|(known, _)| *known == reason) {
            Some((_, ids)) => ids.push(&verdict.advisory.id),
            None => reasons.push((reason, vec![&verdict.advisory.id])),
        }
    }
    for (reason, ids) in reasons {
        text.push_str(&format!("  does not apply ({reason}): {}\n", ids.join(", ")));
    }
    if text.is_empty() {
        text.push_str("  advisories: none touches it in the data used\n");
    }
    let open: Vec<&str> = applies
        .iter()
        .filter(|verdict| verdict.is_open())
        .map(|verdict| verdict.advisory.id.as_str())
        .collect();
    if !open.is_empty() {
        text.push_str(&format!(
            "  warning: {} on the device without a valid disposition ({}): the review records the anomaly \
             review as done; add their dispositions under `advisories` of [{}] first, or update\n",
            if open.len() == 1 {
                "1 advisory".to_string()
            } else {
                format!("{} advisories", open.len())
            },
            open.join(", "),
            entry.table_name()
        ));
    }
    text
}

/// The approvals this review makes outdated: dated before it, they signed an earlier
/// state (`approval-before-review` after it is recorded).
fn outdated_approvals(entry: &Entry, date: Date) -> String {
    let mut text = String::new();
    for approval in entry
        .approvals
        .iter()
        .filter(|approval| approval.date.is_some_and(|signed| signed < date))
    {
        let who = approval.signatory();
        text.push_str(&format!(
            "  warning: the approval by {who} of {} predates this review; have it approved again\n",
            approval.date.map(|date| date.to_string()).unwrap_or_default()
        ));
    }
    text
}

/// What the reviewer decided about an open advisory.
struct Decision {
    id: String,
    status: &'static str,
    justification: Option<&'static str>,
    rationale: String,
    mitigation: Option<String>,
    expires: Option<Date>,
}

/// For each advisory on the device without a disposition, offers to record one: status,
/// justification (for not-affected), rationale, mitigation (for mitigated) and expiry.
/// An empty answer to the status skips the advisory; the end of input ends the asking.
fn ask_dispositions(
    open: &[&AdvisoryVerdict],
    inventory: &Inventory,
    input: &mut dyn BufRead,
    prompt: &mut dyn Write,
) -> Result<Vec<Decision>> {
    let mut ask = |question: &str| -> Result<Option<String>> {
        write!(prompt, "{question}")?;
        prompt.flush()?;
        let mut answer = String::new();
        Ok((input.read_line(&mut answer)? > 0).then(|| answer.trim().to_string()))
    };
    let mut decisions = Vec::new();
    for verdict in open {
        let item = &inventory.items[verdict.item];
        let question = format!(
            "{} on {} {}: record a disposition? [n]ot-affected, [m]itigated, [a]ccepted, Enter to skip: ",
            verdict.advisory.id, item.package.name, item.package.version
        );
        let status = loop {
            match ask(&question)?.as_deref() {
                None => return Ok(decisions),
                Some("") => break None,
                Some("n" | "not-affected") => break Some("not-affected"),
                Some("m" | "mitigated") => break Some("mitigated"),
                Some("a" | "accepted") => break Some("accepted"),
                Some(_) => continue,
            }
        };
        let Some(status) = status else { continue };
        let mut justification = None;
        if status == "not-affected" {
            let question = format!("  justification ({}; Enter for none): ", JUSTIFICATIONS.join(", "));
            justification = loop {
                match ask(&question)? {
                    None => return Ok(decisions),
                    Some(answer) if answer.is_empty() => break None,
                    Some(answer) => {
                        if let Some(known) = JUSTIFICATIONS.iter().copied().find(|known| *known == answer) {
                            break Some(known);
                        }
                    }
                }
            };
        }
        let Some(rationale) = ask_required(&mut ask, "  rationale: ")? else {
            return Ok(decisions);
        };
        let mitigation = match status {
            "mitigated" => match ask_required(&mut ask, "  mitigation: ")? {
                Some(mitigation) => Some(mitigation),
                None => return Ok(decisions),
            },
            _ => None,
        };
        let expires = loop {
            match ask("  expires (YYYY-MM-DD; Enter for none): ")? {
                None => return Ok(decisions),
                Some(answer) if answer.is_empty() => break None,
                Some(answer) => {
                    if let Ok(date) = answer.parse::<Date>() {
                        break Some(date);
                    }
                }
            }
        };
        decisions.push(Decision {
            id: verdict.advisory.id.clone(),
            status,
            justification,
            rationale,
            mitigation,
            expires,
        });
    }
    Ok(decisions)
}

/// Asks until the answer is not empty; `None` at the end of input.
fn ask_required(ask: &mut dyn FnMut(&str) -> Result<Option<String>>, question: &str) -> Result<Option<String>> {
    loop {
        match ask(question)? {
            Some(answer) if answer.is_empty() => continue,
            other => return Ok(other),
        }
    }
}

/// Asks on the terminal; anything but yes is no. Off a terminal there is nobody to ask.
fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("stdin is not a terminal, so nobody can confirm the review; pass --yes to record it");
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}
