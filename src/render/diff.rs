//! A unified diff of a file cargo soup would change, for `--dry-run`.

use similar::TextDiff;

pub fn unified(file: &str, before: &str, after: &str) -> String {
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{file}"), &format!("b/{file}"))
        .to_string()
}
