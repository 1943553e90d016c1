//! The SOUP list: every package in scope, with how it is reached, its effective safety
//! class, and the soup.toml entry that assesses or covers it.

use crate::assessment;
use crate::graph::scope::{self, Scope};
use crate::graph::{DepKind, Graph, Package};
use crate::sidecar::{Class, Covers, Entry, SoupFile, VersionLine, entry_among};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Has an entry with every required field, matching what is locked.
    Assessed,
    /// No entry, and no entry covers it.
    Missing,
    /// Has an entry that lacks required fields or still holds placeholders.
    Incomplete,
    /// Has an entry for another version, licence or checksum than the locked one.
    Stale,
    /// Assessed as part of another item's entry (`covers`).
    Covered,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Assessed => "assessed",
            Status::Missing => "missing",
            Status::Incomplete => "incomplete",
            Status::Stale => "stale",
            Status::Covered => "covered",
        }
    }
}

#[derive(Debug)]
pub struct SoupItem<'g> {
    pub package: &'g Package,
    /// Index of the package in the graph; `None` for the toolchain, which is not a
    /// package of the graph.
    pub index: Option<usize>,
    pub direct: bool,
    pub kinds: Vec<DepKind>,
    /// Names of the workspace members that reach it.
    pub reached_from: Vec<String>,
    /// The highest class of the members that reach it.
    pub class: Class,
    /// The entry that assesses it, when it has one of its own.
    pub entry: Option<&'g Entry>,
    /// The key of the entry that covers it, when it has none of its own.
    pub covered_by: Option<String>,
    pub status: Status,
}

pub struct Inventory<'g> {
    pub items: Vec<SoupItem<'g>>,
    /// Entries whose `covers` names crates their own crate does not reach, with the
    /// names: they cover nothing of that name.
    pub unreached_covers: Vec<(&'g Entry, Vec<String>)>,
}

impl<'g> Inventory<'g> {
    pub fn build(graph: &'g Graph, scope: &Scope, soup: &'g SoupFile) -> Self {
        let reach = scope::walk(graph, scope);
        let in_scope = |at: usize| reach[at].in_scope() && !graph.packages[at].is_member;
        let own = own_entries(graph, soup, &in_scope);
        let parents = assessed_packages(&own);
        let exclusive = ExclusiveCovers::new(graph, scope, soup, &parents);
        let NamedCovers {
            covered: covers_by_name,
            unreached: unreached_covers,
        } = named_covers(graph, scope, soup, &parents);

        let mut items: Vec<SoupItem<'g>> = (0..graph.packages.len())
            .filter(|&at| in_scope(at))
            .map(|at| {
                let package = &graph.packages[at];
                let reached = &reach[at];
                let class = reached
                    .members
                    .iter()
                    .map(|&member| soup.member_class(&graph.packages[member].name))
                    .max()
                    .unwrap_or(Class::C);
                // A library's entry alone holds no device-level fields: for a class
                // that needs them the crate has no assessment yet.
                let entry = own[at].filter(|entry| {
                    entry.import_only.is_none() || !crate::assessment::needs_evidence(class, &soup.project)
                });
                let covering = match entry {
                    Some(_) => None,
                    None => covers_by_name.get(&at).copied().or_else(|| exclusive.covering(at)),
                };
                let status = match (entry, covering) {
                    (Some(entry), _) => assessment_status(entry, package, class, soup),
                    // Taken in by `"*"` since the entry's last review: not assessed yet.
                    (None, Some(parent)) if parent.newly_covers(&package.name) => Status::Stale,
                    (None, Some(_)) => Status::Covered,
                    (None, None) => Status::Missing,
                };
                let covered_by = covering.map(|entry| entry.key.to_string());
                SoupItem {
                    package,
                    index: Some(at),
                    direct: reached.direct,
                    kinds: reached.kinds.iter().copied().collect(),
                    reached_from: reached
                        .members
                        .iter()
                        .map(|&member| graph.packages[member].name.clone())
                        .collect(),
                    class,
                    entry,
                    covered_by,
                    status,
                }
            })
            .collect();
        covered_take_their_entrys_status(&mut items);
        if let Some(toolchain) = &graph.toolchain {
            items.push(toolchain_item(graph, soup, toolchain));
        }
        items.sort_by(|a, b| (&a.package.name, &a.package.version).cmp(&(&b.package.name, &b.package.version)));
        Self {
            items,
            unreached_covers,
        }
    }
}

impl<'g> Inventory<'g> {
    /// How many items have `status`: the counts every output states alike.
    pub fn count(&self, status: Status) -> usize {
        self.items.iter().filter(|item| item.status == status).count()
    }

    /// The items an entry assesses: its own, and the crates it covers.
    pub fn assessed_by<'a>(&'a self, entry: &'a Entry) -> impl Iterator<Item = &'a SoupItem<'g>> + 'a {
        let key = entry.key.to_string();
        self.items.iter().filter(move |item| {
            item.entry.is_some_and(|own| std::ptr::eq(own, entry)) || item.covered_by.as_deref() == Some(key.as_str())
        })
    }

    /// The names of the crates a `covers = "*"` entry took in since its last review.
    pub fn newly_covered(&self, entry: &Entry) -> Vec<String> {
        let mut names = self.covered_names(entry);
        names.retain(|name| entry.newly_covers(name));
        names
    }

    /// The names of the crates an entry covers now, for the record of a review.
    pub fn covered_names(&self, entry: &Entry) -> Vec<String> {
        let mut names: Vec<String> = self.covered_by(entry).map(|item| item.package.name.clone()).collect();
        names.dedup();
        names
    }

    /// The crates an entry covers (not its own items).
    pub fn covered_by<'a>(&'a self, entry: &'a Entry) -> impl Iterator<Item = &'a SoupItem<'g>> + 'a {
        let key = entry.key.to_string();
        self.items
            .iter()
            .filter(move |item| item.covered_by.as_deref() == Some(key.as_str()))
    }

    /// The entries that assess no item in scope: their crate left the graph or the
    /// scope, or a `name@LINE` entry took its place.
    pub fn orphans<'s>(&self, soup: &'s SoupFile) -> Vec<&'s Entry> {
        let assessing: std::collections::HashSet<*const Entry> = self
            .items
            .iter()
            .filter_map(|item| item.entry.map(std::ptr::from_ref))
            .collect();
        // A library assesses more crates than any one device uses.
        soup.entries
            .iter()
            .filter(|entry| entry.import_only.is_none())
            .filter(|entry| !assessing.contains(&std::ptr::from_ref(*entry)))
            .collect()
    }
}

/// The toolchain builds every member: it has the highest class in the workspace and
/// is assessed in `[toolchain]`.
fn toolchain_item<'g>(graph: &'g Graph, soup: &'g SoupFile, toolchain: &'g Package) -> SoupItem<'g> {
    let members: Vec<String> = graph
        .members
        .iter()
        .map(|&member| graph.packages[member].name.clone())
        .collect();
    let class = members
        .iter()
        .map(|member| soup.member_class(member))
        .max()
        .unwrap_or(Class::C);
    let entry = soup.toolchain.as_ref();
    let status = match entry {
        Some(entry) => assessment_status(entry, toolchain, class, soup),
        None => Status::Missing,
    };
    SoupItem {
        package: toolchain,
        index: None,
        direct: true,
        kinds: vec![DepKind::Normal],
        reached_from: members,
        class,
        entry,
        covered_by: None,
        status,
    }
}

impl SoupItem<'_> {
    /// The item's own entry, else the entry that covers it: where its dispositions live.
    pub fn assessing_entry<'s>(&self, soup: &'s SoupFile) -> Option<&'s Entry>
    where
        Self: 's,
    {
        let parent = self.covered_by.as_deref();
        self.entry.or_else(|| {
            soup.entries
                .iter()
                .find(|entry| Some(entry.key.to_string().as_str()) == parent)
        })
    }
}

/// Each package's own entry (`None` out of scope), looked up once among the entries of
/// its name: a file with thousands of entries is read once, not once per package.
fn own_entries<'s>(graph: &Graph, soup: &'s SoupFile, in_scope: &dyn Fn(usize) -> bool) -> Vec<Option<&'s Entry>> {
    let mut lines: HashMap<&str, BTreeSet<VersionLine>> = HashMap::new();
    for at in (0..graph.packages.len()).filter(|&at| in_scope(at)) {
        let package = &graph.packages[at];
        lines
            .entry(&package.name)
            .or_default()
            .insert(VersionLine::of(&package.version));
    }
    let by_name = soup.entries_by_name();
    (0..graph.packages.len())
        .map(|at| {
            let package = &graph.packages[at];
            let candidates = by_name.get(package.name.as_str()).filter(|_| in_scope(at))?;
            entry_among(
                candidates.iter().copied(),
                &package.version,
                &lines[package.name.as_str()],
            )
        })
        .collect()
}

/// The packages each entry assesses: where what it covers is reached from.
fn assessed_packages(own: &[Option<&Entry>]) -> HashMap<*const Entry, Vec<usize>> {
    let mut parents: HashMap<*const Entry, Vec<usize>> = HashMap::new();
    for (at, entry) in own.iter().enumerate() {
        if let Some(entry) = entry {
            parents.entry(std::ptr::from_ref(*entry)).or_default().push(at);
        }
    }
    parents
}

/// A covered item is `covered` only while the entry that covers it is assessed; else it
/// has that entry's status (`incomplete`, `stale`): a crate is not assessed by an
/// assessment that is not finished.
fn covered_take_their_entrys_status(items: &mut [SoupItem]) {
    let mut entry_status: HashMap<String, Status> = HashMap::new();
    for item in items.iter().filter(|item| item.entry.is_some()) {
        let key = item.entry.map(|entry| entry.key.to_string()).unwrap_or_default();
        let status = entry_status.entry(key).or_insert(item.status);
        // Of two versions an entry assesses, the one that is not assessed speaks for it.
        if *status == Status::Assessed {
            *status = item.status;
        }
    }
    for item in items.iter_mut().filter(|item| item.status == Status::Covered) {
        let parent = item.covered_by.as_ref().and_then(|key| entry_status.get(key));
        if let Some(&status) = parent.filter(|status| **status != Status::Assessed) {
            item.status = status;
        }
    }
}

/// What `covers = ["NAME", ...]` lists take in, by package, and the names each entry
/// lists but does not reach.
struct NamedCovers<'s> {
    covered: HashMap<usize, &'s Entry>,
    unreached: Vec<(&'s Entry, Vec<String>)>,
}

/// A name covers the versions of that crate reached through the entry's own crate, and
/// no others (the first entry in the file that does wins).
fn named_covers<'s>(
    graph: &Graph,
    scope: &Scope,
    soup: &'s SoupFile,
    parents: &HashMap<*const Entry, Vec<usize>>,
) -> NamedCovers<'s> {
    // On every platform: one soup.toml serves builds for several targets, and a name
    // reached only on another one is still reached.
    let scope = &Scope {
        targets: None,
        ..scope.clone()
    };
    let mut covered = HashMap::new();
    let mut unreached = Vec::new();
    for entry in &soup.entries {
        let (Covers::Crates(names), Some(starts)) = (&entry.covers, parents.get(&std::ptr::from_ref(entry))) else {
            continue;
        };
        let reached = scope::reachable_from(graph, scope, starts);
        let mut found = BTreeSet::new();
        for at in (0..graph.packages.len()).filter(|&at| reached[at]) {
            let name = &graph.packages[at].name;
            if names.contains(name) {
                found.insert(name.as_str());
                covered.entry(at).or_insert(entry);
            }
        }
        let missing: Vec<String> = names
            .iter()
            .filter(|name| !found.contains(name.as_str()))
            .cloned()
            .collect();
        if !missing.is_empty() {
            unreached.push((entry, missing));
        }
    }
    NamedCovers { covered, unreached }
}

/// The `covers = "*"` entries that assess something, and what each takes in: the
/// packages reached only through its crate.
struct ExclusiveCovers<'s> {
    /// The entries in the file's order (the first that covers a package wins).
    entries: Vec<&'s Entry>,
    /// For the package an entry assesses (when it assesses one): the entry's place.
    by_parent: HashMap<usize, usize>,
    dominators: scope::Dominators,
    /// An entry that assesses several packages (two versions of a crate): its place,
    /// and what stays reachable without all of them.
    several: Vec<(usize, Vec<bool>)>,
}

impl<'s> ExclusiveCovers<'s> {
    fn new(graph: &Graph, scope: &Scope, soup: &'s SoupFile, parents: &HashMap<*const Entry, Vec<usize>>) -> Self {
        let entries: Vec<&Entry> = soup
            .entries
            .iter()
            .filter(|entry| entry.covers == Covers::Exclusive && parents.contains_key(&std::ptr::from_ref(*entry)))
            .collect();
        let mut by_parent = HashMap::new();
        let mut several = Vec::new();
        for (place, entry) in entries.iter().enumerate() {
            match parents[&std::ptr::from_ref(*entry)].as_slice() {
                [parent] => {
                    by_parent.insert(*parent, place);
                }
                many => several.push((place, scope::reachable_avoiding(graph, scope, many))),
            }
        }
        Self {
            entries,
            by_parent,
            dominators: scope::Dominators::new(graph, scope),
            several,
        }
    }

    /// The first entry without whose crates package `at` is not reached.
    fn covering(&self, at: usize) -> Option<&'s Entry> {
        let through_one = self
            .dominators
            .of(at)
            .filter_map(|dominator| self.by_parent.get(&dominator).copied());
        let through_several = self
            .several
            .iter()
            .filter(|(_, reachable)| !reachable[at])
            .map(|(place, _)| *place);
        through_one
            .chain(through_several)
            .min()
            .map(|place| self.entries[place])
    }
}

fn assessment_status(entry: &Entry, package: &Package, class: Class, soup: &SoupFile) -> Status {
    let drifted = entry
        .version
        .as_ref()
        .is_some_and(|assessed| assessment::version_drifted(assessed, &package.version, soup.project.stale_on));
    if drifted || assessment::license_changed(entry, package) || assessment::source_changed(entry, package) {
        Status::Stale
    } else if !assessment::missing_fields(entry, assessment::required_class(class, entry), &soup.project).is_empty() {
        Status::Incomplete
    } else {
        Status::Assessed
    }
}
