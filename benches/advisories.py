#!/usr/bin/env python3
"""Benchmark: `cargo soup audit` with RustSec against `cargo audit`, on the same lockfile
and database (issue 5).

Like for like: offline, neither tool checks yanked crates, so the reference is
`cargo audit --no-fetch --no-yanked` (cargo-audit loads the whole database every time).
cargo soup runs with RustSec only (benches/osv.py measures OSV) on the ~500-package workspace of benches/workspace-500 with a soup.toml
entry per item (written by `init`), its graph from the cache (a repeated run), as
`cargo soup` runs it: with CARGO naming the real cargo binary. Both binaries are
started directly, so each process's own peak memory (VmHWM, sampled from /proc) is
measured, not a wrapper's. Targets: time <= 1.0x and peak memory <= 1.5x cargo-audit's.
Also: what RustSec adds to an uncached audit (`--no-cache`, with and without
`--no-rustsec`); target <= 50 ms.

cargo-audit is installed for the benchmark only:
    cargo install cargo-audit --locked --root /tmp/cargo-audit
Usage: python3 benches/advisories.py [RUNS] [--db DIR] [--cargo-audit PATH]
"""
import argparse
import os
import tempfile

from harness import BINARY, ROOT, assessed_workspace, build, git_checkout, measure


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="?", type=int, default=21)
    parser.add_argument("--db", default=os.path.join(ROOT, "..", "shared", "data", "advisory-db"))
    parser.add_argument("--cargo-audit", default="/tmp/cargo-audit/bin/cargo-audit")
    args = parser.parse_args()
    build()
    with tempfile.TemporaryDirectory() as scratch:
        workspace, manifest, env = assessed_workspace(scratch, as_cargo_subcommand=True)
        db = os.path.abspath(args.db)
        git_db = git_checkout(db, scratch)
        lockfile = os.path.join(workspace, "Cargo.lock")
        print(f"workspace: {open(lockfile).read().count('[[package]]')} packages; database: {db}; {args.runs} runs")
        soup = [BINARY, "audit", "--offline", "--locked", "--advisory-db", db, "--no-osv", "--manifest-path", manifest]
        audit = [args.cargo_audit, "audit", "--db", git_db, "--no-fetch", "--no-yanked", "--file", lockfile]
        cached = measure([
            ("cargo audit --no-fetch --no-yanked", audit),
            ("cargo soup audit --offline (graph cached)", soup),
        ], args.runs, env, ok=(0, 1))
        reference, ours = cached["cargo audit --no-fetch --no-yanked"], cached["cargo soup audit --offline (graph cached)"]
        print(f"time {ours[0] / reference[0]:.2f}x (target <= 1.0), peak memory {ours[1] / reference[1]:.2f}x "
              f"(target <= 1.5)")
        uncached = measure([
            ("cargo soup audit --no-cache --no-rustsec", soup + ["--no-cache", "--no-rustsec"]),
            ("cargo soup audit --no-cache (RustSec)", soup + ["--no-cache"]),
        ], args.runs, env, ok=(0, 1))
        added = uncached["cargo soup audit --no-cache (RustSec)"][0] - uncached["cargo soup audit --no-cache --no-rustsec"][0]
        print(f"RustSec adds {added * 1000:.1f} ms to an uncached audit (target <= 50 ms)")


if __name__ == "__main__":
    main()
