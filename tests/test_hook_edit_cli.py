"""`show` and `update` of what only one kind has: URLs and formats, recipients, failures (`responses` as the API).

What both kinds share: test_hook_kinds_cli.py."""

from __future__ import annotations

import json

import pytest
import responses

from helpers import APP_ID, ORG_ID, SUMMARY, SUMMARY_URL, USER_ID, assert_sent, hooks_url, only_get

HOOKS_URL = hooks_url("webhooks")
EMAILS_URL = hooks_url("emailhooks")

HOOK = {
    "id": "h1", "ownerId": ORG_ID, "name": "deploys",
    "urls": [{"format": "slack", "url": "https://hooks.slack.com/a"}, {"format": "raw", "url": "https://b.org/x"}],
    "scope": [APP_ID], "events": ["META_DEPLOYMENT_RESULT", "GIT_PUSH"],
    "createdAt": 1700000000000, "state": "ENABLED",
    "failures": [
        {"url": "https://b.org/x", "networkFailure": True, "createdAt": 1700000100000},
        {"url": "https://hooks.slack.com/a", "status": 500, "partialBody": "internal\n error \x1b[31mred",
         "createdAt": 1700000200000},
    ],
}
OTHER = {"id": "h2", "ownerId": ORG_ID, "urls": [{"format": "raw", "url": "https://c.org"}], "createdAt": 5,
         "failures": [], "state": "DISABLED"}
EMAILHOOK = {
    "id": "e1", "ownerId": ORG_ID, "name": "ops mails", "createdAt": "2024-03-01T10:20:30.5Z",
    "notified": [{"type": "email", "target": "a@x.org,b@x.org"}, {"type": "userid", "target": USER_ID},
                 {"type": "organisation"}],
    "events": ["DEPLOYMENT_FAIL"],
}


# --- show ------------------------------------------------------------------------------------------


@responses.activate
def test_webhook_show_every_field(run, creds):
    responses.get(HOOKS_URL, json=[OTHER, HOOK])
    result = run("webhooks", "show", "h1", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    only_get(HOOKS_URL)
    assert result.stdout == (
        "deploys\n"
        "  id: h1\n"
        f"  owner: {ORG_ID}\n"
        "  state: ENABLED\n"
        "  created: 2023-11-14 22:13:20 UTC\n"
        f"  services: {APP_ID}\n"
        "  events:\n"
        "    META_DEPLOYMENT_RESULT (DEPLOYMENT_FAIL, DEPLOYMENT_SUCCESS)\n"
        "    GIT_PUSH\n"
        "  urls:\n"
        "    https://hooks.slack.com/a (slack)\n"
        "    https://b.org/x (raw)\n"
        "  recent failures:\n"
        # most recent first; the terminal escape from the server is neutralised
        "    2023-11-14 22:16:40 UTC  https://hooks.slack.com/a  HTTP 500: internal error \\x1b[31mred\n"
        "    2023-11-14 22:15:00 UTC  https://b.org/x  network failure\n"
    )


@responses.activate
def test_webhook_show_defaults_in_words(run, creds, linked_app):
    responses.get(HOOKS_URL, json=[OTHER])
    result = run("webhooks", "show", "h2")  # the linked app gives the owner: no /v2/self
    assert result.exit_code == 0, result.stderr
    only_get(HOOKS_URL)
    assert "(unnamed webhook)\n" in result.stdout
    assert "  state: DISABLED\n" in result.stdout
    assert "  created: 1970-01-01 00:00:00 UTC\n" in result.stdout
    assert f"  services: all services of {ORG_ID}\n" in result.stdout
    assert "  events: all events\n" in result.stdout
    assert "  recent failures: (none)\n" in result.stdout


@responses.activate
def test_notify_email_show_resolves_targets(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.get(EMAILS_URL, json=[EMAILHOOK])
    result = run("notify-email", "show", "e1", "--org", "Acme")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[1], "GET", EMAILS_URL)
    assert result.stdout == (
        "ops mails\n"
        "  id: e1\n"
        f"  owner: {ORG_ID}\n"
        "  created: 2024-03-01 10:20:30 UTC\n"
        f"  services: all services of {ORG_ID}\n"
        "  events: DEPLOYMENT_FAIL\n"
        "  notified:\n"
        "    a@x.org\n"
        "    b@x.org\n"
        f"    user {USER_ID}\n"
        "    whole team\n"
    )


@responses.activate
def test_notify_email_show_default_recipients(run, creds):
    responses.get(EMAILS_URL, json=[{"id": "e2", "ownerId": ORG_ID, "name": "d"}])
    shown = run("notify-email", "show", "e2", "-o", ORG_ID)
    assert "  notified: whole team (default)\n" in shown.stdout


# --- update: webhooks ------------------------------------------------------------------------------

# state is sent back as read: a PUT must not flip a disabled webhook on (hooks/fields.py)
WRITABLE = {"name": "deploys", "urls": HOOK["urls"], "scope": [APP_ID], "events": HOOK["events"], "state": "ENABLED"}


def updated(run, *args, answer=None):
    """Run `webhooks update h1 --org ORG_ID …` against HOOK; the PUT echoes its body unless told otherwise."""
    responses.get(HOOKS_URL, json=[OTHER, HOOK])
    responses.add_callback(
        responses.PUT, f"{HOOKS_URL}/h1",
        callback=lambda req: (200, {}, json.dumps(answer if answer is not None else json.loads(req.body))),
    )
    return run("webhooks", "update", "h1", "--org", ORG_ID, *args)


def sent_put(body):
    assert [c.request.method for c in responses.calls] == ["GET", "PUT"]
    assert_sent(responses.calls[1], "PUT", f"{HOOKS_URL}/h1", body)


@responses.activate
def test_update_urls_replace_the_list_keeping_known_formats(run, creds):
    result = updated(run, "--url", "https://b.org/x", "--url", "https://new.org/y")
    assert result.exit_code == 0, result.stderr
    # a kept URL keeps its format; a new one takes the hook's first format
    sent_put({**WRITABLE, "urls": [{"format": "raw", "url": "https://b.org/x"},
                                                {"format": "slack", "url": "https://new.org/y"}]})
    assert result.stdout == (
        "urls: https://hooks.slack.com/a (slack), https://b.org/x (raw) → "
        "https://b.org/x (raw), https://new.org/y (slack)\n"
    )


@responses.activate
def test_update_format_applies_to_kept_urls(run, creds):
    result = updated(run, "--format", "GITTER")
    assert result.exit_code == 0, result.stderr
    sent_put({**WRITABLE, "urls": [{"format": "gitter", "url": "https://hooks.slack.com/a"},
                                                {"format": "gitter", "url": "https://b.org/x"}]})


@responses.activate
def test_update_url_and_format_together(run, creds):
    result = updated(run, "--url", "https://only.org/1", "--format", "flowdock")
    assert result.exit_code == 0, result.stderr
    sent_put({**WRITABLE, "urls": [{"format": "flowdock", "url": "https://only.org/1"}]})


@responses.activate
def test_update_hook_without_scope_or_events_stays_unrestricted(run, creds):
    responses.get(HOOKS_URL, json=[OTHER])
    responses.put(f"{HOOKS_URL}/h2", json={})
    result = run("webhooks", "update", "h2", "-o", ORG_ID, "--name", "named")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[1], "PUT", f"{HOOKS_URL}/h2",
                {"name": "named", "urls": OTHER["urls"], "state": "DISABLED"})
    assert result.stdout == "name: (none) → 'named'\n"


@responses.activate
def test_update_nothing_to_change_sends_no_put(run, creds):
    responses.get(HOOKS_URL, json=[OTHER, HOOK])
    # every field named, each with the value it already has (events in another case, repeated option)
    result = run("webhooks", "update", "h1", "--org", ORG_ID, "--name", "deploys", "--service", APP_ID,
                 "--url", "https://hooks.slack.com/a", "--url", "https://b.org/x",
                 "--event", "META_DEPLOYMENT_RESULT", "--event", "git_push")
    assert result.exit_code == 0, result.stderr
    only_get(HOOKS_URL)
    assert result.stdout == ""
    assert result.stderr == "Nothing to change: the webhook h1 already has these settings.\n"


@pytest.mark.parametrize("args,message", [
    (["--url", "ftp://x.org"], "webhook URL must start with https://"),
    (["--format", "teams"], "unknown webhook format"),
])
@responses.activate
def test_update_bad_url_or_format_is_exit_2_before_any_request(run, creds, args, message):
    result = run("webhooks", "update", "h1", "--org", ORG_ID, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(responses.calls) == 0


# --- update: e-mail notifications ------------------------------------------------------------------

EMAIL_WRITABLE = {"name": "ops mails", "notified": EMAILHOOK["notified"], "events": ["DEPLOYMENT_FAIL"]}


@responses.activate
def test_notify_email_update_notify_replaces_recipients(run, creds):
    responses.get(EMAILS_URL, json=[EMAILHOOK])
    responses.put(f"{EMAILS_URL}/e1", json={})
    result = run("notify-email", "update", "e1", "-o", ORG_ID, "--notify", "c@y.org,organisation",
                 "--notify", USER_ID)
    assert result.exit_code == 0, result.stderr
    assert [c.request.method for c in responses.calls] == ["GET", "PUT"]
    assert_sent(responses.calls[1], "PUT", f"{EMAILS_URL}/e1", {
        **EMAIL_WRITABLE,
        "notified": [{"type": "email", "target": "c@y.org"}, {"type": "organisation"},
                     {"type": "userid", "target": USER_ID}],
    })
    assert result.stdout == (
        f"notified: a@x.org, b@x.org, user {USER_ID}, whole team → "
        f"c@y.org, whole team, user {USER_ID}\n"
    )
    assert result.stderr == "The e-mail notification e1 has been updated.\n"


@responses.activate
def test_notify_email_update_keeps_recipients_and_scopes(run, creds):
    responses.get(EMAILS_URL, json=[EMAILHOOK])
    responses.put(f"{EMAILS_URL}/e1", json={})
    result = run("notify-email", "update", "e1", "-o", ORG_ID, "--name", "renamed", "--all-events",
                 "--service", APP_ID)
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[1], "PUT", f"{EMAILS_URL}/e1",
                {"name": "renamed", "notified": EMAILHOOK["notified"], "scope": [APP_ID]})


@responses.activate
def test_notify_email_update_default_recipients_stay_absent(run, creds):
    responses.get(EMAILS_URL, json=[{"id": "e2", "ownerId": ORG_ID, "name": "d", "events": ["GIT_PUSH"]}])
    responses.put(f"{EMAILS_URL}/e2", json={})
    result = run("notify-email", "update", "e2", "-o", ORG_ID, "--event", "META_DEPLOYMENT_RESULT")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[1], "PUT", f"{EMAILS_URL}/e2",
                {"name": "d", "events": ["META_DEPLOYMENT_RESULT"]})


@responses.activate
def test_notify_email_update_bad_target_is_exit_2(run, creds):
    result = run("notify-email", "update", "e1", "-o", ORG_ID, "--notify", "bob")
    assert result.exit_code == 2
    assert "invalid notification target" in result.stderr
    assert len(responses.calls) == 0
