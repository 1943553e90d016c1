//! The registry facts of an online audit against an offline one (target: a repeated
//! online audit at most 1.5× the offline one). Run: `cargo bench --bench registry`.
//!
//! benches/workspace-500 is copied to a temporary folder and given a soup.toml entry
//! per item (`init`); advisory sources are off and the graph is cached. A sparse index
//! is served on 127.0.0.1 by this process, one record per crates.io crate of the
//! lockfile (its locked versions, a newer major, `pubtime`s), each with an ETag. One
//! online audit keeps a copy of every record; then, interleaved, the offline audit
//! (reading those copies) and the online one (asking every record again, answered 304
//! Not Modified). Median and minimum of repeated runs.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const RUNS: usize = 15;
const BINARY: &str = env!("CARGO_BIN_EXE_cargo-soup");

fn index_path(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    match name.len() {
        1 | 2 => format!("{}/{name}", name.len()),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

/// Index records by path, with their ETags.
fn records(lockfile: &str) -> HashMap<String, (String, String)> {
    let mut versions: HashMap<&str, Vec<&str>> = HashMap::new();
    for package in lockfile.split("[[package]]").skip(1) {
        let field = |key: &str| {
            package
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{key} = \"")))
                .and_then(|rest| rest.strip_suffix('"'))
        };
        if let (Some(name), Some(version), Some(source)) = (field("name"), field("version"), field("source"))
            && source.contains("crates.io-index")
        {
            versions.entry(name).or_default().push(version);
        }
    }
    versions
        .into_iter()
        .map(|(name, locked)| {
            let line = |version: &str, date: &str| {
                format!(
                    "{{\"name\":\"{name}\",\"vers\":\"{version}\",\"deps\":[],\"cksum\":\"00\",\"features\":{{}},\"yanked\":false,\"pubtime\":\"{date}T10:00:00Z\"}}\n"
                )
            };
            let mut body: String = locked.iter().map(|version| line(version, "2024-03-01")).collect();
            body.push_str(&line("999.0.0", "2026-10-01"));
            let tag = format!("\"{:x}\"", body.len() * 31 + name.len());
            (format!("/{}", index_path(name)), (body, tag))
        })
        .collect()
}

/// Serves the records over keep-alive connections; counts the 304 answers.
fn serve(records: HashMap<String, (String, String)>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("sparse+http://{}/", listener.local_addr().unwrap());
    let not_modified = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&not_modified);
    let records = Arc::new(records);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let records = Arc::clone(&records);
            let counted = Arc::clone(&counted);
            std::thread::spawn(move || connection(stream, &records, &counted));
        }
    });
    (url, not_modified)
}

fn connection(stream: TcpStream, records: &HashMap<String, (String, String)>, not_modified: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut first = String::new();
        if reader.read_line(&mut first).unwrap_or(0) == 0 {
            return;
        }
        let path = first.split_whitespace().nth(1).unwrap_or_default().to_string();
        let mut tag_asked = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("if-none-match")
            {
                tag_asked = Some(value.trim().to_string());
            }
        }
        let config = (
            "{\"dl\":\"https://static.crates.io/crates\"}".to_string(),
            String::new(),
        );
        let found = if path == "/config.json" {
            Some(&config)
        } else {
            records.get(&path)
        };
        let answer = match found {
            Some((_, tag)) if tag_asked.as_deref() == Some(tag.as_str()) => {
                not_modified.fetch_add(1, Ordering::Relaxed);
                format!("HTTP/1.1 304 Not Modified\r\nETag: {tag}\r\nContent-Length: 0\r\n\r\n")
            }
            Some((body, tag)) => format!(
                "HTTP/1.1 200 OK\r\nETag: {tag}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
            None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_string(),
        };
        if stream.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

fn audit(manifest: &Path, cache: &Path, url: &str, online: bool) -> Duration {
    let mut command = Command::new(BINARY);
    command
        .args([
            "audit",
            "--locked",
            "--no-rustsec",
            "--no-osv",
            "--as-of",
            "2026-11-25",
            "--manifest-path",
        ])
        .arg(manifest)
        .env("CARGO_SOUP_CACHE", cache)
        .env("CARGO_SOUP_INDEX_URL", url)
        .stdout(std::process::Stdio::null());
    if online {
        command.env_remove("CARGO_SOUP_OFFLINE");
    } else {
        command.env("CARGO_SOUP_OFFLINE", "1");
    }
    let start = Instant::now();
    let status = command.status().unwrap();
    assert!(matches!(status.code(), Some(0 | 1)), "the audit ran");
    start.elapsed()
}

fn report(label: &str, mut times: Vec<Duration>) -> f64 {
    times.sort();
    let median = times[times.len() / 2].as_secs_f64() * 1e3;
    println!(
        "{label}: median {median:.1} ms, min {:.1} ms",
        times[0].as_secs_f64() * 1e3
    );
    median
}

fn main() {
    let scratch = std::env::temp_dir().join(format!("cargo-soup-registry-bench-{}", std::process::id()));
    let workspace = scratch.join("workspace");
    std::fs::create_dir_all(&scratch).unwrap();
    let copied = Command::new("cp")
        .arg("-r")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/workspace-500"))
        .arg(&workspace)
        .status()
        .unwrap();
    assert!(copied.success());
    let manifest = workspace.join("Cargo.toml");
    let cache: PathBuf = scratch.join("cache");
    let init = Command::new(BINARY)
        .args(["init", "-q", "--locked", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_SOUP_CACHE", &cache)
        .env("CARGO_SOUP_OFFLINE", "1")
        .status()
        .unwrap();
    assert!(init.success());
    let records = records(&std::fs::read_to_string(workspace.join("Cargo.lock")).unwrap());
    let crates = records.len();
    let (url, not_modified) = serve(records);
    // Keeps a copy of every record and caches the graph.
    audit(&manifest, &cache, &url, true);
    not_modified.store(0, Ordering::Relaxed);
    let (mut offline, mut online) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        offline.push(audit(&manifest, &cache, &url, false));
        online.push(audit(&manifest, &cache, &url, true));
    }
    println!(
        "{crates} crates.io crates; {} answers 304 over {RUNS} online audits",
        not_modified.load(Ordering::Relaxed)
    );
    let offline = report("audit offline (kept copies)", offline);
    let online = report("audit online, repeated (304 for each crate)", online);
    println!("online/offline {:.2} (target <= 1.50)", online / offline);
    std::fs::remove_dir_all(&scratch).ok();
}
