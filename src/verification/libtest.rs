//! The output of `cargo test` as every stable toolchain prints it: cargo's
//! `Running SOURCE (EXECUTABLE)` line names the binary, libtest's `running N tests`,
//! `test NAME ... ok|FAILED|ignored` and `test result:` lines give its results. Every
//! announced result must be read, so a truncated or garbled file is an error, never a
//! pass.

use super::{Binary, Case, Outcome, Problem, Suite};

/// A suite being read: where it started and what it announced.
struct Open {
    suite: Suite,
    line: usize,
    announced: usize,
    /// Inside the `failures:` block, whose captured output is the tests' own text.
    in_failures: bool,
}

pub fn parse(text: &str) -> Result<Vec<Suite>, Problem> {
    let mut suites = Vec::new();
    let mut binary: Option<Binary> = None;
    let mut open: Option<Open> = None;
    for (at, raw) in text.lines().enumerate() {
        let number = at + 1;
        let line = without_escapes(raw);
        let line = line.trim_end();
        let status = line.trim_start();
        if let Some(named) = cargo_status(status) {
            // A binary that crashed prints no `test result:`; cargo goes on to the next.
            if let Some(crashed) = open.take() {
                suites.push(crashed.suite);
            }
            binary = Some(named);
            continue;
        }
        if let Some(current) = open.as_mut() {
            if let Some(summary) = line.strip_prefix("test result: ") {
                check_counts(current, summary, number)?;
                suites.extend(open.take().map(|done| done.suite));
            } else if line == "failures:" {
                current.in_failures = true;
            } else if !current.in_failures {
                read_result(current, line, number)?;
            }
            continue;
        }
        if let Some(count) = announced(line) {
            let Some(binary) = binary.take() else {
                return Err(Problem::at(
                    number,
                    1,
                    "these results have no cargo `Running ...` line before them to name their test binary; \
                     capture cargo's standard error too: `cargo test 2>&1 | tee FILE`",
                ));
            };
            open = Some(Open {
                suite: Suite {
                    binary,
                    cases: Vec::new(),
                },
                line: number,
                announced: count,
                in_failures: false,
            });
        }
    }
    if let Some(unfinished) = open {
        return Err(Problem::at(
            unfinished.line,
            1,
            format!(
                "the {} test(s) announced here have no `test result:` line: the file ends early; \
                 write the whole output of `cargo test` to it",
                unfinished.announced
            ),
        ));
    }
    Ok(suites)
}

/// cargo's line before a test binary's output.
fn cargo_status(status: &str) -> Option<Binary> {
    if status.starts_with("Doc-tests ") {
        return Some(Binary::DocTests);
    }
    let rest = status.strip_prefix("Running ")?;
    let rest = rest.strip_prefix("unittests ").unwrap_or(rest);
    // `Running SOURCE (EXECUTABLE)` since cargo 1.52; `Running EXECUTABLE` before, and
    // with `-v` the quoted command line.
    let (source, executable) = match rest.strip_suffix(')').and_then(|rest| rest.split_once(" (")) {
        Some((source, executable)) => (Some(source.to_string()), executable),
        None => (None, rest.trim_matches('`').split_whitespace().next()?),
    };
    let file = executable.rsplit(['/', '\\']).next()?;
    let file = file.strip_suffix(".exe").unwrap_or(file);
    // cargo names a test executable NAME-HASH, with 16 hex digits.
    let name = match file.rsplit_once('-') {
        Some((name, hash)) if hash.len() == 16 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()) => name,
        _ => return None,
    };
    Some(Binary::Cargo {
        // Windows prints `tests\dosing.rs`; targets are named with `/`.
        source: source.map(|source| source.replace('\\', "/")),
        executable: name.to_string(),
    })
}

/// `running 3 tests`, `running 1 test`.
fn announced(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("running ")?;
    let count = rest.strip_suffix(" tests").or_else(|| rest.strip_suffix(" test"))?;
    count.parse().ok()
}

fn read_result(open: &mut Open, line: &str, number: usize) -> Result<(), Problem> {
    if is_terse(line) {
        return Err(Problem::at(
            number,
            1,
            "this is libtest's terse output (`cargo test -q`), which does not name the tests that passed; \
             run `cargo test` without `-q`",
        ));
    }
    let Some(rest) = line.strip_prefix("test ") else {
        return Ok(());
    };
    let Some((name, result)) = rest.rsplit_once(" ... ") else {
        return Ok(());
    };
    let name = name.strip_suffix(" - should panic").unwrap_or(name);
    // `--report-time` appends `<0.001s>`.
    let result = result.split(" <").next().unwrap_or(result);
    let outcome = match result {
        "ok" => Outcome::Passed,
        "FAILED" => Outcome::Failed,
        _ if result.starts_with("ignored") => Outcome::Skipped,
        _ if result.starts_with("bench:") => Outcome::Passed,
        _ => {
            return Err(Problem::at(
                number,
                rest.len() - result.len() + "test ".len() + 1,
                format!(
                    "`{result}` is not a result libtest prints (ok, FAILED, ignored): the tests' own output is \
                     mixed into the results; run without `--nocapture`"
                ),
            ));
        }
    };
    open.suite.cases.push(Case {
        name: name.to_string(),
        outcome,
    });
    Ok(())
}

/// A line of libtest's terse format: `..i.F` with an optional ` 50/100` progress.
fn is_terse(line: &str) -> bool {
    let marks = line.split(' ').next().unwrap_or_default();
    !marks.is_empty() && marks.bytes().all(|byte| matches!(byte, b'.' | b'i' | b'F' | b'E'))
}

/// `ok. 3 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.00s`
/// against the results read: a result line lost to interleaved output is an error.
fn check_counts(open: &Open, summary: &str, number: usize) -> Result<(), Problem> {
    let count = |word: &str| {
        summary
            .split(';')
            .find_map(|part| {
                part.trim()
                    .trim_start_matches(|c: char| !c.is_ascii_digit())
                    .strip_suffix(word)
            })
            .and_then(|digits| digits.trim().parse::<usize>().ok())
    };
    let read = |outcome| open.suite.cases.iter().filter(|case| case.outcome == outcome).count();
    let stated = [
        (count("passed"), read(Outcome::Passed), "passed"),
        (count("failed"), read(Outcome::Failed), "failed"),
        (count("ignored"), read(Outcome::Skipped), "ignored"),
    ];
    for (stated, read, word) in stated {
        let Some(stated) = stated else {
            return Err(Problem::at(
                number,
                1,
                format!("this `test result:` line has no `{word}` count"),
            ));
        };
        if stated != read {
            return Err(Problem::at(
                number,
                1,
                format!(
                    "libtest counts {stated} {word} here, but {read} such result line(s) were read since line {}: \
                     the tests' own output is mixed into the results; run without `--nocapture`",
                    open.line
                ),
            ));
        }
    }
    Ok(())
}

/// The line without ANSI escape sequences (`CARGO_TERM_COLOR=always` in CI).
fn without_escapes(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\u{1b}') {
        return line.into();
    }
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            plain.push(c);
            continue;
        }
        if chars.next() == Some('[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        }
    }
    plain.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "   Compiling pump v0.1.0\n     Running unittests src/lib.rs (target/debug/deps/pump-ef543744d442e7ac)\n\nrunning 3 tests\ntest config::tests::parses ... ok\ntest fails - should panic ... FAILED\ntest slow ... ignored, needs hardware\n\nfailures:\n\n---- fails stdout ----\ntest fake ... ok\n\nfailures:\n    fails\n\ntest result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n   Doc-tests pump\n\nrunning 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";

    #[test]
    fn reads_results_with_their_binary_and_skips_captured_output() {
        let suites = parse(RUN).unwrap();
        assert_eq!(suites.len(), 2);
        assert_eq!(
            suites[0].binary,
            Binary::Cargo {
                source: Some("src/lib.rs".into()),
                executable: "pump".into()
            }
        );
        assert_eq!(
            suites[0].outcomes(),
            [
                ("config::tests::parses", Outcome::Passed),
                ("fails", Outcome::Failed),
                ("slow", Outcome::Skipped)
            ]
        );
        assert_eq!(suites[1].binary, Binary::DocTests);
    }

    #[test]
    fn colour_old_cargo_and_windows_line_ends_are_read() {
        let text = "\u{1b}[1m\u{1b}[32m     Running\u{1b}[0m target\\debug\\deps\\dosing-2b0c1fc17f093d8f.exe\r\n\r\nrunning 1 test\r\ntest a ... ok\r\n\r\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\r\n     Running tests\\b.rs (target\\debug\\deps\\b-0123456789abcdef.exe)\r\n\r\nrunning 0 tests\r\n\r\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\r\n";
        let suites = parse(text).unwrap();
        assert_eq!(
            suites[0].binary,
            Binary::Cargo {
                source: None,
                executable: "dosing".into()
            }
        );
        assert_eq!(suites[0].cases.len(), 1);
        assert_eq!(
            suites[1].binary,
            Binary::Cargo {
                source: Some("tests/b.rs".into()),
                executable: "b".into()
            },
            "a Windows path names the target as Cargo does"
        );
    }

    #[test]
    fn truncated_garbled_terse_and_unnamed_results_are_located() {
        let truncated = &RUN[..RUN.find("test result").unwrap()];
        let problem = parse(truncated).unwrap_err();
        assert_eq!(
            (problem.line, problem.message.contains("ends early")),
            (4, true),
            "{problem:?}"
        );

        let lost = RUN.replace(
            "test config::tests::parses ... ok\n",
            "test config::tests::parses ... hello\nok\n",
        );
        let problem = parse(&lost).unwrap_err();
        assert!(problem.message.contains("`hello` is not a result"), "{problem:?}");
        assert_eq!(problem.line, 5);
        let dropped = RUN.replace("test config::tests::parses ... ok\n", "");
        let problem = parse(&dropped).unwrap_err();
        assert!(problem.message.contains("counts 1 passed"), "{problem:?}");
        assert_eq!(problem.line, 16);

        let terse = "     Running tests/a.rs (target/debug/deps/a-0123456789abcdef)\n\nrunning 3 tests\n..i\ntest result: ok. 2 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out\n";
        let problem = parse(terse).unwrap_err();
        assert_eq!(problem.line, 4);
        assert!(problem.message.contains("-q"), "{problem:?}");

        let stdout_only = "\nrunning 1 test\ntest a ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
        let problem = parse(stdout_only).unwrap_err();
        assert_eq!(problem.line, 2);
        assert!(problem.message.contains("2>&1"), "{problem:?}");
    }

    #[test]
    fn a_crashed_binary_keeps_what_it_reported() {
        let text = "     Running tests/a.rs (target/debug/deps/a-0123456789abcdef)\n\nrunning 2 tests\ntest first ... ok\nerror: test failed, to rerun pass `--test a`\n\nCaused by:\n  process didn't exit successfully: `a-0123456789abcdef` (signal: 11, SIGSEGV)\n     Running tests/b.rs (target/debug/deps/b-0123456789abcdef)\n\nrunning 1 test\ntest second ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
        let suites = parse(text).unwrap();
        assert_eq!(suites.len(), 2);
        assert_eq!(suites[0].cases.len(), 1);
    }
}
