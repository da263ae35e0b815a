"""`clever webhooks` and `clever notify-email` listings in clever-tools 4.11's `-F json` shape, and what only
`webhooks add` has (URLs, formats, the documentation's examples). What both kinds share: test_hook_kinds_cli.py."""

from __future__ import annotations

import json

import pytest
import responses

from helpers import APP_ID, ORG_ID, assert_sent, hooks_url

HOOK_ALL = {"id": "h-all", "ownerId": ORG_ID, "name": "everything", "urls": [{"format": "raw", "url": "https://a/1"}],
            "createdAt": 1, "failures": [], "state": "ENABLED"}
HOOK_APP = {"id": "h-app", "ownerId": ORG_ID, "name": "app only", "scope": [APP_ID], "events": ["DEPLOYMENT_FAIL"],
            "urls": [{"format": "slack", "url": "https://hooks.slack.com/x"}], "createdAt": 2, "failures": [],
            "state": "ENABLED"}
HOOK_OTHER = {"id": "h-other", "ownerId": ORG_ID, "scope": ["app_other"],
              "urls": [{"format": "raw", "url": "https://b"}], "createdAt": 3, "failures": [], "state": "ENABLED"}


# --- list ------------------------------------------------------------------------------------------


@responses.activate
def test_list_org_by_id_json_is_clever_tools_shape(run, creds):
    responses.get(hooks_url("webhooks"), json=[HOOK_ALL, HOOK_APP, HOOK_OTHER])
    result = run("webhooks", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "GET", hooks_url("webhooks"))
    expected = [
        {"id": "h-all", "name": "everything", "ownerId": ORG_ID, "services": [ORG_ID], "events": ["ALL"],
         "urls": HOOK_ALL["urls"]},
        {"id": "h-app", "name": "app only", "ownerId": ORG_ID, "services": [APP_ID], "events": ["DEPLOYMENT_FAIL"],
         "urls": HOOK_APP["urls"]},
        # no name in the API's answer: clever-tools (JS) leaves the key out
        {"id": "h-other", "ownerId": ORG_ID, "services": ["app_other"], "events": ["ALL"], "urls": HOOK_OTHER["urls"]},
    ]
    assert result.stdout == json.dumps(expected, indent=2) + "\n"


@responses.activate
def test_list_human_plain_when_piped(run, creds):
    responses.get(hooks_url("webhooks"), json=[HOOK_APP])
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 0
    assert result.stdout == (
        "app only\n"
        "  id: h-app\n"
        f"  services: {APP_ID}\n"
        "  events: DEPLOYMENT_FAIL\n"
        "  hooks: https://hooks.slack.com/x (slack)\n"
    )
    assert "\x1b[" not in result.stdout


# --- add -------------------------------------------------------------------------------------------

SEED_EXAMPLES = [
    (["deployment results on Slack", "https://hooks.slack.com/services/xxxxxx/yyyyyy/zzzzzzzzzzzzz",
      "--format", "slack", "--event", "META_DEPLOYMENT_RESULT"], "slack", ["META_DEPLOYMENT_RESULT"]),
    (["The application failed to deploy", "https://hooks.slack.com/services/xxxxxx/", "--format", "slack",
      "--event", "DEPLOYMENT_FAIL"], "slack", ["DEPLOYMENT_FAIL"]),
    (["credits added", "https://hooks.slack.com/services/xxxxxx/yyyyyy/zzzzzzzzzzzzz", "--format", "raw",
      "--event", "META_CREDITS"], "raw", ["META_CREDITS"]),
]


@pytest.mark.parametrize("args,fmt,events", SEED_EXAMPLES)
@responses.activate
def test_seed_document_examples_in_app_folder(run, creds, linked_app, args, fmt, events):
    responses.post(hooks_url("webhooks"), json={"id": "new-id", "ownerId": ORG_ID})
    result = run("webhooks", "add", *args)
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "POST", hooks_url("webhooks"), {
        "name": args[0], "urls": [{"format": fmt, "url": args[1]}], "scope": [APP_ID], "events": events,
    })
    assert result.stdout == "new-id\n"


@responses.activate
def test_add_several_urls_share_the_format(run, creds):
    responses.post(hooks_url("webhooks"), json={"id": "h1"})
    result = run("webhooks", "add", "n", "https://a.org/1", "https://b.org/2", "--format", "gitter", "-o", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert json.loads(responses.calls[0].request.body)["urls"] == [
        {"format": "gitter", "url": "https://a.org/1"}, {"format": "gitter", "url": "https://b.org/2"}]


# --- notify-email list ------------------------------------------------------------------------------


@responses.activate
def test_notify_email_list_json_is_clever_tools_shape(run, creds, linked_app):
    url = hooks_url("emailhooks")
    responses.get(url, json=[
        {"id": "e1", "ownerId": ORG_ID, "name": "Default deployment result e-mails",
         "events": ["META_DEPLOYMENT_RESULT"]},
        {"id": "e2", "ownerId": ORG_ID, "name": "ops", "scope": [APP_ID],
         "notified": [{"type": "email", "target": "a@b.c"}, {"type": "organisation"}]},
        {"id": "e3", "ownerId": ORG_ID, "name": "not mine", "scope": ["app_other"]},
    ])
    result = run("notify-email", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", url)
    assert json.loads(result.stdout) == [
        {"id": "e1", "name": "Default deployment result e-mails", "ownerId": ORG_ID, "services": [ORG_ID],
         "events": ["META_DEPLOYMENT_RESULT"], "notified": ["whole team"]},
        {"id": "e2", "name": "ops", "ownerId": ORG_ID, "services": [APP_ID], "events": ["ALL"],
         "notified": ["a@b.c", "whole team"]},
    ]
    human = run("notify-email")
    assert "  to:\n    a@b.c\n    whole team\n" in human.stdout

