"""Many independent reads (one list per owner, or per owner and kind) over a bounded pool of threads.

The one concurrent reader: `--all-owners` (all_owners.py) and the notifications file (ascode/remote.py)
both read many owners' lists through it. At most `max_workers` requests are open at once, whatever the
number of reads; a read that fails with an API error does not stop the others (its error is kept for the
caller to report or raise); a bug or Ctrl-C cancels the reads not started and goes on at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Generic, TypeVar

from clever_notify.errors import CleverNotifyError

MAX_READERS = 8  # enough to hide latency, few enough to stay polite with the API

Job = TypeVar("Job")
Value = TypeVar("Value")


@dataclass
class Outcome(Generic[Value]):
    value: Value | None = None
    error: CleverNotifyError | None = None


def read_each(
    jobs: Sequence[Job],
    read: Callable[[Job], Value],
    *,
    max_workers: int = MAX_READERS,
    on_done: Callable[[int, Outcome[Value]], None] | None = None,
) -> list[Outcome[Value]]:
    """`read(job)` for every job, at most `max_workers` at a time; the outcomes in the jobs' order.

    `on_done(index, outcome)` is called in the calling thread as each job finishes (for a progress display).
    """
    outcomes: list[Outcome[Value]] = [Outcome() for _ in jobs]
    if not jobs:
        return outcomes
    pool = ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(jobs))), thread_name_prefix="reads")
    try:
        pending: dict[Future, int] = {pool.submit(read, job): i for i, job in enumerate(jobs)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                try:
                    outcomes[index].value = future.result()
                except CleverNotifyError as exc:
                    outcomes[index].error = exc
                if on_done is not None:
                    on_done(index, outcomes[index])
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return outcomes
