//! The findings of an audit as each format states them, read back: code, level, file
//! and line, so one scenario can be checked in every format.

use std::collections::BTreeSet;

/// A finding as every format can state it: code, level, file and line.
pub type Seen = BTreeSet<(String, String, String, usize)>;

/// The findings of `audit --format json`, with the keys every finding has.
pub fn from_json(text: &str) -> Seen {
    let document: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(document["schema_version"], 1);
    let findings = document["findings"].as_array().unwrap();
    let errors = findings.iter().filter(|finding| finding["level"] == "error").count();
    assert_eq!(document["summary"]["errors"], errors);
    assert_eq!(document["summary"]["warnings"], findings.len() - errors);
    for finding in findings {
        for key in [
            "code", "level", "clause", "crate", "version", "message", "advisory", "location",
        ] {
            assert!(finding.get(key).is_some(), "{key} in {finding}");
        }
        assert!(!finding["clause"].as_str().unwrap().is_empty());
    }
    findings
        .iter()
        .map(|finding| {
            let location = &finding["location"];
            (
                finding["code"].as_str().unwrap().to_string(),
                finding["level"].as_str().unwrap().to_string(),
                location["file"].as_str().unwrap().to_string(),
                location["line"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

fn sarif_schema() -> (boon::Schemas, boon::SchemaIndex) {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../fixtures/sarif/sarif-2.1.0-rtm.5.json")).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource("sarif.json", schema).unwrap();
    let index = compiler.compile("sarif.json", &mut schemas).unwrap();
    (schemas, index)
}

pub fn from_sarif(text: &str) -> Seen {
    let document: serde_json::Value = serde_json::from_str(text).unwrap();
    let (schemas, index) = sarif_schema();
    if let Err(err) = schemas.validate(&document, index) {
        panic!("not valid SARIF 2.1.0: {err:#}\n{text}");
    }
    let run = &document["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        cargo_soup::finding::Code::ALL.len(),
        "one rule per finding code"
    );
    assert!(
        rules
            .iter()
            .all(|rule| rule["help"]["text"].as_str().is_some_and(|help| !help.is_empty()))
    );
    run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], result["ruleId"]);
            let location = &result["locations"][0]["physicalLocation"];
            (
                result["ruleId"].as_str().unwrap().to_string(),
                result["level"].as_str().unwrap().to_string(),
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("file://")
                    .to_string(),
                location["region"]["startLine"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

pub fn from_github(text: &str) -> Seen {
    let mut seen = Seen::new();
    for line in text.lines().filter(|line| line.starts_with("::")) {
        let (command, rest) = line[2..].split_once(' ').unwrap();
        let (properties, message) = rest.split_once("::").unwrap();
        assert!(!message.is_empty() && !message.contains('\n'));
        let property = |name: &str| {
            properties
                .split(',')
                .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("{name} in {line}"))
                .to_string()
        };
        let title = property("title");
        let code = title.split(" (").next().unwrap().to_string();
        seen.insert((
            code,
            command.to_string(),
            property("file"),
            property("line").parse().unwrap(),
        ));
    }
    assert!(
        text.lines().last().unwrap().starts_with("audit "),
        "a summary line ends the log"
    );
    seen
}

pub fn from_human(text: &str) -> Seen {
    let mut seen = Seen::new();
    let lines: Vec<&str> = text.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        let Some((level, rest)) = line.split_once('[') else {
            continue;
        };
        if level != "error" && level != "warning" {
            continue;
        }
        let code = rest.split(']').next().unwrap();
        // A long headline wraps; the location is the first `-->` line after it.
        let location = lines[at + 1..]
            .iter()
            .find_map(|line| line.trim().strip_prefix("--> "))
            .unwrap();
        let mut parts = location.rsplitn(3, ':');
        let _column = parts.next();
        let line_number = parts.next().unwrap().parse().unwrap();
        let file = parts.next().unwrap();
        seen.insert((code.to_string(), level.to_string(), file.to_string(), line_number));
    }
    // The verdict, the advisory data, and what verification results were read.
    let verdict = lines.iter().rposition(|line| line.starts_with("audit ")).unwrap();
    let data = &lines[verdict + 1..];
    assert!(
        matches!(data.first(), Some(line) if line.starts_with("advisories: ") || *line == "no advisory source")
            && data.len() <= 2
            && data.get(1).is_none_or(|line| line.starts_with("verification: ")),
        "the verdict and the data end the output: {data:?}"
    );
    assert!(
        lines
            .iter()
            .all(|line| line.chars().count() <= 100 || line.contains(" | ")),
        "no line over 100 columns outside a snippet"
    );
    seen
}
