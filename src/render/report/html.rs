//! The record as one self-contained HTML file that prints on A4: inline CSS, no
//! scripts, no external resources. Printed, the SOUP list, each item and the appendix
//! start a page; a heading stays with what follows it, a block that fits on a page is
//! not split, long strings wrap inside their cells, and every page carries the
//! document id, revision and page number.

use super::{Block, Cell};
use std::fmt::Write;

/// HTML-escaped text with control characters shown (see `printable`), and code spans
/// (`` `name` ``) as `<code>`, written straight into `html`: a record has tens of
/// thousands of cells.
fn push_inline(html: &mut String, text: &str) {
    let start_len = html.len();
    let bytes = text.as_bytes();
    let mut in_code = false;
    let mut start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'`' if in_code => {
                in_code = false;
                "</code>"
            }
            // A backtick opens code only when another closes it.
            b'`' if bytes[at + 1..].contains(&b'`') => {
                in_code = true;
                "<code>"
            }
            // A byte that may start a control character (ASCII, DEL, U+0080..U+009F):
            // the text is made printable first, which is rare enough to do again.
            byte if (byte < 0x20 && byte != b'\n' && byte != b'\t') || byte == 0x7f || byte == 0xc2 => {
                if let std::borrow::Cow::Owned(shown) = crate::render::printable(text) {
                    html.truncate(start_len);
                    return push_inline(html, &shown);
                }
                continue;
            }
            _ => continue,
        };
        html.push_str(&text[start..at]);
        html.push_str(replacement);
        start = at + 1;
    }
    html.push_str(&text[start..]);
}

/// `open`, the text as `push_inline` writes it, `close`.
fn tag(html: &mut String, open: &str, text: &str, close: &str) {
    html.push_str(open);
    push_inline(html, text);
    html.push_str(close);
}

fn inline(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 8);
    push_inline(&mut html, text);
    html
}

fn push_cell(html: &mut String, cell: &Cell) {
    match cell {
        Cell::Text(text) => push_inline(html, text),
        Cell::Gap(gap) => {
            html.push_str("<span class=\"gap\">");
            push_inline(html, gap);
            html.push_str("</span>");
        }
        Cell::Marked { text, marks } => {
            push_inline(html, text);
            for mark in marks {
                html.push_str(" <span class=\"mark\">");
                push_inline(html, mark);
                html.push_str("</span>");
            }
        }
    }
}

const STYLE: &str = "
body { font: 10.5pt/1.45 'DejaVu Sans', 'Segoe UI', Arial, sans-serif; color: #1a1a1a; margin: 2em auto; max-width: 60em; padding: 0 1em; }
h1 { font-size: 1.7em; margin: 0 0 .4em; } h2 { font-size: 1.35em; border-bottom: 2px solid #2b5d8a; padding-bottom: .2em; margin: 1.4em 0 .5em; }
h3 { font-size: 1.05em; color: #2b5d8a; margin: 1em 0 .4em; }
h1, h2, h3 { break-after: avoid; }
p, dd, td { white-space: pre-line; }
dl { display: grid; grid-template-columns: 14em minmax(0, 1fr); gap: .2em 1em; margin: 0 0 .6em; } dt { font-weight: 600; color: #444; } dd { margin: 0; min-width: 0; }
dd, td, th, p, li, h1, h2 { overflow-wrap: break-word; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: .3em 0 .8em; font-size: .92em; }
th, td { border: 1px solid #c8c8c8; padding: .25em .45em; text-align: left; vertical-align: top; }
th { background: #eef3f8; } tr { break-inside: avoid; } thead { display: table-header-group; }
code { font-family: 'DejaVu Sans Mono', Consolas, monospace; font-size: .9em; background: #f1f3f5; padding: 0 .2em; border-radius: 2px; }
.gap, .mark { color: #b00020; font-weight: 700; } .empty { color: #555; font-style: italic; }
.part { break-inside: avoid; }
.verdict { font-weight: 700; padding: .5em .8em; border: 2px solid; border-radius: 4px; }
.verdict.draft { color: #b00020; border-color: #b00020; background: #fff4f4; } .verdict.pass { color: #1b5e20; border-color: #1b5e20; background: #f0f8f1; }
.badge { display: inline-block; font-weight: 700; padding: .1em .6em; border-radius: 3px; margin: 0 0 .5em; }
.badge.clean { background: #e3f4e8; color: #1b5e20; } .badge.open { background: #fde7ea; color: #b00020; }
.findings { border: 1px solid #b00020; background: #fff8f8; padding: .3em .8em; margin: 0 0 .8em; break-inside: avoid; }
.findings ul { margin: .2em 0; padding-left: 1.2em; }
@page { size: A4; margin: 18mm 15mm 16mm;
  @top-left { content: RUNNING; font: 8pt 'DejaVu Sans', Arial, sans-serif; color: #555; }
  @bottom-right { content: 'Page ' counter(page) ' of ' counter(pages); font: 8pt 'DejaVu Sans', Arial, sans-serif; color: #555; } }
@media print { body { margin: 0; max-width: none; padding: 0; font-size: 9.5pt; } .page { break-before: page; } h2 { margin-top: 0; } }
";

/// What the page furniture says, as a CSS string.
fn css_string(text: &str) -> String {
    let mut css = String::from("\"");
    for c in crate::render::printable(text).chars() {
        match c {
            '\\' | '"' => {
                css.push('\\');
                css.push(c);
            }
            '<' => css.push_str("\\3C "),
            c => css.push(c),
        }
    }
    css.push('"');
    css
}

/// Where the writer is: inside a page-long section, inside a part that keeps together.
#[derive(Default)]
struct Open {
    section: bool,
    part: bool,
}

impl Open {
    fn close_part(&mut self, html: &mut String) {
        if std::mem::take(&mut self.part) {
            html.push_str("</div>\n");
        }
    }

    fn open_part(&mut self, html: &mut String) {
        self.close_part(html);
        html.push_str("<div class=\"part\">\n");
        self.part = true;
    }

    fn finish(&mut self, html: &mut String) {
        self.close_part(html);
        if std::mem::take(&mut self.section) {
            html.push_str("</section>\n");
        }
    }

    fn new_page(&mut self, html: &mut String, tag: &str) {
        self.finish(html);
        html.push_str(tag);
        self.section = true;
    }
}

pub fn html(blocks: &[Block]) -> String {
    let (title, running) = blocks
        .iter()
        .find_map(|block| match block {
            Block::Title { title, running } => Some((title.clone(), running.clone())),
            _ => None,
        })
        .unwrap_or_else(|| ("SOUP assessment".into(), "SOUP assessment".into()));
    let style = STYLE.replace("RUNNING", &css_string(&running));
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{style}</style>\n</head>\n<body>\n",
        inline(&title)
    );
    // About a kilobyte a block: the page is written without growing it again and again.
    html.reserve(blocks.len() * 1024);
    let mut open = Open::default();
    for block in blocks {
        block_html(block, &mut html, &mut open);
    }
    open.finish(&mut html);
    html.push_str("</body>\n</html>\n");
    html
}

fn block_html(block: &Block, html: &mut String, open: &mut Open) {
    match block {
        Block::Title { title, .. } => {
            open.new_page(html, "<section class=\"front\">\n");
            tag(html, "<h1>", title, "</h1>\n");
        }
        Block::Verdict { draft, text } => {
            let class = if *draft { "draft" } else { "pass" };
            writeln!(html, "<p class=\"verdict {class}\">{}</p>", inline(text)).ok();
        }
        Block::Section(heading) => {
            open.open_part(html);
            tag(html, "<h2>", heading, "</h2>\n");
        }
        Block::Part(heading) => {
            open.new_page(html, "<section class=\"page\">\n");
            open.open_part(html);
            tag(html, "<h2>", heading, "</h2>\n");
        }
        Block::Item {
            anchor,
            title,
            status,
            open: findings,
        } => {
            open.new_page(
                html,
                &format!("<section class=\"page item\" id=\"{}\">\n", inline(anchor)),
            );
            open.open_part(html);
            tag(html, "<h2>", title, "</h2>\n");
            let class = if findings.is_empty() { "clean" } else { "open" };
            writeln!(html, "<p class=\"badge {class}\">{}</p>", inline(status)).ok();
            if !findings.is_empty() {
                html.push_str("<div class=\"findings\"><strong>Open findings</strong>\n<ul>\n");
                for line in findings {
                    tag(html, "<li>", line, "</li>\n");
                }
                html.push_str("</ul></div>\n");
            }
        }
        Block::Heading(heading) => {
            open.open_part(html);
            tag(html, "<h3>", heading, "</h3>\n");
        }
        Block::Paragraph(text) => tag(html, "<p>", text, "</p>\n"),
        Block::Fields(fields) => {
            html.push_str("<dl>\n");
            for (label, value) in fields {
                html.push_str("<dt>");
                push_inline(html, label);
                html.push_str("</dt><dd>");
                push_cell(html, value);
                html.push_str("</dd>\n");
            }
            html.push_str("</dl>\n");
        }
        Block::Table { columns, rows, empty } => table(html, columns, rows, empty),
    }
}

fn table(html: &mut String, columns: &[(&str, u8)], rows: &[Vec<Cell>], empty: &Cell) {
    if rows.is_empty() {
        let class = if matches!(empty, Cell::Text(_)) { "empty" } else { "gap" };
        let text = match empty {
            Cell::Text(text) | Cell::Gap(text) | Cell::Marked { text, .. } => text,
        };
        writeln!(html, "<p class=\"{class}\">{}</p>", inline(text)).ok();
        return;
    }
    html.push_str("<table>\n<colgroup>");
    for (_, width) in columns {
        write!(html, "<col style=\"width: {width}%\">").ok();
    }
    html.push_str("</colgroup>\n<thead><tr>");
    for (header, _) in columns {
        tag(html, "<th>", header, "</th>");
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        html.push_str("<tr>");
        for value in row {
            html.push_str("<td>");
            push_cell(html, value);
            html.push_str("</td>");
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_become_code_and_markup_is_escaped() {
        assert_eq!(inline("links `z` <b>"), "links <code>z</code> &lt;b&gt;");
        assert_eq!(inline("a ` b"), "a ` b", "an unpaired backtick stays");
        assert_eq!(inline("`a` and `b"), "<code>a</code> and `b");
        assert_eq!(
            inline("red\u{1b}[31m & ©"),
            "red\\u{1b}[31m &amp; ©",
            "control characters shown"
        );
    }
}
