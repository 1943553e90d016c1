//! `cargo soup report`: the SOUP assessment record, in Markdown and as one
//! self-contained HTML file that prints on A4, checked as a reader sees it: the front
//! matter of a controlled record, the verdict, item pages with their open findings,
//! the residual-anomaly appendix, and printed pages that neither shrink nor strand a
//! heading.

mod common;

use common::{VULNERABLE_SOUP, copy_fixture, fixture, soup};
use std::path::Path;
use std::process::Command;

/// The report of a workspace, and its exit code.
fn report_of(manifest_dir: &Path, format: &str, extra: &[&str]) -> (String, Option<i32>) {
    let output = soup()
        .args(["report", "--offline", "--as-of", "2026-11-25", "--format", format])
        .args(extra)
        .arg("--manifest-path")
        .arg(manifest_dir.join("Cargo.toml"))
        .arg("--advisory-db")
        .arg(fixture("advisory-db"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{stderr}");
    (String::from_utf8(output.stdout).unwrap(), output.status.code())
}

fn report(format: &str) -> String {
    let (text, code) = report_of(&fixture("demo"), format, &[]);
    assert_eq!(code, Some(1), "the demo's audit fails: the record is a draft");
    text
}

#[test]
fn the_markdown_report_has_the_front_matter_of_a_controlled_record() {
    let text = report("markdown");
    assert!(
        text.starts_with("# Demo infusion pump\n\n> **DRAFT: 23 open errors."),
        "{}",
        &text[..200]
    );
    for line in [
        "## Document control",
        "- **Document id:** DHF-SOUP-001",
        "- **Revision:** C",
        "- **Release:** 2.4.0",
        "- **Author:** A. Engineer",
        "- **Status:** **DRAFT**",
        "### Approval of this document",
        "| QA Manager | B. Approver | 2026-10-02 |  |",
        "## Revision history",
        "## Purpose and scope",
        "- **Software items (classes):** dose-engine (class C), ui (class B)",
        "- **Dependency kinds:** normal, build",
        "- **Required fields:** require = \"standard\"",
        "## References",
        "## Safety classes (IEC 62304 cl. 4.3)",
        "## IEC 62304 clauses in this record",
        "| 5.8.2, 5.8.3 | Known residual anomalies | Appendix: residual anomalies |",
        "## Configuration identification",
        "- **cargo-soup:** cargo-soup 0.1.0",
        "## Advisory data",
        "| RustSec | fixtures/advisory-db | - (a folder given) | - | 2026-02-05<br>293 days old | 12 |",
    ] {
        assert!(text.contains(line), "{line:?} in the report");
    }
    let lockfile = std::fs::read(fixture("demo/Cargo.lock")).unwrap();
    assert!(
        text.contains(&format!("- **Cargo.lock SHA-256:** {}", sha256_hex(&lockfile))),
        "the configuration names the exact Cargo.lock"
    );
    assert_eq!(report("markdown"), text, "the same inputs give the same document");
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    digest.as_ref().iter().map(|byte| format!("{byte:02x}")).collect()
}

#[test]
fn item_pages_start_with_their_status_and_open_findings_and_mark_the_fields() {
    let text = report("markdown");
    for line in [
        "| serde_json | 1.0.140 | crates.io | MIT OR Apache-2.0 | C | assessed | soup.serde_json | dose-engine, ui | 2026-09-30 |",
        "| itoa | 1.0.19 | crates.io | MIT OR Apache-2.0 | C | covered | covered by serde_json | dose-engine, ui | 2026-09-30 |",
        "## serde_json 1.0.140\n\n**Status: ASSESSED: no open findings**",
        "## bitflags 1.3.2\n\n**Status: STALE: 3 open findings (3 errors)**\n\nOpen findings:\n\n- error incomplete-assessment",
        "- **Version (locked):** 1.3.2 **CHANGED from 1.2.1**",
        "- **Class (declared):** A **BELOW INHERITED B**",
        "- **Covers:** itoa 1.0.19, memchr 2.8.3, ryu 1.0.23",
        "| SOUP-JSON-F1 | functional | The SOUP shall reject malformed configuration with an error and never return a partial value. | dose-engine/src/lib.rs |",
        "- **Class (inherited):** C, from dose-engine, ui",
        "- **Update strategy:** Take patch releases after CI passes; re-assess on a minor release.",
        "- **Class rationale:** **MISSING**",
        "**MISSING: not approved**",
        "**advisory review NOT PERFORMED: not a crates.io package, so no advisory database covers it; the anomaly review above is the only one**",
        "_No advisory in the data used (RustSec, 12 advisories; OSV, 14 advisories) affects this item._",
    ] {
        assert!(text.contains(line), "{line:?} in the report");
    }
    assert!(
        !text.contains("## itoa 1.0.19"),
        "a covered crate is listed under its covering item"
    );
    let checksum_lite = section(&text, "## checksum-lite 0.2.0");
    assert!(
        !checksum_lite.contains("No advisory in the data"),
        "a path dependency is never checked: {checksum_lite}"
    );
}

/// From `heading` to the next item.
fn section<'t>(text: &'t str, heading: &str) -> &'t str {
    let start = text.find(heading).unwrap_or_else(|| panic!("{heading}"));
    let rest = &text[start + heading.len()..];
    &rest[..rest.find("\n---\n").unwrap_or(rest.len())]
}

#[test]
fn the_appendix_lists_every_residual_anomaly_with_its_clause_and_disposition() {
    let text = report("markdown");
    let appendix = &text[text.find("## Appendix: Residual anomalies").unwrap()..];
    assert!(appendix.contains(
        "| error version-drift: bitflags is locked at 1.3.2 but 1.2.1 was assessed (stale-on = \"minor\") | 8.1.2, 6.1 | bitflags 1.3.2 | **open** |"
    ));
    assert!(
        !appendix.contains("cargo soup review"),
        "the record states anomalies, not commands"
    );
    assert_eq!(appendix.matches("| **open** |").count(), 23, "each open error once");
}

#[test]
fn dispositioned_advisories_show_in_full_and_are_residual_anomalies() {
    let sidecar = format!(
        "{VULNERABLE_SOUP}\n[[soup.smallvec.advisories]]\nid = \"CVE-2021-25900\"\nstatus = \"mitigated\"\n\
         rationale = \"insert_many is never called.\"\nmitigation = \"Checked by a grep in CI.\"\n\
         reviewed = 2026-10-02\nby = \"A. Reviewer\"\n"
    );
    let mut command = soup();
    command.args(["report", "--offline", "--as-of", "2026-11-25"]);
    let output = common::run_with_sidecar(command, "vulnerable", &sidecar);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("| RUSTSEC-2021-0003<br>CVE-2021-25900<br>GHSA-43w2-9j62-hq99 | smallvec 0.6.13 |"),
        "every id of the advisory"
    );
    assert!(
        text.contains("mitigated<br>Rationale: insert_many is never called.<br>Mitigation: Checked by a grep in CI.<br>Reviewed 2026-10-02 by A. Reviewer"),
        "the full disposition"
    );
    assert!(text.contains("not applicable to the device: the locked version is not affected"));
    let appendix = &text[text.find("## Appendix: Residual anomalies").unwrap()..];
    assert!(
        appendix.contains("| RUSTSEC-2021-0003: "),
        "a mitigated advisory is a residual anomaly"
    );
}

#[test]
fn without_advisory_data_the_review_is_not_performed_and_the_record_is_a_draft() {
    let dir = copy_fixture("demo");
    let sidecar = std::fs::read_to_string(dir.path().join("soup.toml")).unwrap();
    // Only serde_json's entry, so the audit itself passes.
    let start = sidecar.find("[soup.serde_json]").unwrap();
    let end = sidecar[start..].find("\n# ").map_or(sidecar.len(), |at| start + at);
    let passing = format!(
        "{}{}\n[policy]\nmissing-assessment = \"allow\"\nstale-advisory-db = \"allow\"\norphaned-entry = \"allow\"\n",
        &sidecar[..sidecar.find("[policy]").unwrap()],
        &sidecar[start..end]
    );
    std::fs::write(dir.path().join("soup.toml"), &passing).unwrap();
    let (text, code) = report_of(dir.path(), "markdown", &["--no-rustsec", "--no-osv"]);
    assert!(
        text.contains("> **DRAFT: advisory review NOT PERFORMED (RustSec switched off, OSV switched off)."),
        "{}",
        &text[..300]
    );
    assert_eq!(code, Some(1), "a record without an advisory review is no release");
    let serde_json = section(&text, "## serde_json 1.0.140");
    assert!(
        serde_json.contains("**advisory review NOT PERFORMED: RustSec switched off, OSV switched off**"),
        "{serde_json}"
    );
    assert!(!text.contains("No advisory in the data"));

    let (checked, code) = report_of(dir.path(), "markdown", &[]);
    assert!(
        checked.contains("> **AUDIT PASSED on 2026-11-25: no open errors"),
        "{}",
        &checked[..300]
    );
    assert_eq!(code, Some(0));
}

#[test]
fn markdown_heading_levels_follow_each_other_and_soup_toml_text_is_escaped() {
    let dir = copy_fixture("demo");
    let path = dir.path().join("soup.toml");
    let sidecar = std::fs::read_to_string(&path).unwrap().replace(
        "summary = \"No open issue affects parsing of our configuration schema.\"",
        "summary = \"\"\"<script>alert(1)</script> *all* [ok]\nsecond line | pipe\"\"\"",
    );
    std::fs::write(&path, sidecar).unwrap();
    let (text, _) = report_of(dir.path(), "markdown", &[]);
    assert!(
        text.contains(
            "- **Summary:** &lt;script&gt;alert(1)&lt;/script&gt; \\*all\\* \\[ok\\]<br>second line \\| pipe"
        )
    );
    let mut level = 0;
    for line in text.lines().filter(|line| line.starts_with('#')) {
        let next = line.chars().take_while(|c| *c == '#').count();
        assert!(next <= level + 1, "{line:?} skips a level after level {level}");
        level = next;
    }
}

#[test]
fn the_revision_history_comes_from_git_and_names_uncommitted_changes() {
    let dir = copy_fixture("demo");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=A. Engineer", "-c", "user.email=a@example.com"])
            .args(args)
            .env("GIT_AUTHOR_DATE", "2026-10-01T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-10-01T12:00:00Z")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "Assess serde_json for release 2.4"]);
    let (text, _) = report_of(dir.path(), "markdown", &[]);
    let history = section(&text, "## Revision history");
    assert!(
        history.contains("| 2026-10-01 | A. Engineer | Assess serde_json for release 2.4 |"),
        "{history}"
    );
    assert!(!history.contains("uncommitted changes"), "{history}");
    assert!(
        !text.contains("with uncommitted changes"),
        "the workspace commit is clean"
    );

    let path = dir.path().join("soup.toml");
    let edited = std::fs::read_to_string(&path).unwrap() + "\n# edited\n";
    std::fs::write(&path, edited).unwrap();
    let (text, _) = report_of(dir.path(), "markdown", &[]);
    assert!(
        section(&text, "## Revision history")
            .contains("| **uncommitted changes** | - | - | soup.toml differs from its last commit |")
    );
    assert!(text.contains(" with uncommitted changes"));
}

#[test]
fn the_html_report_is_self_contained() {
    let html = report("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for forbidden in ["<script", "<link", " src=", "@import", "url("] {
        assert!(!html.contains(forbidden), "{forbidden} in a self-contained report");
    }
    assert_eq!(
        html.matches("<section class=\"page item\"").count(),
        20,
        "23 items, 3 covered by serde_json"
    );
    assert!(html.contains("break-before: page") && html.contains("size: A4"));
    assert!(html.contains("content: \"DHF-SOUP-001, revision C: Demo infusion pump (DRAFT)\""));
    assert!(
        html.contains("licence normalised from <code>MIT/Apache-2.0</code>"),
        "code spans"
    );
}

// --- Printed, as a person sees it ---------------------------------------------------

fn tool(names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| {
        Command::new("which")
            .arg(name)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
    })
}

/// Chromium and poppler's pdftoppm and pdftotext, or `None` outside CI.
fn printing_tools() -> Option<String> {
    let chromium = tool(&["chromium", "chromium-browser", "google-chrome"]);
    let poppler = tool(&["pdftoppm"]).and(tool(&["pdftotext"]));
    match (chromium, poppler) {
        (Some(chromium), Some(_)) => Some(chromium),
        _ => {
            let message = "the print check needs Chromium and poppler-utils (pdftoppm, pdftotext)";
            assert!(std::env::var_os("CI").is_none(), "{message}");
            eprintln!("{message}; skipped outside CI");
            None
        }
    }
}

fn print_to_pdf(chromium: &str, html: &str, dir: &Path, name: &str) -> std::path::PathBuf {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.join(format!("profile-{name}")).display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    pdf
}

/// The text of each page, as pdftotext lays it out.
fn pages_text(pdf: &Path) -> Vec<String> {
    let output = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(String::from).collect();
    if pages.last().is_some_and(|page| page.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Page `page` as a grey image: width, height and one byte per pixel.
fn page_image(pdf: &Path, page: usize) -> (usize, usize, Vec<u8>) {
    let out = pdf.with_extension(format!("page{page}"));
    let status = Command::new("pdftoppm")
        .args([
            "-gray",
            "-r",
            "50",
            "-singlefile",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
        ])
        .arg(pdf)
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(out.with_extension(format!("page{page}.pgm"))).unwrap();
    // P5 WIDTH HEIGHT 255, then the pixels.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    let (width, height): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (width, height, bytes[at + 1..].to_vec())
}

/// The rows of the first line of dark text below the running header: the title's
/// height in pixels, which shrinks when Chromium scales a page down to fit.
fn title_height((width, height, pixels): &(usize, usize, Vec<u8>)) -> usize {
    let dark = |row: usize| pixels[row * width..(row + 1) * width].iter().any(|pixel| *pixel < 80);
    let top = (height / 20..*height).find(|row| dark(*row)).unwrap();
    (top..*height).take_while(|row| dark(*row)).count()
}

const HEADINGS: &[&str] = &[
    "1. Identification",
    "2. Intended use and requirements",
    "3. Risk and anomaly review",
    "4. Verification strategy",
    "5. Post-market surveillance",
    "Approvals",
    "Open findings",
];

#[test]
fn printed_pages_keep_headings_with_their_content_and_long_strings_do_not_shrink_them() {
    let Some(chromium) = printing_tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let normal = print_to_pdf(&chromium, &report("html"), dir.path(), "normal");

    // One long string with no place to break, and text on several lines.
    let stress = copy_fixture("demo");
    let path = stress.path().join("soup.toml");
    let long = "x".repeat(400);
    let sidecar = std::fs::read_to_string(&path)
        .unwrap()
        .replace(
            "class-rationale = \"Parses the dosing configuration; a silent mis-parse could set a wrong infusion rate.\"",
            &format!("class-rationale = \"{long}\""),
        )
        .replace(
            "summary = \"No open issue affects parsing of our configuration schema.\"",
            "summary = \"\"\"First line of the summary.\nSecond line of the summary.\"\"\"",
        );
    std::fs::write(&path, sidecar).unwrap();
    let (html, _) = report_of(stress.path(), "html", &[]);
    let stressed = print_to_pdf(&chromium, &html, dir.path(), "stressed");

    let normal_pages = pages_text(&normal);
    assert!(
        normal_pages.len() > 20,
        "{} pages for 20 item pages and the front matter",
        normal_pages.len()
    );
    assert_eq!(
        title_height(&page_image(&stressed, 1)),
        title_height(&page_image(&normal, 1)),
        "a long string must wrap in its cell, not shrink every page"
    );
    let stressed_pages = pages_text(&stressed);
    let serde_json = stressed_pages
        .iter()
        .find(|page| page.contains("Class rationale") && page.contains("xxxxxxxx"))
        .expect("the page with the long rationale");
    let widest = serde_json
        .lines()
        .map(|line| line.trim_end().chars().count())
        .max()
        .unwrap();
    assert!(widest < 140, "the long string wraps within the page ({widest} columns)");
    assert!(
        serde_json
            .lines()
            .any(|line| line.trim_end().ends_with("First line of the summary.")),
        "multi-line text stays on its lines"
    );
    // A section that fits on a page is on one page: its heading and its last field.
    let together = [
        ("1. Identification", "Notes"),
        ("3. Risk and anomaly review", "Summary"),
        ("5. Post-market surveillance", "End of support"),
    ];
    for (at, page) in normal_pages.iter().chain(&stressed_pages).enumerate() {
        let lines: Vec<&str> = page.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
        for (heading, last) in together {
            if lines.contains(&heading) {
                assert!(
                    lines.iter().any(|line| line.starts_with(last)),
                    "page {} splits {heading:?} from its {last:?}",
                    at + 1
                );
            }
        }
        // The last line is the page number; the one above it is the page's last text.
        let last = lines.iter().rev().nth(1).copied().unwrap_or_default();
        assert!(
            !HEADINGS.contains(&last),
            "page {} ends with the heading {last:?}",
            at + 1
        );
    }
}

/// The traceability matrix's eight columns fit an A4 page: nothing is scaled down, and
/// the appendix's text wraps inside the page.
#[test]
fn the_traceability_matrix_prints_within_the_page() {
    let Some(chromium) = printing_tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The demo's document control, so that page 1 reads as the demo's does.
    let workspace = copy_fixture("verification");
    let path = workspace.path().join("soup.toml");
    let demo = std::fs::read_to_string(fixture("demo/soup.toml")).unwrap();
    let control = &demo[demo.find("[document]").unwrap()..demo.find("[project.surveillance]").unwrap()];
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("[project]\n", &format!("{control}[project]\n"));
    std::fs::write(&path, text).unwrap();
    let results = workspace.path().join("results/nextest-junit.xml");
    let (html, _) = report_of(workspace.path(), "html", &["--test-results", results.to_str().unwrap()]);
    let matrix = print_to_pdf(&chromium, &html, dir.path(), "matrix");
    let normal = print_to_pdf(&chromium, &report("html"), dir.path(), "normal");
    assert_eq!(
        title_height(&page_image(&matrix, 1)),
        title_height(&page_image(&normal, 1)),
        "the matrix must wrap in its cells, not shrink every page"
    );
    let pages = pages_text(&matrix);
    let appendix = pages
        .iter()
        .find(|page| page.contains("Appendix: Traceability matrix"))
        .expect("the appendix page");
    assert!(
        appendix.contains("fifo-lite 1.2.0") && appendix.contains("FAILED"),
        "{appendix}"
    );
    let widest = appendix
        .lines()
        .map(|line| line.trim_end().chars().count())
        .max()
        .unwrap();
    assert!(widest < 140, "the matrix wraps within the page ({widest} columns)");
}

#[test]
fn an_overdue_review_and_missing_evidence_are_marked_where_they_stand() {
    let dir = copy_fixture("demo");
    let path = dir.path().join("soup.toml");
    let sidecar = std::fs::read_to_string(&path).unwrap().replace(
        "verified-by = [\"dose-engine/src/lib.rs\"]",
        "verified-by = [\"dose-engine/src/missing.rs\"]",
    );
    std::fs::write(&path, sidecar).unwrap();
    let output = soup()
        .args(["report", "--offline", "--as-of", "2027-02-01", "--format", "markdown"])
        .arg("--manifest-path")
        .arg(dir.path().join("Cargo.toml"))
        .arg("--advisory-db")
        .arg(fixture("advisory-db"))
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let serde_json = section(&text, "## serde_json 1.0.140");
    assert!(
        serde_json.contains("- **Anomalies reviewed:** 2026-09-30 **OVERDUE: due 2026-12-29**"),
        "{serde_json}"
    );
    assert!(
        serde_json.contains("| dose-engine/src/missing.rs **NOT FOUND: dose-engine/src/missing.rs** |"),
        "{serde_json}"
    );
    assert!(
        serde_json.contains("**Status: ASSESSED: 3 open findings (3 errors)**"),
        "{serde_json}"
    );
}
