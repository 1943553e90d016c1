//! Every kind of soup.toml mistake is reported with file:line:column, the offending
//! line, a caret, and what to write instead; the command exits 2 and writes nothing.

mod common;

use common::{copy_fixture, soup_on};

/// Runs `list` on the scope fixture with this soup.toml; the stderr of a run that must
/// fail with exit 2.
fn diagnose(soup_toml: &str) -> String {
    let dir = copy_fixture("scope");
    std::fs::write(dir.path().join("soup.toml"), soup_toml).unwrap();
    let output = soup_on(dir.path(), &["list", "--offline"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty(), "no list printed on invalid input");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn each_mistake_is_located_and_explained() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (soup.toml, location, message, help)
        (
            "[project]\nclass = \"B\"\nname = \n",
            "soup.toml:3:8",
            "soup.toml is not valid TOML",
            "fix the syntax at the caret",
        ),
        (
            "[project]\nclass = 2\n",
            "soup.toml:2:9",
            "`class` in [project] must be a string, found integer",
            "for example: class = \"...\"",
        ),
        (
            "[project]\nreview-intervall = \"180d\"\n",
            "soup.toml:2:1",
            "unknown key `review-intervall` in [project]",
            "did you mean `review-interval`?",
        ),
        (
            "[document]\nrevison = \"C\"\n",
            "soup.toml:2:1",
            "unknown key `revison` in [document]",
            "did you mean `revision`?",
        ),
        (
            "[[document.approvals]]\nrole = \"QA\"\ndate = \"2026-10-02\"\n",
            "soup.toml:3:8",
            "`date` in [document.approvals] must be a TOML date, found a string",
            "",
        ),
        (
            "[[soup.leaf.advisories]]\nid = \"RUSTSEC-2099-0001\"\nstatus = \"not-affected\"\njustification = \"unreachable\"\n",
            "soup.toml:4:17",
            "`justification`",
            "code_not_reachable",
        ),
        (
            "[soup.leaf]\nclas = \"A\"\n",
            "soup.toml:2:1",
            "unknown key `clas` in [soup.leaf]",
            "did you mean `class`?",
        ),
        (
            "[soup.leaf.anomalies]\nreviewed = 2026-02-30\n",
            "soup.toml:2:12",
            "soup.toml is not valid TOML",
            "fix the syntax",
        ),
        (
            "[soup.leaf.anomalies]\nreviewed = \"2026-09-30\"\n",
            "soup.toml:2:12",
            "`reviewed` in [soup.leaf.anomalies] must be a TOML date, found a string",
            "write the date without quotes: reviewed = 2026-09-30",
        ),
        (
            "[project]\nreview-interval = \"6 months\"\n",
            "soup.toml:2:19",
            "`review-interval` in [project]: `6 months` is not a duration",
            "",
        ),
        (
            "[soup.leaf]\nclass = \"D\"\n",
            "soup.toml:2:9",
            "`class` in [soup.leaf] cannot be \"D\"",
            "the values are \"A\", \"B\", \"C\"",
        ),
        (
            "[soup.leaf]\nlicense = \"MIT AND\"\n",
            "soup.toml:2:11",
            "`license` in [soup.leaf] is not an SPDX expression",
            "write an SPDX expression such as \"MIT OR Apache-2.0\"",
        ),
        (
            "[[soup.leaf.requirements]]\nid = \"R-1\"\n[[soup.twin.requirements]]\nid = \"R-1\"\n",
            "soup.toml:4:6",
            "requirement id `R-1` is used twice",
            "it is first used on line 1",
        ),
        (
            "[soup.\"twin@3\"]\nversion = \"3.0.0\"\n",
            "soup.toml:1:7",
            "[soup.\"twin@3\"] matches no version of twin in the graph",
            "twin is locked at 1.0.0, 2.0.0: write \"twin@1\" or \"twin@2\"",
        ),
        (
            "[policy]\nunmaintaned = \"deny\"\n",
            "soup.toml:2:1",
            "unknown finding code `unmaintaned` in [policy]",
            "did you mean `unmaintained`?",
        ),
        (
            "[project]\nstale-on = \"minr\"\n",
            "soup.toml:2:12",
            "`stale-on` in [project] cannot be \"minr\"",
            "did you mean \"minor\"?",
        ),
    ];
    for (toml, location, message, help) in cases {
        let stderr = diagnose(toml);
        assert!(
            stderr.contains(&format!("--> {location}\n")),
            "{toml:?}: expected {location} in\n{stderr}"
        );
        assert!(stderr.contains(message), "{toml:?}: expected {message:?} in\n{stderr}");
        assert!(stderr.contains(help), "{toml:?}: expected {help:?} in\n{stderr}");
        assert!(stderr.contains('^'), "{toml:?}: a caret points at the spot\n{stderr}");
        assert!(stderr.contains("nothing was changed"), "{stderr}");
    }
}

#[test]
fn all_mistakes_of_a_file_come_in_one_run_with_carets() {
    let stderr = diagnose(
        "schema = 1\n\n[project]\nclass = \"D\"            # typo\nreview-intervall = \"180d\"\n\n[soup.leaf]\nlicense = \"MIT/Apache 2\"\n\n[soup.\"twin@3\"]\nversion = \"3.0.0\"\n",
    );
    insta::assert_snapshot!(stderr);
}
