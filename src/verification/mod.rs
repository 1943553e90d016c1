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
