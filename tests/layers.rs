//! The layering rules that can be checked on the source: only `main.rs` and the
//! commands print; everything below them returns data (warnings included), which the
//! command shows.

use std::path::Path;

fn rust_files(folder: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn only_main_and_the_commands_print() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let printers = ["println!", "eprintln!", "print!", "eprint!", "dbg!"];
    let mut offenders = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if relative == "main.rs" || relative.starts_with("commands/") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if printers.iter().any(|printer| {
                code.match_indices(printer)
                    .any(|(at, _)| !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
            }) {
                offenders.push(format!("src/{relative}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "library code prints; return the text and let the command print it:\n{}",
        offenders.join("\n")
    );
}

/// The top-level modules of src/ and the ones each names as `crate::…`, test modules
/// left out.
fn module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let module = relative.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let uses = graph.entry(module.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                uses.insert(name);
            }
        }
    }
    graph
}

/// No two modules depend on each other, however indirectly: each layer can be read,
/// tested and changed without the ones above it.
#[test]
fn the_modules_form_no_cycle() {
    let graph = module_graph();
    // Depth-first, with the path so far: a module met again on it closes a cycle.
    fn visit<'g>(
        at: &'g str,
        graph: &'g std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<&'g str>,
        done: &mut std::collections::BTreeSet<&'g str>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|module| *module == at) {
            let mut cycle: Vec<String> = path[start..].iter().map(|module| module.to_string()).collect();
            cycle.push(at.to_string());
            return Some(cycle);
        }
        if !done.insert(at) {
            return None;
        }
        path.push(at);
        for next in graph.get(at).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = std::collections::BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(module, &graph, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

/// The edges that would put I/O or flags under the pure parts: only the commands use
/// the commands; the flags reach only the commands and the two loaders that still take
/// them; the rules, the inventory and the renderers do no I/O and read no flags.
#[test]
fn no_module_reaches_up_a_layer() {
    let graph = module_graph();
    let io_and_flags = [
        "commands",
        "cli",
        "workspace",
        "advisory_data",
        "fetch",
        "net",
        "dtrack",
        "atomic_file",
        "registry",
        "imports",
    ];
    let mut offenders = Vec::new();
    for (module, uses) in &graph {
        for used in uses {
            let allowed = match used.as_str() {
                "commands" => false,
                "cli" => ["commands", "workspace", "advisory_data"].contains(&module.as_str()),
                _ if [
                    "assessment",
                    "inventory",
                    "rules",
                    "audit",
                    "render",
                    "plans",
                    "sidecar",
                    "graph",
                    "finding",
                ]
                .contains(&module.as_str()) =>
                {
                    !io_and_flags.contains(&used.as_str()) || (module == "graph" && used == "atomic_file")
                }
                _ => true,
            };
            if !allowed {
                offenders.push(format!("{module} -> {used}"));
            }
        }
    }
    assert!(offenders.is_empty(), "edges across the layers: {offenders:?}");
}
