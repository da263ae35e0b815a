"""No field is lost: `update` and `notify-email default --only` send back every field they do not own.

A hook as the API might answer it tomorrow carries fields this tool does not know (`description`,
`futureField`, an extra key inside a URL entry). The exact request bodies are asserted: the read-only
fields (id, ownerId, createdAt, failures) go, everything else stays as read, only the named fields change.
"""

from __future__ import annotations

import json

import pytest
import responses

from helpers import APP_ID, ORG_ID, SUMMARY, SUMMARY_URL, USER_ID, assert_sent, hooks_url

FUTURE = {"retries": {"max": 3, "backoff": "exponential"}, "tags": ["prod", None]}

WEBHOOK = {
    "id": "h1", "ownerId": ORG_ID, "name": "deploys", "description": "x", "futureField": FUTURE,
    "urls": [{"format": "slack", "url": "https://hooks.slack.com/a", "secretHeader": "kept"}],
    "scope": [APP_ID], "events": ["GIT_PUSH"], "createdAt": 1700000000000, "state": "DISABLED",
    "failures": [{"url": "https://hooks.slack.com/a", "status": 500}],
}
EMAILHOOK = {
    "id": "e1", "ownerId": ORG_ID, "name": "ops mails", "description": "x", "futureField": FUTURE,
    "notified": [{"type": "email", "target": "a@x.org", "verified": True}, {"type": "userid", "target": USER_ID}],
    "events": ["DEPLOYMENT_FAIL"], "createdAt": "2024-03-01T10:20:30Z",
}
# What each sends back unchanged: the hook minus what the API owns.
WEBHOOK_KEPT = {k: v for k, v in WEBHOOK.items() if k not in ("id", "ownerId", "createdAt", "failures")}
EMAILHOOK_KEPT = {k: v for k, v in EMAILHOOK.items() if k not in ("id", "ownerId", "createdAt")}

CASES = {
    "webhooks": (WEBHOOK, WEBHOOK_KEPT),
    "emailhooks": (EMAILHOOK, EMAILHOOK_KEPT),
}
COMMAND = {"webhooks": "webhooks", "emailhooks": "notify-email"}


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("args,change", [
    (["--name", "renamed"], {"name": "renamed"}),
    (["--event", "CREDITS_ADDED"], {"events": ["CREDITS_ADDED"]}),
    (["--all-events"], {"events": None}),
])
@responses.activate
def test_update_sends_back_every_field_it_does_not_own(run, creds, kind, args, change):
    hook, kept = CASES[kind]
    responses.get(hooks_url(kind), json=[hook])
    responses.put(f"{hooks_url(kind)}/{hook['id']}", json={})
    result = run(COMMAND[kind], "update", hook["id"], "--org", ORG_ID, *args)
    assert result.exit_code == 0, result.stderr
    expected = {k: v for k, v in {**kept, **change}.items() if v is not None}
    assert [c.request.method for c in responses.calls] == ["GET", "PUT"]
    assert_sent(responses.calls[1], "PUT", f"{hooks_url(kind)}/{hook['id']}", expected)


@responses.activate
def test_update_urls_keeps_a_kept_urls_unknown_keys_and_state(run, creds):
    responses.get(hooks_url("webhooks"), json=[WEBHOOK])
    responses.put(f"{hooks_url('webhooks')}/h1", json={})
    result = run("webhooks", "update", "h1", "--org", ORG_ID, "--url", "https://hooks.slack.com/a",
                 "--url", "https://new.org/x", "--format", "raw")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[1], "PUT", f"{hooks_url('webhooks')}/h1", {
        **WEBHOOK_KEPT,
        "urls": [{"format": "raw", "url": "https://hooks.slack.com/a", "secretHeader": "kept"},
                 {"format": "raw", "url": "https://new.org/x"}],
    })
    assert json.loads(responses.calls[1].request.body)["state"] == "DISABLED"  # a disabled hook stays disabled


@pytest.mark.parametrize("kind", CASES)
@responses.activate
def test_update_dry_run_prints_the_same_whole_body_and_sends_nothing(run, creds, kind):
    hook, kept = CASES[kind]
    responses.get(hooks_url(kind), json=[hook])
    result = run(COMMAND[kind], "update", hook["id"], "--org", ORG_ID, "--name", "renamed", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert [c.request.method for c in responses.calls] == ["GET"]
    first, rest = result.stdout.split("\n", 1)
    assert first == f"PUT /v2/notifications/{kind}/{ORG_ID}/{hook['id']}"
    assert json.loads(rest) == {**kept, "name": "renamed"}


@responses.activate
def test_update_naming_current_values_sees_no_change_despite_unknown_fields(run, creds):
    responses.get(hooks_url("emailhooks"), json=[EMAILHOOK])
    result = run("notify-email", "update", "e1", "--org", ORG_ID, "--name", "ops mails")
    assert result.exit_code == 0, result.stderr
    assert [c.request.method for c in responses.calls] == ["GET"]
    assert "Nothing to change" in result.stderr


# --- notify-email default --only ---------------------------------------------------------------------

DEFAULT_NAME = "Default deployment result e-mails"
DEFAULT_HOOK = {
    "id": "d1", "ownerId": ORG_ID, "name": DEFAULT_NAME, "description": "x", "futureField": FUTURE,
    "notified": [{"type": "email", "target": "ops@example.org", "verified": True}],
    "scope": ["app_old"], "events": ["DEPLOYMENT_FAIL"], "createdAt": 1,
}


@responses.activate
def test_default_only_replacement_keeps_every_field_but_the_scope(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.get(hooks_url("emailhooks"), json=[DEFAULT_HOOK])
    responses.post(hooks_url("emailhooks"), json={**DEFAULT_HOOK, "id": "new-1", "scope": ["app_a"]})
    responses.delete(f"{hooks_url('emailhooks')}/d1", status=204)
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert result.exit_code == 0, result.stderr
    get, post, delete = responses.calls[-3:]
    assert_sent(post, "POST", hooks_url("emailhooks"), {
        "name": DEFAULT_NAME, "description": "x", "futureField": FUTURE,
        "notified": [{"type": "email", "target": "ops@example.org", "verified": True}],
        "scope": ["app_a"], "events": ["DEPLOYMENT_FAIL"],
    }, ordered=False)  # the original's fields in the order read
    assert_sent(delete, "DELETE", f"{hooks_url('emailhooks')}/d1")


@responses.activate
def test_default_only_dry_run_prints_the_same_replacement(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.get(hooks_url("emailhooks"), json=[DEFAULT_HOOK])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a", "--dry-run", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert all(c.request.method == "GET" for c in responses.calls)
    report = json.loads(result.stdout)
    assert report["requests"] == [
        {"method": "POST", "path": f"/v2/notifications/emailhooks/{ORG_ID}", "body": {
            "name": DEFAULT_NAME, "description": "x", "futureField": FUTURE,
            "notified": [{"type": "email", "target": "ops@example.org", "verified": True}],
            "scope": ["app_a"], "events": ["DEPLOYMENT_FAIL"]}},
        {"method": "DELETE", "path": f"/v2/notifications/emailhooks/{ORG_ID}/d1"},
    ]
