//! `list --why CRATE`: the paths from workspace members to a package, inverted like
//! `cargo tree -i`, over the edges that are in scope.

use crate::graph::scope::{self, Scope};
use crate::graph::{DepKind, Graph};
use anyhow::Result;
use std::collections::BTreeSet;
use std::fmt::Write;

pub fn tree(graph: &Graph, scope: &Scope, spec: &str) -> Result<String> {
    let matches = graph.select(spec, &format!("--why {spec}"))?;
    let reach = scope::walk(graph, scope);
    // Parents by child, over in-scope edges from packages that are themselves reached.
    let mut parents: Vec<Vec<(usize, BTreeSet<DepKind>)>> = vec![Vec::new(); graph.packages.len()];
    for (from, edges) in graph.edges.iter().enumerate() {
        if !(reach[from].in_scope() || graph.packages[from].is_member) {
            continue;
        }
        for edge in edges {
            let kinds = scope.edge_kinds_anywhere(edge);
            if !kinds.is_empty() {
                parents[edge.to].push((from, kinds));
            }
        }
    }
    for list in &mut parents {
        list.sort_by(|a, b| {
            (&graph.packages[a.0].name, &graph.packages[a.0].version)
                .cmp(&(&graph.packages[b.0].name, &graph.packages[b.0].version))
        });
    }
    let mut out = String::new();
    for (number, &at) in matches.iter().enumerate() {
        if number > 0 {
            out.push('\n');
        }
        let package = &graph.packages[at];
        if graph.packages[at].is_member {
            let _ = writeln!(
                out,
                "{} v{} is a workspace member, not SOUP",
                package.name, package.version
            );
            continue;
        }
        if !reach[at].in_scope() {
            let _ = writeln!(
                out,
                "{} v{} is in the dependency graph but not in scope: no member reaches it through the dependency kinds ({}) and targets in scope",
                package.name,
                package.version,
                scope
                    .kinds
                    .iter()
                    .map(|kind| kind.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            continue;
        }
        let _ = writeln!(out, "{} v{}", package.name, package.version);
        let mut printed = BTreeSet::from([at]);
        print_parents(graph, &parents, at, "", &mut printed, &mut out);
    }
    Ok(out)
}

fn print_parents(
    graph: &Graph,
    parents: &[Vec<(usize, BTreeSet<DepKind>)>],
    at: usize,
    prefix: &str,
    printed: &mut BTreeSet<usize>,
    out: &mut String,
) {
    let list = &parents[at];
    for (number, (parent, kinds)) in list.iter().enumerate() {
        let last = number + 1 == list.len();
        let package = &graph.packages[*parent];
        let kind_note = if kinds.contains(&DepKind::Normal) {
            String::new()
        } else {
            format!(
                " [{}]",
                kinds.iter().map(|kind| kind.as_str()).collect::<Vec<_>>().join(", ")
            )
        };
        let member_note = if package.is_member { " (workspace member)" } else { "" };
        let seen = !printed.insert(*parent);
        let _ = writeln!(
            out,
            "{prefix}{}{} v{}{kind_note}{member_note}{}",
            if last { "└── " } else { "├── " },
            package.name,
            package.version,
            if seen && !parents[*parent].is_empty() {
                " (*)"
            } else {
                ""
            }
        );
        if !seen {
            let child_prefix = format!("{prefix}{}", if last { "    " } else { "│   " });
            print_parents(graph, parents, *parent, &child_prefix, printed, out);
        }
    }
}
