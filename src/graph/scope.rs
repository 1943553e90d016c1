//! Which packages are SOUP: reached from a workspace member through dependency kinds
//! and target platforms the device ships.

use super::platform::TargetCfg;
use super::{DepKind, Edge, Graph};
use std::collections::{BTreeSet, VecDeque};

/// The device's scope: the dependency kinds that make a package SOUP, the target
/// triples it ships for (`None`: every platform, so no target-specific dependency is
/// left out), and the build host on which build scripts and proc-macros run.
#[derive(Debug, Clone)]
pub struct Scope {
    pub kinds: BTreeSet<DepKind>,
    pub targets: Option<Vec<TargetCfg>>,
    /// Only consulted when `targets` is set; `None` evaluates host code for the targets.
    pub host: Option<TargetCfg>,
}

impl Default for Scope {
    fn default() -> Self {
        Self {
            kinds: [DepKind::Normal, DepKind::Build].into_iter().collect(),
            targets: None,
            host: None,
        }
    }
}

/// Where the code of a package on a path is compiled for, which decides the platform
/// its target-specific dependencies are evaluated for (as Cargo's feature resolver does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltFor {
    Target,
    Host,
}

impl Scope {
    /// The kinds by which an edge counts in this scope when its parent is compiled for
    /// `platform`: declared with an allowed kind, for a platform active there.
    /// A build-dependency is declared for the build script, which runs on the host, so
    /// its `[target.'cfg(..)'.build-dependencies]` condition is the host's whatever the
    /// parent is compiled for (Cargo's feature resolver does the same).
    pub fn edge_kinds(&self, edge: &Edge, platform: BuiltFor) -> BTreeSet<DepKind> {
        let active = |kind: DepKind| -> &[TargetCfg] {
            let on_host = kind == DepKind::Build || platform == BuiltFor::Host;
            match (&self.targets, &self.host) {
                (None, _) => &[],
                (Some(_), Some(host)) if on_host => std::slice::from_ref(host),
                (Some(targets), _) => targets,
            }
        };
        edge.kinds
            .iter()
            .filter(|(kind, _)| self.kinds.contains(kind))
            .filter(|(kind, dep_platform)| match dep_platform {
                Some(dep_platform) if self.targets.is_some() => {
                    active(*kind).iter().any(|cfg| cfg.is_active(dep_platform))
                }
                _ => true,
            })
            .map(|(kind, _)| *kind)
            .collect()
    }

    /// `(target_os, target_arch)` of each target the device ships for, as advisories
    /// name platforms; `None`: every platform.
    pub fn target_platforms(&self) -> Option<Vec<(String, String)>> {
        self.targets.as_ref().map(|targets| {
            targets
                .iter()
                .map(|target| {
                    let os = target.value("target_os").unwrap_or("none").to_string();
                    let arch = target.value("target_arch").unwrap_or_default().to_string();
                    (os, arch)
                })
                .collect()
        })
    }

    /// The kinds by which an edge counts for either platform: for views that do not
    /// follow paths (`--why`, coverage), where including an edge errs on the safe side.
    pub fn edge_kinds_anywhere(&self, edge: &Edge) -> BTreeSet<DepKind> {
        let mut kinds = self.edge_kinds(edge, BuiltFor::Target);
        kinds.extend(self.edge_kinds(edge, BuiltFor::Host));
        kinds
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
    let kinds_for = |platform| -> Vec<Vec<BTreeSet<DepKind>>> {
        graph
            .edges
            .iter()
            .map(|edges| edges.iter().map(|edge| scope.edge_kinds(edge, platform)).collect())
            .collect()
    };
    let target_kinds = kinds_for(BuiltFor::Target);
    // Without targets every platform is in scope, and host and target agree.
    let host_kinds = scope.targets.is_some().then(|| kinds_for(BuiltFor::Host));
    let mut reach = vec![Reach::default(); graph.packages.len()];
    for &member in &graph.members {
        for (edge, kinds) in graph.edges[member].iter().zip(&target_kinds[member]) {
            if !kinds.is_empty() {
                reach[edge.to].direct = true;
            }
        }
        // States are (package, kind of the path so far, compiled for the host); each is
        // visited once per member.
        let state = |kind: DepKind, platform: BuiltFor| kind as usize * 2 + usize::from(platform == BuiltFor::Host);
        let mut seen = vec![[false; 6]; graph.packages.len()];
        let mut queue = VecDeque::from([(member, DepKind::Normal, BuiltFor::Target)]);
        seen[member][state(DepKind::Normal, BuiltFor::Target)] = true;
        while let Some((at, path_kind, platform)) = queue.pop_front() {
            if at != member {
                reach[at].members.insert(member);
                reach[at].kinds.insert(path_kind);
            }
            let edge_kinds = match (platform, &host_kinds) {
                (BuiltFor::Host, Some(host_kinds)) => &host_kinds[at],
                _ => &target_kinds[at],
            };
            for (edge, kinds) in graph.edges[at].iter().zip(edge_kinds) {
                for &kind in kinds {
                    let next_kind = path_kind.max(kind);
                    // Build scripts and proc-macros, and all they depend on, run on the host.
                    let next_platform = if kind == DepKind::Build || graph.packages[edge.to].is_proc_macro {
                        BuiltFor::Host
                    } else {
                        platform
                    };
                    if !std::mem::replace(&mut seen[edge.to][state(next_kind, next_platform)], true) {
                        queue.push_back((edge.to, next_kind, next_platform));
                    }
                }
            }
        }
    }
    reach
}

/// Packages reached from `starts` (not counting a start unless a path leads back to
/// it), over the edges that count on any platform of the scope.
pub fn reachable_from(graph: &Graph, scope: &Scope, starts: &[usize]) -> Vec<bool> {
    let mut reached = vec![false; graph.packages.len()];
    let mut queue: VecDeque<usize> = starts.iter().copied().collect();
    while let Some(at) = queue.pop_front() {
        for edge in &graph.edges[at] {
            if !reached[edge.to] && !scope.edge_kinds_anywhere(edge).is_empty() {
                reached[edge.to] = true;
                queue.push_back(edge.to);
            }
        }
    }
    reached
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
            if !reachable[edge.to] && !scope.edge_kinds_anywhere(edge).is_empty() {
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

/// Which packages every path from the members to a package passes: the dominator tree
/// of the graph, rooted in the members, over the edges that count on any platform of
/// the scope (Cooper, Harvey and Kennedy's iterative algorithm). One pass serves every
/// `covers = "*"` entry: a package is reached only through package D when D dominates it.
pub struct Dominators {
    /// The immediate dominator of each package (the root, index `len`, for a member;
    /// `None` for a package no member reaches).
    immediate: Vec<Option<usize>>,
}

impl Dominators {
    pub fn new(graph: &Graph, scope: &Scope) -> Self {
        let root = graph.packages.len();
        let mut successors: Vec<Vec<usize>> = graph
            .edges
            .iter()
            .map(|edges| {
                edges
                    .iter()
                    .filter(|edge| !scope.edge_kinds_anywhere(edge).is_empty())
                    .map(|edge| edge.to)
                    .collect()
            })
            .collect();
        successors.push(graph.members.clone());
        let mut predecessors = vec![Vec::new(); root + 1];
        for (from, tos) in successors.iter().enumerate() {
            for &to in tos {
                predecessors[to].push(from);
            }
        }
        // Postorder numbers from a depth-first walk; the root comes last.
        let mut number = vec![usize::MAX; root + 1];
        let mut postorder = Vec::with_capacity(root + 1);
        let mut visited = vec![false; root + 1];
        visited[root] = true;
        let mut stack = vec![(root, 0)];
        while let Some((at, next)) = stack.last_mut() {
            let at = *at;
            if let Some(&to) = successors[at].get(*next) {
                *next += 1;
                if !std::mem::replace(&mut visited[to], true) {
                    stack.push((to, 0));
                }
            } else {
                number[at] = postorder.len();
                postorder.push(at);
                stack.pop();
            }
        }
        let mut immediate = vec![usize::MAX; root + 1];
        immediate[root] = root;
        let intersect = |immediate: &[usize], mut a: usize, mut b: usize| {
            while a != b {
                while number[a] < number[b] {
                    a = immediate[a];
                }
                while number[b] < number[a] {
                    b = immediate[b];
                }
            }
            a
        };
        let mut changed = true;
        while changed {
            changed = false;
            for &at in postorder.iter().rev().skip(1) {
                let mut new = usize::MAX;
                for &from in &predecessors[at] {
                    if immediate[from] != usize::MAX {
                        new = if new == usize::MAX {
                            from
                        } else {
                            intersect(&immediate, from, new)
                        };
                    }
                }
                if immediate[at] != new {
                    immediate[at] = new;
                    changed = true;
                }
            }
        }
        immediate.pop();
        Self {
            immediate: immediate
                .into_iter()
                .map(|dominator| (dominator != usize::MAX).then_some(dominator))
                .collect(),
        }
    }

    /// The packages every path from a member to `at` passes, nearest first; neither `at`
    /// itself nor the root of the members.
    pub fn of(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        let root = self.immediate.len();
        // The root is past the end of `immediate`, so the walk ends there.
        std::iter::successors(self.immediate[at], move |&dominator| {
            self.immediate.get(dominator).copied().flatten()
        })
        .take_while(move |&dominator| dominator != root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Package, toolchain};
    use proptest::prelude::*;

    fn graph(members: usize, edges: &[(usize, usize)], packages: usize) -> Graph {
        let version = semver::Version::new(1, 0, 0);
        let packages: Vec<Package> = (0..packages)
            .map(|at| Package {
                name: format!("p{at}"),
                is_member: at < members,
                ..toolchain::package(&version, None)
            })
            .collect();
        let mut out = vec![Vec::new(); packages.len()];
        for &(from, to) in edges {
            out[from].push(Edge {
                to,
                kinds: vec![(DepKind::Normal, None)],
            });
        }
        Graph {
            workspace_root: "/w".into(),
            root_package: None,
            toolchain: None,
            host: None,
            members: (0..members).collect(),
            packages,
            edges: out,
            targets: Vec::new(),
            created_lockfile: false,
        }
    }

    proptest! {
        /// A package is reached only through D exactly when D dominates it: the one pass
        /// agrees with a walk that leaves D out, on graphs with cycles and shared parts.
        #[test]
        fn dominators_agree_with_walks_that_leave_a_package_out(
            members in 1usize..3,
            extra in 1usize..12,
            edges in proptest::collection::vec((0usize..14, 0usize..14), 0..40),
        ) {
            let count = members + extra;
            let edges: Vec<(usize, usize)> = edges.into_iter().map(|(a, b)| (a % count, b % count)).collect();
            let graph = graph(members, &edges, count);
            let scope = Scope::default();
            let dominators = Dominators::new(&graph, &scope);
            let reached = reachable_avoiding(&graph, &scope, &[]);
            for avoid in members..count {
                let without = reachable_avoiding(&graph, &scope, &[avoid]);
                for at in (members..count).filter(|&at| at != avoid && reached[at]) {
                    let only_through = !without[at];
                    let dominated = dominators.of(at).any(|dominator| dominator == avoid);
                    prop_assert_eq!(only_through, dominated, "{} through {} in {:?}", at, avoid, edges);
                }
            }
        }
    }
}
