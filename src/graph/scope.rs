//! Which packages are SOUP: reached from a workspace member through dependency kinds
//! and target platforms the device ships.

use super::platform::TargetCfg;
use super::{DepKind, Edge, Graph};
use std::collections::{BTreeSet, VecDeque};

/// The device's scope: the dependency kinds that make a package SOUP, and the target
/// triples it ships for (`None`: every platform, so no target-specific dependency is
/// left out).
#[derive(Debug, Clone)]
pub struct Scope {
    pub kinds: BTreeSet<DepKind>,
    pub targets: Option<Vec<TargetCfg>>,
}

impl Default for Scope {
    fn default() -> Self {
        Self {
            kinds: [DepKind::Normal, DepKind::Build].into_iter().collect(),
            targets: None,
        }
    }
}

impl Scope {
    /// The kinds by which an edge counts in this scope: declared with an allowed kind,
    /// for a platform active on at least one target.
    pub fn edge_kinds(&self, edge: &Edge) -> BTreeSet<DepKind> {
        edge.kinds
            .iter()
            .filter(|(kind, _)| self.kinds.contains(kind))
            .filter(|(_, platform)| match (platform, &self.targets) {
                (None, _) | (_, None) => true,
                (Some(platform), Some(targets)) => targets.iter().any(|target| target.is_active(platform)),
            })
            .map(|(kind, _)| *kind)
            .collect()
    }
}

/// How one package is reached in scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// Workspace members (package indices) that reach it.
    pub members: BTreeSet<usize>,
    /// The kinds of the paths that reach it: a path is `build` if any edge on it is a
    /// build-dependency, `dev` if any is a dev-dependency.
    pub kinds: BTreeSet<DepKind>,
    /// A workspace member depends on it directly.
    pub direct: bool,
}

impl Reach {
    pub fn in_scope(&self) -> bool {
        !self.members.is_empty()
    }
}

/// Walks the graph from every member; `reach[i]` says how package `i` is reached.
/// Members themselves are walked through (a member's dependencies reach the members
/// that depend on it) but are never SOUP.
pub fn walk(graph: &Graph, scope: &Scope) -> Vec<Reach> {
    let edge_kinds: Vec<Vec<BTreeSet<DepKind>>> = graph
        .edges
        .iter()
        .map(|edges| edges.iter().map(|edge| scope.edge_kinds(edge)).collect())
        .collect();
    let mut reach = vec![Reach::default(); graph.packages.len()];
    for &member in &graph.members {
        for (edge, kinds) in graph.edges[member].iter().zip(&edge_kinds[member]) {
            if !kinds.is_empty() {
                reach[edge.to].direct = true;
            }
        }
        // States are (package, kind of the path so far); each is visited once per member.
        let mut seen = vec![[false; 3]; graph.packages.len()];
        let mut queue = VecDeque::from([(member, DepKind::Normal)]);
        seen[member][DepKind::Normal as usize] = true;
        while let Some((at, path_kind)) = queue.pop_front() {
            if at != member {
                reach[at].members.insert(member);
                reach[at].kinds.insert(path_kind);
            }
            for (edge, kinds) in graph.edges[at].iter().zip(&edge_kinds[at]) {
                for &kind in kinds {
                    let next = path_kind.max(kind);
                    if !std::mem::replace(&mut seen[edge.to][next as usize], true) {
                        queue.push_back((edge.to, next));
                    }
                }
            }
        }
    }
    reach
}

/// Packages still reachable from the members when `avoid` is taken out of the graph:
/// what is not, but was in scope, is reached only through `avoid`.
pub fn reachable_avoiding(graph: &Graph, scope: &Scope, avoid: &[usize]) -> Vec<bool> {
    let mut reachable = vec![false; graph.packages.len()];
    for &at in avoid {
        // Marked as visited so the walk never enters it.
        reachable[at] = true;
    }
    let mut queue: VecDeque<usize> = graph
        .members
        .iter()
        .copied()
        .filter(|&member| !avoid.contains(&member))
        .collect();
    for &member in &queue {
        reachable[member] = true;
    }
    while let Some(at) = queue.pop_front() {
        for edge in &graph.edges[at] {
            if !reachable[edge.to] && !scope.edge_kinds(edge).is_empty() {
                reachable[edge.to] = true;
                queue.push_back(edge.to);
            }
        }
    }
    for &at in avoid {
        reachable[at] = false;
    }
    reachable
}
