//! Errors in a user's file, shown the way rustc shows them: file:line:column, the
//! offending line, a caret under the spot, and what to do.

use crate::location::{LineIndex, Location};
use std::fmt;
use std::ops::Range;

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
        let Location { file, line, column } = &self.location;
        let gutter = " ".repeat(line.to_string().len());
        writeln!(f, "error: {}", self.message)?;
        writeln!(f, "{gutter}--> {file}:{line}:{column}")?;
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{line} | {}", self.line_text)?;
        let indent: String = self
            .line_text
            .chars()
            .take(column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{gutter} | {indent}{}", "^".repeat(self.caret_width))?;
        if let Some(help) = &self.help {
            write!(f, "\n{gutter} = help: {help}")?;
        }
        Ok(())
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
        .map(|candidate| (edit_distance(word, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len().max(word.len()) / 3).max(1))
        .min()
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
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
            "error: unknown key `review-intervall` in [project]\n --> soup.toml:2:1\n  |\n2 | review-intervall = \"180d\"\n  | ^^^^^^^^^^^^^^^^\n  = help: did you mean `review-interval`?"
        );
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
