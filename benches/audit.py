#!/usr/bin/env python3
"""Benchmark: `cargo soup audit` against `cargo metadata`, first and repeated.

Target (issue 4): on the ~500-package workspace of benches/workspace-500 with a
soup.toml entry per SOUP item (written by `cargo soup init`), advisory sources off:
- a repeated audit on unchanged inputs (graph cache warm) takes at most 0.5x the time
  of one `cargo metadata --format-version 1`;
- a first audit (empty cache: cargo metadata runs and the cache is written) at most 1.3x.

Wall time: median of RUNS runs after one warm-up. The workspace is copied to a temporary
folder so the committed one stays without a soup.toml; the cache lives in a temporary
CARGO_SOUP_CACHE. audit exits 1 (the placeholders are findings), which is expected.

Usage: python3 benches/audit.py [RUNS]   (builds the release binary first)
"""
import os
import re
import shutil
import sys
import tempfile

from harness import BINARY, assessed_workspace, build, measure


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    build()
    with tempfile.TemporaryDirectory() as scratch:
        workspace, manifest, env = assessed_workspace(scratch)
        cache = env["CARGO_SOUP_CACHE"]
        entries = len(re.findall(r"^\[soup\.[^.\]]+\]$|^\[soup\.\"[^\"]+\"\]$", open(os.path.join(workspace, "soup.toml")).read(), re.M))
        print(f"workspace: {open(os.path.join(workspace, 'Cargo.lock')).read().count('[[package]]')} packages, "
              f"soup.toml with {entries} entries, {runs} runs each")
        metadata = ["cargo", "metadata", "--format-version", "1", "--locked", "--manifest-path", manifest]
        audit = [BINARY, "audit", "--locked", "--no-rustsec", "--no-osv", "--as-of", "2026-11-25", "--manifest-path", manifest]
        empty_cache = lambda: shutil.rmtree(cache, ignore_errors=True)
        results = measure([
            ("cargo metadata", metadata),
            ("cargo soup audit, first (empty cache)", audit, empty_cache),
            ("cargo soup audit, repeated (cache warm)", audit),
        ], runs, env, ok=(0, 1))
        base = results["cargo metadata"][0]
        first = results["cargo soup audit, first (empty cache)"][0]
        repeated = results["cargo soup audit, repeated (cache warm)"][0]
        print(f"first/metadata {first / base:.2f} (target <= 1.30); "
              f"repeated/metadata {repeated / base:.2f} (target <= 0.50)")


if __name__ == "__main__":
    main()
