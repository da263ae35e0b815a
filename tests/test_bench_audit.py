"""The audit benchmark runs end to end and counts, on the real sandbox server, the audit's reads: one /v2/summary
and one list per owner and kind, as many as the two --all-owners listings together (timings printed, not asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "audit.py"


@pytest.mark.slow
def test_audit_benchmark_counts_the_reads(clever_exe):
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--runs", "1", "--owners", "4", "--hooks", "1", "--clever", clever_exe],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = dict(re.findall(r"^(\S.*?)\s{2,}\d+\s+(\d+)\s*$", proc.stdout, flags=re.M))
    assert rows["notifications audit -F json"] == "9"  # 1 summary + 4 owners x 2 kinds
    assert rows["webhooks --all-owners -F json"] == rows["notify-email --all-owners -F json"] == "5"
    assert re.search(r"^audit / \(webhooks \+ notify-email listings\) = \d+\.\d\d", proc.stdout, flags=re.M)
    assert re.search(r"^the rules alone .*: \d+\.\d ms$", proc.stdout, flags=re.M)
