"""`clever webhooks enable|disable ID`: the exact requests (an update that keeps every other field; the
re-creation, create before delete, when the API keeps a webhook disabled) and what is printed."""

from __future__ import annotations

import json

import pytest
import responses

from helpers import API, NO_BODY, ORG_ID, assert_sent

HOOKS = f"{API}/v2/notifications/webhooks/{ORG_ID}"
NEW_ID = "0e0e0e0e-1111-4222-8333-444444444444"


def hook(state="DISABLED", **extra):
    """A webhook as listed, with a field the tool does not know (`description`): it must survive."""
    return {"id": "h1", "ownerId": ORG_ID, "name": "deploys", "description": "kept as is",
            "urls": [{"format": "slack", "url": "https://hooks.example.org/x"}], "events": ["DEPLOYMENT_FAIL"],
            "scope": ["app_1"], "createdAt": 1700000000000, "state": state,
            "failures": [{"url": "https://hooks.example.org/x", "networkFailure": True, "createdAt": 1}], **extra}


def sent_body(state):
    """What a PUT must carry: the hook as read, minus what the API owns, with only `state` changed."""
    return {"name": "deploys", "urls": [{"format": "slack", "url": "https://hooks.example.org/x"}],
            "scope": ["app_1"], "events": ["DEPLOYMENT_FAIL"], "description": "kept as is", "state": state}


def calls():
    """(method, URL, JSON body or None) of every call, after checking each with helpers.assert_sent."""
    out = []
    for c in responses.calls:
        body = json.loads(c.request.body) if c.request.body else None
        assert_sent(c, c.request.method, c.request.url, NO_BODY if body is None else body, ordered=False)
        out.append((c.request.method, c.request.url, body))
    return out


@responses.activate
def test_enable_sends_the_hook_back_with_state_enabled(run, creds, auth_header):
    responses.get(HOOKS, json=[hook()])
    responses.put(f"{HOOKS}/h1", json=hook(state="ENABLED"))
    responses.get(HOOKS, json=[hook(state="ENABLED")])
    result = run("webhooks", "enable", "h1", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    # issue 18: the PUT's echo of `state` proves nothing; the list, read back, shows it stored
    assert calls() == [("GET", HOOKS, None), ("PUT", f"{HOOKS}/h1", sent_body("ENABLED")), ("GET", HOOKS, None)]
    assert result.stdout == "h1\n"
    assert result.stderr == "The webhook deploys (h1) is enabled.\n"


@responses.activate
def test_disable_sends_the_hook_back_with_state_disabled(run, creds, auth_header):
    responses.get(HOOKS, json=[hook(state="ENABLED")])
    responses.put(f"{HOOKS}/h1", json=hook(state="DISABLED"))
    responses.get(HOOKS, json=[hook(state="DISABLED")])
    result = run("webhooks", "disable", "h1", "--org", ORG_ID, "--json")
    assert result.exit_code == 0, result.stderr
    assert calls() == [("GET", HOOKS, None), ("PUT", f"{HOOKS}/h1", sent_body("DISABLED")), ("GET", HOOKS, None)]
    assert json.loads(result.stdout) == {"id": "h1", "ownerId": ORG_ID, "state": "DISABLED", "changed": True,
                                         "recreated": False, "dryRun": False, "requests": [
                                             {"method": "PUT", "path": f"/v2/notifications/webhooks/{ORG_ID}/h1",
                                              "body": sent_body("DISABLED")}]}


@pytest.mark.parametrize("command,state", [("enable", "ENABLED"), ("disable", "DISABLED"), ("enable", "enabled")])
@responses.activate
def test_nothing_is_sent_when_already_in_that_state(run, creds, auth_header, command, state):
    responses.get(HOOKS, json=[hook(state=state)])
    result = run("webhooks", command, "h1", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert calls() == [("GET", HOOKS, None)]
    assert result.stdout == "h1\n" and "already" in result.stderr


@responses.activate
def test_a_hook_without_state_is_taken_as_enabled(run, creds, auth_header):
    listed = hook()
    del listed["state"]
    responses.get(HOOKS, json=[listed])
    assert run("webhooks", "enable", "h1", "--org", ORG_ID).exit_code == 0
    assert len(responses.calls) == 1


@responses.activate
def test_enable_recreates_when_the_api_keeps_it_disabled(run, creds, auth_header):
    responses.get(HOOKS, json=[hook()])
    responses.put(f"{HOOKS}/h1", json=hook(state="DISABLED"))
    responses.post(HOOKS, json={**hook(state="ENABLED"), "id": NEW_ID, "failures": []})
    responses.delete(f"{HOOKS}/h1", status=204)
    result = run("webhooks", "enable", "h1", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    create = {k: v for k, v in sent_body("ENABLED").items() if k != "state"}  # a new webhook starts enabled
    assert calls() == [("GET", HOOKS, None), ("PUT", f"{HOOKS}/h1", sent_body("ENABLED")), ("GET", HOOKS, None),
                       ("POST", HOOKS, create), ("DELETE", f"{HOOKS}/h1", None)]
    assert result.stdout == f"{NEW_ID}\n"
    assert f"created again as {NEW_ID}" in result.stderr and "old one was removed" in result.stderr


@responses.activate
def test_enable_recreate_json(run, creds):
    responses.get(HOOKS, json=[hook()])
    responses.put(f"{HOOKS}/h1", json=hook(state="DISABLED"))
    responses.post(HOOKS, json={**hook(state="ENABLED"), "id": NEW_ID})
    responses.delete(f"{HOOKS}/h1", status=204)
    result = run("webhooks", "enable", "h1", "--org", ORG_ID, "-F", "json")
    doc = json.loads(result.stdout)
    assert {k: doc[k] for k in ("id", "ownerId", "state", "changed", "recreated", "replacedId", "dryRun")} == {
        "id": NEW_ID, "ownerId": ORG_ID, "state": "ENABLED", "changed": True, "recreated": True, "replacedId": "h1",
        "dryRun": False}
    assert [(r["method"], r["path"]) for r in doc["requests"]] == [
        ("PUT", f"/v2/notifications/webhooks/{ORG_ID}/h1"), ("POST", f"/v2/notifications/webhooks/{ORG_ID}"),
        ("DELETE", f"/v2/notifications/webhooks/{ORG_ID}/h1")]


@responses.activate
def test_an_empty_answer_is_checked_against_the_list(run, creds, auth_header):
    responses.get(HOOKS, json=[hook()])
    responses.put(f"{HOOKS}/h1", status=204)
    responses.get(HOOKS, json=[hook(state="ENABLED")])
    result = run("webhooks", "enable", "h1", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert [m for m, *_ in calls()] == ["GET", "PUT", "GET"]
    assert result.stdout == "h1\n"


@responses.activate
def test_a_failed_recreation_leaves_the_old_hook_and_deletes_nothing(run, creds, auth_header):
    responses.get(HOOKS, json=[hook()])
    responses.put(f"{HOOKS}/h1", json=hook(state="DISABLED"))
    responses.post(HOOKS, status=400, json={"message": "bad", "type": "error"})
    result = run("webhooks", "enable", "h1", "--org", ORG_ID)
    assert result.exit_code == 1
    assert [m for m, *_ in calls()] == ["GET", "PUT", "GET", "POST"]
    assert "The old webhook is unchanged" in result.stderr and result.stdout == ""


@responses.activate
def test_a_failed_deletion_names_both_hooks_and_how_to_finish(run, creds, auth_header):
    responses.get(HOOKS, json=[hook()])
    responses.put(f"{HOOKS}/h1", json=hook(state="DISABLED"))
    responses.post(HOOKS, json={**hook(state="ENABLED"), "id": NEW_ID})
    responses.delete(f"{HOOKS}/h1", status=403, json={"message": "forbidden", "type": "error"})
    result = run("webhooks", "enable", "h1", "--org", ORG_ID)
    assert result.exit_code == 1
    assert f"re-created as {NEW_ID}" in result.stderr
    assert f"clever webhooks remove h1 --org {ORG_ID}" in result.stderr


@responses.activate
def test_enable_run_again_after_a_failed_deletion_keeps_the_copy_it_made(run, creds, auth_header):
    # The first run created the copy, then its DELETE of the old one failed. Running enable again used to
    # create a second copy: it must reuse the first and only finish the job.
    copy = {**hook(state="ENABLED"), "id": NEW_ID, "failures": [], "createdAt": 1700000000001}
    other = {**copy, "id": "h9", "name": "another webhook"}  # not a copy: another name
    responses.get(HOOKS, json=[hook(), other, copy])
    responses.delete(f"{HOOKS}/h1", status=204)
    result = run("webhooks", "enable", "h1", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    # issue 18: the copy listed stands in for the old webhook; no PUT (the API might honour it this time and
    # leave two enabled copies), only the DELETE that finishes the job
    assert calls() == [("GET", HOOKS, None), ("DELETE", f"{HOOKS}/h1", None)]
    doc = json.loads(result.stdout)
    assert (doc["id"], doc["replacedId"], doc["reused"]) == (NEW_ID, "h1", True)
    human = run("webhooks", "enable", "h1", "--org", ORG_ID)
    assert human.stdout == f"{NEW_ID}\n" and "made by an earlier run" in human.stderr


@responses.activate
def test_disable_refused_by_the_api_is_an_error_and_nothing_else_is_sent(run, creds, auth_header):
    responses.get(HOOKS, json=[hook(state="ENABLED")])
    responses.put(f"{HOOKS}/h1", json=hook(state="ENABLED"))
    result = run("webhooks", "disable", "h1", "--org", ORG_ID)
    assert result.exit_code == 1
    assert [m for m, *_ in calls()] == ["GET", "PUT", "GET"]
    assert "kept webhook h1 ENABLED" in result.stderr


@pytest.mark.parametrize("command,before,state", [("enable", "DISABLED", "ENABLED"),
                                                  ("disable", "ENABLED", "DISABLED")])
@responses.activate
def test_dry_run_prints_the_update_and_sends_nothing(run, creds, auth_header, command, before, state):
    responses.get(HOOKS, json=[hook(state=before)])
    result = run("webhooks", command, "h1", "--org", ORG_ID, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert calls() == [("GET", HOOKS, None)]
    path = f"/v2/notifications/webhooks/{ORG_ID}/h1"
    assert result.stdout == f"PUT {path}\n{json.dumps(sent_body(state), indent=2)}\n"
    assert "Dry run: nothing was sent." in result.stderr
    as_json = json.loads(run("webhooks", command, "h1", "--org", ORG_ID, "--dry-run", "--json").stdout)
    assert (as_json["dryRun"], as_json["requests"]) == (True, [{"method": "PUT", "path": path,
                                                                "body": sent_body(state)}])
    assert len(responses.calls) == 2  # one more read, still nothing sent


@responses.activate
def test_an_unknown_id_is_not_found(run, creds, auth_header):
    responses.get(HOOKS, json=[hook()])
    result = run("webhooks", "enable", "nope", "--org", ORG_ID)
    assert result.exit_code == 4 and "nope" in result.stderr
    assert len(responses.calls) == 1


def test_enable_revives_a_webhook_the_sandbox_disabled(run, monkeypatch):
    from clever_notify.sandbox.emit import emit
    from clever_notify.sandbox.store import Store
    from servers import closed_port_url

    monkeypatch.setenv("CLEVER_SANDBOX_DISABLE_AFTER", "1")
    store = Store()
    org = store.find_owner("Acme")[0]["id"]
    body = {"name": "x", "urls": [{"format": "raw", "url": closed_port_url()}]}
    hook_id = store.create_hook("webhooks", org, body)["id"]
    emit(store, "DEPLOYMENT_FAIL", org="Acme", timeout=2)
    assert store.get_hook("webhooks", org, hook_id)["state"] == "DISABLED"
    result = run("--sandbox", "webhooks", "enable", hook_id, "--org", "Acme")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{hook_id}\n"  # the sandbox, like an API that honours the update: same id
    assert store.get_hook("webhooks", org, hook_id)["state"] == "ENABLED"
