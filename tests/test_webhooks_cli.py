"""`clever webhooks` list/add/remove: the exact requests clever-tools 4.11 sends, and its `-F json` output."""

from __future__ import annotations

import json

import pytest
import responses

from conftest import API, APP_ID, ORG2_ID, ORG_ID, USER_ID

HOOKS_URL = f"{API}/v2/notifications/webhooks"
SUMMARY = {
    "user": {"id": USER_ID, "name": "Me", "applications": [], "addons": [], "consumers": []},
    "organisations": [
        {"id": ORG_ID, "name": "Acme", "applications": [], "addons": [], "consumers": []},
        {"id": ORG2_ID, "name": "Twin", "applications": [], "addons": [], "consumers": []},
    ],
}

HOOK_ALL = {"id": "h-all", "ownerId": ORG_ID, "name": "everything", "urls": [{"format": "raw", "url": "https://a/1"}],
            "createdAt": 1, "failures": [], "state": "ENABLED"}
HOOK_APP = {"id": "h-app", "ownerId": ORG_ID, "name": "app only", "scope": [APP_ID], "events": ["DEPLOYMENT_FAIL"],
            "urls": [{"format": "slack", "url": "https://hooks.slack.com/x"}], "createdAt": 2, "failures": [],
            "state": "ENABLED"}
HOOK_OTHER = {"id": "h-other", "ownerId": ORG_ID, "scope": ["app_other"],
              "urls": [{"format": "raw", "url": "https://b"}], "createdAt": 3, "failures": [], "state": "ENABLED"}


def assert_sent(call, method, url, auth_header, body=None):
    assert call.request.method == method
    assert call.request.url == url
    assert call.request.headers["Authorization"] == auth_header
    if body is None:
        assert call.request.body is None
    else:
        assert json.loads(call.request.body) == body
        assert call.request.headers["Content-Type"] == "application/json"


# --- list ------------------------------------------------------------------------------------------


@responses.activate
def test_list_org_by_id_json_is_clever_tools_shape(run, creds, auth_header):
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[HOOK_ALL, HOOK_APP, HOOK_OTHER])
    result = run("webhooks", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "GET", f"{HOOKS_URL}/{ORG_ID}", auth_header)
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
def test_list_org_by_name_resolves_through_summary(run, creds, auth_header):
    responses.get(f"{API}/v2/summary", json=SUMMARY)
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    result = run("webhooks", "-o", "Acme", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert [c.request.url for c in responses.calls] == [f"{API}/v2/summary", f"{HOOKS_URL}/{ORG_ID}"]
    assert_sent(responses.calls[0], "GET", f"{API}/v2/summary", auth_header)
    assert result.stdout == "[]\n"


@responses.activate
def test_list_in_linked_app_folder_filters_on_scope(run, creds, linked_app, auth_header):
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[HOOK_ALL, HOOK_APP, HOOK_OTHER])
    result = run("webhooks", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1  # the linked app gives the owner: no /v2/self
    assert [h["id"] for h in json.loads(result.stdout)] == ["h-all", "h-app"]


@responses.activate
def test_list_all_ignores_linked_app_and_uses_self(run, creds, linked_app, auth_header):
    responses.get(f"{API}/v2/self", json={"id": USER_ID, "name": "Me"})
    responses.get(f"{HOOKS_URL}/{USER_ID}", json=[{**HOOK_OTHER, "ownerId": USER_ID}])
    result = run("webhooks", "--list-all", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert [c.request.url for c in responses.calls] == [f"{API}/v2/self", f"{HOOKS_URL}/{USER_ID}"]
    assert [h["id"] for h in json.loads(result.stdout)] == ["h-other"]


@responses.activate
def test_list_without_linked_app_uses_self(run, creds):
    responses.get(f"{API}/v2/self", json={"id": USER_ID})
    responses.get(f"{HOOKS_URL}/{USER_ID}", json=[])
    result = run("webhooks")
    assert result.exit_code == 0
    assert result.stdout == ""  # a message, not data
    assert "No webhooks" in result.stderr and "clever webhooks add" in result.stderr


@responses.activate
def test_list_human_plain_when_piped(run, creds):
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[HOOK_APP])
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


@responses.activate
def test_personal_linked_app_without_org_id_uses_self(run, creds, isolated_env):
    (isolated_env / "work" / ".clever.json").write_text(json.dumps({"apps": [{"app_id": APP_ID, "alias": "x"}]}))
    responses.get(f"{API}/v2/self", json={"id": USER_ID})
    responses.get(f"{HOOKS_URL}/{USER_ID}", json=[])
    result = run("webhooks", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert [c.request.url for c in responses.calls] == [f"{API}/v2/self", f"{HOOKS_URL}/{USER_ID}"]


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
def test_seed_document_examples_in_app_folder(run, creds, linked_app, auth_header, args, fmt, events):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "new-id", "ownerId": ORG_ID})
    result = run("webhooks", "add", *args)
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header, {
        "name": args[0], "urls": [{"format": fmt, "url": args[1]}], "scope": [APP_ID], "events": events,
    })
    assert result.stdout == "new-id\n"


@responses.activate
def test_add_org_by_name_with_services_and_repeated_lists(run, creds, auth_header):
    responses.get(f"{API}/v2/summary", json=SUMMARY)
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "h1"})
    result = run("webhooks", "add", "n", "https://x.org/h", "--org", "Acme", "--service", "app_a,app_b",
                 "--service", "addon_c", "--event", "deployment_fail,GIT_PUSH", "--event", "DEPLOYMENT_FAIL")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[1], "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header, {
        "name": "n", "urls": [{"format": "raw", "url": "https://x.org/h"}],
        "scope": ["app_a", "app_b", "addon_c"], "events": ["DEPLOYMENT_FAIL", "GIT_PUSH"],
    })


@responses.activate
def test_add_org_by_id_no_scope_no_events(run, creds, auth_header):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "h1", "name": "n"})
    result = run("webhooks", "add", "n", "https://x.org/h", "--org", ORG_ID, "--json")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header,
                {"name": "n", "urls": [{"format": "raw", "url": "https://x.org/h"}], "scope": None, "events": None})
    assert json.loads(result.stdout) == {"id": "h1", "name": "n"}


@responses.activate
def test_add_without_linked_app_goes_to_self_unscoped(run, creds, auth_header):
    responses.get(f"{API}/v2/self", json={"id": USER_ID})
    responses.post(f"{HOOKS_URL}/{USER_ID}", json={"id": "h1"})
    result = run("webhooks", "add", "n", "https://x.org/h")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[1], "POST", f"{HOOKS_URL}/{USER_ID}", auth_header,
                {"name": "n", "urls": [{"format": "raw", "url": "https://x.org/h"}], "scope": None, "events": None})


@responses.activate
def test_add_several_urls_share_the_format(run, creds, auth_header):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "h1"})
    result = run("webhooks", "add", "n", "https://a.org/1", "https://b.org/2", "--format", "gitter", "-o", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert json.loads(responses.calls[0].request.body)["urls"] == [
        {"format": "gitter", "url": "https://a.org/1"}, {"format": "gitter", "url": "https://b.org/2"}]


@responses.activate
def test_service_without_org_is_refused_before_any_request(run, creds, linked_app):
    result = run("webhooks", "add", "n", "https://x.org/h", "--service", "app_a")
    assert result.exit_code == 2
    assert "--org is required when using --service" in result.stderr
    assert len(responses.calls) == 0


# --- remove ----------------------------------------------------------------------------------------


@responses.activate
def test_remove_with_org_name(run, creds, auth_header):
    responses.get(f"{API}/v2/summary", json=SUMMARY)
    responses.delete(f"{HOOKS_URL}/{ORG_ID}/h1", status=204)
    result = run("webhooks", "remove", "h1", "--org", "Acme")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[1], "DELETE", f"{HOOKS_URL}/{ORG_ID}/h1", auth_header)
    assert result.stdout == "" and "removed" in result.stderr


@responses.activate
def test_remove_in_linked_app_folder_uses_app_owner(run, creds, linked_app, auth_header):
    responses.delete(f"{HOOKS_URL}/{ORG_ID}/h1", status=204)
    result = run("webhooks", "remove", "h1")
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "DELETE", f"{HOOKS_URL}/{ORG_ID}/h1", auth_header)


@responses.activate
def test_remove_without_org_or_app_uses_self(run, creds, auth_header):
    responses.get(f"{API}/v2/self", json={"id": USER_ID})
    responses.delete(f"{HOOKS_URL}/{USER_ID}/h1", status=204)
    result = run("webhooks", "remove", "h1")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[1], "DELETE", f"{HOOKS_URL}/{USER_ID}/h1", auth_header)


@responses.activate
def test_remove_unknown_hook_is_exit_4(run, creds):
    responses.delete(f"{HOOKS_URL}/{ORG_ID}/nope", status=404, json={"message": "Not Found"})
    result = run("webhooks", "remove", "nope", "--org", ORG_ID)
    assert result.exit_code == 4
    assert result.stderr == f"Error: webhook nope not found for {ORG_ID}\n"


@responses.activate
def test_notify_email_list_json_is_clever_tools_shape(run, creds, linked_app, auth_header):
    url = f"{API}/v2/notifications/emailhooks/{ORG_ID}"
    responses.get(url, json=[
        {"id": "e1", "ownerId": ORG_ID, "name": "Default deployment result e-mails", "events": ["META_DEPLOYMENT_RESULT"]},
        {"id": "e2", "ownerId": ORG_ID, "name": "ops", "scope": [APP_ID],
         "notified": [{"type": "email", "target": "a@b.c"}, {"type": "organisation"}]},
        {"id": "e3", "ownerId": ORG_ID, "name": "not mine", "scope": ["app_other"]},
    ])
    result = run("notify-email", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", url, auth_header)
    assert json.loads(result.stdout) == [
        {"id": "e1", "name": "Default deployment result e-mails", "ownerId": ORG_ID, "services": [ORG_ID],
         "events": ["META_DEPLOYMENT_RESULT"], "notified": ["whole team"]},
        {"id": "e2", "name": "ops", "ownerId": ORG_ID, "services": [APP_ID], "events": ["ALL"],
         "notified": ["a@b.c", "whole team"]},
    ]
    human = run("notify-email")
    assert "  to:\n    a@b.c\n    whole team\n" in human.stdout


@responses.activate
def test_org_given_to_the_group_is_honoured_by_the_sub_command(run, creds, auth_header):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "h1"})
    result = run("webhooks", "--org", ORG_ID, "add", "n", "https://x.org/h")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header,
                {"name": "n", "urls": [{"format": "raw", "url": "https://x.org/h"}], "scope": None, "events": None})


@pytest.mark.parametrize("flags", [["--list-all"], ["-F", "json"]])
@responses.activate
def test_listing_flags_before_a_sub_command_are_refused(run, creds, flags):
    result = run("webhooks", *flags, "remove", "h1", "--org", ORG_ID)
    assert result.exit_code == 2
    assert "applies to the listing" in result.stderr
    assert len(responses.calls) == 0


@pytest.mark.parametrize("hook_id", [".", ".."])
@responses.activate
def test_dot_ids_are_refused_before_any_request(run, creds, hook_id):
    result = run("webhooks", "remove", hook_id, "--org", ORG_ID)
    assert result.exit_code == 2 and "invalid hook id" in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_not_found_without_org_says_where_it_looked(run, creds, linked_app):
    responses.delete(f"{HOOKS_URL}/{ORG_ID}/nope", status=404, json={"message": "Not Found"})
    result = run("webhooks", "remove", "nope")
    assert result.exit_code == 4
    assert result.stderr == (f"Error: webhook nope not found for {ORG_ID} (looked at the owner of the application "
                             f"linked in {linked_app / '.clever.json'}; pass --org to look elsewhere)\n")
