"""What the tool cannot read is not healthy (issue 23): unknown states and failures it cannot place in time."""

from __future__ import annotations

import json
import time

import pytest
import responses

from clever_notify.hooks import health
from helpers import API, ORG_ID

NOW = 1_764_355_200_000
HOOKS = f"{API}/v2/notifications/webhooks/{ORG_ID}"


def hook(state="ENABLED", failures=(), hook_id="h1"):
    return {"id": hook_id, "ownerId": ORG_ID, "name": f"hook {hook_id}", "createdAt": 1, "state": state,
            "urls": [{"format": "raw", "url": "https://r.example.org/x"}], "failures": list(failures)}


@pytest.mark.parametrize("state", ["PAUSED", "SUSPENDED", "ERROR", "BLOCKED", "enabled-ish", "", " ", "ENABLED "])
def test_a_state_it_does_not_know_is_unknown_not_ok(state):
    h = health.classify(hook(state), now_ms=NOW)
    assert h.status == "unknown" and not h.healthy
    assert h.state == state


@pytest.mark.parametrize("state", [1, 0, True, False, ["ENABLED"], {"value": "ENABLED"}, 1.5])
def test_a_state_that_is_not_text_is_unknown_not_enabled(state):
    h = health.classify(hook(state), now_ms=NOW)
    assert h.status == "unknown" and not h.healthy
    assert isinstance(h.state, str) and h.state != "ENABLED"


def test_a_state_of_null_is_read_as_absent():
    assert health.classify(hook(None), now_ms=NOW).status == "ok"


def test_only_enabled_and_disabled_are_known_states():
    known = {"ENABLED": "ok", "enabled": "ok", "DISABLED": "disabled", "Disabled": "disabled"}
    for state, status in known.items():
        assert health.classify(hook(state), now_ms=NOW).status == status
    bare = hook()
    del bare["state"]  # a hook listed without a state: enabled, as the API creates it
    assert health.classify(bare, now_ms=NOW).status == "ok"
    for state in ("PAUSED", "SUSPENDED", "ERROR", "BLOCKED", "ARCHIVED", "ENABLED_SOON"):
        assert health.classify(hook(state), now_ms=NOW).status == "unknown", state


@pytest.mark.parametrize("created", [-1e300, pytest.param(10 ** 400, id="10**400"),
                                     pytest.param(-(10 ** 400), id="-10**400"), -1e20, -(10 ** 18)])
def test_a_failure_at_a_time_it_cannot_place_is_not_old(created):
    h = health.classify(hook(failures=[{"status": 502, "createdAt": created}]), now_ms=NOW)
    assert h.status == "failing" and h.recent == 1


def test_no_unplaceable_time_is_old_and_a_placed_one_is():
    unplaceable = [-1e300, 1e300, float("nan"), float("inf"), -float("inf"), "yesterday", "", 10 ** 400, [1],
                   {"t": 1}, True, "9999-99-99T00:00:00Z", -1e20]
    for created in unplaceable:
        h = health.classify(hook(failures=[{"status": 502, "createdAt": created}]), now_ms=NOW)
        assert (h.status, h.recent) == ("failing", 1), created
    old = health.classify(hook(failures=[{"status": 502, "createdAt": NOW - 3 * 86_400_000}]), now_ms=NOW)
    assert (old.status, old.recent) == ("ok", 0)


@responses.activate
def test_check_shows_unknown_and_exits_5(run, creds):
    hooks = [hook("ENABLED", hook_id="a"), hook("PAUSED", hook_id="b"), hook("SUSPENDED", hook_id="c")]
    responses.get(HOOKS, json=hooks)
    result = run("webhooks", "check", "--org", ORG_ID)
    assert result.exit_code == 5, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok ") and lines[1].startswith("unknown ") and lines[2].startswith("unknown ")
    assert "state PAUSED" in lines[1] and "state SUSPENDED" in lines[2]
    assert "2 in an unknown state" in result.stderr and "2 of 3 webhooks are not healthy" in result.stderr
    assert [c.request.method for c in responses.calls] == ["GET"]


@responses.activate
def test_check_json_says_unknown(run, creds):
    responses.get(HOOKS, json=[hook("BLOCKED")])
    result = run("webhooks", "check", "--org", ORG_ID, "--json")
    assert result.exit_code == 5
    assert [(d["health"], d["state"]) for d in json.loads(result.stdout)] == [("unknown", "BLOCKED")]


@responses.activate
def test_check_counts_an_unplaceable_failure_as_failing(run, creds):
    responses.get(HOOKS, json=[hook(failures=[{"status": 500, "createdAt": -1e300}]),
                               hook(failures=[{"status": 500, "createdAt": int(time.time() * 1000) - 86_400_000 * 9}],
                                    hook_id="h2")])
    result = run("webhooks", "check", "--org", ORG_ID)
    assert result.exit_code == 5, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["failing", "ok"]
    assert "at an unknown time" in result.stdout


@responses.activate
def test_the_listing_marks_an_unknown_state(run, creds):
    responses.get(HOOKS, json=[hook("ERROR"), hook("ENABLED", hook_id="h2")])
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 0, result.output
    assert '"hook h1"' in result.stdout or "hook h1" in result.stdout
    assert "[unknown state]" in result.stdout and result.stdout.count("[unknown state]") == 1
    assert "ERROR: unknown to this tool" in result.stdout
