//! Test results as data: what a results file says ran, with which outcome, in which
//! test binary. Parsing is pure (text in, results or a located problem out); `read`
//! does the file I/O, and `rules::verification` matches the results to `verified-by`.

mod junit;
mod libtest;
pub mod read;

pub use read::{TestResults, read_all};

/// One results file as read.
#[derive(Debug, Clone)]
pub struct ResultsFile {
    /// The path as the user gave it (flag) or as soup.toml names it.
    pub path: String,
    pub format: Format,
    /// When the tests ran: JUnit's `timestamp`, else the file's modification time.
    pub time: Option<String>,
    pub suites: Vec<Suite>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JUnit,
    CargoTest,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::JUnit => "JUnit XML",
            Format::CargoTest => "cargo test output",
        }
    }
}

/// The results of one test binary.
#[derive(Debug, Clone)]
pub struct Suite {
    pub binary: Binary,
    pub cases: Vec<Case>,
}

/// How a results file names a test binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binary {
    /// A JUnit `testsuite` name: nextest's binary id (`pkg`, `pkg::bin/name`,
    /// `pkg::test_name`) or whatever a converter wrote (`cargo test #0`).
    Suite(String),
    /// cargo's `Running SOURCE (EXECUTABLE)` line: the target's root source relative
    /// to its package, when this cargo prints it, and the executable's file stem
    /// without the hash.
    Cargo { source: Option<String>, executable: String },
    /// `Doc-tests CRATE`: never a `verified-by` test binary.
    DocTests,
}

#[derive(Debug, Clone)]
pub struct Case {
    /// The test's path inside its binary, as libtest names it (`config::tests::parses`).
    pub name: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Passed,
    Failed,
    /// Ignored (`#[ignore]`) or skipped: listed, but did not run.
    Skipped,
}

/// Why a results file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Problem {
    fn at(line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            column,
            message: message.into(),
        }
    }
}

/// The format, run time (JUnit only) and suites of a results file's text: JUnit XML
/// when it starts with `<`, else the output of `cargo test`.
pub fn parse(text: &str) -> Result<(Format, Option<String>, Vec<Suite>), Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (format, time, suites) = if text.trim_start().starts_with('<') {
        let (time, suites) = junit::parse(text)?;
        (Format::JUnit, time, suites)
    } else {
        (Format::CargoTest, None, libtest::parse(text)?)
    };
    if suites.is_empty() {
        return Err(Problem::at(
            1,
            1,
            format!(
                "no test results in this {}; give the JUnit file cargo-nextest writes, or the output of \
                 `cargo test 2>&1 | tee FILE`",
                format.as_str()
            ),
        ));
    }
    Ok((format, time, suites))
}

#[cfg(test)]
impl Suite {
    /// Each case's name and outcome, for comparing with what was written.
    fn outcomes(&self) -> Vec<(&str, Outcome)> {
        self.cases
            .iter()
            .map(|case| (case.name.as_str(), case.outcome))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![Just(Outcome::Passed), Just(Outcome::Failed), Just(Outcome::Skipped)]
    }

    /// Test paths as libtest names them: `a::b::c`, raw identifiers included.
    fn name() -> impl Strategy<Value = String> {
        prop::collection::vec("(r#)?[a-z_][a-z0-9_]{0,8}", 1..4).prop_map(|parts| parts.join("::"))
    }

    fn suites() -> impl Strategy<Value = Vec<Vec<(String, Outcome)>>> {
        prop::collection::vec(prop::collection::vec((name(), outcome()), 0..6), 1..4)
    }

    fn as_cargo_test(suites: &[Vec<(String, Outcome)>]) -> String {
        let mut text = String::new();
        for (at, cases) in suites.iter().enumerate() {
            text.push_str(&format!(
                "     Running tests/t{at}.rs (target/debug/deps/t{at}-0123456789abcdef)\n\nrunning {} tests\n",
                cases.len()
            ));
            for (name, outcome) in cases {
                let result = match outcome {
                    Outcome::Passed => "ok",
                    Outcome::Failed => "FAILED",
                    Outcome::Skipped => "ignored",
                };
                text.push_str(&format!("test {name} ... {result}\n"));
            }
            let count = |wanted| cases.iter().filter(|(_, outcome)| *outcome == wanted).count();
            text.push_str(&format!(
                "\ntest result: ok. {} passed; {} failed; {} ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n",
                count(Outcome::Passed),
                count(Outcome::Failed),
                count(Outcome::Skipped)
            ));
        }
        text
    }

    fn as_junit(suites: &[Vec<(String, Outcome)>]) -> String {
        let mut text = String::from("<?xml version=\"1.0\"?>\n<testsuites name=\"nextest-run\">\n");
        for (at, cases) in suites.iter().enumerate() {
            text.push_str(&format!("<testsuite name=\"pkg::t{at}\">\n"));
            for (name, outcome) in cases {
                let child = match outcome {
                    Outcome::Passed => "",
                    Outcome::Failed => "<failure message=\"&lt;boom&gt;\">x</failure>",
                    Outcome::Skipped => "<skipped/>",
                };
                text.push_str(&format!(
                    "<testcase name=\"{name}\" classname=\"pkg::t{at}\">{child}</testcase>\n"
                ));
            }
            text.push_str("</testsuite>\n");
        }
        text.push_str("</testsuites>\n");
        text
    }

    fn read_back(parsed: &[Suite]) -> Vec<Vec<(String, Outcome)>> {
        parsed
            .iter()
            .map(|suite| {
                suite
                    .cases
                    .iter()
                    .map(|case| (case.name.clone(), case.outcome))
                    .collect()
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// What either format writes is read back exactly.
        #[test]
        fn results_are_read_back_exactly(suites in suites()) {
            let (format, _, parsed) = parse(&as_cargo_test(&suites)).unwrap();
            prop_assert_eq!(format, Format::CargoTest);
            prop_assert_eq!(read_back(&parsed), suites.clone());
            let (format, _, parsed) = parse(&as_junit(&suites)).unwrap();
            prop_assert_eq!(format, Format::JUnit);
            prop_assert_eq!(read_back(&parsed), suites);
        }

        /// A file cut short is an error or, cut between two binaries, the binaries
        /// before the cut: never a result that was not written.
        #[test]
        fn a_cut_file_never_reads_as_more_than_it_holds(suites in suites(), cut in 0.0f64..1.0) {
            for text in [as_cargo_test(&suites), as_junit(&suites)] {
                let mut at = (text.len() as f64 * cut) as usize;
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                if let Ok((_, _, parsed)) = parse(&text[..at]) {
                    let read = read_back(&parsed);
                    prop_assert!(read.len() <= suites.len());
                    for (got, wrote) in read.iter().zip(&suites) {
                        prop_assert_eq!(got, wrote, "a binary read in part");
                    }
                }
            }
        }

        /// Any text is read or refused with a line in it, never a panic.
        #[test]
        fn any_text_is_read_or_located(text in "(<|[ -~\n]|running 1 test\n|test a \\.\\.\\. ok\n|Running |</?testsuites?>|<testcase name=\"a\"/>){0,40}") {
            if let Err(problem) = parse(&text) {
                prop_assert!(problem.line >= 1 && problem.line <= text.lines().count().max(1));
            }
        }
    }
}
