"""A webhook's health from its state and failures (clever_notify.hooks.health): pure, no I/O."""

from __future__ import annotations

import pytest

from clever_notify.hooks import health

NOW = 1_764_355_200_000  # 2025-11-28 18:40 UTC
HOUR = 3600 * 1000


def hook(state="ENABLED", failures=()):
    return {"id": "h1", "ownerId": "orga_1", "name": "deploys", "state": state, "failures": list(failures)}


def test_no_failures_is_ok():
    h = health.classify(hook(), now_ms=NOW)
    assert (h.status, h.failures, h.recent, h.last) == ("ok", 0, 0, None) and h.healthy
    assert health.evidence(h, NOW) == "no recent failure"


def test_a_recent_failure_is_failing():
    failure = {"url": "https://r", "status": 502, "createdAt": NOW - 5 * 60 * 1000}
    h = health.classify(hook(failures=[failure]), now_ms=NOW)
    assert (h.status, h.recent, h.last) == ("failing", 1, failure) and not h.healthy
    assert health.evidence(h, NOW) == "1 failure, last: HTTP 502 2025-11-28 18:35 UTC (5 min ago)"


def test_old_failures_only_are_ok_but_shown():
    old = [{"url": "https://r", "networkFailure": True, "createdAt": NOW - 3 * 24 * HOUR},
           {"url": "https://r", "status": 500, "createdAt": NOW - 2 * 24 * HOUR - 1}]
    h = health.classify(hook(failures=old), now_ms=NOW)
    assert (h.status, h.failures, h.recent) == ("ok", 2, 0)
    assert health.evidence(h, NOW).startswith("2 failures, 0 recent, last: HTTP 500 2025-11-26 18:39 UTC (2 days ago)")
    assert health.classify(hook(failures=old), now_ms=NOW, window_ms=4 * 24 * HOUR).status == "failing"


def test_disabled_wins_whatever_the_failures():
    assert health.classify(hook(state="DISABLED"), now_ms=NOW).status == "disabled"
    failure = {"url": "https://r", "networkFailure": True, "createdAt": NOW - HOUR}
    h = health.classify(hook(state="DISABLED", failures=[failure]), now_ms=NOW)
    assert h.status == "disabled"
    assert health.evidence(h, NOW) == ("state DISABLED: the platform no longer calls it; "
                                       "1 failure, last: network failure 2025-11-28 17:40 UTC (1 h ago)")


@pytest.mark.parametrize("created", [None, "not a date", True, [], {}])
def test_a_failure_of_unknown_time_counts_as_recent(created):
    failure = {"url": "https://r", "status": 404}
    if created is not None:
        failure["createdAt"] = created
    h = health.classify(hook(failures=[failure]), now_ms=NOW)
    assert h.status == "failing" and h.recent == 1
    assert "at an unknown time" in health.evidence(h, NOW)


def test_iso_times_are_read():
    assert health.failure_time_ms({"createdAt": "2025-11-28T18:40:00Z"}) == NOW
    assert health.failure_time_ms({"createdAt": "2025-11-28T19:40:00+01:00"}) == NOW
    assert health.failure_time_ms({"createdAt": "2025-11-28T18:40:00"}) == NOW  # no zone: UTC


def test_the_newest_failure_is_the_last_one_whatever_the_order():
    failures = [{"status": 500, "createdAt": NOW - 10}, {"status": 503, "createdAt": NOW - 1},
                {"status": 502, "createdAt": NOW - 5}, {"status": 504}]
    assert health.newest_failure(failures)["status"] == 503
    assert health.newest_failure([{"status": 1}, {"status": 2}])["status"] == 2


@pytest.mark.parametrize("value", [None, "x", 3, [1, "a"]])
def test_malformed_fields_from_the_api_do_not_crash(value):
    h = health.classify({"id": "h", "state": value, "failures": value}, now_ms=NOW)
    # A state it cannot read ("x", 3, a list) is "unknown", never ok (issue 23); null is read as absent. The
    # listings report a hook of that shape as malformed before it is classified; the audit classifies it.
    assert h.status == ("ok" if value is None else "unknown")
    assert (h.state == "ENABLED") == (value is None)


def test_causes():
    assert health.failure_cause({"networkFailure": True, "status": 500}) == "network failure"
    assert health.failure_cause({"status": 410}) == "HTTP 410"
    assert health.failure_cause({"status": "410"}) == "HTTP 410"
    assert health.failure_cause({"networkFailure": "ECONNREFUSED"}) == "network failure (ECONNREFUSED)"
    assert health.failure_cause({}) == "failed"


def test_json_is_camel_case_with_the_evidence():
    failure = {"url": "https://r", "status": 502, "createdAt": NOW - 1000, "partialBody": "<html>"}
    doc = health.as_json(hook(failures=[failure]), health.classify(hook(failures=[failure]), now_ms=NOW))
    assert doc == {"ownerId": "orga_1", "id": "h1", "name": "deploys", "health": "failing", "state": "ENABLED",
                   "failures": 1, "recentFailures": 1,
                   "lastFailure": {"url": "https://r", "status": 502, "createdAt": NOW - 1000}}
