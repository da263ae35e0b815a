"""The write rules of issue 18, at the command line, against a stand-in API (`responses`) that keeps state.

A write counts as done when the API shows it done; a create confirmed after an ambiguous failure is told apart
by ids listed before it, never by clocks; a plan never creates on one 404 of a list; `enable` never leaves a
second copy, whatever half-failure an earlier run stopped at. Every request is checked (method, path, body,
Authorization header) by helpers.assert_sent.
"""

from __future__ import annotations

import json
import re
from email.utils import formatdate

import pytest
import responses

from helpers import API, ORG2_ID, ORG_ID, assert_sent, hooks_path, owner, summary, write

SUMMARY = summary(owner(ORG_ID, "Acme"), owner(ORG2_ID, "Twin"))
WEBHOOKS = hooks_path("webhooks")
EMAILS = hooks_path("emailhooks")
URLS = [{"format": "raw", "url": "https://example.org/h"}]
ERROR_OBJECT = {"id": 500, "message": "Internal error, try again", "type": "error"}
NOW = 1_800_000_000.0  # the stand-in API's clock, in its Date header


class Api:
    """Hooks of ORG_ID and ORG2_ID in memory. `faults`: [(method, path-suffix, apply, status, body)], each used
    once by the first matching request; `apply` says whether the store changes before that answer. `lag`:
    how far (seconds) the API dates `createdAt` behind its Date header. `keeps_state`: PUTs never store `state`
    (their answer still echoes what was sent), until `honour_state()`."""

    def __init__(self, hooks=(), *, lag=0.0, faults=(), keeps_state=False, echo_sent=True):
        self.hooks: list[dict] = [dict(h) for h in hooks]
        self.faults = list(faults)
        self.lag = lag
        self.keeps_state = keeps_state
        self.echo_sent = echo_sent  # a PUT answers what was sent (True) or the hook as stored (False)
        self.count = 0
        self.calls: list = []
        for method in ("GET", "POST", "PUT", "DELETE"):
            responses.add_callback(method, re.compile(rf"{re.escape(API)}/v2/.*"), callback=self.handle)

    def honour_state(self):
        self.keeps_state = False

    def handle(self, request):
        self.calls.append(request)
        for i, (method, suffix, apply, status, body) in enumerate(self.faults):
            if method == request.method and request.path_url.endswith(suffix):
                del self.faults[i]
                if apply:
                    self.apply(request)
                if isinstance(status, type) and issubclass(status, BaseException):
                    raise status()
                return status, {"Date": formatdate(NOW, usegmt=True)}, "" if body is None else json.dumps(body)
        status, body = self.apply(request)
        return status, {"Date": formatdate(NOW, usegmt=True)}, "" if body is None else json.dumps(body)

    def apply(self, request):
        path = request.path_url
        if path == "/v2/summary":
            return 200, SUMMARY
        _, _, _, kind, owner_id, *rest = path.split("/")
        mine = [h for h in self.hooks if (h["kind"], h["ownerId"]) == (kind, owner_id)]
        shown = [{k: v for k, v in h.items() if k != "kind"} for h in mine]
        if request.method == "GET":
            return 200, shown
        body = json.loads(request.body) if request.body else None
        if request.method == "POST":
            self.count += 1
            hook = {"id": f"new-{self.count}", "ownerId": owner_id, **body, "kind": kind,
                    "createdAt": int((NOW - self.lag) * 1000), "state": "ENABLED"}
            self.hooks.append(hook)
            return 200, {k: v for k, v in hook.items() if k != "kind"}
        found = [h for h in mine if h["id"] == rest[0]]
        if not found:
            return 404, {"message": "Not Found"}
        if request.method == "PUT":
            kept = found[0].get("state")
            found[0].update(body)
            if self.keeps_state and kept is not None:
                found[0]["state"] = kept
            if self.echo_sent:
                return 200, {"id": rest[0], "ownerId": owner_id, **body}
            return 200, {k: v for k, v in found[0].items() if k != "kind"}
        self.hooks.remove(found[0])
        return 204, None

    def listed(self, kind="webhooks", owner_id=ORG_ID):
        return [h for h in self.hooks if (h["kind"], h["ownerId"]) == (kind, owner_id)]

    def writes(self):
        return [(c.method, c.path_url) for c in self.calls if c.method != "GET"]

    def requests(self):
        """(method, path) of every request, each checked whole: auth header, and the JSON body it carried."""
        out = []
        for c in self.calls:
            body = json.loads(c.body) if c.body else None
            if body is None:
                assert_sent(_Call(c), c.method, c.path_url)
            else:
                assert_sent(_Call(c), c.method, c.path_url, body, ordered=False)
            out.append((c.method, c.path_url))
        return out


class _Call:
    def __init__(self, request):
        self.request = request


def webhook(hook_id="h1", name="deploys", state="ENABLED", **more):
    return {"id": hook_id, "ownerId": ORG_ID, "kind": "webhooks", "name": name, "urls": URLS,
            "events": ["DEPLOYMENT_FAIL"], "createdAt": 1_700_000_000_000, "state": state, **more}


def put_body(hook: dict, **changes) -> dict:
    body = {k: v for k, v in hook.items() if k not in ("id", "ownerId", "kind", "createdAt", "failures")}
    return {**body, **changes}


FILE = """\
version: 1
owners:
  {owner}:
    webhooks:
      - name: deploys
        urls: [{{url: 'https://example.org/h'}}]
        events: [DEPLOYMENT_FAIL]
"""


@pytest.fixture
def a_file(tmp_path):
    return lambda owner_id=ORG_ID, text=FILE: write(tmp_path, text.format(owner=owner_id))


# --- a 2xx that is not what was asked is checked by reading back ------------------------------------------


UNCHANGED = {k: v for k, v in webhook().items() if k != "kind"}  # the hook as it was, answered 200


@pytest.mark.parametrize("answer", [ERROR_OBJECT, UNCHANGED], ids=["error-object", "unchanged-hook"])
@responses.activate
def test_put_answered_2xx_with_an_error_object_and_not_applied_is_a_failure(run, creds, answer):
    api = Api([webhook()], faults=[("PUT", "/h1", False, 200, answer)])
    result = run("webhooks", "update", "h1", "--name", "renamed", "--org", ORG_ID)
    assert result.exit_code == 1, result.stderr
    assert "has been updated" not in result.stderr and "not applied" in result.stderr
    assert api.requests() == [("GET", WEBHOOKS), ("PUT", f"{WEBHOOKS}/h1"), ("GET", WEBHOOKS)]
    assert json.loads(api.calls[1].body)["name"] == "renamed" and api.listed()[0]["name"] == "deploys"


@responses.activate
def test_put_answered_2xx_with_an_error_object_fails_the_apply_step(run, creds, a_file):
    api = Api([webhook(events=["DEPLOYMENT_SUCCESS"])], faults=[("PUT", "/h1", False, 200, ERROR_OBJECT)])
    result = run("notifications", "apply", a_file())
    assert result.exit_code == 1, result.stderr
    assert "Applied:" not in result.stderr and "not applied" in result.stderr
    assert sorted(api.requests()[:2]) == sorted([("GET", WEBHOOKS), ("GET", EMAILS)])  # read concurrently
    assert api.requests()[2:] == [("PUT", f"{WEBHOOKS}/h1"), ("GET", WEBHOOKS)]
    assert json.loads(api.calls[2].body) == put_body(webhook(), events=["DEPLOYMENT_FAIL"])


@responses.activate
def test_put_answered_2xx_with_an_error_object_but_applied_is_confirmed_by_the_list(run, creds):
    api = Api([webhook()], faults=[("PUT", "/h1", True, 200, ERROR_OBJECT)])
    result = run("webhooks", "update", "h1", "--name", "renamed", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert api.requests() == [("GET", WEBHOOKS), ("PUT", f"{WEBHOOKS}/h1"), ("GET", WEBHOOKS)]


@pytest.mark.parametrize("answer", [ERROR_OBJECT, UNCHANGED], ids=["error-object", "the-hook"])
@responses.activate
def test_delete_answered_2xx_with_an_error_object_and_still_listed_is_a_failure(run, creds, answer):
    api = Api([webhook()], faults=[("DELETE", "/h1", False, 200, answer)])
    result = run("webhooks", "remove", "h1", "--org", ORG_ID)
    assert result.exit_code == 1, result.stderr
    assert "has been removed" not in result.stderr and "not deleted" in result.stderr
    assert api.requests() == [("DELETE", f"{WEBHOOKS}/h1"), ("GET", WEBHOOKS)]
    assert [h["id"] for h in api.listed()] == ["h1"]


@responses.activate
def test_delete_answered_2xx_with_an_error_object_fails_the_prune(run, creds, a_file):
    api = Api([webhook(), webhook("h2", name="stray")], faults=[("DELETE", "/h2", False, 200, ERROR_OBJECT)])
    result = run("notifications", "apply", a_file(), "--prune", "--yes")
    assert result.exit_code == 1, result.stderr
    assert "Applied:" not in result.stderr and "not deleted" in result.stderr
    assert api.requests()[2:] == [("DELETE", f"{WEBHOOKS}/h2"), ("GET", WEBHOOKS)]


@responses.activate
def test_delete_answered_404_for_a_hook_still_listed_is_a_failure(run, creds, a_file):
    # The DELETE-404 rule: a hook listed before the write is "already gone" only if the list no longer shows it.
    api = Api([webhook(), webhook("h2", name="stray")], faults=[("DELETE", "/h2", False, 404, {"message": "?"})])
    result = run("notifications", "apply", a_file(), "--prune", "--yes")
    assert result.exit_code == 1, result.stderr
    assert "yet still lists it" in result.stderr
    assert api.requests()[2:] == [("DELETE", f"{WEBHOOKS}/h2"), ("GET", WEBHOOKS)]


# --- enable: the PUT's echo of `state` proves nothing ----------------------------------------------------------


@responses.activate
def test_enable_whose_state_the_put_echoes_but_the_api_does_not_store_is_replaced(run, creds):
    api = Api([webhook(state="DISABLED")], keeps_state=True)
    result = run("webhooks", "enable", "h1", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "new-1\n"
    assert [(h["id"], h["state"]) for h in api.listed()] == [("new-1", "ENABLED")]
    assert api.requests() == [("GET", WEBHOOKS), ("PUT", f"{WEBHOOKS}/h1"), ("GET", WEBHOOKS), ("POST", WEBHOOKS),
                              ("DELETE", f"{WEBHOOKS}/h1")]
    assert json.loads(api.calls[1].body) == put_body(webhook(), state="ENABLED")
    creation = {k: v for k, v in put_body(webhook()).items() if k != "state"}  # a new webhook starts enabled
    assert json.loads(api.calls[3].body) == creation


@responses.activate
def test_disable_whose_state_the_put_echoes_but_the_api_does_not_store_is_an_error(run, creds):
    api = Api([webhook(state="ENABLED")], keeps_state=True)
    result = run("webhooks", "disable", "h1", "--org", ORG_ID)
    assert result.exit_code == 1, result.stderr
    assert "kept webhook h1 ENABLED" in result.stderr
    assert api.requests() == [("GET", WEBHOOKS), ("PUT", f"{WEBHOOKS}/h1"), ("GET", WEBHOOKS)]


# --- a create answered 502/504 after the API committed it: confirmed by ids, whatever the clocks ---------------

LAGS = {"3s": 3, "2min": 120, "11min": 660}


@pytest.mark.parametrize("status", [502, 504])
@pytest.mark.parametrize("lag", list(LAGS))
@responses.activate
def test_a_committed_create_answered_by_a_gateway_is_confirmed_never_sent_twice_by_add(run, creds, status, lag):
    api = Api(lag=LAGS[lag], faults=[("POST", WEBHOOKS, True, status, {"message": "gateway"})])
    result = run("webhooks", "add", "deploys", "https://example.org/h", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "new-1\n"
    assert api.requests() == [("POST", WEBHOOKS), ("GET", WEBHOOKS)]
    assert len(api.listed()) == 1


@pytest.mark.parametrize("status", [502, 504])
@pytest.mark.parametrize("lag", list(LAGS))
@responses.activate
def test_a_committed_create_answered_by_a_gateway_is_confirmed_never_sent_twice_by_apply(run, creds, a_file, status,
                                                                                          lag):
    api = Api([webhook("twin", name="deploys-old")], lag=LAGS[lag],
              faults=[("POST", WEBHOOKS, True, status, {"message": "gateway"})])
    result = run("notifications", "apply", a_file())
    assert result.exit_code == 0, result.stderr
    assert [m for m, _ in api.writes()] == ["POST"]
    assert sorted(h["id"] for h in api.listed()) == ["new-1", "twin"]


@pytest.mark.parametrize("lag", list(LAGS))
@responses.activate
def test_a_committed_create_of_default_emails_is_confirmed_never_sent_twice(run, creds, lag):
    api = Api(lag=LAGS[lag], faults=[("POST", EMAILS, True, 502, {"message": "gateway"})])
    result = run("notify-email", "default", "--restore", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert [m for m, _ in api.writes()] == ["POST"]
    assert len(api.listed("emailhooks")) == 1


# --- one 404 on the list of an owner that has hooks ----------------------------------------------------------


@responses.activate
def test_one_404_on_the_list_of_an_owner_with_hooks_never_makes_apply_create_them_again(run, creds, a_file):
    api = Api([webhook()], faults=[("GET", WEBHOOKS, False, 404, {"message": "Not Found"})])
    result = run("notifications", "apply", a_file())
    assert result.exit_code == 0, result.stderr
    assert api.writes() == []
    assert [h["id"] for h in api.listed()] == ["h1"]
    # An owner that really has no hooks (its list answered 404 every time) still gets its first one.
    api.faults = [("GET", hooks_path("webhooks", ORG2_ID), False, 404, {"message": "Not Found"})] * 2
    first = run("notifications", "apply", a_file(ORG2_ID))
    assert first.exit_code == 0, first.stderr
    assert [m for m, _ in api.writes()] == ["POST"]
    assert [h["name"] for h in api.listed(owner_id=ORG2_ID)] == ["deploys"]


# --- enable, run again after each half-failure: never a second copy ----------------------------------------------

HALF_FAILURES = {
    # the old webhook's DELETE refused: the enabled copy is made, the old one stays
    "delete-refused": [("DELETE", "/h1", False, 500, {"message": "delete refused"})],
    # the copy's POST answered by a gateway after the API committed it (dated 11 minutes behind)
    "create-502-committed": [("POST", WEBHOOKS, True, 502, {"message": "gateway"})],
    # the copy's POST answered 200 with an error object, yet committed
    "create-error-object-committed": [("POST", WEBHOOKS, True, 200, ERROR_OBJECT)],
    # the copy's POST answered 500 after the API committed it
    "create-500-committed": [("POST", WEBHOOKS, True, 500, {"message": "oops"})],
    # Ctrl-C while the copy's POST was in flight (the API committed it)
    "interrupted-during-create": [("POST", WEBHOOKS, True, KeyboardInterrupt, None)],
    # Ctrl-C while the old webhook's DELETE was in flight (not applied)
    "interrupted-during-delete": [("DELETE", "/h1", False, KeyboardInterrupt, None)],
}


@pytest.mark.parametrize("half", list(HALF_FAILURES))
@responses.activate
def test_enable_run_again_after_a_half_failure_never_leaves_a_second_copy(run, creds, half):
    # The API keeps the webhook disabled on the first run, and stores the state from then on (a refusal that
    # was transient): a re-run that sent the PUT first would leave the old webhook and its copy both enabled.
    api = Api([webhook(state="DISABLED")], lag=660, keeps_state=True, echo_sent=False, faults=HALF_FAILURES[half])
    run("webhooks", "enable", "h1", "--org", ORG_ID)
    api.honour_state()
    for _ in range(2):  # run again, and again: it converges
        again = run("webhooks", "enable", "h1", "--org", ORG_ID)
        assert again.exit_code in (0, 4), again.stderr  # 4: h1 is gone already, the job was done
        assert [(h["state"], h["name"]) for h in api.listed()] == [("ENABLED", "deploys")]
    assert [m for m, _ in api.writes()].count("POST") == 1
    api.requests()  # every request carried the credentials and its exact body

