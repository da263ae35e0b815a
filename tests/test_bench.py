"""The benchmark still runs end to end (a smoke test of the script; timings are not asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


def test_bench_runs_and_counts_one_request_per_list(clever_exe):
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--runs", "1", "--hooks", "20", "--clever", clever_exe],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^(\S.*?)\s{2,}(\d+)(?:\s+(\d+))?\s*$", line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), m.group(3))
    assert rows["clever --help"][1] is None  # no server involved, no request column
    for label in ("webhooks -F json --org ID (3 hooks)", "webhooks -F json --org Acme (by name)",
                  "webhooks add … --org ID", "webhooks -F json --org ID (20 hooks)",
                  "webhooks --org ID (20 hooks, human)"):
        assert rows[label][1] == "1", (label, proc.stdout)
    assert re.search(r"in-process, 20 hooks: fetch \d+ ms, render JSON \+\d+ ms, render human \(plain\) \+\d+ ms",
                     proc.stdout)


NAC_BENCH = BENCH.parent / "notifications_bench.py"


def test_notifications_bench_plans_and_applies_with_reads_only(clever_exe):
    proc = subprocess.run(
        [sys.executable, str(NAC_BENCH), "--runs", "1", "--owners", "3", "--hooks", "24", "--clever", clever_exe],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # the exported file names the owners: one summary, then two lists per owner; no write. Columns: wall ms,
    # the command's own CPU ms and peak MB (read from its resource usage; "-" where the OS does not say), requests
    usage = r"\s+\d+\s+(\d+|-)\s+(\d+|-)\s+"
    assert re.search(rf"^clever notifications plan FILE{usage}7 \(7 GET\)$", proc.stdout, re.MULTILINE), proc.stdout
    assert re.search(rf"^clever notifications apply FILE \(nothing to change\){usage}7 \(7 GET\)$", proc.stdout,
                     re.MULTILINE), proc.stdout
    assert re.search(r"^host speed: a fixed Python loop took \d+\.\d\d s of CPU before the runs, \d+\.\d\d s after ",
                     proc.stdout, re.MULTILINE), proc.stdout
    if sys.platform.startswith("linux"):
        assert re.search(r"^clever notifications plan FILE\s+\d+\s+\d+\s+\d+\s+", proc.stdout, re.MULTILINE)
