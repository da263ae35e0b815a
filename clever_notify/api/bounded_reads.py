"""Many independent reads (one list per owner, or per owner and kind) over a bounded pool of threads.

The one concurrent reader: `--all-owners` (owners/sweep.py) and the notifications file (notifications_file/remote.py)
both read many owners' lists through it. At most `max_workers` requests are open at once, whatever the
number of reads; a read that fails with an API error does not stop the others (its error is kept for the
caller to report or raise); a bug or Ctrl-C cancels the reads not started and goes on at once, and the
process may exit without waiting for the reads in flight.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from clever_notify.errors import CleverNotifyError

MAX_READERS = 8  # enough to hide latency, few enough to stay polite with the API
_POLL_S = 0.2  # how often the caller looks up from waiting: a Ctrl-C is seen at once either way

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
    The readers are daemon threads, not a ThreadPoolExecutor's: the interpreter joins those at exit, so a
    Ctrl-C would wait for every request in flight to reach its own deadline (timeout x tries) before exit.
    """
    import queue
    import threading

    outcomes: list[Outcome[Value]] = [Outcome() for _ in jobs]
    if not jobs:
        return outcomes
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(jobs)):
        todo.put(index)
    finished: queue.SimpleQueue[tuple[int, Value | None, BaseException | None]] = queue.SimpleQueue()
    stop = threading.Event()
    workers = max(1, min(max_workers, len(jobs)))
    # A reader starts a job only while fewer than `workers` results wait for the caller: reads never run far
    # ahead of it, so after a Ctrl-C (or a bug) in the caller hardly any read starts.
    slots = threading.Semaphore(workers)

    def reader() -> None:
        while not stop.is_set():
            if not slots.acquire(timeout=_POLL_S):
                continue
            if stop.is_set():
                return
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                finished.put((index, read(jobs[index]), None))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, which raises a bug there
                finished.put((index, None, exc))

    for n in range(workers):
        threading.Thread(target=reader, name=f"reads-{n}", daemon=True).start()
    try:
        for _ in range(len(jobs)):
            while True:
                try:
                    index, value, error = finished.get(timeout=_POLL_S)
                    break
                except queue.Empty:
                    continue
            if error is not None and not isinstance(error, CleverNotifyError):
                raise error
            outcomes[index].value, outcomes[index].error = value, error
            if on_done is not None:
                on_done(index, outcomes[index])
            slots.release()
    finally:
        stop.set()  # reads not started are not started; those in flight end on their own, unwaited
    return outcomes
