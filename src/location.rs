//! Positions in the user's files (`soup.toml`, `Cargo.lock`), for messages and findings.

use serde::Serialize;

/// A 1-based line and column in a named file, as editors and SARIF count them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// Maps byte offsets of one text to lines and columns without rescanning it each time.
#[derive(Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self { line_starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |prefix| prefix.chars().count());
        (line + 1, column + 1)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_starts.get(line - 1).copied().unwrap_or(text.len());
        let end = self.line_starts.get(line).copied().unwrap_or(text.len());
        text.get(start..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }
}

/// A file's text kept for finding locations later, once, shared by what points into it.
#[derive(Debug)]
pub struct SourceMap {
    pub file: String,
    text: String,
    index: LineIndex,
}

impl SourceMap {
    pub fn new(file: &str, text: &str) -> Self {
        Self {
            file: file.to_string(),
            text: text.to_string(),
            index: LineIndex::new(text),
        }
    }

    /// Line `line` (1-based), without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        self.index.line_text(&self.text, line)
    }

    pub fn location(&self, offset: usize) -> Location {
        let (line, column) = self.index.line_col(&self.text, offset);
        Location {
            file: self.file.clone(),
            line,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "ab\nçd = 1\n\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 3), (2, 1));
        let eq = text.find('=').unwrap();
        assert_eq!(index.line_col(text, eq), (2, 4));
        assert_eq!(index.line_col(text, text.len()), (4, 5));
        assert_eq!(index.line_text(text, 2), "çd = 1");
        assert_eq!(index.line_text(text, 3), "");
    }
}
