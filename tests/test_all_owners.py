"""The --all-owners reader (clever_notify.owners.sweep): owners from one /v2/summary, lists read by a bounded pool."""

from __future__ import annotations

import threading
import time

import pytest

from clever_notify.errors import ApiError, NotFound
from clever_notify.owners import sweep as all_owners


def summary(n_orgs: int, user="user_1") -> dict:
    return {"user": {"id": user, "name": "Me"},
            "organisations": [{"id": f"orga_{i}", "name": f"Org {i}"} for i in range(n_orgs)]}


def test_owners_are_the_user_then_the_organisations_in_order():
    owners = all_owners.owners_of(summary(3))
    assert [(o.id, o.name, o.is_user) for o in owners] == [
        ("user_1", "Me", True), ("orga_0", "Org 0", False), ("orga_1", "Org 1", False), ("orga_2", "Org 2", False)]


def test_an_owner_listed_twice_or_malformed_is_read_once_or_skipped():
    doc = summary(1)
    doc["organisations"] += [{"id": "orga_0", "name": "again"}, {"name": "no id"}, "junk", {"id": "user_1"}]
    assert [o.id for o in all_owners.owners_of(doc)] == ["user_1", "orga_0"]


@pytest.mark.parametrize("doc", [[], {"organisations": []}, {"user": {"id": 3}, "organisations": []},
                                 {"user": {"id": "user_1"}, "organisations": {}}])
def test_a_malformed_summary_is_an_api_error(doc):
    with pytest.raises(ApiError, match="/v2/summary"):
        all_owners.owners_of(doc)


def test_every_owner_is_read_once_with_bounded_concurrency_and_results_in_order():
    owners = all_owners.owners_of(summary(49))
    calls: list[str] = []
    active, peak = 0, 0
    lock = threading.Lock()

    def list_hooks(owner_id):
        nonlocal active, peak
        with lock:
            calls.append(owner_id)
            active += 1
            peak = max(peak, active)
        time.sleep(0.01)
        with lock:
            active -= 1
        return [{"id": f"hook-of-{owner_id}"}]

    done_in: list[str] = []
    results = all_owners.read_all(owners, list_hooks, max_workers=4,
                                  on_done=lambda r: done_in.append(threading.current_thread().name))
    assert sorted(calls) == sorted(o.id for o in owners) and len(calls) == 50
    assert 1 < peak <= 4  # concurrent, and never more than the pool
    assert [r.owner.id for r in results] == [o.id for o in owners]
    assert all(r.hooks == [{"id": f"hook-of-{r.owner.id}"}] and r.error is None for r in results)
    assert done_in == [threading.main_thread().name] * 50  # the progress callback runs in the caller's thread


def test_one_owner_failing_does_not_stop_the_others():
    owners = all_owners.owners_of(summary(3))

    def list_hooks(owner_id):
        if owner_id == "orga_1":
            raise NotFound("owner orga_1 not found")
        return []

    results = all_owners.read_all(owners, list_hooks)
    assert [type(r.error).__name__ if r.error else None for r in results] == [None, None, "NotFound", None]


def test_a_bug_is_not_swallowed():
    def list_hooks(owner_id):
        raise KeyError("bug")

    with pytest.raises(KeyError):
        all_owners.read_all(all_owners.owners_of(summary(2)), list_hooks)


def test_an_interrupt_does_not_wait_for_the_owners_not_started():
    started: list[str] = []
    release = threading.Event()

    def list_hooks(owner_id):
        started.append(owner_id)
        release.wait(2)
        return []

    def interrupt(result):
        raise KeyboardInterrupt

    owners = all_owners.owners_of(summary(30))
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        # The first owner to finish interrupts; the rest must be cancelled, not read.
        release.set()
        all_owners.read_all(owners, list_hooks, max_workers=2, on_done=interrupt)
    assert time.monotonic() - t0 < 2
    time.sleep(0.1)
    assert len(started) < len(owners)
