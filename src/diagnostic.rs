//! Problems shown the way rustc and cargo show them, through annotate-snippets (the
//! renderer they use): `error[code]: headline`, `--> file:line:column`, the offending
//! line with a label under the spot, then `= help:` with the next step and `= note:`
//! lines. soup.toml's own errors and the audit's findings both go through `render`.

use crate::location::{LineIndex, Location};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// The line a message points at: its text, and the byte range in it to mark.
pub struct Excerpt<'a> {
    pub line_text: &'a str,
    pub span: Range<usize>,
    pub label: Option<&'a str>,
}

/// One diagnostic message.
pub struct Message<'a> {
    pub severity: Severity,
    pub code: Option<&'a str>,
    pub headline: &'a str,
    pub location: Option<&'a Location>,
    /// The line at `location`, when its text is at hand.
    pub excerpt: Option<Excerpt<'a>>,
    pub help: Option<&'a str>,
    pub notes: Vec<String>,
}

/// The widest line of a message (100 columns); a snippet shows its line as it is.
const WIDTH: usize = 100;
/// What stands before `= help:` text: the gutter (up to five digits) and the label.
const FOOTER_INDENT: usize = 16;

pub fn render(message: &Message, color: bool) -> String {
    let level = match message.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    // `error[code]: ` stands before the headline, and its continuation lines align.
    let prefix = match message.severity {
        Severity::Error => "error".len(),
        Severity::Warning => "warning".len(),
    } + message.code.map_or(0, |code| code.len() + 2)
        + 2;
    let headline = wrap(message.headline, WIDTH.saturating_sub(prefix).max(40));
    let help = message.help.map(|help| wrap(help, WIDTH - FOOTER_INDENT));
    let notes: Vec<String> = message
        .notes
        .iter()
        .map(|note| wrap(note, WIDTH - FOOTER_INDENT))
        .collect();
    let mut title = level.primary_title(headline.as_str());
    if let Some(code) = message.code {
        title = title.id(code);
    }
    let mut group = Group::with_title(title);
    match (message.location, &message.excerpt) {
        (Some(location), Some(excerpt)) => {
            let mut annotation = AnnotationKind::Primary.span(excerpt.span.clone());
            if let Some(label) = excerpt.label {
                annotation = annotation.label(label);
            }
            group = group.element(
                Snippet::source(excerpt.line_text)
                    .line_start(location.line)
                    .path(location.file.as_str())
                    .annotation(annotation),
            );
        }
        (Some(location), None) => {
            group = group.element(
                Origin::path(location.file.as_str())
                    .line(location.line)
                    .char_column(location.column),
            );
        }
        (None, _) => {}
    }
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    for note in &notes {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    renderer.render(&[group])
}

/// `text` with line breaks between words so that no line is wider than `width`
/// characters (a longer word stays whole).
pub fn wrap(text: &str, width: usize) -> String {
    let mut wrapped = String::with_capacity(text.len() + 8);
    for (at, paragraph) in text.split('\n').enumerate() {
        if at > 0 {
            wrapped.push('\n');
        }
        let mut column = 0;
        for word in paragraph.split(' ').filter(|word| !word.is_empty()) {
            let length = word.chars().count();
            if column > 0 && column + 1 + length > width {
                wrapped.push('\n');
                column = 0;
            } else if column > 0 {
                wrapped.push(' ');
                column += 1;
            }
            wrapped.push_str(word);
            column += length;
        }
    }
    wrapped
}

/// The byte range of `width` characters from 1-based `column` in `line`.
pub fn char_span(line: &str, column: usize, width: usize) -> Range<usize> {
    let mut starts = line.char_indices().map(|(at, _)| at).chain(std::iter::once(line.len()));
    let start = starts.by_ref().nth(column.saturating_sub(1)).unwrap_or(line.len());
    let end = line[start..]
        .char_indices()
        .nth(width)
        .map_or(line.len(), |(at, _)| start + at);
    start..end.max(start)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: Location,
    pub message: String,
    pub help: Option<String>,
    line_text: String,
    caret_width: usize,
}

/// A text being read, so diagnostics can point into it.
pub struct SourceText<'t> {
    pub file: String,
    pub text: &'t str,
    index: LineIndex,
}

impl<'t> SourceText<'t> {
    pub fn new(file: impl Into<String>, text: &'t str) -> Self {
        Self {
            file: file.into(),
            text,
            index: LineIndex::new(text),
        }
    }

    pub fn location(&self, offset: usize) -> Location {
        let (line, column) = self.index.line_col(self.text, offset);
        Location {
            file: self.file.clone(),
            line,
            column,
        }
    }

    pub fn diagnostic(
        &self,
        span: Option<Range<usize>>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        let span = span.unwrap_or(0..0);
        let location = self.location(span.start);
        let line_text = self.index.line_text(self.text, location.line).to_string();
        let spanned = self.text.get(span.clone()).unwrap_or("");
        let first_line = spanned.split('\n').next().unwrap_or("");
        let caret_width = first_line.chars().count().max(1);
        Diagnostic {
            location,
            message: message.into(),
            help,
            line_text,
            caret_width,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = Message {
            severity: Severity::Error,
            code: None,
            headline: &self.message,
            location: Some(&self.location),
            excerpt: Some(Excerpt {
                line_text: &self.line_text,
                span: char_span(&self.line_text, self.location.column, self.caret_width),
                label: None,
            }),
            help: self.help.as_deref(),
            notes: Vec::new(),
        };
        write!(f, "{}", render(&message, false))
    }
}

/// Every diagnostic of one file, reported together so a user fixes them in one go.
#[derive(Debug)]
pub struct Diagnostics {
    pub file: String,
    pub items: Vec<Diagnostic>,
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.items {
            writeln!(f, "{diagnostic}\n")?;
        }
        let count = self.items.len();
        write!(
            f,
            "{} has {count} error{}; nothing was changed. Fix {} and run the command again.",
            self.file,
            if count == 1 { "" } else { "s" },
            if count == 1 { "it" } else { "them" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// The nearest known word, for "did you mean" help; `None` when nothing is close.
pub fn nearest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        // One-letter values (classes) are never a typo of each other worth naming.
        .filter(|candidate| candidate.len() > 2)
        .map(|candidate| (strsim::levenshtein(word, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len().max(word.len()) / 3).max(1))
        .min()
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_line_and_caret() {
        let text = "[project]\nreview-intervall = \"180d\"\n";
        let source = SourceText::new("soup.toml", text);
        let diagnostic = source.diagnostic(
            Some(10..26),
            "unknown key `review-intervall` in [project]",
            Some("did you mean `review-interval`?".into()),
        );
        assert_eq!(
            diagnostic.to_string(),
            "error: unknown key `review-intervall` in [project]\n --> soup.toml:2:1\n  |\n2 | review-intervall = \"180d\"\n  | ^^^^^^^^^^^^^^^^\n  |\n  = help: did you mean `review-interval`?"
        );
    }

    #[test]
    fn wrapping_breaks_between_words_only() {
        assert_eq!(wrap("one two three four", 9), "one two\nthree\nfour");
        assert_eq!(wrap("averyveryverylongword x", 5), "averyveryverylongword\nx");
        assert_eq!(wrap("kept\nbreak", 80), "kept\nbreak");
    }

    #[test]
    fn char_spans_count_characters_not_bytes() {
        let line = "name = \"Müller\" # ok";
        assert_eq!(&line[char_span(line, 8, 8)], "\"Müller\"");
        assert_eq!(char_span(line, 99, 3), line.len()..line.len(), "past the end");
        assert_eq!(&line[char_span(line, 1, 99)], line);
    }

    #[test]
    fn nearest_suggests_only_close_words() {
        let known = ["review-interval", "stale-on", "class"];
        assert_eq!(nearest("review-intervall", &known), Some("review-interval"));
        assert_eq!(nearest("review_interval", &known), Some("review-interval"));
        assert_eq!(nearest("clas", &known), Some("class"));
        assert_eq!(nearest("completely-different", &known), None);
    }
}
