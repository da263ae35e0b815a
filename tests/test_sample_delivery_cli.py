"""`clever webhooks test`: real receivers on loopback; the API (when a hook is read) is `responses`."""

from __future__ import annotations

import json
import subprocess

import pytest
import responses

from clever_notify.operations.sample_event import SAMPLE_APP, SAMPLE_OWNER
from helpers import APP_ID, ORG_ID, assert_sent, hooks_url
from servers import LoopbackServer, closed_port_url, webhook_receiver

HOOKS_URL = hooks_url("webhooks")


@pytest.fixture
def receiver():
    with LoopbackServer(webhook_receiver()) as server:
        yield server


def check_body(fmt: str, body: dict, event: str, owner: str, app: str | None):
    """What each format's body must hold for the sample event (see payloads.render)."""
    if fmt == "raw":
        assert body["type"] == event
        assert body["data"]["ownerId"] == owner
        assert body["data"].get("appId") == app
        assert body["id"] and body["date"].endswith("Z")
    elif fmt == "slack":
        assert body["username"] == "Clever Cloud"
        assert body["attachments"][0]["fields"][0] == {"title": "Event", "value": event, "short": True}
    elif fmt == "gitter":
        assert body["message"].startswith(f"[{event}] ")
    else:
        assert body["event"] == "activity" and body["thread"]["title"].startswith(f"{event} on ")


# --- --url: no API at all ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["raw", "slack", "gitter", "flowdock"])
@responses.activate
def test_url_each_format_without_credentials(run, receiver, fmt):
    responses.add_passthru("http://127.0.0.1")
    result = run("webhooks", "test", "--url", receiver.url + "/hook", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 0  # not a single API call, and no credentials were set
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert (got.method, got.path, got.headers["Content-Type"]) == ("POST", "/hook", "application/json")
    check_body(fmt, got.json(), "DEPLOYMENT_SUCCESS", SAMPLE_OWNER, SAMPLE_APP)
    assert result.stdout.startswith(f"ok {receiver.url}/hook ({fmt}): HTTP 200 in ")
    assert result.stdout.endswith(" ms; answer: ok thanks\n")
    assert result.stderr == "All 1 URL(s) accepted the DEPLOYMENT_SUCCESS sample.\n"


@responses.activate
def test_url_failing_receiver_and_closed_port_exit_1(run, receiver):
    responses.add_passthru("http://127.0.0.1")
    closed = closed_port_url()
    result = run("webhooks", "test", "--url", receiver.url + "/fail", "--url", closed, "--url",
                 receiver.url + "/fine", "--event", "deployment_fail")
    assert result.exit_code == 1
    assert [r.path for r in receiver.received] == ["/fail", "/fine"]
    assert all(r.json()["type"] == "DEPLOYMENT_FAIL" for r in receiver.received)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"FAILED {receiver.url}/fail (raw): HTTP 500 in ")
    assert lines[0].endswith("answer: receiver exploded")
    assert lines[1].startswith(f"FAILED {closed} (raw): network failure (connection failed) after ")
    assert lines[2].startswith(f"ok {receiver.url}/fine (raw): HTTP 200")
    assert result.stderr == "Error: 2 of 3 URL(s) failed the DEPLOYMENT_FAIL sample\n"


def test_url_json_output(run, receiver):
    result = run("webhooks", "test", "--url", receiver.url + "/j", "--format", "gitter", "--event", "GIT_PUSH",
                 "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["event"]["type"] == "GIT_PUSH"
    [delivery] = out["deliveries"]
    assert delivery["url"] == receiver.url + "/j" and delivery["format"] == "gitter"
    assert delivery["status"] == 200 and delivery["ok"] is True and delivery["bodyStart"] == "ok thanks"
    assert delivery["error"] is None and delivery["latencyMs"] >= 0
    assert receiver.received[0].json()["message"].startswith("[GIT_PUSH] ")


# --- ID: the hook is read, then each URL gets its own format ---------------------------------------


@responses.activate
def test_hook_id_posts_each_url_in_its_format(run, creds, receiver):
    responses.add_passthru("http://127.0.0.1")
    hook = {"id": "h1", "ownerId": ORG_ID, "scope": [APP_ID, "app_second"], "events": ["META_DEPLOYMENT_RESULT"],
            "state": "ENABLED", "failures": [],
            "urls": [{"format": "slack", "url": receiver.url + "/s"}, {"format": "raw", "url": receiver.url + "/r"},
                     {"format": "flowdock", "url": receiver.url + "/f"}]}
    responses.get(HOOKS_URL, json=[hook])
    result = run("webhooks", "test", "h1", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1  # reading the hook is the only API call
    assert_sent(responses.calls[0], "GET", HOOKS_URL)
    assert [r.path for r in receiver.received] == ["/s", "/r", "/f"]
    for got, fmt in zip(receiver.received, ["slack", "raw", "flowdock"], strict=True):
        check_body(fmt, got.json(), "DEPLOYMENT_SUCCESS", ORG_ID, APP_ID)  # first scoped service
        assert "Authorization" not in got.headers  # the API credentials never go to a receiver
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == "All 3 URL(s) accepted the DEPLOYMENT_SUCCESS sample.\n"


@responses.activate
def test_hook_id_notes_unsubscribed_event_and_disabled_state(run, creds, receiver):
    responses.add_passthru("http://127.0.0.1")
    hook = {"id": "h1", "ownerId": ORG_ID, "events": ["DEPLOYMENT_FAIL"], "state": "DISABLED",
            "urls": [{"format": "raw", "url": receiver.url + "/fail"}]}
    responses.get(HOOKS_URL, json=[hook])
    result = run("webhooks", "test", "h1", "-o", ORG_ID, "--event", "CREDITS_ADDED")
    assert result.exit_code == 1
    body = receiver.received[0].json()
    assert body["type"] == "CREDITS_ADDED" and "appId" not in body["data"]  # no scope: about the owner
    assert "note: webhook h1 does not subscribe to CREDITS_ADDED" in result.stderr
    assert "note: webhook h1 is DISABLED" in result.stderr
    assert "Error: 1 of 1 URL(s) failed the CREDITS_ADDED sample" in result.stderr


@responses.activate
def test_hook_id_absent_is_exit_4_and_nothing_posted(run, creds, receiver):
    responses.get(HOOKS_URL, json=[])
    result = run("webhooks", "test", "h1", "-o", ORG_ID)
    assert result.exit_code == 4
    assert result.stderr == f"Error: webhook h1 not found for {ORG_ID}\n"
    assert receiver.received == []


@pytest.mark.parametrize("args,message", [
    (["--event", "META_DEPLOYMENT_RESULT"],
     "META_DEPLOYMENT_RESULT is a meta-event; use one of the events it stands for: "
     "DEPLOYMENT_FAIL, DEPLOYMENT_SUCCESS"),
    (["--event", "DEPLOY"], "unknown event DEPLOY"),
    (["h1"], "give either a webhook ID or --url, not both"),
    (["--org", ORG_ID], "--org only applies with a webhook ID"),
    (["--format", "irc"], "unknown webhook format"),
])
@responses.activate
def test_bad_usage_is_exit_2_and_nothing_sent(run, creds, receiver, args, message):
    result = run("webhooks", "test", "--url", receiver.url + "/x", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(responses.calls) == 0 and receiver.received == []


@responses.activate
def test_neither_id_nor_url_and_format_with_id_are_exit_2(run, creds):
    assert "give a webhook ID, or --url" in run("webhooks", "test").stderr
    result = run("webhooks", "test", "h1", "--format", "slack")
    assert result.exit_code == 2 and "--format only applies with --url" in result.stderr
    assert len(responses.calls) == 0


# --- end to end: the installed executable ----------------------------------------------------------


@pytest.mark.slow
def test_installed_clever_tests_a_url(clever_exe, receiver):
    proc = subprocess.run([clever_exe, "webhooks", "test", "--url", receiver.url + "/e2e", "--format", "slack"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"ok {receiver.url}/e2e (slack): HTTP 200")
    check_body("slack", receiver.received[0].json(), "DEPLOYMENT_SUCCESS", SAMPLE_OWNER, SAMPLE_APP)
