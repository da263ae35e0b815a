"""Benchmark `clever notifications audit` against the `--all-owners` listings it is built on.

    python benchmarks/audit.py                  # 500 owners x 2 webhooks, medians of 3 rounds
    python benchmarks/audit.py --owners 50 --runs 5

A sandbox server on 127.0.0.1 (its own temp database, seeded as benchmarks/all_owners.py seeds it) holds
--owners owners with --hooks webhooks each and the default e-mail notification. Timed, as medians of --runs
rounds after one warm-up, each command a fresh process:
  - `clever webhooks --all-owners -F json` and `clever notify-email --all-owners -F json`: the listings;
  - `clever notifications export --all-owners -F json`: the same reads as the audit (1 + owners x 2) in one process;
  - `clever notifications audit -F json`: those reads, then every rule.
The sandbox counts the requests of each. The goal: the audit within 10% of the listings of the same hooks
(both kinds); the ratio to the webhook listing alone, which reads half as much, is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from all_owners import seed  # the same owners as the --all-owners benchmark
from bench import Sandbox, add_tool_arguments, expect_json_list, isolated_env, ms, timed, tools

GOAL = 1.10  # audit time / time of the listings of the same hooks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (median shown); default 3")
    parser.add_argument("--owners", type=int, default=500, help="owners, your account included; default 500")
    parser.add_argument("--hooks", type=int, default=2, help="webhooks per owner; default 2")
    add_tool_arguments(parser)
    args = parser.parse_args()
    if args.runs < 1 or not 3 <= args.owners <= 1000 or not 1 <= args.hooks <= 100:
        parser.error("--runs must be positive, --owners between 3 and 1000, --hooks between 1 and 100")
    clever, _ = tools(parser, args)
    with tempfile.TemporaryDirectory(prefix="clever-bench-audit-") as tmp_name:
        tmp = Path(tmp_name)
        base = isolated_env(tmp)
        print(f"seeding {args.owners} owners x {args.hooks} webhooks…", file=sys.stderr)
        owners = seed(tmp / "audit.db", args.owners, args.hooks)
        rules_ms = rules_time(tmp / "audit.db", args.runs)
        server = Sandbox(clever, tmp / "audit.db", base)
        try:
            code = run(args, clever, base, server, tmp / "work", len(owners))
            print(f"the rules alone (in-process, the lists already read): {rules_ms:.1f} ms")
            return code
        finally:
            server.stop()


def rules_time(db: Path, runs: int) -> float:
    """Median time of hooks/audit_rules.audit over every owner of the database, its lists already in memory."""
    from clever_notify.hooks import audit_rules as ar
    from clever_notify.operations.audit import known_owners
    from clever_notify.owners.summary import Summary
    from clever_notify.sandbox.store import Store

    store = Store(db)
    known = known_owners(Summary.parse(store.summary()))
    owners = [ar.OwnerHooks(o, store.list_hooks("webhooks", o.id), store.list_hooks("emailhooks", o.id))
              for o in known]
    now = int(time.time() * 1000)
    samples = []
    for _ in range(max(3, runs)):
        started = time.perf_counter()
        ar.audit(owners, known={o.id: o for o in known}, now_ms=now)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run(args, clever, base, server, work, owners) -> int:
    env = {**base, **server.env}
    rows = [
        ("webhooks --all-owners -F json", [clever, "webhooks", "--all-owners", "-F", "json"],
         expect_json_list(owners * args.hooks)),
        ("notify-email --all-owners -F json", [clever, "notify-email", "--all-owners", "-F", "json"],
         expect_json_list(owners)),
        ("notifications export --all-owners -F json", [clever, "notifications", "export", "--all-owners", "-F",
                                                      "json"], None),
        ("notifications audit -F json", [clever, "notifications", "audit", "-F", "json"], expect_json_list(0)),
    ]
    for _, argv, check in rows:  # warm up, and check every output once
        timed(argv, env, work, check)
    samples: list[list[float]] = [[] for _ in rows]
    requests = [0] * len(rows)
    for i in range(args.runs):
        print(f"  round {i + 1}/{args.runs}", file=sys.stderr)
        order = list(enumerate(rows)) if i % 2 == 0 else list(enumerate(rows))[::-1]
        for n, (_, argv, _check) in order:
            before = server.seen()
            samples[n].append(timed(argv, env, work))
            time.sleep(0.2)  # let the server's log line for the last request arrive
            requests[n] = server.seen() - before
    med = [statistics.median(s) for s in samples]
    print(f"\naudit benchmark: {owners} owners x {args.hooks} webhooks + 1 e-mail notification, medians of "
          f"{args.runs} rounds, {os.cpu_count()} CPUs\n")
    width = max(len(label) for label, _, _ in rows)
    print(f"{'clever …'.ljust(width)}  {'ms':>7}  {'req':>5}")
    print(f"{'-' * width}  {'-' * 7}  {'-' * 5}")
    for (label, _, _), t, req in zip(rows, med, requests, strict=True):
        print(f"{label.ljust(width)}  {ms(t):>7}  {req:>5}")
    listings = med[0] + med[1]
    ratio = med[3] / listings
    print(f"\naudit / (webhooks + notify-email listings) = {ratio:.2f} "
          f"(goal: at most {GOAL:.2f}; {'goal met' if ratio <= GOAL else 'goal NOT met'})")
    print(f"audit / export of the same reads = {med[3] / med[2]:.2f}")
    print(f"audit / webhooks listing alone (half the reads) = {med[3] / med[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
