//! `--help` as cargo's: options under headings, each command with the options it uses,
//! examples that copy and paste.

mod common;

/// Every command's help, pinned: options under cargo's headings, examples that fit a
/// line.
#[test]
fn help_of_every_command_is_pinned() {
    for command in [
        "list", "init", "sync", "review", "audit", "export", "import", "report", "sbom", "fetch",
    ] {
        let output = common::soup().args([command, "--help"]).output().unwrap();
        assert!(output.status.success());
        let text = String::from_utf8(output.stdout).unwrap();
        for heading in ["Manifest Options:", "Output:"] {
            assert!(text.contains(heading), "{command}: {heading}");
        }
        // `fetch` reads no workspace: it lists none of the workspace's options.
        let workspace_options = ["Feature Selection:", "--manifest-path", "--soup-file", "--target"];
        for option in workspace_options {
            assert_eq!(text.contains(option), command != "fetch", "{command}: {option}");
        }
        let examples = text
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{command}: examples"));
        for line in examples
            .lines()
            .filter(|line| line.starts_with("  cargo") || line.contains("cargo soup"))
        {
            assert!(
                line.chars().count() <= 80,
                "{command}: an example longer than a line: {line:?}"
            );
        }
        insta::assert_snapshot!(format!("help_{command}"), text);
    }
}
