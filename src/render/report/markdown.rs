//! The record as Markdown: heading levels one after another (`#` title, `##` parts and
//! items, `###` their sections), and every text from soup.toml or the data escaped, so
//! that it reads as written and no raw HTML passes through.

use super::{Block, Cell};
use std::fmt::Write;

/// Text as Markdown shows it literally, but for code spans (`` `name` ``), which stay
/// code. A line break within a value becomes `<br>`, which tables and lists keep.
fn push_escaped(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // Non-ASCII letters count as word characters, as CommonMark's Unicode rules have them.
    let word = |at: Option<&u8>| at.is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte >= 0x80);
    let mut start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let replacement = match byte {
            b'\\' => "\\\\",
            b'*' => "\\*",
            b'[' => "\\[",
            b']' => "\\]",
            b'|' => "\\|",
            // Intraword underscores (`serde_json`) are no emphasis in CommonMark.
            b'_' if !(at > 0 && word(bytes.get(at - 1)) && word(bytes.get(at + 1))) => "\\_",
            b'#' if at == 0 => "\\#",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "",
            b'\n' => "<br>",
            _ => continue,
        };
        out.push_str(&text[start..at]);
        out.push_str(replacement);
        start = at + 1;
    }
    out.push_str(&text[start..]);
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text);
    out
}

fn push_cell(out: &mut String, cell: &Cell) {
    match cell {
        Cell::Text(text) => push_escaped(out, text),
        Cell::Gap(gap) => push_strong(out, gap),
        Cell::Marked { text, marks } => {
            push_escaped(out, text);
            for (at, mark) in marks.iter().enumerate() {
                if at > 0 || !text.is_empty() {
                    out.push(' ');
                }
                push_strong(out, mark);
            }
        }
    }
}

fn push_strong(out: &mut String, text: &str) {
    out.push_str("**");
    push_escaped(out, text);
    out.push_str("**");
}

pub fn markdown(blocks: &[Block]) -> String {
    let mut text = String::with_capacity(blocks.len() * 512);
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
                    text.push_str("- **");
                    push_escaped(&mut text, label);
                    text.push_str(":** ");
                    push_cell(&mut text, value);
                    text.push('\n');
                }
                text.push('\n');
            }
            Block::Table {
                columns, rows, empty, ..
            } => table(&mut text, columns, rows, empty),
        }
    }
    match crate::render::printable(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(shown) => shown,
    }
}

fn table(text: &mut String, columns: &[(&str, u8)], rows: &[Vec<Cell>], empty: &Cell) {
    if rows.is_empty() {
        // A table with nothing to list says so in italics; a gap stays bold.
        if let Cell::Text(line) = empty {
            text.push('_');
            push_escaped(text, line);
            text.push('_');
        } else {
            push_cell(text, empty);
        }
        text.push_str("\n\n");
        return;
    }
    let headers: Vec<String> = columns.iter().map(|(header, _)| escape(header)).collect();
    writeln!(text, "| {} |", headers.join(" | ")).ok();
    writeln!(text, "|{}", " --- |".repeat(headers.len())).ok();
    for row in rows {
        text.push('|');
        for value in row {
            text.push(' ');
            push_cell(text, value);
            text.push_str(" |");
        }
        text.push('\n');
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
