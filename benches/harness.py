"""What the benchmark scripts share: running a command while sampling its own peak
memory, interleaved measurement of several commands, and a git copy of a database.

Peak memory is each process's own high-water mark (VmHWM, sampled from /proc while it
runs): wait4's maxrss would fold in the children a process waits for (cargo soup's
cargo metadata)."""
import os
import shutil
import statistics
import subprocess
import sys
import time


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "cargo-soup")


def build():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)


def assessed_workspace(scratch, as_cargo_subcommand=False):
    """benches/workspace-500 copied into `scratch` (the committed one keeps no soup.toml)
    with a soup.toml entry per item, written by `init`, and a cache of its own. Returns
    (workspace folder, manifest, environment), the environment offline for cargo soup.
    With `as_cargo_subcommand`, CARGO names
    the real cargo binary, as Cargo sets it when it runs `cargo soup`."""
    workspace = os.path.join(scratch, "workspace")
    shutil.copytree(os.path.join(ROOT, "benches", "workspace-500"), workspace)
    # Off the network: cargo soup's own downloads and the yanked check are not what the
    # benchmarks measure (benches/osv.py turns it on against a local server).
    env = dict(os.environ, CARGO_SOUP_CACHE=os.path.join(scratch, "cache"), CARGO_SOUP_OFFLINE="1")
    if as_cargo_subcommand:
        real_cargo = subprocess.run(["rustup", "which", "cargo"], capture_output=True, text=True).stdout.strip()
        env["CARGO"] = real_cargo or "cargo"
    manifest = os.path.join(workspace, "Cargo.toml")
    subprocess.run([BINARY, "init", "-q", "--locked", "--manifest-path", manifest], env=env, check=True)
    return workspace, manifest, env


def hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


def run(command, env=None, before=None, ok=(0,)):
    """Runs a command; returns (seconds, peak KiB of the process itself). Exit codes
    outside `ok` stop the benchmark."""
    if before:
        before()
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        sample = hwm_kib(process.pid)
        if sample:
            peak = max(peak, sample)
        time.sleep(0.0002)
    elapsed = time.perf_counter() - start
    if process.returncode not in ok:
        sys.exit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, peak


def measure(cases, runs, env=None, ok=(0,)):
    """Runs each (name, command[, before]) once to warm up, then `runs` rounds with the
    cases interleaved, so load from elsewhere on the machine hits each alike. Prints and
    returns name -> (median seconds, peak KiB)."""
    cases = [case if len(case) == 3 else (case[0], case[1], None) for case in cases]
    for _, command, before in cases:
        run(command, env, before, ok)
    results = {name: ([], []) for name, _, _ in cases}
    for _ in range(runs):
        for name, command, before in cases:
            elapsed, peak = run(command, env, before, ok)
            results[name][0].append(elapsed)
            results[name][1].append(peak)
    summary = {}
    for name, _, _ in cases:
        times, peaks = results[name]
        summary[name] = (statistics.median(times), max(peaks))
        print(f"{name:46} median {summary[name][0] * 1000:7.1f} ms  min {min(times) * 1000:7.1f} ms  "
              f"peak RSS {summary[name][1] / 1024:5.1f} MiB")
    return summary


def git_checkout(db, scratch):
    """`db` itself when it is a git checkout, else a copy committed into a new repository
    (cargo-audit reads its database only from git)."""
    if os.path.isdir(os.path.join(db, ".git")):
        return db
    copy = os.path.join(scratch, "advisory-db-git")
    shutil.copytree(db, copy)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run(["git", "init", "-q"], cwd=copy, **quiet)
    subprocess.run(["git", "add", "-A"], cwd=copy, **quiet)
    subprocess.run(["git", "-c", "user.email=bench@localhost", "-c", "user.name=bench", "commit", "-qm", "db"],
                   cwd=copy, **quiet)
    return copy
