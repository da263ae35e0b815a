"""Load against the installed `clever sandbox serve`: concurrent clients adding, listing and deleting hooks.

Used by tests/test_load.py (bounded: 20 clients x 50 operations) and runnable on its own to measure:

    python tests/loadgen.py --clients 20 --ops 50

Every client has its own ApiClient (the project's, with its retries and timeouts) and its own session.
Each HTTP answer's status is recorded below the client, so a retried 5xx is still counted.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from servers import FaultyProxy, SandboxServer

# Per client, cycling: two adds, a list, a delete of its own oldest hook, a list.
PATTERN = ("add", "add", "list", "delete", "list")


def client_env(sandbox: SandboxServer) -> dict:
    """What an ApiClient needs to talk to `sandbox` (and nothing of the caller's environment)."""
    return {"API_HOST": sandbox.api_host, "CLEVER_TOKEN": sandbox.token, "CLEVER_SECRET": sandbox.secret,
            "CLEVER_TIMEOUT": "20"}


@dataclass
class Stats:
    latencies: dict = field(default_factory=lambda: {op: [] for op in ("add", "list", "delete")})
    statuses: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # fatal: a client stopped
    failed: list = field(default_factory=list)  # (op, kind, name or id, message): the client reported an error
    created: dict = field(default_factory=dict)  # (kind, id) -> name
    deleted: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def status(self, response, *args, **kwargs):
        with self.lock:
            self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1


def _client(env: dict, stats: Stats):
    from clever_notify.api.client import ApiClient
    from clever_notify.api.transport import make_session
    from clever_notify.config.settings import load_settings

    session = make_session()
    session.hooks["response"].append(stats.status)
    return ApiClient(load_settings(env), session=session, notice=lambda line: None)


def _worker(n: int, ops: int, env: dict, owner: str, stats: Stats, deadline: float) -> None:
    from clever_notify.errors import CleverNotifyError
    from clever_notify.writes import verified

    kind = "webhooks" if n % 2 == 0 else "emailhooks"
    client = _client(env, stats)
    mine: list[str] = []
    try:
        for i in range(ops):
            if time.monotonic() > deadline:
                raise TimeoutError(f"client {n} ran out of time after {i} operations")
            op = PATTERN[i % len(PATTERN)]
            if op == "delete" and not mine:
                op = "list"
            started = time.perf_counter()
            subject = None
            try:
                if op == "add":
                    subject = f"load-{n}-{i}"
                    body = {"name": subject, "events": ["DEPLOYMENT_FAIL"]}
                    if kind == "webhooks":
                        body["urls"] = [{"format": "raw", "url": f"https://example.org/load/{n}/{i}"}]
                    else:
                        body["notified"] = [{"type": "email", "target": f"load{n}.{i}@example.org"}]
                    hook = verified.create(client, kind, owner, body)
                    mine.append(hook["id"])
                    with stats.lock:
                        stats.created[(kind, hook["id"])] = subject
                elif op == "list":
                    listed = {h.get("id") for h in client.list_hooks(kind, owner)}
                    if not set(mine) <= listed:
                        raise AssertionError(f"client {n}: its hooks {set(mine) - listed} are missing from a list")
                else:
                    subject = mine.pop(0)
                    verified.delete(client, kind, owner, subject, listed=False)
                    with stats.lock:
                        stats.deleted.add((kind, subject))
            except CleverNotifyError as exc:  # told to the user; checked against the final state
                with stats.lock:
                    stats.failed.append((op, kind, subject, str(exc)))
                continue
            elapsed = time.perf_counter() - started
            with stats.lock:
                stats.latencies[op].append(elapsed)
    except Exception as exc:  # noqa: BLE001 - reported by the caller; a worker never dies silently
        with stats.lock:
            stats.errors.append(f"client {n}: {type(exc).__name__}: {exc}")


def _hooks(client, owner: str) -> dict:
    return {(k, h["id"]): h.get("name") for k in ("webhooks", "emailhooks") for h in client.list_hooks(k, owner)}


def check_state(before: dict, after: dict, stats: Stats) -> list[str]:
    """What is wrong with the final state, given what each client was told. Empty when it is exact."""
    problems = []
    names = [name for (kind, _), name in after.items() if str(name).startswith("load-")]
    dupes = {name for name in names if names.count(name) > 1}
    if dupes:
        problems.append(f"created twice: {sorted(dupes)[:5]}")
    unsure_deletes = {(k, subject) for op, k, subject, _ in stats.failed if op == "delete"}
    unsure_names = {subject for op, _, subject, msg in stats.failed if op == "add" and "may or may not" in msg}
    not_created = {subject for op, _, subject, msg in stats.failed if op == "add" and "was not created" in msg}
    expected = (set(before) | set(stats.created)) - stats.deleted
    missing = expected - set(after) - unsure_deletes
    if missing:
        problems.append(f"missing: {sorted(missing)[:5]}")
    extra = {key for key in set(after) - expected if after[key] not in unsure_names}
    if extra:
        problems.append(f"unexpected: {sorted(extra)[:5]}")
    lied = not_created & set(names)
    if lied:
        problems.append(f"reported as not created but present: {sorted(lied)[:5]}")
    return problems


def run_load(sandbox: SandboxServer, clients: int = 20, ops: int = 50, time_limit: float = 90.0,
             via: str | None = None) -> dict:
    """Run the clients against `sandbox` (or through `via`, a proxy to it); returns counts, statuses,
    throughput and latency percentiles. The before/after states are read from the sandbox itself."""
    stats = Stats()
    direct_env = client_env(sandbox)
    env = {**direct_env, "API_HOST": via} if via else direct_env
    checker = _client(direct_env, Stats())
    owner = checker.get_self()["id"]
    before = _hooks(checker, owner)
    deadline = time.monotonic() + time_limit
    threads = [threading.Thread(target=_worker, args=(n, ops, env, owner, stats, deadline), daemon=True)
               for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.1, deadline - time.monotonic() + 5))
    wall = time.perf_counter() - started
    stuck = sum(t.is_alive() for t in threads)
    after = _hooks(checker, owner)
    all_lat = sorted(x for v in stats.latencies.values() for x in v)
    done = len(all_lat)
    return {
        "clients": clients, "ops_per_client": ops, "operations": done, "wall_s": round(wall, 2),
        "throughput_ops_s": round(done / wall, 1) if wall else 0.0, "stuck_clients": stuck,
        "errors": stats.errors, "failed": stats.failed,
        "statuses": dict(sorted(stats.statuses.items())),
        "created": len(stats.created), "deleted": len(stats.deleted),
        "count_before": len(before), "count_after": len(after),
        "problems": check_state(before, after, stats),
        "latency_ms": {op: _percentiles(v) for op, v in {**stats.latencies, "all": all_lat}.items()},
    }


def _percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    values = sorted(values)

    def pct(p: float) -> float:
        return round(values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000, 1)

    return {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": round(values[-1] * 1000, 1), "n": len(values)}


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--ops", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--faults", type=float, default=0.0,
                        help="share of requests a proxy answers with 502/504/503 or a dropped connection")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "sandbox" / "load.db"
        sandbox = SandboxServer(db)
        proxy = FaultyProxy(sandbox.api_host, rate=args.faults) if args.faults else None
        try:
            result = run_load(sandbox, args.clients, args.ops, args.time_limit, via=proxy and proxy.url)
        finally:
            if proxy:
                proxy.stop()
                result["injected"] = proxy.injected
            sandbox.stop()
        result["integrity_check"] = integrity(db)
    for key, value in result.items():
        print(f"{key}: {value}")
    ok = not result["problems"] and not result["errors"] and result["integrity_check"] == "ok" and \
        (args.faults or not any(s >= 500 for s in result["statuses"]))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
