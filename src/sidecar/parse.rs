//! From soup.toml text to the model, collecting every problem with its position.

use super::*;
use crate::diagnostic::{Diagnostic, SourceText, nearest};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A value as read, with the bytes it spans.
type Item<'d> = Spanned<DeValue<'d>>;

/// What the walker asks of a value, whatever TOML syntax wrote it.
trait Node<'d> {
    fn at(&self) -> Option<Range<usize>>;
    fn type_name(&self) -> &'static str;
    fn as_str(&self) -> Option<&str>;
    fn as_array(&self) -> Option<&[Item<'d>]>;
    fn as_table(&self) -> Option<&DeTable<'d>>;
}

impl<'d> Node<'d> for Item<'d> {
    fn at(&self) -> Option<Range<usize>> {
        Some(self.span())
    }

    fn type_name(&self) -> &'static str {
        match self.get_ref() {
            DeValue::String(_) => "string",
            DeValue::Integer(_) => "integer",
            DeValue::Float(_) => "float",
            DeValue::Boolean(_) => "boolean",
            DeValue::Datetime(_) => "datetime",
            DeValue::Array(_) => "array",
            DeValue::Table(_) => "table",
        }
    }

    fn as_str(&self) -> Option<&str> {
        self.get_ref().as_str()
    }

    fn as_array(&self) -> Option<&[Item<'d>]> {
        self.get_ref().as_array().map(|array| &array[..])
    }

    fn as_table(&self) -> Option<&DeTable<'d>> {
        self.get_ref().as_table()
    }
}

const TOP_KEYS: &[&str] = &[
    "schema",
    "project",
    "document",
    "software-items",
    "policy",
    "soup",
    "toolchain",
    "imports",
];
const IMPORT_KEYS: &[&str] = &["path", "url"];
const DOCUMENT_KEYS: &[&str] = &[
    "id",
    "title",
    "revision",
    "release",
    "author",
    "manufacturer",
    "approvals",
];
const PROJECT_KEYS: &[&str] = &[
    "name",
    "class",
    "review-interval",
    "stale-on",
    "kinds",
    "targets",
    "advisory-max-age",
    "require",
    "test-results",
    "inactive-after",
    "surveillance",
];
const SURVEILLANCE_KEYS: &[&str] = &[
    "monitoring",
    "role",
    "interval",
    "triggers",
    "update-strategy",
    "obsolescence",
    "support",
    "end-of-support",
];
const SOFTWARE_ITEM_KEYS: &[&str] = &["class"];
const ENTRY_KEYS: &[&str] = &[
    "version",
    "license",
    "vendor",
    "checksum",
    "commit",
    "class",
    "class-rationale",
    "segregation",
    "covers",
    "covered",
    "prerequisites",
    "requirements",
    "anomalies",
    "verification",
    "surveillance",
    "advisories",
    "approvals",
    "accept-imported",
];
/// The keys of an entry that are about the device, not the crate: what a library of
/// crate-level assessments must not hold.
pub const DEVICE_KEYS: &[&str] = &[
    "class",
    "class-rationale",
    "segregation",
    "covers",
    "covered",
    "prerequisites",
    "requirements",
    "verification",
    "approvals",
    "accept-imported",
];
const REQUIREMENT_KEYS: &[&str] = &["id", "kind", "text", "verified-by", "traces"];
const ANOMALIES_KEYS: &[&str] = &["reviewed", "by", "sources", "summary"];
const VERIFICATION_KEYS: &[&str] = &["method"];
const DISPOSITION_KEYS: &[&str] = &[
    "id",
    "status",
    "justification",
    "rationale",
    "mitigation",
    "reviewed",
    "by",
    "expires",
];
const APPROVAL_KEYS: &[&str] = &["role", "name", "date"];

pub const SCHEMA_VERSION: i64 = 1;

/// Parses and validates soup.toml text. `file` names it in diagnostics.
pub fn parse(file: &str, text: &str) -> Result<SoupFile, ParseError> {
    let (soup_file, problems) = parse_with_problems(file, text)?;
    if problems.is_empty() {
        Ok(soup_file)
    } else {
        Err(Diagnostics {
            file: file.to_string(),
            items: problems,
        })
    }
}

/// Like `parse`, but a file that is valid TOML yields its model together with the
/// problems found in it, so checks that need more than the file (the graph) can add
/// theirs and the user sees every problem in one run. Only a syntax error, which leaves
/// no model, is an `Err`.
pub fn parse_with_problems(file: &str, text: &str) -> Result<(SoupFile, Vec<Diagnostic>), ParseError> {
    let source = SourceText::new(file, text);
    let document = match DeTable::parse(text) {
        Ok(document) => document,
        Err(err) => {
            let message = err.message().trim_end().to_string();
            return Err(Diagnostics {
                file: file.to_string(),
                items: vec![source.diagnostic(
                    err.span(),
                    format!("{file} is not valid TOML: {message}"),
                    Some("fix the syntax at the caret; https://toml.io describes the format".into()),
                )],
            });
        }
    };
    let mut walker = Walker {
        source: &source,
        diagnostics: Vec::new(),
        placeholders: BTreeSet::new(),
        requirement_ids: BTreeMap::new(),
        entry_prefix: String::new(),
        fields: Vec::new(),
        source_map: std::sync::Arc::new(crate::location::SourceMap::new(file, text)),
    };
    let soup_file = walker.file(document.get_ref());
    walker.diagnostics.sort_by(|a, b| a.location.cmp(&b.location));
    Ok((soup_file, walker.diagnostics))
}

/// A table as we read it: its items, where it starts, and its dotted name for messages.
struct Table<'d> {
    items: &'d DeTable<'d>,
    span: Option<Range<usize>>,
    name: String,
}

struct Walker<'s, 't> {
    source: &'s SourceText<'t>,
    diagnostics: Vec<Diagnostic>,
    /// Placeholder fields of the entry being read.
    placeholders: BTreeSet<String>,
    /// Requirement ids seen so far, with the line they are on.
    requirement_ids: BTreeMap<String, usize>,
    /// `soup.KEY.` (or `toolchain.`) of the entry being read.
    entry_prefix: String,
    /// Where the fields of the entry being read are.
    fields: Vec<(Option<&'static str>, &'static str, usize)>,
    /// The text again, owned, for entries to locate their fields later.
    source_map: std::sync::Arc<crate::location::SourceMap>,
}

fn is_placeholder(text: &str) -> bool {
    text.trim_start().starts_with(PLACEHOLDER)
}

impl<'d> Walker<'_, '_> {
    fn error(&mut self, span: Option<Range<usize>>, message: impl Into<String>, help: Option<String>) {
        let diagnostic = self.source.diagnostic(span, message, help);
        self.diagnostics.push(diagnostic);
    }

    fn location(&self, span: &Option<Range<usize>>) -> Location {
        self.source.location(span.as_ref().map_or(0, |span| span.start))
    }

    fn table(&mut self, item: &'d Item, name: String) -> Option<Table<'d>> {
        match item.as_table() {
            Some(items) => Some(Table {
                items,
                span: item.at(),
                name,
            }),
            None => {
                self.error(
                    item.at(),
                    format!("`{name}` must be a table, found {}", item.type_name()),
                    Some(format!("write it as a [{name}] section")),
                );
                None
            }
        }
    }

    fn check_keys(&mut self, table: &Table<'d>, known: &[&'static str]) {
        for (key, _) in table.items.iter() {
            let span = Some(key.span());
            let key: &str = key.get_ref();
            if let Some(known_key) = known.iter().find(|known_key| **known_key == key) {
                self.remember_field(table, known_key, &span);
                continue;
            }
            let help = match nearest(key, known) {
                Some(candidate) => format!("did you mean `{candidate}`?"),
                None => format!("the keys of [{}] are: {}", table.name, known.join(", ")),
            };
            let place = if table.name.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in [{}]", table.name)
            };
            self.error(span, format!("unknown key `{key}` {place}"), Some(help));
        }
    }

    /// Where each field of the entry being read is, so findings can point at its line.
    fn remember_field(&mut self, table: &Table<'d>, key: &'static str, span: &Option<Range<usize>>) {
        let Some(prefix) = self.entry_prefix.strip_suffix('.') else {
            return;
        };
        let sub = if table.name == prefix {
            None
        } else {
            let Some(sub) = table.name.strip_prefix(&self.entry_prefix) else {
                return;
            };
            let Some(known) = ENTRY_KEYS.iter().find(|known| **known == sub) else {
                return;
            };
            Some(*known)
        };
        let offset = span.as_ref().map_or(0, |span| span.start);
        self.fields.push((sub, key, offset));
    }

    fn type_error(&mut self, item: &Item<'d>, table: &Table<'d>, key: &str, expected: &str, example: &str) {
        self.error(
            item.at(),
            format!(
                "`{key}` in [{}] must be {expected}, found {}",
                table.name,
                item.type_name()
            ),
            Some(format!("for example: {key} = {example}")),
        );
    }

    /// A string field; a `TODO` placeholder counts as absent and is remembered.
    fn string(&mut self, table: &Table<'d>, key: &str) -> Option<String> {
        let item = table.items.get(key)?;
        match item.as_str() {
            Some(text) if is_placeholder(text) => {
                self.placeholder(table, key);
                None
            }
            Some(text) if text.trim().is_empty() => None,
            Some(text) => Some(text.to_string()),
            None => {
                self.type_error(item, table, key, "a string", "\"...\"");
                None
            }
        }
    }

    fn placeholder(&mut self, table: &Table<'d>, key: &str) {
        // Named relative to the entry, as `audit` reports them: `class`, `anomalies.by`.
        let relative = match table.name.strip_prefix(&self.entry_prefix) {
            Some(sub) => format!("{sub}.{key}"),
            None if self.entry_prefix.strip_suffix('.') == Some(table.name.as_str()) => key.to_string(),
            None => format!("{}.{key}", table.name),
        };
        self.placeholders.insert(relative);
    }

    /// A string with a closed set of values, parsed by `parse`.
    fn choice<T>(
        &mut self,
        table: &Table<'d>,
        key: &str,
        names: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let item = table.items.get(key)?;
        let text = self.string(table, key)?;
        match parse(&text) {
            Some(value) => Some(value),
            None => {
                let listed = names
                    .iter()
                    .map(|name| format!("\"{name}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                let help = match nearest(&text, names) {
                    Some(candidate) => format!("did you mean \"{candidate}\"? The values are {listed}"),
                    None => format!("the values are {listed}"),
                };
                self.error(
                    item.at(),
                    format!("`{key}` in [{}] cannot be \"{text}\"", table.name),
                    Some(help),
                );
                None
            }
        }
    }

    fn class(&mut self, table: &Table<'d>, key: &str) -> Option<Class> {
        self.choice(table, key, &["A", "B", "C"], Class::parse)
    }

    fn duration(&mut self, table: &Table<'d>, key: &str) -> Option<Duration> {
        let item = table.items.get(key)?;
        let text = self.string(table, key)?;
        match text.parse() {
            Ok(duration) => Some(duration),
            Err(problem) => {
                self.error(item.at(), format!("`{key}` in [{}]: {problem}", table.name), None);
                None
            }
        }
    }

    fn date(&mut self, table: &Table<'d>, key: &str) -> Option<Date> {
        let item = table.items.get(key)?;
        if let Some(text) = item.as_str() {
            if is_placeholder(text) {
                self.placeholder(table, key);
            } else {
                let help = match text.parse::<Date>() {
                    Ok(date) => format!("write the date without quotes: {key} = {date}"),
                    Err(_) => format!("write a date without quotes, e.g. {key} = 2026-09-30"),
                };
                self.error(
                    item.at(),
                    format!("`{key}` in [{}] must be a TOML date, found a string", table.name),
                    Some(help),
                );
            }
            return None;
        }
        let datetime = item.get_ref().as_datetime();
        match datetime.and_then(|datetime| {
            datetime
                .date
                .filter(|_| datetime.time.is_none() && datetime.offset.is_none())
        }) {
            Some(date) => Date::new(i32::from(date.year), date.month, date.day),
            None => {
                let found = if datetime.is_some() {
                    "a date with a time"
                } else {
                    item.type_name()
                };
                self.error(
                    item.at(),
                    format!("`{key}` in [{}] must be a date (YYYY-MM-DD), found {found}", table.name),
                    Some(format!("for example: {key} = 2026-09-30")),
                );
                None
            }
        }
    }

    /// An array of strings; `TODO` elements are placeholders.
    fn strings(&mut self, table: &Table<'d>, key: &str) -> Option<Vec<String>> {
        let item = table.items.get(key)?;
        let Some(array) = item.as_array() else {
            self.type_error(item, table, key, "an array of strings", "[\"...\"]");
            return None;
        };
        let mut values = Vec::new();
        for value in array {
            match value.as_str() {
                Some(text) if is_placeholder(text) => self.placeholder(table, key),
                Some(text) => values.push(text.to_string()),
                None => self.error(
                    value.at(),
                    format!(
                        "`{key}` in [{}] must hold strings only, found {}",
                        table.name,
                        value.type_name()
                    ),
                    None,
                ),
            }
        }
        Some(values)
    }

    /// The tables of an array of tables, written either as `[[a.b]]` or as an inline
    /// array of inline tables.
    fn table_array(&mut self, table: &Table<'d>, key: &str) -> Vec<Table<'d>> {
        let Some(item) = table.items.get(key) else {
            return Vec::new();
        };
        let name = format!("{}.{key}", table.name);
        if let Some(array) = item.as_array() {
            let mut tables = Vec::new();
            for value in array {
                match value.as_table() {
                    Some(items) => tables.push(Table {
                        items,
                        span: value.at(),
                        name: name.clone(),
                    }),
                    None => self.error(
                        value.at(),
                        format!("`{key}` must hold tables, found {}", value.type_name()),
                        Some(format!("write each as a [[{name}]] section")),
                    ),
                }
            }
            return tables;
        }
        self.error(
            item.at(),
            format!(
                "`{key}` in [{}] must be an array of tables, found {}",
                table.name,
                item.type_name()
            ),
            Some(format!("write each as a [[{name}]] section")),
        );
        Vec::new()
    }

    fn sub_table(&mut self, table: &Table<'d>, key: &str, known: &[&'static str]) -> Option<Table<'d>> {
        let item = table.items.get(key)?;
        let sub = self.table(item, format!("{}.{key}", table.name))?;
        self.check_keys(&sub, known);
        Some(sub)
    }

    fn file(&mut self, root: &'d DeTable<'d>) -> SoupFile {
        let top = Table {
            items: root,
            span: None,
            name: String::new(),
        };
        self.check_keys(&top, TOP_KEYS);
        if let Some(item) = root.get("schema") {
            match item.get_ref().as_integer() {
                Some(integer) if integer.as_str() == SCHEMA_VERSION.to_string() => {}
                Some(other) => self.error(
                    item.at(),
                    format!(
                        "schema {} is not supported by this version of cargo soup",
                        other.as_str()
                    ),
                    Some(format!(
                        "this version reads schema = {SCHEMA_VERSION}; upgrade cargo soup to read newer files"
                    )),
                ),
                None => self.error(
                    item.at(),
                    format!("`schema` must be an integer, found {}", item.type_name()),
                    Some(format!("schema = {SCHEMA_VERSION}")),
                ),
            }
        }
        let mut soup_file = SoupFile::default();
        if let Some(project) = root.get("project").and_then(|item| self.table(item, "project".into())) {
            soup_file.project = self.project(&project);
        }
        if let Some(document) = root
            .get("document")
            .and_then(|item| self.table(item, "document".into()))
        {
            soup_file.document = self.document(&document);
        }
        if let Some(items) = root
            .get("software-items")
            .and_then(|item| self.table(item, "software-items".into()))
        {
            for (name, item) in items.items.iter() {
                if let Some(member) = self.table(item, format!("software-items.{name}")) {
                    self.check_keys(&member, SOFTWARE_ITEM_KEYS);
                    let class = self.class(&member, "class");
                    soup_file.software_items.insert(name.to_string(), class);
                }
            }
        }
        if let Some(policy) = root.get("policy").and_then(|item| self.table(item, "policy".into())) {
            soup_file.policy = self.policy(&policy);
        }
        if let Some(soup) = root.get("soup").and_then(|item| self.table(item, "soup".into())) {
            for (key, item) in soup.items.iter() {
                let key_span = Some(key.span());
                let key: &str = key.get_ref();
                let Some(entry_key) = self.entry_key(key, key_span.clone()) else {
                    continue;
                };
                if let Some(table) = self.table(item, format!("soup.{key}")) {
                    let mut entry = self.entry(&table, entry_key, key_span);
                    entry.table_key = key.to_string();
                    soup_file.entries.push(entry);
                }
            }
        }
        if let Some(imports) = root.get("imports").and_then(|item| self.table(item, "imports".into())) {
            for (name, item) in imports.items.iter() {
                if let Some(table) = self.table(item, format!("imports.{name}")) {
                    soup_file.imports.extend(self.import(&table, name.get_ref()));
                }
            }
        }
        if let Some(table) = root
            .get("toolchain")
            .and_then(|item| self.table(item, "toolchain".into()))
        {
            let key = EntryKey {
                name: "rust".into(),
                line: None,
            };
            soup_file.toolchain = Some(self.entry(&table, key, None));
        }
        soup_file
    }

    fn project(&mut self, table: &Table<'d>) -> Project {
        self.check_keys(table, PROJECT_KEYS);
        let mut project = Project {
            name: self.string(table, "name"),
            class: self.class(table, "class"),
            review_interval: self
                .duration(table, "review-interval")
                .unwrap_or(DEFAULT_REVIEW_INTERVAL),
            advisory_max_age: self
                .duration(table, "advisory-max-age")
                .unwrap_or(DEFAULT_ADVISORY_MAX_AGE),
            inactive_after: self.duration(table, "inactive-after").unwrap_or(DEFAULT_INACTIVE_AFTER),
            ..Project::default()
        };
        let stale_on = self.choice(table, "stale-on", &["patch", "minor", "major"], |text| match text {
            "patch" => Some(StaleOn::Patch),
            "minor" => Some(StaleOn::Minor),
            "major" => Some(StaleOn::Major),
            _ => None,
        });
        project.stale_on = stale_on.unwrap_or_default();
        let require = self.choice(table, "require", &["standard", "all"], |text| match text {
            "standard" => Some(Require::Standard),
            "all" => Some(Require::All),
            _ => None,
        });
        project.require = require.unwrap_or_default();
        if let Some(kinds) = self.strings(table, "kinds") {
            let item = table.items.get("kinds");
            let mut parsed = BTreeSet::new();
            for kind in kinds {
                match DepKind::parse(&kind) {
                    Some(kind) => {
                        parsed.insert(kind);
                    }
                    None => self.error(
                        item.and_then(Node::at),
                        format!("`kinds` in [project] cannot hold \"{kind}\""),
                        Some("the dependency kinds are \"normal\", \"build\" and \"dev\"".into()),
                    ),
                }
            }
            if parsed.is_empty() {
                self.error(
                    item.and_then(Node::at),
                    "`kinds` in [project] is empty, so nothing would be SOUP",
                    Some("kinds = [\"normal\", \"build\"]".into()),
                );
            }
            project.kinds = parsed;
        }
        if let Some(targets) = self.strings(table, "targets") {
            if targets.is_empty() {
                self.error(
                    table.items.get("targets").and_then(Node::at),
                    "`targets` in [project] is empty, so no dependency would be in scope",
                    Some("name the target triples the device ships for, or leave `targets` out for all".into()),
                );
            }
            project.targets = Some(targets);
        }
        if let Some(files) = self.strings(table, "test-results") {
            let location = table.items.get("test-results").map(|item| self.location(&item.at()));
            project.test_results = files.into_iter().map(|file| (file, location.clone())).collect();
        }
        if let Some(surveillance) = self.sub_table(table, "surveillance", SURVEILLANCE_KEYS) {
            project.surveillance = self.surveillance(&surveillance);
        }
        project
    }

    fn policy(&mut self, table: &Table<'d>) -> BTreeMap<Code, Level> {
        let mut policy = BTreeMap::new();
        for (key, _) in table.items.iter() {
            let key_span = Some(key.span());
            let key: &str = key.get_ref();
            let Some(code) = Code::parse(key) else {
                let help = match nearest(key, Code::NAMES) {
                    Some(candidate) => format!("did you mean `{candidate}`?"),
                    None => format!("the finding codes are: {}", Code::NAMES.join(", ")),
                };
                self.error(
                    key_span,
                    format!("unknown finding code `{key}` in [policy]"),
                    Some(help),
                );
                continue;
            };
            if let Some(level) = self.choice(table, key, &Level::NAMES, Level::parse) {
                policy.insert(code, level);
            }
        }
        policy
    }

    fn entry_key(&mut self, key: &str, span: Option<Range<usize>>) -> Option<EntryKey> {
        let (name, line) = match key.split_once('@') {
            Some((name, selector)) => (name, Some(selector)),
            None => (key, None),
        };
        let valid_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_name {
            self.error(span, format!("`{key}` is not a crate name"), Some("an entry is [soup.CRATE], or [soup.\"CRATE@MAJOR\"] / [soup.\"CRATE@0.MINOR\"] to hold two versions apart".into()));
            return None;
        }
        let line = match line {
            None => None,
            Some(selector) => {
                let parts: Vec<&str> = selector.split('.').collect();
                let number = |text: &str| {
                    text.parse::<u64>()
                        .ok()
                        .filter(|_| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                };
                let parsed = match parts.as_slice() {
                    [major] => number(major).filter(|&major| major > 0).map(VersionLine::Major),
                    ["0", minor] => number(minor).map(VersionLine::ZeroMinor),
                    _ => None,
                };
                match parsed {
                    Some(line) => Some(line),
                    None => {
                        self.error(span, format!("`{key}`: `@{selector}` is not a version line"), Some(format!("write \"{name}@MAJOR\" (e.g. \"{name}@1\") or, below 1.0, \"{name}@0.MINOR\" (e.g. \"{name}@0.3\")")));
                        return None;
                    }
                }
            }
        };
        Some(EntryKey {
            name: name.to_string(),
            line,
        })
    }

    fn entry(&mut self, table: &Table<'d>, key: EntryKey, key_span: Option<Range<usize>>) -> Entry {
        self.placeholders.clear();
        self.fields.clear();
        self.entry_prefix = format!("{}.", table.name);
        self.check_keys(table, ENTRY_KEYS);
        let version = table.items.get("version").and_then(|item| {
            let text = self.string(table, "version")?;
            match semver::Version::parse(&text) {
                Ok(version) => Some(version),
                Err(err) => {
                    self.error(
                        item.at(),
                        format!("`version` in [{}] is not a semantic version: {err}", table.name),
                        Some("write the exact version that was assessed, e.g. version = \"1.0.128\"".into()),
                    );
                    None
                }
            }
        });
        let license = table.items.get("license").and_then(|item| {
            let text = self.string(table, "license")?;
            let license = License::parse(&text);
            if license.form == crate::license::LicenseForm::Invalid {
                self.error(item.at(), format!("`license` in [{}] is not an SPDX expression: {}", table.name, license.problem.as_deref().unwrap_or("")), Some("write an SPDX expression such as \"MIT OR Apache-2.0\"; https://spdx.org/licenses lists the identifiers".into()));
                return None;
            }
            Some(license)
        });
        let covers = match table.items.get("covers") {
            None => Covers::Crates(Vec::new()),
            Some(item) if item.as_str() == Some("*") => Covers::Exclusive,
            Some(item) if item.as_array().is_some() => {
                Covers::Crates(self.strings(table, "covers").unwrap_or_default())
            }
            Some(item) => {
                self.type_error(
                    item,
                    table,
                    "covers",
                    "a list of crate names or \"*\"",
                    "[\"itoa\", \"ryu\"]",
                );
                Covers::Crates(Vec::new())
            }
        };
        let mut entry = Entry {
            key,
            location: self.location(&table.span),
            table_key: String::new(),
            key_span,
            version,
            license,
            vendor: self.string(table, "vendor"),
            checksum: self.string(table, "checksum"),
            commit: self.string(table, "commit"),
            class: self.class(table, "class"),
            class_rationale: self.string(table, "class-rationale"),
            segregation: self.string(table, "segregation"),
            covers,
            covered: self.strings(table, "covered"),
            prerequisites: self.string(table, "prerequisites"),
            requirements: Vec::new(),
            anomalies: Anomalies::default(),
            verification_method: None,
            surveillance: Surveillance::default(),
            advisories: Vec::new(),
            approvals: Vec::new(),
            accept_imported: self.acceptance(table),
            imported: Vec::new(),
            import_only: None,
            placeholders: BTreeSet::new(),
            fields: Vec::new(),
            source: Some(self.source_map.clone()),
        };
        for requirement in self.table_array(table, "requirements") {
            entry.requirements.push(self.requirement(&requirement));
        }
        if let Some(anomalies) = self.sub_table(table, "anomalies", ANOMALIES_KEYS) {
            entry.anomalies = Anomalies {
                reviewed: self.date(&anomalies, "reviewed"),
                by: self.string(&anomalies, "by"),
                sources: self.strings(&anomalies, "sources").unwrap_or_default(),
                summary: self.string(&anomalies, "summary"),
            };
        }
        if let Some(verification) = self.sub_table(table, "verification", VERIFICATION_KEYS) {
            entry.verification_method = self.string(&verification, "method");
        }
        if let Some(surveillance) = self.sub_table(table, "surveillance", SURVEILLANCE_KEYS) {
            entry.surveillance = self.surveillance(&surveillance);
        }
        for disposition in self.table_array(table, "advisories") {
            if let Some(disposition) = self.disposition(&disposition) {
                entry.advisories.push(disposition);
            }
        }
        entry.approvals = self.approvals(table);
        entry.placeholders = std::mem::take(&mut self.placeholders);
        entry.fields = std::mem::take(&mut self.fields);
        self.entry_prefix.clear();
        entry
    }

    fn approvals(&mut self, table: &Table<'d>) -> Vec<Approval> {
        let mut approvals = Vec::new();
        for approval in self.table_array(table, "approvals") {
            self.check_keys(&approval, APPROVAL_KEYS);
            approvals.push(Approval {
                role: self.string(&approval, "role"),
                name: self.string(&approval, "name"),
                date: self.date(&approval, "date"),
                location: self.location(&approval.span),
            });
        }
        approvals
    }

    fn document(&mut self, table: &Table<'d>) -> Document {
        self.check_keys(table, DOCUMENT_KEYS);
        Document {
            id: self.string(table, "id"),
            title: self.string(table, "title"),
            revision: self.string(table, "revision"),
            release: self.string(table, "release"),
            author: self.string(table, "author"),
            manufacturer: self.string(table, "manufacturer"),
            approvals: self.approvals(table),
        }
    }

    /// `[imports.NAME]`: a `path` or a `url`, one of them.
    fn import(&mut self, table: &Table<'d>, name: &str) -> Option<Import> {
        self.check_keys(table, IMPORT_KEYS);
        let path = self.string(table, "path");
        let url = self.string(table, "url");
        let source = match (path, url) {
            (Some(path), None) => ImportSource::Path(path),
            (None, Some(url)) if url.starts_with("https://") || url.starts_with("http://") => ImportSource::Url(url),
            (None, Some(url)) => {
                let span = table.items.get("url").and_then(Node::at);
                self.error(
                    span,
                    format!("`url` in [{}] is not an http(s) URL: {url}", table.name),
                    Some("write the URL of the library file, or `path = \"...\"` for a file on disk".into()),
                );
                return None;
            }
            _ => {
                self.error(
                    table.span.clone(),
                    format!("[{}] needs exactly one of `path` and `url`", table.name),
                    Some(
                        "path = \"../soup-library/library.toml\" (relative to this file), or url = \"https://...\""
                            .into(),
                    ),
                );
                return None;
            }
        };
        Some(Import {
            name: name.to_string(),
            source,
            location: self.location(&table.span),
        })
    }

    /// `accept-imported = true`, or a list of the advisory ids accepted.
    fn acceptance(&mut self, table: &Table<'d>) -> Acceptance {
        let Some(item) = table.items.get("accept-imported") else {
            return Acceptance::None;
        };
        if let Some(accepted) = item.get_ref().as_bool() {
            return if accepted { Acceptance::All } else { Acceptance::None };
        }
        match self.strings(table, "accept-imported") {
            Some(ids) => Acceptance::Ids(ids),
            None => Acceptance::None,
        }
    }

    fn requirement(&mut self, table: &Table<'d>) -> Requirement {
        self.check_keys(table, REQUIREMENT_KEYS);
        let id = self.string(table, "id");
        let location = self.location(&table.span);
        if let Some(id) = &id {
            if let Some(&first_line) = self.requirement_ids.get(id) {
                let span = table.items.get("id").and_then(Node::at);
                self.error(span, format!("requirement id `{id}` is used twice"), Some(format!("it is first used on line {first_line}; requirement ids trace requirements to evidence and must be unique")));
            } else {
                self.requirement_ids.insert(id.clone(), location.line);
            }
        }
        Requirement {
            id,
            kind: self.choice(table, "kind", &["functional", "performance"], |text| match text {
                "functional" => Some(RequirementKind::Functional),
                "performance" => Some(RequirementKind::Performance),
                _ => None,
            }),
            text: self.string(table, "text"),
            verified_by: self.strings(table, "verified-by").unwrap_or_default(),
            verified_by_location: table.items.get("verified-by").map(|item| self.location(&item.at())),
            traces: self.strings(table, "traces").unwrap_or_default(),
            location,
        }
    }

    fn disposition(&mut self, table: &Table<'d>) -> Option<Disposition> {
        self.check_keys(table, DISPOSITION_KEYS);
        let location = self.location(&table.span);
        let id = self.string(table, "id");
        let status = self.choice(
            table,
            "status",
            &["not-affected", "mitigated", "accepted"],
            |text| match text {
                "not-affected" => Some(DispositionStatus::NotAffected),
                "mitigated" => Some(DispositionStatus::Mitigated),
                "accepted" => Some(DispositionStatus::Accepted),
                _ => None,
            },
        );
        let justification = self.choice(table, "justification", JUSTIFICATIONS, |text| {
            JUSTIFICATIONS.iter().copied().find(|known| *known == text)
        });
        let rationale = self.string(table, "rationale");
        let mitigation = self.string(table, "mitigation");
        let reviewed = self.date(table, "reviewed");
        let by = self.string(table, "by");
        let expires = self.date(table, "expires");
        for (key, present) in [
            ("id", table.items.contains_key("id")),
            ("status", table.items.contains_key("status")),
        ] {
            if !present {
                self.error(table.span.clone(), format!("this advisory disposition in [{}] has no `{key}`", table.name), Some("a disposition needs at least `id` (a RustSec, GHSA or CVE id) and `status` (\"not-affected\", \"mitigated\" or \"accepted\")".into()));
            }
        }
        Some(Disposition {
            imported: None,
            id: id?,
            status: status?,
            rationale,
            mitigation,
            reviewed,
            by,
            expires,
            justification,
            location,
        })
    }

    fn surveillance(&mut self, table: &Table<'d>) -> Surveillance {
        Surveillance {
            monitoring: self.string(table, "monitoring"),
            role: self.string(table, "role"),
            interval: self.duration(table, "interval"),
            triggers: self.strings(table, "triggers"),
            update_strategy: self.string(table, "update-strategy"),
            obsolescence: self.string(table, "obsolescence"),
            support: self.choice(table, "support", &["active", "limited", "none"], |text| match text {
                "active" => Some(Support::Active),
                "limited" => Some(Support::Limited),
                "none" => Some(Support::None),
                _ => None,
            }),
            end_of_support: self.date(table, "end-of-support"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_named_relative_to_their_entry() {
        let text = "[soup.\"foo@0.3\"]\nclass = \"TODO\"\n[soup.\"foo@0.3\".anomalies]\nby = \"TODO: name\"\nreviewed = \"TODO\"\n[toolchain]\nprerequisites = \"TODO\"\n";
        let file = parse("soup.toml", text).unwrap();
        let entry = &file.entries[0];
        assert_eq!(entry.key.line, Some(VersionLine::ZeroMinor(3)));
        assert_eq!(
            entry.placeholders.iter().collect::<Vec<_>>(),
            ["anomalies.by", "anomalies.reviewed", "class"]
        );
        let toolchain = file.toolchain.as_ref().unwrap();
        assert_eq!(toolchain.placeholders.iter().collect::<Vec<_>>(), ["prerequisites"]);
    }

    #[test]
    fn the_full_spec_example_parses() {
        let text = include_str!("../../fixtures/soup-toml/spec-example.toml");
        let file = parse("soup.toml", text).unwrap_or_else(|err| panic!("{err}"));
        let entry = &file.entries[0];
        assert_eq!(entry.key.name, "serde_json");
        assert_eq!(entry.requirements.len(), 2);
        assert_eq!(entry.advisories[0].status, DispositionStatus::NotAffected);
        assert_eq!(entry.advisories[0].justification, Some("code_not_reachable"));
        assert_eq!(file.document.release.as_deref(), Some("2.4.0"));
        assert_eq!(file.document.approvals.len(), 1);
        assert_eq!(entry.surveillance.support, Some(Support::Active));
        assert_eq!(file.project.targets.as_ref().unwrap().len(), 2);
        assert_eq!(file.level(Code::Unmaintained), Level::Deny);
        assert_eq!(file.member_class("ui"), Class::B);
        assert_eq!(file.member_class("other"), Class::C);
        assert!(file.toolchain.is_some());
    }

    fn errors(text: &str) -> Vec<String> {
        parse("soup.toml", text)
            .unwrap_err()
            .items
            .iter()
            .map(|d| format!("{}:{} {}", d.location.line, d.location.column, d.message))
            .collect()
    }

    #[test]
    fn bad_values_are_located() {
        assert_eq!(
            errors("[project]\nreview-interval = \"90x\"\n")[0],
            "2:19 `review-interval` in [project]: `90x` is not a duration; write a whole number and a unit: \"90d\", \"12w\", \"6m\" or \"1y\""
        );
        assert_eq!(errors("[soup.a.anomalies]\nreviewed = 2026-02-30\n").len(), 1);
        assert_eq!(errors("[soup.\"a@0\"]\n")[0], "1:7 `a@0`: `@0` is not a version line");
        assert_eq!(
            errors("[soup.a]\nlicense = \"Foo Bar\"\n")[0],
            "2:11 `license` in [soup.a] is not an SPDX expression: unknown term `Foo`"
        );
        let duplicate = errors("[[soup.a.requirements]]\nid = \"R1\"\n[[soup.b.requirements]]\nid = \"R1\"\n");
        assert_eq!(duplicate, ["4:6 requirement id `R1` is used twice"]);
        assert_eq!(
            errors("schema = 2\n")[0],
            "1:10 schema 2 is not supported by this version of cargo soup"
        );
    }

    #[test]
    fn the_json_schema_knows_exactly_the_keys_the_parser_knows() {
        let schema: serde_json::Value = serde_json::from_str(include_str!("../../soup.schema.json")).unwrap();
        let keys = |pointer: &str| {
            let mut keys: Vec<String> = schema
                .pointer(pointer)
                .and_then(serde_json::Value::as_object)
                .unwrap_or_else(|| panic!("{pointer} in the schema"))
                .keys()
                .cloned()
                .collect();
            keys.sort();
            keys
        };
        let sorted = |known: &[&str]| {
            let mut known: Vec<String> = known.iter().map(|key| key.to_string()).collect();
            known.sort();
            known
        };
        for (pointer, known) in [
            ("/properties", TOP_KEYS),
            ("/properties/project/properties", PROJECT_KEYS),
            ("/properties/document/properties", DOCUMENT_KEYS),
            ("/definitions/surveillance/properties", SURVEILLANCE_KEYS),
            ("/definitions/entry/properties", ENTRY_KEYS),
            ("/definitions/requirement/properties", REQUIREMENT_KEYS),
            ("/definitions/entry/properties/anomalies/properties", ANOMALIES_KEYS),
            (
                "/definitions/entry/properties/verification/properties",
                VERIFICATION_KEYS,
            ),
            ("/definitions/disposition/properties", DISPOSITION_KEYS),
            ("/definitions/approval/properties", APPROVAL_KEYS),
            ("/properties/policy/properties", Code::NAMES),
        ] {
            assert_eq!(keys(pointer), sorted(known), "{pointer}");
        }
    }

    /// The device-level keys are entry keys: the one list the parser knows them by.
    #[test]
    fn every_device_key_is_an_entry_key() {
        for key in DEVICE_KEYS {
            assert!(ENTRY_KEYS.contains(key), "{key}");
        }
    }

    #[test]
    fn the_parser_never_panics_on_mangled_input() {
        // Every prefix and every single-byte deletion of a full file: a cheap, exhaustive
        // stand-in for fuzzing the walker over truncated and malformed documents.
        let text = include_str!("../../fixtures/soup-toml/spec-example.toml");
        let boundaries: Vec<usize> = (0..=text.len()).filter(|&at| text.is_char_boundary(at)).collect();
        for &end in &boundaries {
            let _ = parse("soup.toml", &text[..end]);
        }
        for pair in boundaries.windows(2) {
            let mangled = format!("{}{}", &text[..pair[0]], &text[pair[1]..]);
            let _ = parse("soup.toml", &mangled);
        }
    }
}
