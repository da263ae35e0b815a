"""Benchmark `--all-owners` against the loop a user of clever-tools writes today: one command per owner.

    python benchmarks/all_owners.py                          # clever-notify alone
    python benchmarks/all_owners.py --clever-tools /path/to/node_modules/.bin/clever

A sandbox server on 127.0.0.1 (its own temp database) holds --owners owners (your account, Acme, Audit Demo
and "Org 001"…), each with --hooks webhooks. Timed, as medians of --runs rounds after one warm-up:
  - `clever webhooks --all-owners -F json` and `clever webhooks check --all-owners` (clever-notify);
  - the loop `clever webhooks -F json --org ID` over every owner, with clever-notify and with clever-tools.
The sandbox counts the HTTP requests of each. Each tool gets a temporary HOME and API_HOST/CLEVER_TOKEN/
CLEVER_SECRET pointing at the sandbox, so nothing leaves the machine; every subprocess has a timeout.
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
from bench import (  # the main benchmark's helpers
    Sandbox,
    add_tool_arguments,
    expect_json_list,
    isolated_env,
    ms,
    timed,
    tools,
)

GOAL = 20  # --all-owners should take at most 1/20 of the clever-tools loop's time


def seed(db: Path, owners: int, hooks: int) -> list[str]:
    """The database with `owners` owners (user, Acme, Audit Demo, Org 001…) of `hooks` webhooks each; their ids.

    Audit Demo (the sandbox's example of every audit finding) is emptied and given the default e-mails, so that
    every owner holds the same hooks and an audit finds nothing."""
    from clever_notify.hooks import catalog
    from clever_notify.sandbox.store import AUDIT_DEMO_ORG, Store

    store = Store(db)
    seeded = 1 + len(store.summary()["organisations"])
    store.seed_organisations(max(0, owners - seeded))
    for demo in store.find_owner(AUDIT_DEMO_ORG[0]):
        for kind in ("webhooks", "emailhooks"):
            for hook in store.list_hooks(kind, demo["id"]):
                store.delete_hook(kind, demo["id"], hook["id"])
        store.create_hook("emailhooks", demo["id"], {"name": catalog.DEFAULT_EMAIL_HOOK_NAME,
                                                     "events": list(catalog.DEFAULT_EMAIL_HOOK_EVENTS)})
    summary = store.summary()
    ids = [summary["user"]["id"]] + [o["id"] for o in summary["organisations"]][: owners - 1]
    for owner in ids:
        for i in range(hooks):
            store.create_hook("webhooks", owner, {"name": f"hook {i}", "events": ["DEPLOYMENT_FAIL"],
                                                  "urls": [{"format": "raw", "url": f"https://example.org/{i}"}]})
    return ids


def loop(exe: str, owners: list[str], env: dict, cwd: Path, hooks: int) -> float:
    """The clever-tools way: one `webhooks -F json --org ID` per owner, one after the other."""
    return sum(timed([exe, "webhooks", "-F", "json", "--org", owner], env, cwd, expect_json_list(hooks))
               for owner in owners)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (median shown); default 3")
    parser.add_argument("--owners", type=int, default=50, help="owners, your account included; default 50")
    parser.add_argument("--hooks", type=int, default=2, help="webhooks per owner; default 2")
    add_tool_arguments(parser)
    args = parser.parse_args()
    if args.runs < 1 or not 2 <= args.owners <= 1000 or not 0 <= args.hooks <= 100:
        parser.error("--runs must be positive, --owners between 2 and 1000, --hooks between 0 and 100")
    clever, clever_tools = tools(parser, args)

    with tempfile.TemporaryDirectory(prefix="clever-bench-owners-") as tmp_name:
        tmp = Path(tmp_name)
        base = isolated_env(tmp)
        print(f"seeding {args.owners} owners x {args.hooks} webhooks…", file=sys.stderr)
        owners = seed(tmp / "owners.db", args.owners, args.hooks)
        server = Sandbox(clever, tmp / "owners.db", base)
        try:
            return run(args, clever, clever_tools, tmp, base, server, owners)
        finally:
            server.stop()


def run(args, clever, clever_tools, tmp, base, server, owners) -> int:
    total = len(owners) * args.hooks
    cn_env = {**base, **server.env}
    ct_env = {**base, "HOME": str(tmp / "home-ct"), **server.env}
    work = tmp / "work"
    rows = [  # (label, timed function)
        ("clever-notify webhooks --all-owners -F json",
         lambda: timed([clever, "webhooks", "--all-owners", "-F", "json"], cn_env, work, expect_json_list(total))),
        ("clever-notify webhooks check --all-owners",
         lambda: timed([clever, "webhooks", "check", "--all-owners"], cn_env, work)),
        (f"clever-notify loop: webhooks -F json --org ID x {len(owners)}",
         lambda: loop(clever, owners, cn_env, work, args.hooks)),
    ]
    if clever_tools:
        rows.append((f"clever-tools loop: webhooks -F json --org ID x {len(owners)}",
                     lambda: loop(clever_tools, owners, ct_env, work, args.hooks)))
    for _, fn in rows:  # warm up: bytecode, caches, and a check of every output
        fn()
    samples: list[list[float]] = [[] for _ in rows]
    requests: list[int] = [0] * len(rows)
    for i in range(args.runs):
        print(f"  round {i + 1}/{args.runs}", file=sys.stderr)
        order = list(enumerate(rows)) if i % 2 == 0 else list(enumerate(rows))[::-1]
        for n, (_, fn) in order:
            before = server.seen()
            samples[n].append(fn())
            time.sleep(0.2)  # let the server's log line for the last request arrive
            requests[n] = server.seen() - before
    medians = [statistics.median(s) for s in samples]
    print(f"\n--all-owners benchmark: {len(owners)} owners x {args.hooks} webhooks, medians of {args.runs} "
          f"rounds, {os.cpu_count()} CPUs\n")
    width = max(len(label) for label, _ in rows)
    print(f"{'command'.ljust(width)}  {'ms':>7}  {'req':>4}")
    print(f"{'-' * width}  {'-' * 7}  {'-' * 4}")
    for (label, _), t, req in zip(rows, medians, requests, strict=True):
        print(f"{label.ljust(width)}  {ms(t):>7}  {req:>4}")
    if clever_tools:
        ratio = medians[-1] / medians[0]
        verdict = "goal met" if ratio >= GOAL else "goal NOT met"
        print(f"\n--all-owners -F json takes 1/{ratio:.0f} of the clever-tools loop's time "
              f"(goal: at most 1/{GOAL}; {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
