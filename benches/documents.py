#!/usr/bin/env python3
"""Benchmark: `cargo soup report` and `cargo soup sbom` against `cargo soup list` (issue 7).

On the ~500-package workspace of benches/workspace-500 with a soup.toml entry per item
(written by `init`) and the full RustSec database, each document takes at most 1.5x the
time of the SOUP list. Measured twice: with the graph cache warm (a repeated run, as in
CI after the audit) and with --no-cache (cargo metadata every time). Runs interleaved.

Usage: python3 benches/documents.py [RUNS] [--db DIR]
"""
import argparse
import os
import tempfile

from harness import BINARY, ROOT, assessed_workspace, build, measure


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="?", type=int, default=15)
    parser.add_argument("--db", default=os.path.join(ROOT, "..", "shared", "data", "advisory-db"))
    args = parser.parse_args()
    build()
    with tempfile.TemporaryDirectory() as scratch:
        workspace, manifest, env = assessed_workspace(scratch, as_cargo_subcommand=True)
        common = ["--locked", "--offline", "--manifest-path", manifest]
        db = ["--advisory-db", os.path.abspath(args.db), "--no-osv", "--as-of", "2026-11-25"]
        print(f"workspace: {open(os.path.join(workspace, 'Cargo.lock')).read().count('[[package]]')} packages, "
              f"{args.runs} runs each")
        for mode, extra in [("graph cached", []), ("--no-cache", ["--no-cache"])]:
            print(f"-- {mode}")
            medians = measure([
                ("list --format json", [BINARY, "list", "--format", "json"] + common + extra),
                ("report --format html", [BINARY, "report", "--format", "html"] + common + db + extra),
                ("report --format markdown", [BINARY, "report", "--format", "markdown"] + common + db + extra),
                ("sbom", [BINARY, "sbom"] + common + db + extra),
            # A report is a draft (exit 1) while the init-written entries hold placeholders.
            ], args.runs, env, ok=(0, 1))
            medians = {name: median for name, (median, _) in medians.items()}
            base = medians["list --format json"]
            print("   ratios to list: " + ", ".join(
                f"{name} {value / base:.2f}" for name, value in medians.items() if name != "list --format json")
                + " (target <= 1.5)")


if __name__ == "__main__":
    main()
