"""Benchmark notifications as code: `plan` and an idempotent `apply` over many owners, side by side with what a
user does today (clever-tools' `webhooks -F json` and `notify-email -F json`, once per owner).

    python benchmarks/notifications_bench.py                                   # 50 owners, 1,000 hooks
    python benchmarks/notifications_bench.py --clever-tools /path/to/node_modules/.bin/clever --runs 5

A `clever sandbox serve` on 127.0.0.1 (its own temporary database) holds --owners organisations with
--hooks hooks in all (each owner: three webhooks for each e-mail notification, its default one included).
The file is made by `clever notifications export` of those owners; then `plan FILE` and `apply FILE` (which
must find nothing to change) are timed, and so is the clever-tools loop. Each is run once to warm up, then
--runs times; the table shows medians of wall time and the requests the server saw in the last run (by method).
Nothing leaves the machine: every process gets API_HOST pointing at the sandbox and a temporary HOME.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import CMD_TIMEOUT, Sandbox, add_tool_arguments, isolated_env, tools  # the sibling benchmark's

# werkzeug colours some log lines (a 204, a 404): the method may follow an escape sequence
METHOD = re.compile(r'"(?:\x1b\[[0-9;]*m)*(GET|POST|PUT|DELETE) ')
PREFIX = "Bench"


class CountingSandbox(Sandbox):
    """The sandbox server, its requests counted by method."""

    def __init__(self, *args, **kwargs):
        self.methods: Counter = Counter()
        super().__init__(*args, **kwargs)

    def _count(self, line: str) -> None:
        found = METHOD.search(line)
        if found:
            with self._lock:
                self.requests += 1
                self.methods[found.group(1)] += 1

    def snapshot(self) -> Counter:
        with self._lock:
            return Counter(self.methods)


def seed(db: Path, owners: int, hooks: int) -> list[str]:
    """`owners` organisations holding `hooks` hooks in all; answers their ids."""
    from clever_notify.sandbox.store import Store

    store = Store(db)
    orgs = store.seed_organisations(owners, prefix=PREFIX)
    ids = [o["id"] for o in orgs]
    per_owner = [hooks // owners + (1 if i < hooks % owners else 0) for i in range(owners)]
    for i, (org, count) in enumerate(zip(orgs, per_owner, strict=True)):
        apps = [a["id"] for a in org["applications"]]
        mails = max(0, count // 4 - 1)  # the default e-mail notification is one of them
        for n in range(count - 1 - mails):
            body = {"name": f"hook {n:03d}", "urls": [{"format": ("raw", "slack")[n % 2],
                                                       "url": f"https://example.org/bench/{i}/{n}"}]}
            if n % 3:
                body["events"] = ["DEPLOYMENT_FAIL", "DEPLOYMENT_SUCCESS"][: n % 3]
            if n % 4 == 0 and apps:
                body["scope"] = apps[: 1 + n % 2]
            store.create_hook("webhooks", org["id"], body)
        for n in range(mails):
            store.create_hook("emailhooks", org["id"], {"name": f"mail {n:03d}", "events": ["DEPLOYMENT_FAIL"],
                                                        "notified": [{"type": "email",
                                                                      "target": f"ops{n}@example.org"}]})
    return ids


@dataclass
class Run:
    wall: float  # seconds
    cpu: float | None = None  # seconds of user + system CPU of the process itself (not the server's)
    peak_mb: float | None = None  # its peak resident memory


def run(argv: list[str], env: dict, cwd: Path, expect_out: str | None = None) -> Run:
    """Run one command; its wall time, and (where the OS reports it) its own CPU time and peak memory,
    read from the process's resource usage when it is reaped, so the server's work is not counted."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        cpu = peak = None
        try:
            if hasattr(os, "wait4"):
                status, usage = _wait4(proc.pid, started)
                proc.returncode = os.waitstatus_to_exitcode(status)
                cpu = usage.ru_utime + usage.ru_stime
                peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
            else:  # pragma: no cover - Windows
                proc.wait(timeout=CMD_TIMEOUT)
        finally:
            if proc.returncode is None:
                proc.kill()
                proc.wait()
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])}… failed ({proc.returncode}): {stderr[-500:]}")
    if expect_out is not None and expect_out not in stdout:
        raise SystemExit(f"{' '.join(argv[:3])}…: expected {expect_out!r} in its output, got {stdout[-300:]!r}")
    return Run(elapsed, cpu, peak)


def _wait4(pid: int, started: float):
    """os.wait4 with the command timeout (polled: wait4 itself cannot time out)."""
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if time.perf_counter() - started > CMD_TIMEOUT:
            raise SystemExit(f"a command took more than {CMD_TIMEOUT} s")
        time.sleep(0.005)


def loop(clever_tools: str, owners: list[str], env: dict, cwd: Path) -> Run:
    """What a user does today: both lists of every owner, one clever-tools process per list."""
    started = time.perf_counter()
    for owner in owners:
        for command in ("webhooks", "notify-email"):
            run([clever_tools, command, "-F", "json", "--org", owner], env, cwd)
    return Run(time.perf_counter() - started)


def measure(label: str, action, server: CountingSandbox, runs: int, warm_up: bool = True) -> dict:
    if warm_up:
        action()  # caches, bytecode
    runs_: list[Run] = []
    for _ in range(runs):
        before = server.snapshot()
        runs_.append(action())
        time.sleep(0.3)  # the server's log line for the last request
        sent = server.snapshot() - before
    cpu = [r.cpu for r in runs_ if r.cpu is not None]
    peak = [r.peak_mb for r in runs_ if r.peak_mb is not None]
    return {"label": label, "ms": statistics.median(r.wall for r in runs_) * 1000, "requests": sent,
            "cpu_ms": statistics.median(cpu) * 1000 if cpu else None, "peak_mb": max(peak) if peak else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--owners", type=int, default=50, help="organisations; default 50")
    parser.add_argument("--hooks", type=int, default=1000, help="hooks over all owners; default 1000")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median shown); default 3")
    add_tool_arguments(parser)
    parser.add_argument("--loop-runs", type=int, default=1,
                        help="timed runs of the clever-tools loop (2 processes per owner, ~1 s each); default 1")
    args = parser.parse_args()
    if args.owners < 1 or args.hooks < args.owners or args.runs < 1 or args.loop_runs < 1:
        parser.error("--owners, --runs and --loop-runs must be positive, --hooks at least --owners")
    clever, clever_tools = tools(parser, args)

    speed_before = loop_seconds()
    with tempfile.TemporaryDirectory(prefix="clever-nac-bench-") as tmp_name:
        tmp = Path(tmp_name)
        base = isolated_env(tmp)
        print(f"seeding {args.owners} owners, {args.hooks} hooks…", file=sys.stderr)
        owners = seed(tmp / "nac.db", args.owners, args.hooks)
        server = CountingSandbox(clever, tmp / "nac.db", base)
        try:
            env = {**base, **server.env}
            work = tmp / "work"
            orgs = [a for owner in owners for a in ("--org", owner)]
            run([clever, "notifications", "export", *orgs, "--output", "n.yml"], env, work)
            rows = [
                measure("clever notifications plan FILE", lambda: run(
                    [clever, "notifications", "plan", "n.yml", "--detailed-exitcode"], env, work, "No changes"),
                    server, args.runs),
                measure("clever notifications apply FILE (nothing to change)", lambda: run(
                    [clever, "notifications", "apply", "n.yml"], env, work, "No changes"), server, args.runs),
            ]
            if clever_tools:
                ct_env = {**env, "HOME": str(tmp / "home-ct")}
                rows.append(measure(f"clever-tools loop: webhooks + notify-email -F json × {len(owners)}",
                                    lambda: loop(clever_tools, owners, ct_env, work), server, args.loop_runs,
                                    warm_up=False))
        finally:
            server.stop()
    print_table(args, rows, (speed_before, loop_seconds()))
    return 0


def loop_seconds() -> float:
    """The CPU time of a fixed pure-Python loop: how fast the machine runs Python right now. A shared VM drifts
    by a third within minutes, so figures are compared at the same speed (README, Performance)."""
    started = time.process_time()
    table: dict[int, tuple[int, str]] = {}
    for i in range(2_000_000):
        table[i & 1023] = (i, str(i & 255))
    return time.process_time() - started


def print_table(args, rows: list[dict], speed: tuple[float, float]) -> None:
    print(f"\nnotifications as code: {args.owners} owners, {args.hooks} hooks, `clever sandbox serve` on loopback; "
          f"medians of {args.runs} runs (clever-tools loop: {args.loop_runs}); {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    print(f"host speed: a fixed Python loop took {speed[0]:.2f} s of CPU before the runs, {speed[1]:.2f} s after "
          "(compare figures taken at the same speed)\n")
    table = [["command", "wall ms", "CPU ms", "peak MB", "requests"]]
    for r in rows:
        sent = ", ".join(f"{n} {m}" for m, n in sorted(r["requests"].items())) or "0"
        cpu = f"{r['cpu_ms']:.0f}" if r.get("cpu_ms") is not None else "-"
        peak = f"{r['peak_mb']:.0f}" if r.get("peak_mb") is not None else "-"
        table.append([r["label"], f"{r['ms']:.0f}", cpu, peak, f"{sum(r['requests'].values())} ({sent})"])
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for n, row in enumerate(table):
        cells = zip(row, widths, strict=True)
        print("  ".join(cell.ljust(w) if i in (0, 4) else cell.rjust(w) for i, (cell, w) in enumerate(cells)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    if len(rows) == 3:
        loop_ms = rows[2]["ms"]
        plan_ratio, apply_ratio = loop_ms / rows[0]["ms"], loop_ms / rows[1]["ms"]
        print(f"\nclever-tools loop / plan: {plan_ratio:.1f}x; loop / apply: {apply_ratio:.1f}x "
              "(goal: at least 20x, i.e. at most 1/20 of the loop's time)")


if __name__ == "__main__":
    sys.exit(main())
