//! JUnit XML as cargo-nextest writes it (`testsuites` > `testsuite name=BINARY-ID` >
//! `testcase name=TEST` with `failure`, `error` or `skipped`), and as converters such
//! as cargo2junit write it (numbered suites, the module path in `classname`).

use super::{Binary, Case, Outcome, Problem, Suite};
use quick_xml::events::{BytesStart, Event};

/// Byte offsets to 1-based lines and columns; offsets only grow, so counting is
/// incremental.
struct Lines<'t> {
    text: &'t str,
    offset: usize,
    line: usize,
    line_start: usize,
}

impl Lines<'_> {
    fn at(&mut self, offset: u64) -> (usize, usize) {
        let offset = (offset as usize).min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
            self.line_start = 0;
        }
        for (at, byte) in self.text.as_bytes()[self.offset..offset].iter().enumerate() {
            if *byte == b'\n' {
                self.line += 1;
                self.line_start = self.offset + at + 1;
            }
        }
        self.offset = offset;
        let column = self
            .text
            .get(self.line_start..offset)
            .map_or(1, |text| text.chars().count() + 1);
        (self.line, column)
    }
}

/// A test case being read: its name, and whether a child said it failed or skipped.
struct OpenCase {
    name: String,
    outcome: Outcome,
}

pub fn parse(text: &str) -> Result<(Option<String>, Vec<Suite>), Problem> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut lines = Lines {
        text,
        offset: 0,
        line: 1,
        line_start: 0,
    };
    let mut time = None;
    let mut suites: Vec<Suite> = Vec::new();
    // Open elements with the line they opened on, to name an unclosed one.
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut case: Option<OpenCase> = None;
    loop {
        let start = reader.buffer_position();
        let event = reader.read_event().map_err(|err| {
            let (line, column) = lines.at(reader.error_position());
            Problem::at(line, column, format!("this is not well-formed XML: {err}"))
        })?;
        let (line, column) = lines.at(start);
        let problem = |message: String| Problem::at(line, column, message);
        let (element, empty) = match &event {
            Event::Start(element) => (element, false),
            Event::Empty(element) => (element, true),
            Event::End(_) => {
                let Some((name, _)) = open.pop() else {
                    return Err(problem("this closes an element that was never opened".into()));
                };
                if name == "testcase" {
                    let done = case.take();
                    push_case(&mut suites, done);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = element.local_name().as_ref().to_string();
        let parent = open.last().map(|(name, _)| name.as_str());
        match (parent, name.as_str()) {
            (None, "testsuites") => time = attribute(element, "timestamp"),
            (None | Some("testsuites"), "testsuite") => {
                time = time.or_else(|| attribute(element, "timestamp"));
                suites.push(Suite {
                    binary: Binary::Suite(attribute(element, "name").unwrap_or_default()),
                    cases: Vec::new(),
                });
            }
            (None, other) => {
                return Err(problem(format!(
                    "the root element is <{}>, not <testsuites> or <testsuite>: this is no JUnit file",
                    other
                )));
            }
            (Some("testsuite"), "testcase") => {
                let Some(test) = attribute(element, "name") else {
                    return Err(problem("this <testcase> has no `name`".into()));
                };
                let suite = suites.last().and_then(|suite| match &suite.binary {
                    Binary::Suite(name) => Some(name.as_str()),
                    _ => None,
                });
                let name = match attribute(element, "classname") {
                    // nextest repeats the binary id; cargo2junit puts the module path here.
                    Some(class) if !class.is_empty() && Some(class.as_str()) != suite => format!("{class}::{test}"),
                    _ => test,
                };
                case = Some(OpenCase {
                    name,
                    outcome: Outcome::Passed,
                });
            }
            (Some("testcase"), child) => {
                if let Some(case) = case.as_mut() {
                    match child {
                        "failure" | "error" => case.outcome = Outcome::Failed,
                        "skipped" if case.outcome != Outcome::Failed => case.outcome = Outcome::Skipped,
                        // nextest's `flakyFailure`/`rerunFailure` sit beside the final
                        // outcome; output elements say nothing about it.
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if empty {
            if name == "testcase" {
                let done = case.take();
                push_case(&mut suites, done);
            }
        } else {
            open.push((name, line));
        }
    }
    if let Some((name, line)) = open.first() {
        return Err(Problem::at(
            *line,
            1,
            format!(
                "<{}> opened here is never closed: the file ends early; write the whole JUnit file",
                name
            ),
        ));
    }
    Ok((time, suites))
}

fn push_case(suites: &mut [Suite], case: Option<OpenCase>) {
    if let (Some(suite), Some(case)) = (suites.last_mut(), case) {
        suite.cases.push(Case {
            name: case.name,
            outcome: case.outcome,
        });
    }
}

fn attribute(element: &BytesStart, name: &str) -> Option<String> {
    let attribute = element.try_get_attribute(name).ok()??;
    attribute
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|value| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEXTEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="3" timestamp="2026-12-01T13:21:17.488+00:00">
    <testsuite name="pump::dosing" tests="3">
        <testcase name="checksum_detects_corruption" classname="pump::dosing"/>
        <testcase name="queue_keeps_order" classname="pump::dosing">
            <failure message="panicked">thread &apos;queue_keeps_order&apos; panicked</failure>
            <system-out>test result: ok. 9 passed</system-out>
        </testcase>
        <testcase name="flaky" classname="pump::dosing"><flakyFailure/></testcase>
    </testsuite>
</testsuites>
"#;

    #[test]
    fn reads_nextest_results() {
        let (time, suites) = parse(NEXTEST).unwrap();
        assert_eq!(time.as_deref(), Some("2026-12-01T13:21:17.488+00:00"));
        assert_eq!(suites[0].binary, Binary::Suite("pump::dosing".into()));
        assert_eq!(
            suites[0].outcomes(),
            [
                ("checksum_detects_corruption", Outcome::Passed),
                ("queue_keeps_order", Outcome::Failed),
                ("flaky", Outcome::Passed)
            ]
        );
    }

    #[test]
    fn converters_put_the_module_path_in_classname() {
        let text = r#"<testsuites><testsuite name="cargo test #2" timestamp="2026-12-01T13:21:06Z"><testcase name="parses" classname="config::tests"/><testcase name="slow" classname=""><skipped/></testcase></testsuite></testsuites>"#;
        let (time, suites) = parse(text).unwrap();
        assert_eq!(time.as_deref(), Some("2026-12-01T13:21:06Z"));
        assert_eq!(suites[0].cases[0].name, "config::tests::parses");
        assert_eq!(
            (suites[0].cases[1].name.as_str(), suites[0].cases[1].outcome),
            ("slow", Outcome::Skipped)
        );
    }

    #[test]
    fn truncated_and_foreign_files_are_located() {
        let cut = &NEXTEST[..NEXTEST.find("<testcase name=\"flaky\"").unwrap()];
        let problem = parse(cut).unwrap_err();
        assert_eq!(problem.line, 2, "{problem:?}");
        assert!(
            problem.message.contains("<testsuites> opened here is never closed"),
            "{problem:?}"
        );

        let problem = parse("<testsuites>\n  <testsuite name=\"a\">\n  </testsuites>").unwrap_err();
        assert_eq!(problem.line, 3, "{problem:?}");
        assert!(problem.message.contains("not well-formed"), "{problem:?}");

        let problem = parse("<?xml version=\"1.0\"?>\n<project/>").unwrap_err();
        assert_eq!((problem.line, problem.column), (2, 1));
        assert!(problem.message.contains("no JUnit file"), "{problem:?}");
    }
}
