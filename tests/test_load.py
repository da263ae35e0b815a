"""Load test (runs in CI): 20 concurrent clients x 50 operations against the installed `clever sandbox serve`.

Afterwards the hook count is exact, no request got a 5xx, the database passes `PRAGMA integrity_check`,
and it is still 0600 in a 0700 folder. Bounded: every client stops at a deadline, the server is stopped.
"""

from __future__ import annotations

import os
import stat

from loadgen import Sandbox, integrity, run_load

CLIENTS, OPS = 20, 50


def test_concurrent_clients_leave_an_exact_count_and_an_intact_database(tmp_path):
    db = tmp_path / "state" / "sandbox.db"
    sandbox = Sandbox(db)
    try:
        result = run_load(sandbox, CLIENTS, OPS, time_limit=90)
    finally:
        rc = sandbox.stop()
    print(result)  # throughput and latencies, shown with `pytest -s`
    assert result["errors"] == [] and result["stuck_clients"] == 0
    assert result["operations"] == CLIENTS * OPS
    assert all(200 <= status < 300 for status in result["statuses"]), result["statuses"]
    # 1000 operations + 5 set-up/check requests: nothing needed a retry
    assert sum(result["statuses"].values()) == CLIENTS * OPS + 5
    assert result["created"] == CLIENTS * OPS * 2 // 5 and result["deleted"] == CLIENTS * OPS // 5
    assert result["exact"]
    grown = sum(result["count_after"].values()) - sum(result["count_before"].values())
    assert grown == result["created"] - result["deleted"] == 200
    assert rc == 0 and "Traceback" not in sandbox.stderr
    assert integrity(db) == "ok"
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(db.parent).st_mode) == 0o700
