#!/usr/bin/env python3
"""Benchmark: `cargo soup list --format json` against `cargo metadata` alone.

Target (issue 2): on the ~500-package workspace in benches/workspace-500, warm,
list takes at most 1.2x the time of `cargo metadata --format-version 1`, and its own
peak memory stays under cargo metadata's.

Wall time: median of RUNS runs after one warm-up run. Peak memory: the high-water
mark (VmHWM) of each process itself, sampled from /proc while it runs. wait4's
maxrss cannot be used for cargo-soup: the kernel folds the waited-for cargo metadata
child into it.

Usage: python3 benches/list.py [RUNS]   (builds the release binary first)
"""
import os
import subprocess
import sys

from harness import measure

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "benches", "workspace-500", "Cargo.toml")
BINARY = os.path.join(ROOT, "target", "release", "cargo-soup")


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    packages = open(MANIFEST.replace("Cargo.toml", "Cargo.lock")).read().count("[[package]]")
    print(f"workspace: {packages} packages in Cargo.lock, {runs} runs each")
    metadata = ["cargo", "metadata", "--format-version", "1", "--locked", "--manifest-path", MANIFEST]
    # --no-cache: this measures the graph walk itself; benches/audit.py measures the cache.
    soup = [BINARY, "list", "--format", "json", "--locked", "--no-cache", "--manifest-path", MANIFEST]
    results = measure([("cargo metadata", metadata), ("cargo soup list --format json", soup)], runs)
    base_time, base_peak = results["cargo metadata"]
    soup_time, soup_peak = results["cargo soup list --format json"]
    print(f"time ratio {soup_time / base_time:.2f} (target <= 1.20); "
          f"peak memory ratio {soup_peak / base_peak:.2f} (target < 1.00)")


if __name__ == "__main__":
    main()
