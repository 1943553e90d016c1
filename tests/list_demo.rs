//! `cargo soup list` on the demo device workspace (real crates.io dependencies pinned in
//! a committed Cargo.lock): every output format pinned, statuses and classes checked.

mod common;

use common::*;

fn demo(args: &[&str]) -> String {
    let mut all = vec!["list", "--locked"];
    all.extend_from_slice(args);
    stdout_of(&mut soup_on(&fixture("demo"), &all))
}

#[test]
fn table_output_is_pinned() {
    insta::assert_snapshot!(demo(&["--format", "table", "--color", "never"]));
}

#[test]
fn json_output_is_pinned() {
    insta::assert_snapshot!(demo(&["--format", "json"]));
}

#[test]
fn csv_output_is_pinned() {
    insta::assert_snapshot!(demo(&["--format", "csv"]));
}

#[test]
fn markdown_output_is_pinned() {
    insta::assert_snapshot!(demo(&["--format", "markdown"]));
}

#[test]
fn csv_has_a_header_and_one_record_per_item() {
    let csv = demo(&["--format", "csv"]);
    let json: serde_json::Value = serde_json::from_str(&demo(&["--format", "json"])).unwrap();
    let records: Vec<&str> = csv.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert!(records[0].starts_with("name,version,source,checksum,license"));
    assert_eq!(records.len() - 1, json["items"].as_array().unwrap().len());
    // Vendors with commas are quoted, so every record has the header's field count.
    assert!(csv.contains("\"Alex Crichton, Josh Triplett, Sebastian Thiel (https://github.com/rust-lang/libz-sys)\""));
}

#[test]
fn statuses_follow_the_demo_soup_toml() {
    let list: serde_json::Value = serde_json::from_str(&demo(&["--format", "json"])).unwrap();
    assert_eq!(item(&list, "serde_json", "1.0.140")["status"], "assessed");
    assert_eq!(item(&list, "log", "0.4.27")["status"], "incomplete");
    // Assessed at 1.2.1 under `bitflags@1`; 1.3.2 is a minor step with stale-on = "minor".
    assert_eq!(item(&list, "bitflags", "1.3.2")["status"], "stale");
    assert_eq!(item(&list, "bitflags", "1.3.2")["entry"], "bitflags@1");
    // The `bitflags@1` entry does not assess bitflags 2.
    assert_eq!(item(&list, "bitflags", "2.9.1")["status"], "missing");
    assert_eq!(item(&list, "itoa", "1.0.19")["status"], "covered");
    assert_eq!(item(&list, "itoa", "1.0.19")["covered_by"], "serde_json");
}

#[test]
fn classes_native_libraries_and_checksums() {
    let list: serde_json::Value = serde_json::from_str(&demo(&["--format", "json"])).unwrap();
    // Reached from the class C dose engine and the class B ui: C.
    assert_eq!(item(&list, "serde", "1.0.219")["class"], "C");
    // Reached from ui only: B.
    assert_eq!(item(&list, "bitflags", "1.3.2")["class"], "B");
    assert_eq!(item(&list, "libz-sys", "1.1.22")["native_library"], "z");
    assert_eq!(
        item(&list, "serde_json", "1.0.140")["checksum"],
        "20068b6e96dc6c9bd23e01df8827e6c7e1f2fddd43c21810382803c136b99373"
    );
    assert_eq!(item(&list, "cfg-if", "1.0.0")["license_raw"], "MIT/Apache-2.0");
    assert_eq!(item(&list, "cfg-if", "1.0.0")["license"], "MIT OR Apache-2.0");
    assert_eq!(
        item(&list, "checksum-lite", "0.2.0")["source"],
        "path+vendor/checksum-lite"
    );
    let names = item_names(&list);
    for absent in ["pretty_assertions@1.4.1", "dose-engine@0.1.0", "ui@0.1.0"] {
        assert!(!names.contains(&absent.to_string()), "{absent}");
    }
    // Windows-only, but no targets are set in the demo: every platform is in scope.
    assert!(names.contains(&"windows-link@0.1.3".to_string()));
}

#[test]
fn cargo_passes_soup_first_and_that_works_too() {
    let direct = demo(&["--format", "json"]);
    let mut via_cargo = soup();
    via_cargo
        .args(["soup", "list", "--locked", "--format", "json", "--manifest-path"])
        .arg(fixture("demo").join("Cargo.toml"));
    assert_eq!(stdout_of(&mut via_cargo), direct);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let always = demo(&["--color", "always"]);
    assert!(always.contains("\u{1b}["), "no ANSI escape with --color always");
    let auto = demo(&[]);
    assert!(!auto.contains("\u{1b}["), "ANSI escape when piped");
    let mut no_color = soup_on(&fixture("demo"), &["list", "--locked"]);
    no_color.env("NO_COLOR", "1");
    assert!(!stdout_of(&mut no_color).contains("\u{1b}["));
    let mut forced = soup_on(&fixture("demo"), &["list", "--locked"]);
    forced.env("CLICOLOR_FORCE", "1");
    assert!(
        stdout_of(&mut forced).contains("\u{1b}["),
        "CLICOLOR_FORCE colours a pipe"
    );
    let mut both = soup_on(&fixture("demo"), &["list", "--locked"]);
    both.env("CLICOLOR_FORCE", "1").env("NO_COLOR", "1");
    assert!(!stdout_of(&mut both).contains("\u{1b}["), "NO_COLOR wins");
}

#[test]
fn quiet_drops_the_summary_line() {
    assert!(demo(&[]).contains("23 SOUP items: 1 assessed, 3 covered, 1 incomplete, 1 stale, 17 missing"));
    assert!(!demo(&["-q"]).contains("SOUP items:"));
}

fn list_at(columns: &str, extra: &[&str]) -> String {
    let mut command = common::soup_on(&common::fixture("demo"), &["list", "--offline"]);
    command.args(extra).env("COLUMNS", columns);
    common::stdout_of(&mut command)
}

/// At 80 columns the list keeps every name, version, class and status whole, leaving
/// out the wide columns; at 200 it shows them all on one line per item.
#[test]
fn the_list_fits_the_terminal_and_never_breaks_a_name() {
    let narrow = list_at("80", &[]);
    for line in narrow.lines() {
        assert!(line.chars().count() <= 80, "{line:?} is wider than 80 columns");
    }
    for whole in ["│ checksum-lite ", "┆ incomplete ", "┆ 0.2.191 ", "│ unicode-ident "] {
        assert!(narrow.contains(whole), "{whole:?} whole in\n{narrow}");
    }
    insta::assert_snapshot!("list_80_columns", narrow);
    let wide = list_at("200", &[]);
    assert!(wide.contains("Notes") && wide.contains("Kind") && wide.contains("Source"));
    assert_eq!(
        wide.lines().count(),
        23 + 5,
        "one line per item, the header and the summary"
    );
    insta::assert_snapshot!("list_200_columns", wide);
}

#[test]
fn status_shows_only_the_items_that_need_work() {
    let text = list_at("200", &["--status", "missing,incomplete,stale"]);
    assert!(!text.contains("┆ assessed ") && !text.contains("┆ covered "), "{text}");
    assert!(text.contains("┆ incomplete ") && text.contains("┆ stale ") && text.contains("┆ missing "));
    assert!(
        text.ends_with("23 SOUP items: 1 assessed, 3 covered, 1 incomplete, 1 stale, 17 missing\n"),
        "the summary still counts every item: {text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&list_at("80", &["--status", "stale", "--format", "json"])).unwrap();
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["name"], "bitflags");
}

/// In a real pseudo-terminal (script(1), 80 columns set with stty), the width comes from
/// the terminal itself and colour is on.
#[test]
fn in_a_terminal_of_80_columns_the_list_fits_it() {
    if !common::has_script() {
        return;
    }
    let line = format!(
        "stty cols 80 rows 50; {} list --offline --manifest-path {}",
        env!("CARGO_BIN_EXE_cargo-soup"),
        fixture("demo/Cargo.toml").display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .env("CARGO_SOUP_OFFLINE", "1")
        .env(
            "CARGO_SOUP_CACHE",
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("soup-cache"),
        )
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success());
    let raw = String::from_utf8_lossy(&output.stdout);
    assert!(raw.contains("\u{1b}["), "colour on a terminal");
    let plain = strip_escapes(&raw);
    assert!(plain.contains("│ SOUP item "), "{plain}");
    assert!(!plain.contains("Notes"), "Notes left out at 80 columns: {plain}");
    for line in plain.lines() {
        assert!(line.chars().count() <= 80, "{line:?} is wider than the terminal");
    }
}

/// The text without ANSI escape sequences and carriage returns.
fn strip_escapes(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // CSI: ESC [ parameters final-byte
                for next in chars.by_ref() {
                    if next.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            '\r' => {}
            c => plain.push(c),
        }
    }
    plain
}
