//! Changes to a soup.toml a person wrote: whole entries added or removed, review fields
//! set. Everything else (comments, blank lines, key order, inline tables) is written
//! back byte for byte, which toml_edit guarantees for the parts it is not asked to
//! change.

use crate::date::Date;
use anyhow::{Context, Result, bail};
use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike, Value};

pub struct Editor {
    document: DocumentMut,
    /// The file's lines end in CRLF: what is added or changed gets CRLF too, so a
    /// Windows checkout does not see every line change.
    crlf: bool,
    /// The file starts with a UTF-8 byte order mark, which toml_edit does not keep.
    bom: bool,
}

const BOM: char = '\u{feff}';

/// What `review` records.
/// A disposition recorded by `review`, as soup.toml writes it.
pub struct NewDisposition<'a> {
    pub id: &'a str,
    /// `not-affected`, `mitigated` or `accepted`.
    pub status: &'a str,
    pub justification: Option<&'a str>,
    pub rationale: &'a str,
    pub mitigation: Option<&'a str>,
    pub reviewed: Date,
    pub by: &'a str,
    pub expires: Option<Date>,
}

pub struct Review<'a> {
    pub version: String,
    /// The locked licence, when it is a valid SPDX expression.
    pub license: Option<&'a str>,
    /// The locked checksum; `None` removes one the entry had (a git or path source).
    pub checksum: Option<&'a str>,
    /// The locked commit of a git dependency or the toolchain; `None` removes one.
    pub commit: Option<&'a str>,
    /// For a `covers = "*"` entry: the crates it takes in now.
    pub covered: Option<Vec<String>>,
    pub reviewed: Date,
    pub by: &'a str,
}

impl Editor {
    /// `text` must already have passed `sidecar::parse`.
    pub fn new(text: &str) -> Result<Self> {
        let bom = text.starts_with(BOM);
        let document = text
            .trim_start_matches(BOM)
            .parse::<DocumentMut>()
            .context("soup.toml is not valid TOML")?;
        let crlf = text.matches("\r\n").count() * 2 > text.matches('\n').count();
        Ok(Self { document, crlf, bom })
    }

    pub fn finish(&self) -> String {
        let mut text = self.document.to_string();
        if self.crlf {
            text = text.replace("\r\n", "\n").replace('\n', "\r\n");
        }
        if self.bom {
            text.insert(0, BOM);
        }
        text
    }

    /// Appends the `[soup.*]` tables of `text` after the last existing entry, so new
    /// entries land where a reader of the file looks for them, and a `[toolchain]` table
    /// at the end of the file.
    pub fn add_entries(&mut self, text: &str) -> Result<()> {
        let mut new = text
            .parse::<DocumentMut>()
            .context("cargo soup generated invalid TOML; please report this as a bug")?;
        if let Some(Item::Table(new_entries)) = new.as_table_mut().remove("soup") {
            self.add_soup_tables(new_entries)?;
        }
        // After the entries, so it follows them in a file that had neither.
        if let Some(mut toolchain) = new.as_table_mut().remove("toolchain") {
            let end = last_position(self.document.as_table()).unwrap_or(0) + 1;
            for_each_table_mut(&mut toolchain, &mut |table| table.set_position(Some(end)));
            self.document.as_table_mut().insert("toolchain", toolchain);
        }
        Ok(())
    }

    fn add_soup_tables(&mut self, new_entries: Table) -> Result<()> {
        let root = self.document.as_table();
        let position = root
            .get("soup")
            .and_then(Item::as_table)
            .and_then(last_position)
            .or_else(|| last_position(root))
            .unwrap_or(0);
        let soup = self
            .document
            .as_table_mut()
            .entry("soup")
            .or_insert_with(|| {
                let mut table = Table::new();
                table.set_implicit(true);
                Item::Table(table)
            })
            .as_table_mut()
            .context("`soup` in soup.toml is not a table")?;
        for (key, mut item) in new_entries.into_iter() {
            for_each_table_mut(&mut item, &mut |table| table.set_position(Some(position)));
            soup.insert(&key, item);
        }
        Ok(())
    }

    /// Removes the entries `[soup.KEY]` with their sub-tables and the comments directly
    /// above them. A comment block set off from an entry by a blank line belongs to
    /// what follows, so it stays.
    pub fn remove_entries(&mut self, keys: &[&str]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut detached: Vec<(isize, String)> = Vec::new();
        {
            let soup = self
                .document
                .get_mut("soup")
                .and_then(Item::as_table_like_mut)
                .context("soup.toml has no [soup] entries")?;
            for key in keys {
                let Some(mut item) = soup.remove(key) else {
                    bail!("soup.toml has no entry [soup.{key}]");
                };
                for_each_table_mut(&mut item, &mut |table| {
                    let prefix = table.decor().prefix().and_then(|prefix| prefix.as_str()).unwrap_or("");
                    if let (Some(position), Some(comments)) = (table.position(), detached_comments(prefix)) {
                        detached.push((position, comments.to_string()));
                    }
                });
            }
        }
        // Latest first, each put in front of what is there, so several blocks keep
        // their order.
        detached.sort_by_key(|(position, _)| std::cmp::Reverse(*position));
        for (position, comments) in detached {
            let next = next_position(self.document.as_table(), position);
            let mut placed = false;
            if let Some(next) = next {
                for_each_table_in_mut(self.document.as_table_mut(), &mut |table| {
                    if !placed && table.position() == Some(next) {
                        let prefix = table.decor().prefix().and_then(|prefix| prefix.as_str()).unwrap_or("");
                        // The block ends with a blank line already; one is enough.
                        let joined = format!("{comments}{}", trim_leading_blank_lines(prefix));
                        table.decor_mut().set_prefix(joined);
                        placed = true;
                    }
                });
            }
            if !placed {
                let trailing = self.document.trailing().as_str().unwrap_or("").to_string();
                self.document.set_trailing(format!("{comments}{trailing}"));
            }
        }
        Ok(())
    }

    /// The `[soup.KEY]` entry; empty `key`, the `[toolchain]` table.
    fn entry_item(&mut self, key: &str) -> Result<&mut Item> {
        if key.is_empty() {
            self.document.get_mut("toolchain")
        } else {
            self.document
                .get_mut("soup")
                .and_then(Item::as_table_like_mut)
                .and_then(|soup| soup.get_mut(key))
        }
        .with_context(|| format!("soup.toml has no entry [soup.{key}]"))
    }

    /// Sets the assessed identification to what is locked and stamps the anomaly
    /// review, keeping each value's trailing comment.
    /// `key` names the `[soup.KEY]` entry; empty, the `[toolchain]` table.
    pub fn record_review(&mut self, key: &str, review: &Review) -> Result<()> {
        let entry_item = self.entry_item(key)?;
        let (inline, entry_position) = match &*entry_item {
            Item::Table(table) => (false, last_position(table)),
            _ => (true, None),
        };
        let entry = entry_item
            .as_table_like_mut()
            .with_context(|| format!("[soup.{key}] is not a table"))?;
        set_value(entry, "version", Value::from(review.version.as_str()));
        if let Some(license) = review.license {
            set_value(entry, "license", Value::from(license));
        }
        for (key, value) in [("checksum", review.checksum), ("commit", review.commit)] {
            match value {
                Some(value) => set_value(entry, key, Value::from(value)),
                None => {
                    entry.remove(key);
                }
            }
        }
        if let Some(covered) = &review.covered {
            set_value(entry, "covered", Value::Array(covered.iter().collect()));
        }
        let reviewed = toml_date(review.reviewed)?;
        if entry.get("anomalies").is_none() {
            let anomalies = if inline {
                Item::Value(Value::InlineTable(InlineTable::new()))
            } else {
                let mut table = Table::new();
                table.set_position(entry_position);
                table.decor_mut().set_prefix("\n");
                Item::Table(table)
            };
            entry.insert("anomalies", anomalies);
        }
        let anomalies = entry
            .get_mut("anomalies")
            .and_then(Item::as_table_like_mut)
            .with_context(|| format!("`anomalies` of [soup.{key}] is not a table"))?;
        set_value(anomalies, "reviewed", Value::from(reviewed));
        set_value(anomalies, "by", Value::from(review.by));
        Ok(())
    }

    /// Appends `[[soup.KEY.advisories]]` (or `[[toolchain.advisories]]`) after the
    /// entry's last table; an entry written inline gets no new table (an error).
    pub fn add_disposition(&mut self, key: &str, disposition: &NewDisposition) -> Result<()> {
        let entry_item = self.entry_item(key)?;
        let Item::Table(entry) = entry_item else {
            anyhow::bail!("[soup.{key}] is written inline; add its dispositions by hand");
        };
        let position = last_position(entry);
        let mut table = Table::new();
        table.set_position(position);
        table.decor_mut().set_prefix("\n");
        table.insert("id", toml_edit::value(disposition.id));
        table.insert("status", toml_edit::value(disposition.status));
        if let Some(justification) = disposition.justification {
            table.insert("justification", toml_edit::value(justification));
        }
        table.insert("rationale", toml_edit::value(disposition.rationale));
        if let Some(mitigation) = disposition.mitigation {
            table.insert("mitigation", toml_edit::value(mitigation));
        }
        table.insert("reviewed", toml_edit::value(toml_date(disposition.reviewed)?));
        table.insert("by", toml_edit::value(disposition.by));
        if let Some(expires) = disposition.expires {
            table.insert("expires", toml_edit::value(toml_date(expires)?));
        }
        match entry.get_mut("advisories") {
            Some(Item::ArrayOfTables(array)) => array.push(table),
            Some(_) => {
                anyhow::bail!("`advisories` of [soup.{key}] is not an array of tables; add the disposition by hand")
            }
            None => {
                let mut array = toml_edit::ArrayOfTables::new();
                array.push(table);
                entry.insert("advisories", Item::ArrayOfTables(array));
            }
        }
        Ok(())
    }
}

fn toml_date(date: Date) -> Result<toml_edit::Datetime> {
    Ok(toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: u16::try_from(date.year).context("the date is out of range")?,
            month: date.month,
            day: date.day,
        }),
        time: None,
        offset: None,
    })
}

/// Replaces a value in place, so its key, position and trailing comment stay.
fn set_value(table: &mut dyn TableLike, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        Some(item) => *item = Item::Value(value),
        None => {
            table.insert(key, Item::Value(value));
        }
    }
}

/// The part of a table's leading decor that is set off from it by a blank line, when it
/// holds a comment.
fn detached_comments(prefix: &str) -> Option<&str> {
    let mut end = 0;
    let mut offset = 0;
    for line in prefix.split_inclusive('\n') {
        offset += line.len();
        if line.trim().is_empty() && line.ends_with('\n') {
            end = offset;
        }
    }
    let detached = &prefix[..end];
    detached.contains('#').then_some(detached)
}

fn trim_leading_blank_lines(text: &str) -> &str {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if !(line.trim().is_empty() && line.ends_with('\n')) {
            break;
        }
        start += line.len();
    }
    &text[start..]
}

fn last_position(table: &Table) -> Option<isize> {
    let mut last = None;
    for_each_table_in(table, &mut |table| {
        if let Some(position) = table.position() {
            last = Some(last.map_or(position, |last: isize| last.max(position)));
        }
    });
    last
}

fn next_position(root: &Table, after: isize) -> Option<isize> {
    let mut next = None;
    for_each_table_in(root, &mut |table| {
        if let Some(position) = table.position().filter(|&position| position > after) {
            next = Some(next.map_or(position, |next: isize| next.min(position)));
        }
    });
    next
}

fn for_each_table_in(table: &Table, visit: &mut dyn FnMut(&Table)) {
    visit(table);
    for (_, item) in table.iter() {
        match item {
            Item::Table(child) => for_each_table_in(child, visit),
            Item::ArrayOfTables(array) => array.iter().for_each(|child| for_each_table_in(child, visit)),
            _ => {}
        }
    }
}

fn for_each_table_in_mut(table: &mut Table, visit: &mut dyn FnMut(&mut Table)) {
    visit(table);
    for (_, item) in table.iter_mut() {
        for_each_table_mut(item, visit);
    }
}

fn for_each_table_mut(item: &mut Item, visit: &mut dyn FnMut(&mut Table)) {
    match item {
        Item::Table(table) => for_each_table_in_mut(table, visit),
        Item::ArrayOfTables(array) => array.iter_mut().for_each(|table| for_each_table_in_mut(table, visit)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# head\nschema = 1\n\n[project]\nname = \"x\"   # kept\n\n# about a\n[soup.a]\nversion = \"1.0.0\"  # assessed\nlicense = \"MIT\"\n\n[soup.a.anomalies]\nby = \"someone\"\n\n# Section: build tools\n\n# about b\n[soup.b]\nversion = \"0.1.0\"\nplace = { inline = true }\n\n[toolchain]\nversion = \"1.95.0\"\n";

    fn edited(edit: impl FnOnce(&mut Editor)) -> String {
        let mut editor = Editor::new(FILE).unwrap();
        edit(&mut editor);
        editor.finish()
    }

    #[test]
    fn a_disposition_goes_after_its_entry_and_before_the_next() {
        let disposition = NewDisposition {
            id: "RUSTSEC-2099-0001",
            status: "not-affected",
            justification: Some("code_not_reachable"),
            rationale: "Never called.",
            mitigation: None,
            reviewed: Date::new(2026, 11, 20).unwrap(),
            by: "R",
            expires: Some(Date::new(2027, 5, 1).unwrap()),
        };
        let text = edited(|editor| editor.add_disposition("a", &disposition).unwrap());
        let expected = "[soup.a.anomalies]\nby = \"someone\"\n\n[[soup.a.advisories]]\nid = \"RUSTSEC-2099-0001\"\nstatus = \"not-affected\"\njustification = \"code_not_reachable\"\nrationale = \"Never called.\"\nreviewed = 2026-11-20\nby = \"R\"\nexpires = 2027-05-01\n\n# Section: build tools";
        assert!(text.contains(expected), "{text}");
        // The fixture's `place` key is unknown to the parser; only the entry matters here.
        let (parsed, _) = crate::sidecar::parse::parse_with_problems("soup.toml", &text).unwrap();
        let a = parsed.entries.iter().find(|entry| entry.key.name == "a").unwrap();
        assert_eq!(a.advisories.len(), 1);
        assert_eq!(a.advisories[0].justification, Some("code_not_reachable"));
    }

    #[test]
    fn an_untouched_file_is_written_back_byte_for_byte() {
        assert_eq!(edited(|_| {}), FILE);
    }

    #[test]
    fn added_entries_follow_the_last_entry() {
        let text = edited(|editor| {
            editor
                .add_entries("\n# new one\n[soup.c]\nversion = \"2.0.0\"\n\n[soup.c.anomalies]\nby = \"TODO\"\n")
                .unwrap()
        });
        let expected = FILE.replace(
            "\n[toolchain]",
            "\n# new one\n[soup.c]\nversion = \"2.0.0\"\n\n[soup.c.anomalies]\nby = \"TODO\"\n\n[toolchain]",
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn a_toolchain_table_follows_the_entries_added_with_it() {
        let mut editor = Editor::new("schema = 1\n").unwrap();
        editor
            .add_entries("\n[soup.c]\nversion = \"2.0.0\"\n\n[toolchain]\nversion = \"1.95.0\"\n")
            .unwrap();
        assert_eq!(
            editor.finish(),
            "schema = 1\n\n[soup.c]\nversion = \"2.0.0\"\n\n[toolchain]\nversion = \"1.95.0\"\n"
        );
    }

    #[test]
    fn entries_are_added_to_a_file_without_any() {
        let mut editor = Editor::new("schema = 1\n[project]\nname = \"x\"").unwrap();
        editor.add_entries("\n[soup.c]\nversion = \"2.0.0\"\n").unwrap();
        assert_eq!(
            editor.finish(),
            "schema = 1\n[project]\nname = \"x\"\n\n[soup.c]\nversion = \"2.0.0\"\n"
        );
    }

    #[test]
    fn removal_takes_the_attached_comment_and_keeps_a_detached_one() {
        let text = edited(|editor| editor.remove_entries(&["b"]).unwrap());
        assert_eq!(
            text,
            FILE.replace(
                "# about b\n[soup.b]\nversion = \"0.1.0\"\nplace = { inline = true }\n\n",
                ""
            )
        );
        let text = edited(|editor| editor.remove_entries(&["a"]).unwrap());
        assert_eq!(
            text,
            FILE.replace(
                "\n# about a\n[soup.a]\nversion = \"1.0.0\"  # assessed\nlicense = \"MIT\"\n\n[soup.a.anomalies]\nby = \"someone\"\n",
                ""
            )
        );
    }

    #[test]
    fn a_byte_order_mark_is_kept() {
        let text = "\u{feff}# notes\n[soup.a]\nversion = \"1.0.0\"\n";
        let mut editor = Editor::new(text).unwrap();
        editor.add_entries("\n[soup.b]\nversion = \"2.0.0\"\n").unwrap();
        let written = editor.finish();
        assert!(written.starts_with("\u{feff}# notes\n[soup.a]\n"), "{written:?}");
        assert_eq!(written.matches('\u{feff}').count(), 1);
        assert_eq!(
            Editor::new("[soup.a]\n").unwrap().finish(),
            "[soup.a]\n",
            "no mark is added"
        );
    }

    #[test]
    fn a_crlf_file_keeps_its_line_endings() {
        let text = "# reviewed by hand\r\n[soup.a]\r\nversion = \"1.0.0\"  # assessed\r\n";
        let mut editor = Editor::new(text).unwrap();
        editor.add_entries("\n[soup.b]\nversion = \"2.0.0\"\n").unwrap();
        let review = Review {
            version: "1.2.0".into(),
            license: None,
            checksum: None,
            commit: None,
            covered: None,
            reviewed: Date::new(2026, 11, 2).unwrap(),
            by: "R. Viewer",
        };
        editor.record_review("a", &review).unwrap();
        let written = editor.finish();
        assert!(
            written.starts_with("# reviewed by hand\r\n[soup.a]\r\nversion = \"1.2.0\"  # assessed\r\n"),
            "{written:?}"
        );
        assert!(written.contains("[soup.b]\r\nversion = \"2.0.0\"\r\n"), "{written:?}");
        assert_eq!(
            written.matches('\n').count(),
            written.matches("\r\n").count(),
            "{written:?}"
        );
    }

    #[test]
    fn a_review_keeps_comments_and_adds_what_is_missing() {
        let review = Review {
            version: "1.2.0".into(),
            license: Some("MIT OR Apache-2.0"),
            checksum: Some("abc"),
            commit: None,
            covered: None,
            reviewed: Date::new(2026, 11, 2).unwrap(),
            by: "R. Viewer",
        };
        let text = edited(|editor| editor.record_review("a", &review).unwrap());
        assert!(text.contains("version = \"1.2.0\"  # assessed\n"), "{text}");
        assert!(
            text.contains("license = \"MIT OR Apache-2.0\"\nchecksum = \"abc\"\n"),
            "{text}"
        );
        assert!(
            text.contains("[soup.a.anomalies]\nby = \"R. Viewer\"\nreviewed = 2026-11-02\n"),
            "{text}"
        );
        let text = edited(|editor| editor.record_review("b", &review).unwrap());
        assert!(
            text.contains("[soup.b]\nversion = \"1.2.0\"\nplace = { inline = true }\nlicense = \"MIT OR Apache-2.0\"\nchecksum = \"abc\"\n\n[soup.b.anomalies]\nreviewed = 2026-11-02\nby = \"R. Viewer\"\n\n[toolchain]"),
            "{text}"
        );
    }
}
