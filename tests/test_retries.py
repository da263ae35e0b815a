"""Retries without duplicates: GET/DELETE repeated with bounded back-off; POST/PUT confirmed before resending.

Every test talks to a fault-injecting stand-in server on 127.0.0.1 (tests/servers.py).
"""

from __future__ import annotations

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from clever_notify.api import transport as api
from clever_notify.api.client import ApiClient
from clever_notify.config.settings import load_settings
from clever_notify.errors import NetworkError
from clever_notify.writes import verified
from helpers import API, ORG_ID, SECRET, TOKEN, hooks_path
from servers import HookStore, closed_port, drop, hang, reply, script

HOOKS = hooks_path("webhooks")


@pytest.fixture
def stand_in(loopback, point_at):
    """stand_in(faults, timeout=None): a HookStore served on loopback, the CLI pointed at it."""

    def start(faults: dict | None = None, timeout: str | None = None):
        store = HookStore(faults)
        server = loopback(store)
        point_at(server.url, timeout)
        return store, server

    return start


def client(url: str, timeout: str = "2", notices: list | None = None) -> ApiClient:
    env = {"CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET, "API_HOST": url, "CLEVER_TIMEOUT": timeout}
    return ApiClient(load_settings(env), sleep=lambda s: None,
                     notice=(notices.append if notices is not None else None))


# --- GET --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_get_retried_on_transient_status_then_succeeds(run, loopback, point_at, retry_waits, status):
    server = loopback(script(reply(status, {"message": "busy"}), reply(200, [])))
    point_at(server.url)
    result = run("webhooks", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "[]\n"
    assert [(r.method, r.path) for r in server.received] == [("GET", HOOKS)] * 2
    assert retry_waits == [0.5]


def test_get_gives_up_after_three_tries_with_bounded_backoff(run, loopback, point_at, retry_waits):
    server = loopback(script(reply(502, raw=b"<html>Bad gateway</html>", content_type="text/html")))
    point_at(server.url)
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1
    assert result.stderr == "Error: the API answered 502: HTTP 502 Bad Gateway\n"
    assert server.methods() == ["GET"] * 3
    assert retry_waits == [0.5, 1.0]


def test_get_not_retried_on_other_errors(run, loopback, point_at, retry_waits):
    server = loopback(script(reply(500, {"message": "boom"})))
    point_at(server.url)
    assert run("webhooks", "--org", ORG_ID).exit_code == 1
    assert server.methods() == ["GET"] and retry_waits == []


@pytest.mark.parametrize("header,expected", [
    ("2", 2.0),                                  # honoured
    ("3600", api.MAX_RETRY_AFTER),               # capped
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.5),      # a date in the past: the normal back-off
    ("soon", 0.5),                               # unreadable: the normal back-off
])
def test_retry_after_is_honoured_but_capped(run, loopback, point_at, retry_waits, header, expected):
    server = loopback(script(reply(429, {"message": "slow down"}, headers={"Retry-After": header}),
                                 reply(200, [])))
    point_at(server.url)
    assert run("webhooks", "--org", ORG_ID).exit_code == 0
    assert retry_waits == [expected] and len(server.received) == 2


def test_total_wait_is_bounded_even_when_every_answer_asks_for_more(loopback, retry_waits):
    server = loopback(script(reply(503, headers={"Retry-After": "999"})))
    waits: list[float] = []
    c = client(server.url)
    c.transport._sleep = waits.append
    with pytest.raises(Exception, match="503"):
        c.list_hooks("webhooks", ORG_ID)
    assert len(server.received) == api.MAX_TRIES
    assert waits == [api.MAX_RETRY_AFTER, api.MAX_RETRY_AFTER]
    assert sum(waits) <= api.MAX_TOTAL_WAIT


def test_get_retried_after_a_dropped_connection(run, loopback, point_at, retry_waits):
    server = loopback(script(drop(), reply(200, [{"id": "h1", "ownerId": ORG_ID, "urls": []}])))
    point_at(server.url)
    result = run("webhooks", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert '"id": "h1"' in result.stdout and server.methods() == ["GET", "GET"]


def test_connection_refused_three_tries_then_a_sentence(run, point_at, retry_waits):
    point_at(f"http://127.0.0.1:{closed_port()}")
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot reach the API at http://127.0.0.1:")
    assert retry_waits == [0.5, 1.0]


# --- DELETE -----------------------------------------------------------------------------------------


def test_delete_404_on_a_retry_counts_as_done(run, stand_in):
    store, server = stand_in({"DELETE": [(True, drop())]})  # deleted, but the answer is lost
    store.hooks.append({"id": "h1", "ownerId": ORG_ID, "name": "n", "urls": []})
    result = run("webhooks", "remove", "h1", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "The webhook h1 has been removed.\n" in result.stderr
    assert [(r.method, r.path) for r in server.received] == [("DELETE", f"{HOOKS}/h1")] * 2
    assert store.hooks == []


def test_delete_404_on_the_first_try_is_not_found(run, loopback, point_at):
    server = loopback(HookStore())
    point_at(server.url)
    result = run("webhooks", "remove", "nope", "--org", ORG_ID)
    assert result.exit_code == 4 and "nope not found" in result.stderr
    assert server.methods() == ["DELETE"]


def test_delete_retried_on_504(run, stand_in, retry_waits):
    store, server = stand_in({"DELETE": [(False, reply(504))]})
    store.hooks.append({"id": "h1", "ownerId": ORG_ID, "name": "n", "urls": []})
    assert run("webhooks", "remove", "h1", "--org", ORG_ID).exit_code == 0
    assert server.methods() == ["DELETE", "DELETE"] and store.hooks == [] and retry_waits == [0.5]


# --- POST: never blindly repeated -------------------------------------------------------------------

ADD = ("webhooks", "add", "ci", "https://example.org/hook", "--event", "DEPLOYMENT_FAIL", "--org", ORG_ID)
SENT = {"name": "ci", "urls": [{"format": "raw", "url": "https://example.org/hook"}], "scope": None,
        "events": ["DEPLOYMENT_FAIL"]}


@pytest.mark.parametrize("fault", [reply(502), reply(504), reply(503), drop()], ids=["502", "504", "503", "lost"])
def test_post_applied_then_ambiguous_failure_is_confirmed_not_repeated(run, stand_in, fault):
    store, server = stand_in({"POST": [(True, fault)]})
    result = run(*ADD)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "hook-1\n"
    assert "an ambiguous failure; the listing confirms" in result.stderr and "was created (id hook-1)" in result.stderr
    assert [(r.method, r.path) for r in server.received] == [("POST", HOOKS), ("GET", HOOKS)]
    assert server.received[0].json() == SENT
    assert len(store.hooks) == 1


def test_post_timed_out_after_applying_is_confirmed(run, stand_in):
    store, server = stand_in({"POST": [(True, hang(5))]}, timeout="0.5")
    result = run(*ADD)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "hook-1\n" and "did not answer in time" in result.stderr
    assert server.methods() == ["POST", "GET"] and len(store.hooks) == 1


@pytest.mark.parametrize("fault", [reply(502), reply(504), drop()], ids=["502", "504", "lost"])
def test_post_not_applied_is_sent_exactly_once_more(run, stand_in, fault):
    store, server = stand_in({"POST": [(False, fault)]})
    result = run(*ADD)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "hook-1\n" and "sending it once more" in result.stderr
    assert server.methods() == ["POST", "GET", "POST"]
    assert server.received[0].body == server.received[2].body
    assert len(store.hooks) == 1


def test_post_failing_ambiguously_twice_tells_the_truth(run, stand_in):
    store, server = stand_in({"POST": [(False, reply(502)), (False, reply(502))]})
    result = run(*ADD)
    assert result.exit_code == 1
    assert "was not created" in result.stderr and "Traceback" not in result.output
    assert server.methods() == ["POST", "GET", "POST", "GET"] and store.hooks == []


def test_post_second_ambiguous_failure_after_applying_is_confirmed(run, stand_in):
    store, server = stand_in({"POST": [(False, reply(504)), (True, drop())]})
    result = run(*ADD)
    assert result.exit_code == 0 and result.stdout == "hook-1\n"
    assert server.methods() == ["POST", "GET", "POST", "GET"] and len(store.hooks) == 1


def test_post_check_failing_says_it_may_or_may_not_exist(run, stand_in):
    store, server = stand_in({"POST": [(True, reply(502))], "GET": [(False, reply(500))]})
    result = run(*ADD)
    assert result.exit_code == 1 and "may or may not be created" in result.stderr
    assert server.methods() == ["POST", "GET"]


def test_post_other_hook_with_another_name_is_not_taken_for_ours(run, stand_in):
    store, server = stand_in({"POST": [(False, reply(502))]})
    store.hooks.append({"id": "old", "ownerId": ORG_ID, **SENT, "name": "other"})
    store.hooks.append({"id": "old2", "ownerId": ORG_ID, **SENT, "events": ["DEPLOYMENT_SUCCESS"]})
    result = run(*ADD)
    assert result.exit_code == 0 and result.stdout == "hook-1\n"
    assert server.methods() == ["POST", "GET", "POST"]


@pytest.mark.parametrize("status", [400, 500])
def test_post_definite_errors_are_not_retried(run, loopback, point_at, status):
    server = loopback(HookStore({"POST": [(False, reply(status, {"message": "no"}))]}))
    point_at(server.url)
    result = run(*ADD)
    assert result.exit_code == 1 and f"answered {status}: no" in result.stderr
    # A 500 may come after the API committed the hook: the listing is read, the POST never sent again.
    assert server.methods() == (["POST", "GET"] if status == 500 else ["POST"])


def test_post_429_was_refused_so_it_is_sent_again(run, stand_in, retry_waits):
    store, server = stand_in({"POST": [(False, reply(429, headers={"Retry-After": "1"}))]})
    assert run(*ADD).exit_code == 0
    assert server.methods() == ["POST", "POST"] and retry_waits == [1.0] and len(store.hooks) == 1


def _refused():
    return requests.exceptions.ConnectionError(
        MaxRetryError(None, "/x", NewConnectionError(None, "Connection refused")))


@responses.activate
def test_post_connection_refused_nothing_sent_is_retried_plainly(run, creds, retry_waits):
    url = API + HOOKS
    responses.post(url, body=_refused())
    responses.post(url, json={"id": "h9", **SENT})
    result = run(*ADD)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "h9\n"
    assert [c.request.method for c in responses.calls] == ["POST", "POST"]
    assert retry_waits == [0.5]


# --- PUT ----------------------------------------------------------------------------------------------

UPDATED = {"name": "renamed", "urls": [{"format": "slack", "url": "https://example.org/s"}]}


def test_put_applied_then_504_is_confirmed_by_listing(loopback):
    store = HookStore({"PUT": [(True, reply(504))]})
    store.hooks.append({"id": "h1", "ownerId": ORG_ID, **SENT})
    server = loopback(store)
    notices: list[str] = []
    hook = verified.update(client(server.url, notices=notices), "webhooks", ORG_ID, "h1", UPDATED)
    assert hook["id"] == "h1" and hook["name"] == "renamed"
    assert server.methods() == ["PUT", "GET"]
    assert len(notices) == 1 and "was updated (id h1)" in notices[0]


def test_put_not_applied_is_sent_once_more(loopback):
    store = HookStore({"PUT": [(False, drop())]})
    store.hooks.append({"id": "h1", "ownerId": ORG_ID, **SENT})
    server = loopback(store)
    hook = verified.update(client(server.url, notices=[]), "webhooks", ORG_ID, "h1", UPDATED)
    assert hook["name"] == "renamed" and server.methods() == ["PUT", "GET", "PUT"]


def test_emailhook_post_confirmed_by_notified_targets(loopback):
    store = HookStore({"POST": [(True, reply(502))]})
    server = loopback(store)
    body = {"name": "ops", "notified": [{"type": "email", "target": "a@b.org"}], "events": ["META_CREDITS"]}
    hook = verified.create(client(server.url, notices=[]), "emailhooks", ORG_ID, body)
    assert hook["id"] == "hook-1" and server.methods() == ["POST", "GET"]
    assert len(store.hooks) == 1


def test_post_answered_with_a_non_object_is_a_clear_error(loopback):
    server = loopback(script(reply(200, ["not", "a", "hook"]), reply(200, [])))  # the list read back: empty
    with pytest.raises(Exception, match="with no hook id .a JSON list., and the listing does not show it") as info:
        verified.create(client(server.url), "webhooks", ORG_ID, SENT)
    assert info.type.__module__ == "clever_notify.errors"


def test_ambiguous_failure_of_a_bare_post_is_a_network_error(loopback):
    server = loopback(script(reply(502)))
    with pytest.raises(NetworkError, match="may or may not have applied the POST"):
        client(server.url).request("POST", HOOKS, SENT)
    assert server.methods() == ["POST"]


@pytest.mark.parametrize("old_created", [1_600_000_000_000, "2020-09-13T12:26:40Z"], ids=["epoch-ms", "iso"])
def test_an_identical_hook_listed_after_an_ambiguous_add_is_never_sent_twice(run, stand_in, old_created):
    # issue 18: `add` reads no list before its POST (no more requests than clever-tools), and no clock tells
    # an older twin from the hook just sent: a listed hook just like it is taken as the one sent, and said so.
    store, server = stand_in({"POST": [(False, reply(502))]})
    store.hooks.append({"id": "old-twin", "ownerId": ORG_ID, **SENT, "createdAt": old_created})
    result = run(*ADD)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "old-twin\n"
    assert "not sent again" in result.stderr
    assert server.methods() == ["POST", "GET"]
    assert [h["id"] for h in store.hooks] == ["old-twin"]


def test_update_answered_204_is_a_success(run, stand_in):
    store, server = stand_in({"PUT": [(True, reply(204))]})
    store.hooks.append({"id": "h1", "ownerId": ORG_ID, **SENT, "createdAt": 1})
    result = run("webhooks", "update", "h1", "--name", "renamed", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert "renamed" in result.stdout + result.stderr
    assert server.methods() == ["GET", "PUT"]
    assert store.hooks[0]["name"] == "renamed"
