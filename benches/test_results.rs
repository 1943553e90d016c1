//! Reading a results file of 10,000 test cases (target: under 50 ms), as JUnit XML the
//! way cargo-nextest writes it and as `cargo test` output, and judging 1,000
//! `verified-by` references against it. Run: `cargo bench --bench test_results`.
//! Plain timing over repeated runs, median and minimum, as in benches/soup_toml.rs.

use cargo_soup::graph::{Target, TargetKind};
use cargo_soup::rules::verification::verify;
use cargo_soup::sidecar::{self, Project};
use std::fmt::Write;
use std::time::{Duration, Instant};

const BINARIES: usize = 100;
const TESTS_PER_BINARY: usize = 100;
const RUNS: usize = 30;

/// nextest's JUnit: one suite per binary; every 50th test failed, with the output
/// nextest keeps beside a failure.
fn junit() -> String {
    let mut text = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"nextest-run\" tests=\"10000\" timestamp=\"2026-12-01T13:21:17.488+00:00\">\n",
    );
    for binary in 0..BINARIES {
        writeln!(
            text,
            "    <testsuite name=\"device::suite_{binary}\" tests=\"{TESTS_PER_BINARY}\">"
        )
        .unwrap();
        for test in 0..TESTS_PER_BINARY {
            let name = format!("module_{}::tests::case_{test}", test % 10);
            if test % 50 == 49 {
                writeln!(
                    text,
                    "        <testcase name=\"{name}\" classname=\"device::suite_{binary}\" time=\"0.004\">\n            <failure message=\"thread &apos;{name}&apos; panicked\" type=\"test failure\">thread &apos;{name}&apos; panicked at tests/suite_{binary}.rs:17:5:\nassertion `left == right` failed\n  left: 2\n right: 1</failure>\n            <system-out>\nrunning 1 test\ntest {name} ... FAILED\n</system-out>\n        </testcase>"
                )
                .unwrap();
            } else {
                writeln!(
                    text,
                    "        <testcase name=\"{name}\" classname=\"device::suite_{binary}\" time=\"0.004\"/>"
                )
                .unwrap();
            }
        }
        text.push_str("    </testsuite>\n");
    }
    text.push_str("</testsuites>\n");
    text
}

/// `cargo test 2>&1` over the same tests: every 25th ignored, every 50th failed with
/// its captured output.
fn cargo_test() -> String {
    let mut text = String::new();
    for binary in 0..BINARIES {
        writeln!(
            text,
            "     Running tests/suite_{binary}.rs (target/debug/deps/suite_{binary}-0123456789abcdef)\n\nrunning {TESTS_PER_BINARY} tests"
        )
        .unwrap();
        let (mut passed, mut failed, mut ignored) = (0, 0, 0);
        for test in 0..TESTS_PER_BINARY {
            let name = format!("module_{}::tests::case_{test}", test % 10);
            let result = if test % 50 == 49 {
                failed += 1;
                "FAILED"
            } else if test % 25 == 24 {
                ignored += 1;
                "ignored"
            } else {
                passed += 1;
                "ok"
            };
            writeln!(text, "test {name} ... {result}").unwrap();
        }
        text.push_str("\nfailures:\n\n---- module_9::tests::case_49 stdout ----\nthread panicked\n\nfailures:\n    module_9::tests::case_49\n\n");
        writeln!(
            text,
            "test result: FAILED. {passed} passed; {failed} failed; {ignored} ignored; 0 measured; 0 filtered out; finished in 0.40s\n"
        )
        .unwrap();
    }
    text
}

/// 500 entries with two references each, into the generated binaries.
fn soup() -> sidecar::SoupFile {
    let mut text = String::from("[project]\nclass = \"C\"\n");
    for entry in 0..500 {
        writeln!(
            text,
            "[soup.crate-{entry}]\nversion = \"1.0.0\"\n[[soup.crate-{entry}.requirements]]\nid = \"R-{entry}-F1\"\nverified-by = [\"tests/suite_{}.rs::case_{}\", \"tests/suite_{}.rs\"]",
            entry % BINARIES,
            entry % TESTS_PER_BINARY,
            (entry + 1) % BINARIES
        )
        .unwrap();
    }
    sidecar::parse("soup.toml", &text).unwrap()
}

fn targets() -> Vec<Target> {
    (0..BINARIES)
        .map(|binary| Target {
            package: "device".into(),
            kind: TargetKind::Test,
            name: format!("suite_{binary}"),
            dir: String::new(),
            src_path: format!("tests/suite_{binary}.rs"),
        })
        .collect()
}

fn time(label: &str, mut run: impl FnMut()) {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{label}: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        times[RUNS / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3
    );
}

fn main() {
    let dir = std::env::temp_dir().join(format!("cargo-soup-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let soup = soup();
    let targets = targets();
    for (name, text) in [("junit.xml", junit()), ("cargo-test.txt", cargo_test())] {
        let path = dir.join(name);
        std::fs::write(&path, &text).unwrap();
        let files = [path];
        let results = cargo_soup::verification::read_all(&files, &Project::default(), &dir).unwrap();
        let cases: usize = results.files[0].suites.iter().map(|suite| suite.cases.len()).sum();
        assert_eq!(cases, BINARIES * TESTS_PER_BINARY);
        println!("{name}: {cases} test cases, {} KiB", text.len() >> 10);
        time(&format!("  read and parse {name}"), || {
            let read = cargo_soup::verification::read_all(&files, &Project::default(), &dir).unwrap();
            std::hint::black_box(read);
        });
        time("  judge 1,000 verified-by against it", || {
            std::hint::black_box(verify(&soup, &targets, &results));
        });
    }
    std::fs::remove_dir_all(&dir).ok();
}
