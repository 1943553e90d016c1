//! Parsing and validating a 1,000-entry soup.toml (target: under 50 ms), and planning a
//! `sync` of it. Run: `cargo bench --bench soup_toml`. Plain timing over repeated runs,
//! median and minimum, so no benchmark framework becomes a dependency.

use cargo_soup::sidecar;
use std::time::{Duration, Instant};

const ENTRIES: usize = 1_000;
const RUNS: usize = 30;

/// One fully assessed entry as in the SPEC example: every section, two requirements,
/// a disposition and an approval, with comments.
fn entry(at: usize) -> String {
    format!(
        r#"
# Entry {at}: assessed in full.
[soup.crate-{at}]
version = "1.{at}.3"                  # section 1
license = "MIT OR Apache-2.0"
vendor = "Vendor {at} (https://github.com/vendor/crate-{at})"
checksum = "6fbd6fbd6fbd6fbd6fbd6fbd6fbd6fbd6fbd6fbd6fbd6fbd6fbd6fbd6fbd{at:04}"
class = "C"
class-rationale = "Parses the dosing configuration; a silent mis-parse could set a wrong rate."
covers = ["dep-{at}-a", "dep-{at}-b"]
prerequisites = "std; 1 MiB heap; Linux 5.10+"

[[soup.crate-{at}.requirements]]
id = "SOUP-{at}-F1"
kind = "functional"
text = "The SOUP shall reject malformed input with an error."
verified-by = ["tests/config.rs::rejects_malformed_config"]

[[soup.crate-{at}.requirements]]
id = "SOUP-{at}-P1"
kind = "performance"
text = "The SOUP shall parse 64 KiB in under 5 ms."
verified-by = ["benches/config.rs"]

[soup.crate-{at}.anomalies]
reviewed = 2026-09-30
by = "A. Reviewer"
sources = ["https://github.com/vendor/crate-{at}/issues", "RustSec", "OSV"]
summary = "No open issue affects our use."

[soup.crate-{at}.verification]
method = "Black-box interface tests."

[soup.crate-{at}.surveillance]
interval = "90d"
update-strategy = "Take patch releases after CI passes."
obsolescence = "Actively maintained."
support = "active"
end-of-support = 2030-12-31

[[soup.crate-{at}.advisories]]
id = "RUSTSEC-2099-{at:04}"
status = "not-affected"
rationale = "The affected function is never called."
reviewed = 2026-09-30
by = "A. Reviewer"
expires = 2027-03-31

[[soup.crate-{at}.approvals]]
role = "QA Manager"
name = "B. Approver"
date = 2026-10-02
"#
    )
}

fn main() {
    let project = include_str!("../fixtures/soup-toml/spec-example.toml");
    let project = &project[..project.find("[soup.serde_json]").unwrap_or(project.len())];
    let mut text = project.to_string();
    for at in 0..ENTRIES {
        text.push_str(&entry(at));
    }
    let parsed = sidecar::parse("soup.toml", &text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(parsed.entries.len(), ENTRIES);

    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let parsed = sidecar::parse("soup.toml", &text);
            let elapsed = start.elapsed();
            assert!(parsed.is_ok());
            elapsed
        })
        .collect();
    times.sort();
    let lines = text.lines().count();
    println!(
        "parse + validate soup.toml: {ENTRIES} entries, {lines} lines, {} KiB",
        text.len() / 1024
    );
    println!(
        "  median {:.1} ms, min {:.1} ms, max {:.1} ms over {RUNS} runs (target: < 50 ms)",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1])
    );

    let mut edit_times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let editor = sidecar::edit::Editor::new(&text).expect("valid TOML");
            let written = editor.finish();
            let elapsed = start.elapsed();
            assert_eq!(written.len(), text.len());
            elapsed
        })
        .collect();
    edit_times.sort();
    println!(
        "format-preserving round trip (what sync and review pay on top): median {:.1} ms",
        ms(edit_times[RUNS / 2])
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
