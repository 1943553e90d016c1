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
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "benches", "workspace-500", "Cargo.toml")
BINARY = os.path.join(ROOT, "target", "release", "cargo-soup")


def hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


def run(command):
    """Runs a command; returns (seconds, peak KiB of the process itself)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        sample = hwm_kib(process.pid)
        if sample:
            peak = max(peak, sample)
        time.sleep(0.0002)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, peak


def measure(name, command, runs):
    run(command)  # warm-up: downloads and disk cache
    times, peaks = [], []
    for _ in range(runs):
        elapsed, peak = run(command)
        times.append(elapsed)
        peaks.append(peak)
    median = statistics.median(times)
    print(f"{name:28} median {median * 1000:7.1f} ms  min {min(times) * 1000:7.1f} ms  peak RSS {max(peaks) / 1024:6.1f} MiB")
    return median, max(peaks)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    packages = open(MANIFEST.replace("Cargo.toml", "Cargo.lock")).read().count("[[package]]")
    print(f"workspace: {packages} packages in Cargo.lock, {runs} runs each")
    metadata = ["cargo", "metadata", "--format-version", "1", "--locked", "--manifest-path", MANIFEST]
    # --no-cache: this measures the graph walk itself; benches/audit.py measures the cache.
    soup = [BINARY, "list", "--format", "json", "--locked", "--no-cache", "--manifest-path", MANIFEST]
    base_time, base_peak = measure("cargo metadata", metadata, runs)
    soup_time, soup_peak = measure("cargo soup list --format json", soup, runs)
    print(f"time ratio {soup_time / base_time:.2f} (target <= 1.20); "
          f"peak memory ratio {soup_peak / base_peak:.2f} (target < 1.00)")


if __name__ == "__main__":
    main()
