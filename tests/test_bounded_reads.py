"""bounded_reads: the one concurrent reader behind --all-owners and the notifications file."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from clever_notify.api import bounded_reads
from clever_notify.errors import ApiError, NotFound
from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS
from clever_notify.notifications_file.remote import read_hooks
from clever_notify.owners import sweep as all_owners


def test_outcomes_in_job_order_with_errors_kept_and_progress_in_the_caller_thread():
    def read(job):
        time.sleep(0.001 * (10 - job))  # later jobs finish first
        if job == 3:
            raise NotFound("no 3")
        return job * 10

    seen: list[tuple[int, str]] = []
    outcomes = bounded_reads.read_each(list(range(10)), read, max_workers=3,
                                       on_done=lambda i, o: seen.append((i, threading.current_thread().name)))
    assert [o.value for o in outcomes] == [0, 10, 20, None, 40, 50, 60, 70, 80, 90]
    assert [type(o.error).__name__ if o.error else None for o in outcomes] == [None] * 3 + ["NotFound"] + [None] * 6
    assert sorted(i for i, _ in seen) == list(range(10))
    assert {name for _, name in seen} == {threading.main_thread().name}


def test_no_jobs_no_pool():
    assert bounded_reads.read_each([], lambda job: 1 / 0) == []


def test_both_callers_share_the_one_bound():
    assert all_owners.MAX_WORKERS == bounded_reads.MAX_READERS
    from clever_notify.notifications_file import remote

    assert remote.read_hooks.__defaults__ == (bounded_reads.MAX_READERS,)


class FailingClient:
    """Both lists of every owner; orga_2's e-mail hooks and orga_5's webhooks fail."""

    def __init__(self):
        self.calls: list[tuple] = []
        self.lock = threading.Lock()

    def list_hooks(self, kind, owner):
        with self.lock:
            self.calls.append((kind, owner))
        if (kind, owner) == (EMAILHOOKS, "orga_2"):
            raise ApiError("emailhooks of orga_2: HTTP 500")
        if (kind, owner) == (WEBHOOKS, "orga_5"):
            time.sleep(0.01)
            raise ApiError("webhooks of orga_5: HTTP 502")
        return []


def test_the_file_reader_reads_every_list_then_raises_the_first_failure_in_file_order():
    client = FailingClient()
    owners = [f"orga_{i}" for i in range(8)]
    with pytest.raises(ApiError, match="emailhooks of orga_2"):
        read_hooks(client, owners, workers=3)
    assert sorted(client.calls, key=str) == sorted(((k, o) for o in owners for k in (WEBHOOKS, EMAILHOOKS)), key=str)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_returns_at_once_and_the_process_exits_without_waiting_for_reads_in_flight(tmp_path):
    # With the reads in pool threads that the interpreter joins at exit, a Ctrl-C during `--all-owners` or
    # `notifications plan` was held until every request in flight ended: up to the timeout times its tries.
    script = tmp_path / "reads.py"
    script.write_text(
        "import sys, threading, time\n"
        "from clever_notify.api import bounded_reads\n"
        "started = threading.Event()\n"
        "def read(job):\n"
        "    started.set()\n"
        "    time.sleep(20)  # a request that hangs\n"
        "threading.Timer(0.1, lambda: (started.wait(), __import__('_thread').interrupt_main())).start()\n"
        "try:\n"
        "    bounded_reads.read_each([1, 2, 3], read, max_workers=2)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "    sys.exit(130)\n"
    )
    start = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (130, "interrupted\n"), done.stderr
    assert time.monotonic() - start < 10
