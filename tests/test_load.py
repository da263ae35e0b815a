"""Load test (runs in CI): 20 concurrent clients x 50 operations against the installed `clever sandbox serve`.

Afterwards the hook count is exact, no request got a 5xx, the database passes `PRAGMA integrity_check`,
and it is still 0600 in a 0700 folder. Bounded: every client stops at a deadline, the server is stopped.
"""

from __future__ import annotations

import os
import stat

import pytest

from loadgen import integrity, run_load
from servers import FaultyProxy, SandboxServer

pytestmark = pytest.mark.slow

CLIENTS, OPS = 20, 50


def test_concurrent_clients_leave_an_exact_count_and_an_intact_database(tmp_path):
    db = tmp_path / "state" / "sandbox.db"
    sandbox = SandboxServer(db)
    try:
        result = run_load(sandbox, CLIENTS, OPS, time_limit=90)
    finally:
        rc = sandbox.stop()
    print(result)  # throughput and latencies, shown with `pytest -s`
    assert result["errors"] == [] and result["failed"] == [] and result["stuck_clients"] == 0
    assert result["operations"] == CLIENTS * OPS
    assert all(200 <= status < 300 for status in result["statuses"]), result["statuses"]
    assert sum(result["statuses"].values()) == CLIENTS * OPS  # one request per operation: no retry was needed
    assert result["created"] == CLIENTS * OPS * 2 // 5 and result["deleted"] == CLIENTS * OPS // 5
    assert result["problems"] == []
    assert result["count_after"] - result["count_before"] == result["created"] - result["deleted"] == 200
    assert rc == 0 and "Traceback" not in sandbox.stderr
    assert integrity(db) == "ok"
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(db.parent).st_mode) == 0o700


def test_through_a_lying_gateway_nothing_is_created_twice_or_lost(tmp_path):
    """15% of requests answered 502/504 or cut off after the sandbox applied them, or refused with 503:
    the clients' retries and confirmations must still leave exactly what each was told."""
    db = tmp_path / "sandbox.db"
    sandbox = SandboxServer(db)
    proxy = FaultyProxy(sandbox.api_host, rate=0.15, seed=11)
    try:
        result = run_load(sandbox, 10, 30, time_limit=90, via=proxy.url)
    finally:
        proxy.stop()
        sandbox.stop()
    print(result, proxy.injected)
    assert result["errors"] == [] and result["stuck_clients"] == 0
    assert sum(proxy.injected.values()) >= 20  # the faults did happen
    assert {502, 503, 504} <= set(result["statuses"])
    assert result["problems"] == []  # no duplicate, nothing lost, no hook reported "not created" exists
    assert len(result["failed"]) <= 10  # reported failures stay rare (three tries, confirmations)
    assert integrity(db) == "ok"
