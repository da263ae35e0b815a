"""Benchmark clever-notify (and optionally clever-tools) against the sandbox API on loopback.

    python benchmarks/bench.py                      # clever-notify alone, 7 runs per command
    python benchmarks/bench.py --runs 9 --clever-tools /path/to/node_modules/.bin/clever

Two sandbox servers run on 127.0.0.1 (their own temp databases): a small one (organisation Acme with a few
webhooks) and a large one (Acme with --hooks webhooks, 5,000 by default). Each command is run once to warm
up (filling caches such as the organisation-name cache), then --runs times; the table shows medians of
wall time and the HTTP requests the sandbox saw during the last run. Nothing leaves the machine: both tools
get API_HOST pointing at the sandbox and a temporary HOME, every subprocess has a timeout, and the servers
are stopped at the end.

Python runs as an installed package does, with its bytecode cached (in a temp folder, so the tree stays
clean): PYTHONDONTWRITEBYTECODE is dropped for the subprocesses.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CMD_TIMEOUT = 120  # seconds, per command run
SERVER_START_TIMEOUT = 30
REQUEST_LINE = re.compile(r'"(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) ')


class Sandbox:
    """`clever sandbox serve` on a loopback port, with its request log counted."""

    def __init__(self, clever: str, db: Path, env: dict):
        self.db = db
        self.requests = 0
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            [clever, "sandbox", "serve", "--host", "127.0.0.1", "--port", "0", "--log-requests"],
            env={**env, "CLEVER_SANDBOX_DB": str(db)}, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc.stdout, lines.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self._count), daemon=True).start()
        try:
            first = lines.get(timeout=SERVER_START_TIMEOUT)
        except queue.Empty:
            self.stop()
            raise SystemExit("the sandbox server did not start in time") from None
        found = dict(re.findall(r"(\w+)=(\S+)", first))
        if not found.get("API_HOST", "").startswith("http://127.0.0.1:"):
            self.stop()
            raise SystemExit(f"unexpected first line from the sandbox server: {first!r}")
        self.env = {k: found[k] for k in ("API_HOST", "CLEVER_TOKEN", "CLEVER_SECRET")}

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink(line)

    def _count(self, line: str) -> None:
        if REQUEST_LINE.search(line):
            with self._lock:
                self.requests += 1

    def seen(self) -> int:
        with self._lock:
            return self.requests

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def seed(db: Path, hooks: int) -> str:
    """Create the sandbox database with `hooks` webhooks on Acme; returns Acme's id."""
    from clever_notify.sandbox.store import Store

    store = Store(db)
    org = store.find_owner("Acme")[0]["id"]
    events = (["DEPLOYMENT_FAIL", "DEPLOYMENT_SUCCESS"], None, ["APPLICATION_STOP"])
    for i in range(hooks):
        body = {"name": f"hook {i:05d}", "urls": [{"format": ("raw", "slack")[i % 2],
                                                   "url": f"https://example.org/bench/{i}"}]}
        if events[i % 3]:
            body["events"] = events[i % 3]
        store.create_hook("webhooks", org, body)
    return org


def timed(argv: list[str], env: dict, cwd: Path, check_stdout=None) -> float:
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, timeout=CMD_TIMEOUT,
                          stdout=subprocess.PIPE if check_stdout else subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    if check_stdout:
        check_stdout(proc.stdout.decode())
    return elapsed


def expect_json_list(length: int):
    def check(out: str):
        import json

        got = len(json.loads(out))
        if got != length:
            raise SystemExit(f"expected {length} hooks in the JSON output, got {got}")
    return check


def render_times(api_env: dict, org: str, runs: int) -> dict[str, float]:
    """In-process: fetch the large list once per run, then time the JSON and plain-text renderings."""
    from clever_notify.api.client import ApiClient
    from clever_notify.config.settings import load_settings
    from clever_notify.hooks.describe import listing_block, summary
    from clever_notify.hooks.kinds import WEBHOOKS
    from clever_notify.output import render

    client = ApiClient(load_settings(api_env))
    out: dict[str, list[float]] = {"fetch": [], "json": [], "human": []}
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        hooks = client.list_hooks("webhooks", org)
        t1 = time.perf_counter()
        text = render.to_json([summary(WEBHOOKS, h) for h in hooks if render.in_scope(h, None)])
        t2 = time.perf_counter()
        buf = io.StringIO()
        render.Output(buf).blocks(listing_block(WEBHOOKS, h, org) for h in hooks if render.in_scope(h, None))
        t3 = time.perf_counter()
        assert text and buf.getvalue()
        for key, value in (("fetch", t1 - t0), ("json", t2 - t1), ("human", t3 - t2)):
            out[key].append(value)
    return {k: statistics.median(v[1:]) for k, v in out.items()}  # the first run warms up


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f}"


def add_tool_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clever", default=str(Path(sys.executable).parent / "clever"),
                        help="the clever-notify executable; default: the one next to this Python")
    parser.add_argument("--clever-tools", metavar="PATH", help="a clever-tools `clever` executable to compare with")


def tools(parser: argparse.ArgumentParser, args) -> tuple[str, str | None]:
    """The clever-notify and (optional) clever-tools executables, checked."""
    clever = shutil.which(args.clever) or args.clever
    clever_tools = (shutil.which(args.clever_tools) or args.clever_tools) if args.clever_tools else None
    for exe in filter(None, (clever, clever_tools)):
        if not os.access(exe, os.X_OK):
            parser.error(f"not an executable: {exe}")
    return clever, clever_tools


def isolated_env(tmp: Path) -> dict:
    """The environment without credentials, API host or user folders, HOME in `tmp` (home, home-ct, work and
    pycache are created there): nothing the benchmark runs can reach a real account."""
    for sub in ("home", "home-ct", "work", "pycache"):
        (tmp / sub).mkdir()
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("CLEVER_", "API_HOST", "OAUTH_CONSUMER_", "CONFIGURATION_FILE",
                                 "APP_CONFIGURATION_FILE", "PYTHONDONTWRITEBYTECODE", "XDG_"))}
    base.update({"HOME": str(tmp / "home"), "PYTHONPYCACHEPREFIX": str(tmp / "pycache"), "NO_COLOR": "1"})
    return base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed rounds per command (median shown); default 7")
    parser.add_argument("--hooks", type=int, default=5000, help="webhooks in the large list; default 5000")
    add_tool_arguments(parser)
    args = parser.parse_args()
    if args.runs < 1 or args.hooks < 1:
        parser.error("--runs and --hooks must be positive")
    clever, clever_tools = tools(parser, args)

    with tempfile.TemporaryDirectory(prefix="clever-bench-") as tmp_name:
        tmp = Path(tmp_name)
        base = isolated_env(tmp)

        print(f"seeding {args.hooks} webhooks…", file=sys.stderr)
        small_org = seed(tmp / "small.db", 3)
        big_org = seed(tmp / "big.db", args.hooks)
        small = Sandbox(clever, tmp / "small.db", base)
        big = Sandbox(clever, tmp / "big.db", base)
        try:
            return run_all(args, clever, clever_tools, tmp, base, small, big, small_org, big_org)
        finally:
            small.stop()
            big.stop()


def run_all(args, clever, clever_tools, tmp, base, small, big, small_org, big_org) -> int:
    has_events = subprocess.run([clever, "events", "--help"], env=base, stdin=subprocess.DEVNULL,
                                capture_output=True, timeout=CMD_TIMEOUT).returncode == 0
    py = sys.executable
    add = ["webhooks", "add", "bench", "https://example.org/bench", "--org", small_org, "--event", "DEPLOYMENT_FAIL"]
    # (label, argv after the executable, server or None, compare with clever-tools, stdout check)
    rows = [
        ("python -c 'import click' (floor)", None, None, False, None),
        ("clever --help", ["--help"], None, True, None),
        ("clever webhooks --help", ["webhooks", "--help"], None, True, None),
    ]
    if has_events:
        rows.append(("clever events", ["events"], None, False, None))
    rows += [
        ("webhooks -F json --org ID (3 hooks)", ["webhooks", "-F", "json", "--org", small_org], small, True,
         expect_json_list(3)),
        ("webhooks -F json --org Acme (by name)", ["webhooks", "-F", "json", "--org", "Acme"], small, True,
         expect_json_list(3)),
        ("webhooks add … --org ID", add, small, True, None),
        (f"webhooks -F json --org ID ({args.hooks} hooks)", ["webhooks", "-F", "json", "--org", big_org], big, True,
         expect_json_list(args.hooks)),
        (f"webhooks --org ID ({args.hooks} hooks, human)", ["webhooks", "--org", big_org], big, True, None),
    ]
    envs = {
        "clever-notify": {**base, "XDG_CACHE_HOME": str(tmp / "home" / ".cache")},
        "clever-tools": {**base, "HOME": str(tmp / "home-ct")},
    }
    tools = [("clever-notify", clever)] + ([("clever-tools", clever_tools)] if clever_tools else [])
    # Warm up every (command, tool) pair once (fills caches, checks the output), then time them in rounds:
    # each round runs every pair once, in alternating order, so load from elsewhere spreads evenly.
    pairs = []  # (row index, tool, argv, env, server)
    for n, (_label, argv, server, compare, check) in enumerate(rows):
        for tool, exe in tools:
            if tool == "clever-tools" and not compare:
                continue
            env = {**envs[tool], **(server.env if server else {})}
            full = [py, "-c", "import click"] if argv is None else [exe, *argv]
            timed(full, env, tmp / "work", check)
            pairs.append((n, tool, full, env, server))
    results = [{"label": label} for label, *_ in rows]
    samples: dict[tuple[int, str], list[float]] = {(n, tool): [] for n, tool, *_ in pairs}
    for i in range(args.runs):
        print(f"  round {i + 1}/{args.runs}", file=sys.stderr)
        for n, tool, full, env, server in (pairs if i % 2 == 0 else pairs[::-1]):
            before = server.seen() if server else 0
            samples[(n, tool)].append(timed(full, env, tmp / "work"))
            if server and i == args.runs - 1:  # the last round also counts requests
                time.sleep(0.2)  # let the server's log line for the last request arrive
                results[n][f"{tool} requests"] = server.seen() - before
    for (n, tool), values in samples.items():
        results[n][tool] = statistics.median(values)

    inproc = render_times({**big.env}, big_org, args.runs)
    print_table(args, results, clever_tools is not None, inproc)
    return 0


def print_table(args, results, with_ct: bool, inproc: dict[str, float]) -> None:
    print(f"\nclever-notify benchmark: medians of {args.runs} runs; {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()} {platform.machine()}\n")
    head = ["command", "clever-notify ms", "req"]
    if with_ct:
        head += ["clever-tools ms", "req", "ratio"]
    table = [head]
    for r in results:
        line = [r["label"], ms(r.get("clever-notify")), _req(r.get("clever-notify requests"))]
        if with_ct:
            ct = r.get("clever-tools")
            ratio = f"{ct / r['clever-notify']:.1f}x" if ct else "—"
            line += [ms(ct), _req(r.get("clever-tools requests")), ratio]
        table.append(line)
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for n, row in enumerate(table):
        cells = enumerate(zip(row, widths, strict=True))
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in cells))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    if with_ct:
        print("\nratio = clever-tools time / clever-notify time (higher is better for clever-notify)")
    print(f"\nin-process, {args.hooks} hooks: fetch {ms(inproc['fetch'])} ms, "
          f"render JSON +{ms(inproc['json'])} ms, render human (plain) +{ms(inproc['human'])} ms")


def _req(value) -> str:
    return "" if value is None else str(value)


if __name__ == "__main__":
    sys.exit(main())
