"""The --all-owners benchmark runs end to end and counts, on the real sandbox server, one /v2/summary and
one list per owner (timings are printed, not asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "all_owners.py"


@pytest.mark.slow
def test_all_owners_benchmark_counts_one_summary_and_one_list_per_owner(clever_exe):
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--runs", "1", "--owners", "4", "--hooks", "1", "--clever", clever_exe],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = dict(re.findall(r"^(\S.*?)\s{2,}\d+\s+(\d+)\s*$", proc.stdout, flags=re.M))
    assert rows["clever-notify webhooks --all-owners -F json"] == "5"  # 1 summary + 4 lists
    assert rows["clever-notify webhooks check --all-owners"] == "5"
    assert rows["clever-notify loop: webhooks -F json --org ID x 4"] == "4"
