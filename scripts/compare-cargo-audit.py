#!/usr/bin/env python3
"""Compares the RUSTSEC ids `cargo soup audit` reports with the ones cargo-audit reports,
for the same lockfiles and the same advisory database (issue 5's correctness bar), and
the ids cargo soup finds from OSV records of the same advisories (RustSec's OSV export)
with those it finds from the advisory-db itself (issue 6: the OSV evaluation of
`affected[]` must agree with RustSec's own matching).

cargo soup runs with every dependency kind and every target in scope, all features and
an empty soup.toml, so that like cargo-audit it checks every package of Cargo.lock.
Both tools' ids are compared as sets: vulnerabilities and the informational kinds
(unmaintained, unsound, notice); cargo-audit's `yanked` warnings are left out, since
neither tool looks at the registry here.

cargo-audit is installed for the comparison only (never a dependency of cargo soup):
    cargo install cargo-audit --locked --root /tmp/cargo-audit
cargo-audit wants the database as a git checkout; a copy of DB is committed into a
temporary repository when DB is not one.

Usage: python3 scripts/compare-cargo-audit.py [--db DIR] [--osv DIR] [--cargo-audit PATH] [WORKSPACE...]
Defaults: the snapshots in ../shared/data/advisory-db and ../shared/data/osv/crates.io,
/tmp/cargo-audit/bin/cargo-audit,
and the workspaces benches/compare/*, benches/workspace-500, fixtures/vulnerable,
fixtures/demo. Exit status 1 when any set differs.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benches"))
from harness import git_checkout  # noqa: E402
ADVISORY_KINDS = {"vulnerability", "unsound", "unmaintained", "notice"}


def cargo_audit_ids(cargo_audit, db, lockfile):
    result = subprocess.run([cargo_audit, "audit", "--db", db, "--no-fetch", "--json", "--file", lockfile],
                            capture_output=True, text=True)
    report = json.loads(result.stdout)
    ids = {entry["advisory"]["id"] for entry in report["vulnerabilities"]["list"]}
    for kind, warnings in report.get("warnings", {}).items():
        if kind == "yanked":
            continue
        ids |= {warning["advisory"]["id"] for warning in warnings if warning.get("advisory")}
    return ids


def cargo_soup_ids(binary, source, workspace, scratch):
    """`source` picks the data: ["--advisory-db", DIR, "--no-osv"] or the OSV form."""
    soup = os.path.join(scratch, "soup.toml")
    with open(soup, "w") as file:
        file.write('schema = 1\n[project]\nkinds = ["normal", "build", "dev"]\nadvisory-max-age = "36500d"\n')
    result = subprocess.run([binary, "audit", "--locked", "--offline", "--all-features", "--format", "json",
                             "--no-cache", *source, "--soup-file", soup,
                             "--manifest-path", os.path.join(workspace, "Cargo.toml")],
                            capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"cargo soup audit failed on {workspace}:\n{result.stderr}")
    report = json.loads(result.stdout)
    return {finding["advisory"]["id"] for finding in report["findings"]
            if finding["code"] in ADVISORY_KINDS and finding["advisory"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=os.path.join(ROOT, "..", "shared", "data", "advisory-db"))
    parser.add_argument("--osv", default=os.path.join(ROOT, "..", "shared", "data", "osv", "crates.io"))
    parser.add_argument("--cargo-audit", default="/tmp/cargo-audit/bin/cargo-audit")
    parser.add_argument("workspaces", nargs="*")
    args = parser.parse_args()
    workspaces = args.workspaces or (
        sorted(glob.glob(os.path.join(ROOT, "benches", "compare", "*")))
        + [os.path.join(ROOT, path) for path in ["benches/workspace-500", "fixtures/vulnerable", "fixtures/demo"]])
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "cargo-soup")
    differences = 0
    with tempfile.TemporaryDirectory() as scratch:
        db = git_checkout(os.path.abspath(args.db), scratch)
        print(f"advisory database: {os.path.abspath(args.db)}")
        print(f"osv records:       {os.path.abspath(args.osv)}")
        print(f"{'workspace':24} {'packages':>8} {'cargo-audit':>11} {'soup rustsec':>12} {'soup osv':>8} {'both':>5}  result")
        for workspace in workspaces:
            lockfile = os.path.join(workspace, "Cargo.lock")
            packages = open(lockfile).read().count("[[package]]")
            expected = cargo_audit_ids(args.cargo_audit, db, lockfile)
            found = cargo_soup_ids(binary, ["--advisory-db", db, "--no-osv"], workspace, scratch)
            from_osv = cargo_soup_ids(binary, ["--osv-db", args.osv, "--no-rustsec"], workspace, scratch)
            # Both sources: every twin merged back into its RustSec advisory.
            both = cargo_soup_ids(binary, ["--advisory-db", db, "--osv-db", args.osv], workspace, scratch)
            same = expected == found == from_osv == both
            differences += not same
            name = os.path.relpath(workspace, ROOT)
            print(f"{name:24} {packages:8} {len(expected):11} {len(found):12} {len(from_osv):8} {len(both):5}  "
                  f"{'identical' if same else 'DIFFERENT'}")
            if not same:
                print(f"  only cargo-audit:        {sorted(expected - found)}")
                print(f"  only cargo soup RustSec: {sorted(found - expected)}")
                print(f"  OSV, not RustSec:        {sorted(from_osv - found)}")
                print(f"  RustSec, not OSV:        {sorted(found - from_osv)}")
                print(f"  both, not RustSec:       {sorted(both - found)}")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
