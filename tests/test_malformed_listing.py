"""A hook of a wrong shape in the API's list: read-only listings show every good hook, report the bad ones on
stderr and exit 1; everything that writes still refuses the whole list (issue 14's rule)."""

from __future__ import annotations

import json

import pytest
import responses

from helpers import API, APP_ID, DEFAULT_NAME, ORG_ID, USER_ID, assert_sent, hooks_url

GOOD = {"id": "w-good", "ownerId": ORG_ID, "name": "good", "scope": [APP_ID], "events": ["DEPLOYMENT_FAIL"],
        "urls": [{"format": "raw", "url": "https://a.example/h"}], "createdAt": 1, "failures": [],
        "state": "ENABLED"}
# The id is readable but hostile (an escape sequence): it must reach the terminal inert.
BAD_EVENTS = {"id": "w-bad\x1b[31m", "ownerId": ORG_ID, "name": "bad", "events": "DEPLOYMENT_FAIL",
              "urls": [{"format": "raw", "url": "https://b.example/h"}]}
NO_ID = {"ownerId": ORG_ID, "name": "no id", "urls": []}
GOOD_EMAIL = {"id": "e-good", "ownerId": ORG_ID, "name": "mails", "notified": [{"type": "organisation"}],
              "events": ["DEPLOYMENT_FAIL"], "createdAt": 1}
BAD_EMAIL = {"id": "e-bad", "ownerId": ORG_ID, "name": "odd", "notified": {"type": "organisation"}}

GOOD_BLOCK = ("good\n"
              "  id: w-good\n"
              f"  services: {APP_ID}\n"
              "  events: DEPLOYMENT_FAIL\n"
              "  hooks: https://a.example/h (raw)\n")
GOOD_JSON = [{"id": "w-good", "name": "good", "ownerId": ORG_ID, "services": [APP_ID], "events": ["DEPLOYMENT_FAIL"],
              "urls": GOOD["urls"]}]
WEBHOOK_REPORT = (
    f"Error: a webhook of {ORG_ID} is not shown: item 1 ('w-bad\\x1b[31m'): `events` is a string, expected a list "
    "of strings.\n"
    f"Error: a webhook of {ORG_ID} is not shown: item 2 has no id.\n"
)
SUMMARY_2 = ("Error: 2 webhooks listed by the API were of an unexpected shape and not shown (see above); every other "
             "one is shown.\n")


@responses.activate
def test_webhooks_listing_shows_the_good_hooks_and_reports_the_bad_ones(run, creds):
    responses.get(hooks_url("webhooks"), json=[GOOD, BAD_EVENTS, NO_ID])
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1
    assert result.stdout == GOOD_BLOCK
    assert result.stderr == WEBHOOK_REPORT + SUMMARY_2
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "GET", hooks_url("webhooks"))


@pytest.mark.parametrize("switch", [("-F", "json"), ("--json",)])
@responses.activate
def test_webhooks_json_listing_is_valid_json_of_the_good_hooks_only(run, creds, switch):
    responses.get(hooks_url("webhooks"), json=[BAD_EVENTS, GOOD, NO_ID])
    result = run("webhooks", "--org", ORG_ID, *switch)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == GOOD_JSON
    assert result.stdout == json.dumps(GOOD_JSON, indent=2) + "\n"
    assert result.stderr == WEBHOOK_REPORT.replace("item 1", "item 0") + SUMMARY_2


@responses.activate
def test_only_bad_hooks_is_no_no_hooks_message(run, creds):
    responses.get(hooks_url("webhooks"), json=[NO_ID])
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: a webhook of {ORG_ID} is not shown: item 0 has no id.\n"
        "Error: 1 webhook listed by the API was of an unexpected shape and not shown (see above); every other one "
        "is shown.\n")


@responses.activate
def test_good_listing_is_unchanged(run, creds):
    responses.get(hooks_url("webhooks"), json=[GOOD])
    result = run("webhooks", "--org", ORG_ID)
    assert (result.exit_code, result.stdout, result.stderr) == (0, GOOD_BLOCK, "")


@pytest.mark.parametrize("output", ["human", "json"])
@responses.activate
def test_notify_email_listing_shows_the_good_hooks_and_reports_the_bad_ones(run, creds, output):
    responses.get(hooks_url("emailhooks"), json=[GOOD_EMAIL, BAD_EMAIL])
    good = run("notify-email", "--org", ORG_ID, "-F", output)
    responses.replace(responses.GET, hooks_url("emailhooks"), json=[GOOD_EMAIL])
    alone = run("notify-email", "--org", ORG_ID, "-F", output)
    assert alone.exit_code == 0 and alone.stderr == ""
    assert good.exit_code == 1
    assert good.stdout == alone.stdout and "mails" in good.stdout
    assert good.stderr == (
        f"Error: a e-mail notification of {ORG_ID} is not shown: item 1 ('e-bad'): `notified` is an object, "
        "expected a list of objects.\n"
        "Error: 1 e-mail notification listed by the API was of an unexpected shape and not shown (see above); "
        "every other one is shown.\n")


@responses.activate
def test_webhooks_check_checks_the_good_hooks_and_exits_1(run, creds):
    responses.get(hooks_url("webhooks"), json=[GOOD, BAD_EVENTS, NO_ID])
    result = run("webhooks", "check", "--org", ORG_ID)
    assert result.exit_code == 1
    assert result.stdout.startswith("ok       good (w-good)")
    assert result.stdout.count("\n") == 1
    assert result.stderr == WEBHOOK_REPORT + "Checked 1 webhook: 1 ok, 0 failing, 0 disabled.\n" + SUMMARY_2
    as_json = run("webhooks", "check", "--org", ORG_ID, "-F", "json")
    assert as_json.exit_code == 1
    assert [h["id"] for h in json.loads(as_json.stdout)] == ["w-good"]
    assert as_json.stderr.endswith(SUMMARY_2)


@responses.activate
def test_webhooks_check_unhealthy_beats_the_bad_hooks(run, creds):
    disabled = {**GOOD, "state": "DISABLED"}
    responses.get(hooks_url("webhooks"), json=[disabled, NO_ID])
    result = run("webhooks", "check", "--org", ORG_ID)
    assert result.exit_code == 5
    assert f"Error: a webhook of {ORG_ID} is not shown: item 1 has no id.\n" in result.stderr


@responses.activate
def test_all_owners_listing_reports_the_bad_hooks_by_owner(run, creds):
    responses.get(f"{API}/v2/summary", json={"user": {"id": USER_ID, "name": "Me"},
                                              "organisations": [{"id": ORG_ID, "name": "Acme"}]})
    responses.get(hooks_url("webhooks", USER_ID), json=[])
    responses.get(hooks_url("webhooks"), json=[GOOD, NO_ID])
    result = run("webhooks", "--all-owners", "-F", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == GOOD_JSON
    assert result.stderr == (
        f"Error: a webhook of Acme ({ORG_ID}) is not shown: item 1 has no id.\n"
        "Error: 1 webhook listed by the API was of an unexpected shape and not shown (see above); every other one "
        "is shown.\n")


WRITES = {
    "update": (("webhooks", "update", "w-good", "--name", "renamed", "--org", ORG_ID), "webhooks"),
    "enable": (("webhooks", "enable", "w-good", "--org", ORG_ID), "webhooks"),
    "disable": (("webhooks", "disable", "w-good", "--org", ORG_ID), "webhooks"),
    "default": (("notify-email", "default", "--org", ORG_ID, "--disable"), "emailhooks"),
}


@pytest.mark.parametrize("name", list(WRITES))
@responses.activate
def test_everything_that_writes_still_refuses_the_whole_list(run, creds, name):
    args, path = WRITES[name]
    good = GOOD if path == "webhooks" else {**GOOD_EMAIL, "id": "d1", "name": DEFAULT_NAME}
    responses.get(hooks_url(path), json=[good, NO_ID])
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: unexpected answer from the API for GET /v2/notifications/{path}/{ORG_ID}: "
                             "item 1 has no id; refusing to act on it, nothing was changed.\n")
    assert [c.request.method for c in responses.calls] == ["GET"]


@responses.activate
def test_notifications_apply_still_refuses_the_whole_list(run, creds, tmp_path):
    path = tmp_path / "notifications.yml"
    path.write_text(f"version: 1\nowners:\n  {ORG_ID}:\n    webhooks: []\n")
    responses.get(hooks_url("webhooks"), json=[GOOD, NO_ID])
    responses.get(hooks_url("emailhooks"), json=[])
    result = run("notifications", "apply", str(path), "--prune")
    assert result.exit_code == 1
    assert result.stderr.endswith(f"Error: unexpected answer from the API for GET /v2/notifications/webhooks/{ORG_ID}: "
                                  "item 1 has no id; refusing to act on it, nothing was changed.\n")
    assert {c.request.method for c in responses.calls} == {"GET"}


@responses.activate
def test_all_owners_human_listing_does_not_call_an_owner_with_only_bad_hooks_empty(run, creds):
    responses.get(f"{API}/v2/summary", json={"user": {"id": USER_ID, "name": "Me"},
                                              "organisations": [{"id": ORG_ID, "name": "Acme"}]})
    responses.get(hooks_url("webhooks", USER_ID), json=[])
    responses.get(hooks_url("webhooks"), json=[NO_ID])
    result = run("webhooks", "--all-owners")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "No webhooks for 1 owner: Me\n"
        f"Error: a webhook of Acme ({ORG_ID}) is not shown: item 0 has no id.\n"
        "Error: 1 webhook listed by the API was of an unexpected shape and not shown (see above); every other one "
        "is shown.\n")
