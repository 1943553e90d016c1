//! The traceability matrix (IEC 62304 cl. 5.3.4, 5.7.5): each SOUP requirement with
//! the device requirements it traces to, the tests that verify it and what the test
//! results say, as `rules::verification` decided once.

use super::{Block, Cell, Inputs, table};
use crate::rules::verification::{ReferenceVerdict, TestResult, Verification};
use crate::sidecar::{Entry, Requirement};

/// The front matter's list of the results files the record rests on.
pub fn results_read(verification: &Verification) -> Vec<Block> {
    let rows = verification
        .files
        .iter()
        .map(|file| {
            vec![
                Cell::text(&file.path),
                Cell::text(file.format),
                Cell::of(file.time.clone()),
                Cell::text(file.tests.to_string()),
            ]
        })
        .chain(verification.missing.iter().map(|(file, _)| {
            vec![
                Cell::text(file),
                Cell::Gap("MISSING: the file does not exist".into()),
                Cell::text("-"),
                Cell::text("-"),
            ]
        }))
        .collect();
    vec![
        Block::Section("Test results".into()),
        table(
            &[("File", 40), ("Format", 20), ("Tests ran", 26), ("Tests", 14)],
            rows,
            Cell::text(
                "none read: each verified-by was checked to name an existing file and test function, not that \
                 the test ran or passed",
            ),
        ),
    ]
}

/// The matrix's columns, on an item page and in the appendix.
const COLUMNS: &[(&str, u8)] = &[
    ("Id", 10),
    ("Kind", 13),
    ("Text", 20),
    ("Traces", 10),
    ("Test", 22),
    ("Result", 11),
    ("Results file", 14),
];

/// Section 4's matrix of one entry.
pub fn item_matrix(entry: Option<&Entry>, verification: &Verification) -> Block {
    let rows = entry.map(|entry| matrix_rows(entry, verification)).unwrap_or_default();
    table(COLUMNS, rows, Cell::Gap("MISSING: no requirements recorded".into()))
}

/// The appendix: every entry's matrix, under the item it assesses.
pub fn appendix(inputs: &Inputs) -> Vec<Block> {
    let mut blocks = vec![
        Block::Part("Appendix: Traceability matrix".into()),
        Block::Paragraph(
            "Each SOUP requirement with the device requirements and hazards it traces to, the tests named as \
             its evidence, and their result in the test results read (IEC 62304 cl. 5.3.4, 5.7.5)."
                .into(),
        ),
    ];
    let mut seen: Vec<*const Entry> = Vec::new();
    for item in inputs.inventory.items.iter() {
        let Some(entry) = item.entry.filter(|entry| !seen.contains(&std::ptr::from_ref(*entry))) else {
            continue;
        };
        seen.push(std::ptr::from_ref(entry));
        blocks.push(Block::Heading(
            format!("{} {}", item.package.name, item.package.version).into(),
        ));
        blocks.push(item_matrix(Some(entry), inputs.verification));
    }
    blocks
}

fn matrix_rows(entry: &Entry, verification: &Verification) -> Vec<Vec<Cell>> {
    let table_name = entry.table_name();
    let mut rows = Vec::new();
    for (at, requirement) in entry.requirements.iter().enumerate() {
        let verdicts: Vec<&ReferenceVerdict> = verification.of(&table_name, at).collect();
        let tests: Vec<[Cell; 3]> = if requirement.verified_by.is_empty() {
            vec![[Cell::missing(), Cell::Gap("no evidence named".into()), Cell::text("-")]]
        } else if !verification.results_read() {
            requirement
                .verified_by
                .iter()
                .map(|reference| {
                    [
                        Cell::text(reference),
                        Cell::text("not checked: no test results read"),
                        Cell::text("-"),
                    ]
                })
                .collect()
        } else {
            verdicts
                .iter()
                .map(|verdict| test_cells(verdict, verification))
                .collect()
        };
        for [test, result, file] in tests {
            let mut row: Vec<Cell> = requirement_cells(requirement).into();
            row.extend([test, result, file]);
            rows.push(row);
        }
    }
    rows
}

fn requirement_cells(requirement: &Requirement) -> [Cell; 4] {
    [
        Cell::of(requirement.id.clone()),
        Cell::of(requirement.kind.map(|kind| kind.as_str())),
        Cell::of(requirement.text.clone()),
        match requirement.traces.is_empty() {
            true => Cell::text("-"),
            false => Cell::text(requirement.traces.join(", ")),
        },
    ]
}

/// The reference with the tests it matched, its result, and the files that gave it.
fn test_cells(verdict: &ReferenceVerdict, verification: &Verification) -> [Cell; 3] {
    // The same test in two results files (two platforms, two runs) is one test.
    let mut distinct: Vec<(&str, &str)> = verdict
        .tests
        .iter()
        .map(|test| (test.test.as_str(), test.binary.as_str()))
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    let named = verdict.reference.split_once("::").map(|(_, path)| path);
    let mut test = verdict.reference.clone();
    match distinct.as_slice() {
        [] => {}
        [(name, binary)] if Some(*name) == named => test.push_str(&format!("\nin {binary}")),
        [(name, binary)] => test.push_str(&format!("\n{name} in {binary}")),
        many => test.push_str(&format!("\n{} tests of {}", many.len(), many[0].1)),
    }
    let result = match verdict.result {
        TestResult::Passed => Cell::text("passed"),
        TestResult::Failed => Cell::Gap("FAILED".into()),
        TestResult::Skipped => Cell::Gap("skipped (ignored)".into()),
        TestResult::NotRun => Cell::Gap(format!(
            "NOT RUN: {}",
            verdict.reason.as_deref().unwrap_or("no result matches")
        )),
    };
    let mut files: Vec<&str> = verdict.tests.iter().map(|test| test.file.as_str()).collect();
    if files.is_empty() {
        files = verification.files.iter().map(|file| file.path.as_str()).collect();
    }
    files.dedup();
    let shown: Vec<String> = files
        .iter()
        .map(|path| {
            let time = verification
                .files
                .iter()
                .find(|file| file.path == *path)
                .and_then(|file| file.time.as_deref());
            match time {
                Some(time) => format!("{path}\n{time}"),
                None => path.to_string(),
            }
        })
        .collect();
    [Cell::text(test), result, Cell::text(shown.join("\n"))]
}
