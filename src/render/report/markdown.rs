//! The record as Markdown: heading levels one after another (`#` title, `##` parts and
//! items, `###` their sections), and every text from soup.toml or the data escaped, so
//! that it reads as written and no raw HTML passes through.

use super::{Block, Cell};
use std::fmt::Write;

/// Text as Markdown shows it literally, but for code spans (`` `name` ``), which stay
/// code. A line break within a value becomes `<br>`, which tables and lists keep.
fn escape(text: &str) -> String {
    if !text.contains(['\\', '*', '[', ']', '|', '_', '#', '<', '>', '\r', '\n']) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut escaped = String::with_capacity(text.len() + 8);
    let word = |at: Option<&char>| at.is_some_and(|c| c.is_alphanumeric());
    for (at, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '*' | '[' | ']' | '|' => {
                escaped.push('\\');
                escaped.push(c);
            }
            // Intraword underscores (`serde_json`) are no emphasis in CommonMark.
            '_' if !(at > 0 && word(chars.get(at - 1)) && word(chars.get(at + 1))) => escaped.push_str("\\_"),
            '#' if at == 0 => escaped.push_str("\\#"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\r' => {}
            '\n' => escaped.push_str("<br>"),
            c => escaped.push(c),
        }
    }
    escaped
}

fn cell(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => escape(text),
        Cell::Gap(gap) => format!("**{}**", escape(gap)),
        Cell::Marked { text, marks } => {
            let marks: Vec<String> = marks.iter().map(|mark| format!("**{}**", escape(mark))).collect();
            if text.is_empty() {
                marks.join(" ")
            } else {
                format!("{} {}", escape(text), marks.join(" "))
            }
        }
    }
}

pub fn markdown(blocks: &[Block]) -> String {
    let mut text = String::new();
    for block in blocks {
        match block {
            Block::Title { title, .. } => writeln!(text, "# {}\n", escape(title)).unwrap_or(()),
            Block::Verdict { text: verdict, .. } => writeln!(text, "> **{}**\n", escape(verdict)).unwrap_or(()),
            Block::Section(heading) => writeln!(text, "## {}\n", escape(heading)).unwrap_or(()),
            Block::Part(heading) => writeln!(text, "---\n\n## {}\n", escape(heading)).unwrap_or(()),
            Block::Item {
                title, status, open, ..
            } => {
                writeln!(text, "---\n\n## {}\n\n**Status: {}**\n", escape(title), escape(status)).ok();
                if !open.is_empty() {
                    text.push_str("Open findings:\n\n");
                    for line in open {
                        writeln!(text, "- {}", escape(line)).ok();
                    }
                    text.push('\n');
                }
            }
            Block::Heading(heading) => writeln!(text, "### {}\n", escape(heading)).unwrap_or(()),
            Block::Paragraph(paragraph) => writeln!(text, "{}\n", escape(paragraph)).unwrap_or(()),
            Block::Fields(fields) => {
                for (label, value) in fields {
                    writeln!(text, "- **{}:** {}", escape(label), cell(value)).ok();
                }
                text.push('\n');
            }
            Block::Table {
                headers, rows, empty, ..
            } => table(&mut text, headers, rows, empty),
        }
    }
    crate::render::printable(&text).into_owned()
}

fn table(text: &mut String, headers: &[String], rows: &[Vec<Cell>], empty: &Cell) {
    if rows.is_empty() {
        match empty {
            Cell::Text(line) => writeln!(text, "_{}_\n", escape(line)).ok(),
            other => writeln!(text, "{}\n", cell(other)).ok(),
        };
        return;
    }
    let headers: Vec<String> = headers.iter().map(|header| escape(header)).collect();
    writeln!(text, "| {} |", headers.join(" | ")).ok();
    writeln!(text, "|{}", " --- |".repeat(headers.len())).ok();
    for row in rows {
        let cells: Vec<String> = row.iter().map(cell).collect();
        writeln!(text, "| {} |", cells.join(" | ")).ok();
    }
    text.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_as_written_and_no_html_passes() {
        assert_eq!(escape("serde_json"), "serde_json");
        assert_eq!(escape("_emph_ *bold*"), "\\_emph\\_ \\*bold\\*");
        assert_eq!(escape("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(escape("# not a heading"), "\\# not a heading");
        assert_eq!(escape("line one\nline two"), "line one<br>line two");
        assert_eq!(escape("links `z`"), "links `z`");
        assert_eq!(escape("[link](http://x)"), "\\[link\\](http://x)");
    }
}
