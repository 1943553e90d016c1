#!/usr/bin/env python3
"""Benchmark: what OSV and RustSec together add to `cargo soup audit` (issue 6).

On the ~500-package workspace of benches/workspace-500 with a soup.toml entry per item
(graph cached, as on a repeated run):
- local data: the audit with both sources from folders (the full ../shared snapshots)
  and from the cache that `fetch` filled, against the audit with both switched off;
  target: both add at most 100 ms;
- the live API: a local OSV API on 127.0.0.1 (querybatch and vulns/{id} over the same
  OSV records) counts the requests of one audit with an empty cache and of a second
  one; target: one querybatch request (plus one per extra page), never one per crate.

Usage: python3 benches/osv.py [RUNS] [--db DIR] [--osv DIR]
"""
import argparse
import http.server
import io
import json
import os
import subprocess
import tarfile
import tempfile
import threading
import zipfile

from harness import BINARY, ROOT, assessed_workspace, build, measure


def osv_records(folder):
    records = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), "rb") as file:
                records[name[:-5]] = file.read()
    return records


def serve(records, rustsec_archive, osv_zip):
    """An OSV API, a mirror of both databases and a counter of what was asked."""
    by_crate = {}
    for vuln_id, raw in records.items():
        record = json.loads(raw)
        for affected in record.get("affected", []):
            by_crate.setdefault(affected["package"]["name"], []).append((vuln_id, record.get("modified")))
    counts = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, body, status=200):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def count(self, kind):
            counts[kind] = counts.get(kind, 0) + 1

        def do_POST(self):
            self.count("querybatch")
            queries = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["queries"]
            results = [{"vulns": [{"id": vuln_id, "modified": modified}
                                  for vuln_id, modified in by_crate.get(query["package"]["name"], [])]}
                       if query["package"]["name"] in by_crate else {} for query in queries]
            self.reply(json.dumps({"results": results}).encode())

        def do_GET(self):
            if self.path.startswith("/v1/vulns/"):
                self.count("vulns")
                self.reply(records.get(self.path.rsplit("/", 1)[1], b""), 200)
            elif self.path == "/index/config.json":
                self.reply(b'{"dl": "http://127.0.0.1/dl"}')
            elif self.path == "/advisory-db.tar.gz":
                self.reply(rustsec_archive)
            elif self.path == "/osv/crates.io/all.zip":
                self.reply(osv_zip)
            else:
                self.reply(b"", 404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", counts


def archives(db, records):
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w:gz") as archive:
        archive.add(db, arcname="advisory-db-main", filter=lambda info: None if "/.git" in info.name else info)
    zip_bytes = io.BytesIO()
    with zipfile.ZipFile(zip_bytes, "w", zipfile.ZIP_DEFLATED) as archive:
        for vuln_id, raw in records.items():
            archive.writestr(f"{vuln_id}.json", raw)
    return tar_bytes.getvalue(), zip_bytes.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="?", type=int, default=21)
    parser.add_argument("--db", default=os.path.join(ROOT, "..", "shared", "data", "advisory-db"))
    parser.add_argument("--osv", default=os.path.join(ROOT, "..", "shared", "data", "osv", "crates.io"))
    args = parser.parse_args()
    build()
    db, osv = os.path.abspath(args.db), os.path.abspath(args.osv)
    records = osv_records(osv)
    with tempfile.TemporaryDirectory() as scratch:
        _, manifest, env = assessed_workspace(scratch, as_cargo_subcommand=True)
        rustsec_archive, osv_zip = archives(db, records)
        url, counts = serve(records, rustsec_archive, osv_zip)
        cache = os.path.join(scratch, "fetched")
        online = dict(env)
        online.pop("CARGO_SOUP_OFFLINE", None)
        subprocess.run([BINARY, "fetch", "-q", "--cache-dir", cache, "--rustsec-url", f"{url}/advisory-db.tar.gz",
                        "--osv-url", f"{url}/osv"], env=online, check=True)
        print(f"workspace-500; {len(records)} OSV records; {args.runs} runs")
        audit = [BINARY, "audit", "--offline", "--locked", "--as-of", "2026-11-25", "--manifest-path", manifest]
        results = measure([
            ("no advisory source", audit + ["--no-rustsec", "--no-osv"]),
            ("RustSec + OSV folders", audit + ["--advisory-db", db, "--osv-db", osv]),
            ("RustSec + OSV from the fetched cache", audit + ["--cache-dir", cache]),
        ], args.runs, env, ok=(0, 1))
        base = results["no advisory source"][0]
        for name in ["RustSec + OSV folders", "RustSec + OSV from the fetched cache"]:
            print(f"{name} add {(results[name][0] - base) * 1000:.1f} ms (target <= 100 ms)")

        api_cache = os.path.join(scratch, "api-cache")
        api = audit[:1] + ["audit", "--locked", "--as-of", "2026-11-25", "--manifest-path", manifest,
                           "--no-rustsec", "--osv-api", url, "--cache-dir", api_cache]
        api_env = dict(online, CARGO_SOUP_INDEX_URL=f"{url}/index/")
        for run in ["first (empty cache)", "second"]:
            counts.clear()
            # --offline would forbid the API, so the yanked check asks this server's index,
            # which knows no crate (not counted).
            result = subprocess.run(api, env=api_env, capture_output=True, text=True)
            print(f"API audit, {run}: exit {result.returncode}; requests: {counts.get('querybatch', 0)} querybatch, "
                  f"{counts.get('vulns', 0)} vulns/{{id}}")


if __name__ == "__main__":
    main()
