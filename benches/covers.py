#!/usr/bin/env python3
"""Benchmark: `covers = "*"` at scale (issue 20). A soup.toml of ENTRIES entries on the
~500-package workspace: one `covers = "*"` entry per SOUP item, the rest orphaned
`covers = "*"` entries of crates not in the graph (as a company-wide file would hold).
Measures `cargo soup list --format json`, graph cached, against the same command on
the same file without the `covers = "*"` lines, so the ratio is what "*" costs.

Target: at most 1.5x at 16,000 entries (the first version took 157 s there on the
2-core machine: every entry searched every package, and every search read every
entry).

Usage: python3 benches/covers.py [ENTRIES] [RUNS]   (builds the release binary first)
"""
import os
import re
import sys
import tempfile

from harness import BINARY, assessed_workspace, build, measure


def star_file(plain, entries):
    """The file `init` wrote, every entry given `covers = "*"`, padded with orphans."""
    header = r'^(\[soup\.(?:"[^"\n]*"|[A-Za-z0-9_-]+)\])\n'
    text = re.sub(header, lambda m: m.group(1) + '\ncovers = "*"\n', plain, flags=re.M)
    keys = len(re.findall(header, plain, flags=re.M))
    filler = "".join(
        f'\n[soup.filler-{at}]\nversion = "1.0.0"\nlicense = "MIT"\nclass = "A"\ncovers = "*"\n'
        for at in range(max(0, entries - keys))
    )
    return text + filler, keys


def main():
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 16000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    build()
    with tempfile.TemporaryDirectory() as scratch:
        workspace, manifest, env = assessed_workspace(scratch)
        plain = open(os.path.join(workspace, "soup.toml")).read()
        star, keys = star_file(plain, entries)
        star_path = os.path.join(scratch, "star.toml")
        plain_path = os.path.join(scratch, "plain.toml")
        with open(star_path, "w") as out:
            out.write(star)
        with open(plain_path, "w") as out:
            out.write(star.replace('covers = "*"\n', ""))
        print(f"{keys} entries of items, {max(0, entries - keys)} orphans; {runs} runs each")
        command = [BINARY, "list", "--format", "json", "--offline", "--manifest-path", manifest]
        results = measure(
            [
                ("plain soup.toml", command + ["--soup-file", plain_path]),
                ("covers = \"*\" soup.toml", command + ["--soup-file", star_path]),
            ],
            runs,
            env=env,
        )
        plain_time, _ = results["plain soup.toml"]
        star_time, _ = results["covers = \"*\" soup.toml"]
        print(f"time ratio {star_time / plain_time:.2f} (target <= 1.50)")


if __name__ == "__main__":
    main()
