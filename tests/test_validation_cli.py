"""Every refusal of bad input, through `clever webhooks add`: exit 2, one message on stderr, no request sent.

`responses` is active with no URL registered: a request would be recorded in `responses.calls` (and fail),
so `len(responses.calls) == 0` proves nothing left the machine.
"""

from __future__ import annotations

import json

import pytest
import responses

from helpers import API, APP_ID, ORG_ID

HOOKS_URL = f"{API}/v2/notifications/webhooks"
GOOD_URL = "https://hooks.slack.com/services/x/y/z"


@pytest.mark.parametrize("args,message", [
    # --event
    (["n", GOOD_URL, "--event", "DEPLOYMENT_FAILED"], "unknown event DEPLOYMENT_FAILED; did you mean DEPLOYMENT_FAIL?"),
    (["n", GOOD_URL, "--event", "GIT_PUSH,deploy_fail"], "unknown event deploy_fail; did you mean DEPLOYMENT_FAIL?"),
    (["n", GOOD_URL, "--event", "GIT_PUSH", "--event", "DEPLOYMENT"],
     "unknown event DEPLOYMENT; did you mean DEPLOYMENT_FAIL or DEPLOYMENT_SUCCESS?"),
    (["n", GOOD_URL, "--event", "bogus"], "unknown event bogus; run `clever events` to list them"),
    (["n", GOOD_URL, "--event", "GIT_PUSH,"], "empty event name"),
    (["n", GOOD_URL, "--event", "ALL"], "ALL is not an event name: leave --event out"),
    # --format
    (["n", GOOD_URL, "--format", "teams"],
     "unknown webhook format 'teams'; choose one of: raw, slack, gitter, flowdock"),
    (["n", GOOD_URL, "--format", ""], "choose one of: raw, slack, gitter, flowdock"),
    # URL
    (["n", "hooks.slack.com/services/x"], "must be absolute: did you mean https://hooks.slack.com/services/x?"),
    (["n", "ftp://example.org/h"], "webhook URL must start with https:// (or http://)"),
    (["n", "https://"], "webhook URL has no host"),
    (["n", "https:///only/a/path"], "webhook URL has no host"),
    (["n", "https://exa mple.org/h"], "webhook URL contains a space"),
    (["n", "https://example..org/h"], "invalid host 'example..org'"),
    (["n", "https://example.org:70000/h"], "webhook URL has an invalid port"),
    (["n", GOOD_URL, "not-a-url"], "did you mean https://not-a-url?"),  # the second URL is checked too
    (["n", ""], "empty webhook URL"),
    # name
    (["", GOOD_URL], "the name must not be empty"),
    (["   ", GOOD_URL], "the name must not be empty"),
    # --service
    (["n", GOOD_URL, "--org", ORG_ID, "--service", "app_a,"], "empty service id in 'app_a,'"),
    (["n", GOOD_URL, "--org", ORG_ID, "--service", ""], "empty service id"),
    (["n", GOOD_URL, "--service", "app_a"], "--org is required when using --service"),
])
@responses.activate
def test_add_refuses_bad_input_before_any_request(run, creds, linked_app, args, message):
    result = run("webhooks", "add", *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_refusal_without_credentials_is_still_a_usage_error(run):
    # Input is checked before credentials are even looked for.
    result = run("webhooks", "add", "n", GOOD_URL, "--event", "DEPLOYMENT_FAILED")
    assert result.exit_code == 2
    assert "did you mean DEPLOYMENT_FAIL?" in result.stderr
    assert "Not logged in" not in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_remove_refuses_a_bad_id_before_any_request(run, creds):
    result = run("webhooks", "remove", "a/b", "--org", ORG_ID)
    assert result.exit_code == 2
    assert "invalid hook id 'a/b'" in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_events_are_case_insensitive_sent_upper_case_once(run, creds, linked_app, auth_header):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "h1"})
    result = run("webhooks", "add", "n", GOOD_URL, "--format", "SLACK",
                 "--event", "deployment_fail,Meta_Credits", "--event", "DEPLOYMENT_FAIL,meta_credits")
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    call = responses.calls[0]
    assert call.request.method == "POST" and call.request.url == f"{HOOKS_URL}/{ORG_ID}"
    assert call.request.headers["Authorization"] == auth_header
    assert json.loads(call.request.body) == {
        "name": "n", "urls": [{"format": "slack", "url": GOOD_URL}], "scope": [APP_ID],
        "events": ["DEPLOYMENT_FAIL", "META_CREDITS"],
    }


@responses.activate
def test_plain_http_is_sent_after_a_warning(run, creds, linked_app, auth_header):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "h1"})
    result = run("webhooks", "add", "n", "http://example.org/hook")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "warning: http://example.org/hook is plain http; payloads would travel unencrypted.\n")
    assert result.stdout == "h1\n"
    assert len(responses.calls) == 1
    assert responses.calls[0].request.headers["Authorization"] == auth_header
    assert json.loads(responses.calls[0].request.body)["urls"] == [{"format": "raw", "url": "http://example.org/hook"}]


@responses.activate
def test_plain_http_on_loopback_has_no_warning(run, creds, linked_app):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "h1"})
    result = run("webhooks", "add", "n", "http://127.0.0.1:8080/hook", "http://localhost:9/x")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    assert json.loads(responses.calls[0].request.body)["urls"] == [
        {"format": "raw", "url": "http://127.0.0.1:8080/hook"}, {"format": "raw", "url": "http://localhost:9/x"}]
