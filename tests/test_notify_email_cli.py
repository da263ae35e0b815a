"""`clever notify-email` add/remove (the requests clever-tools 4.11 sends) and `clever notify-email default`."""

from __future__ import annotations

import json
import re

import pytest
import responses

from conftest import API, APP_ID, ORG2_ID, ORG_ID, SECRET, TOKEN, USER_ID

HOOKS_URL = f"{API}/v2/notifications/emailhooks"
SUMMARY = {
    "user": {"id": USER_ID, "name": "Me", "applications": [], "addons": [], "consumers": []},
    "organisations": [
        {"id": ORG_ID, "name": "Acme", "consumers": [],
         "applications": [{"id": "app_a", "name": "web"}, {"id": "app_b", "name": "worker"},
                          {"id": APP_ID, "name": "api"}],
         "addons": [{"id": "addon_c", "realId": "postgresql_c", "name": "db"}]},
        {"id": ORG2_ID, "name": "Twin", "applications": [], "addons": [], "consumers": []},
    ],
}
DEFAULT_NAME = "Default deployment result e-mails"
USER2 = "user_11111111-2222-4333-8444-555555555555"


def assert_sent(call, method, url, auth_header, body=None):
    assert call.request.method == method
    assert call.request.url == url
    assert call.request.headers["Authorization"] == auth_header
    if body is None:
        assert call.request.body is None
    else:
        sent = json.loads(call.request.body)
        assert sent == body
        assert list(sent) == list(body)  # clever-tools' key order
        assert call.request.headers["Content-Type"] == "application/json"


def changes():
    """The requests that changed something, in the order they were sent."""
    return [(c.request.method, c.request.url) for c in responses.calls if c.request.method != "GET"]


# --- add -------------------------------------------------------------------------------------------


@responses.activate
def test_add_org_by_id(run, creds, auth_header):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "e-new", "ownerId": ORG_ID})
    result = run("notify-email", "add", "deploys", "--notify", "ops@example.org", "--event", "META_DEPLOYMENT_RESULT",
                 "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header, {
        "name": "deploys", "notified": [{"type": "email", "target": "ops@example.org"}],
        "scope": None, "events": ["META_DEPLOYMENT_RESULT"],
    })
    assert result.stdout == "e-new\n"
    assert result.stderr == f'The e-mail notification "deploys" has been added to {ORG_ID}.\n'
    assert "webhook" not in result.stderr


@responses.activate
def test_add_org_by_name_with_every_target_type_and_services(run, creds, auth_header):
    responses.get(f"{API}/v2/summary", json=SUMMARY)
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "e1"})
    result = run("notify-email", "add", "ops", "--notify", "a@example.org,user_abc-123", "--notify", "OrGaNiSaTiOn",
                 "--notify", "a@example.org", "-o", "Acme", "--service", "app_a,addon_b", "--event", "deployment_fail")
    assert result.exit_code == 0, result.stderr
    assert [c.request.url for c in responses.calls] == [f"{API}/v2/summary", f"{HOOKS_URL}/{ORG_ID}"]
    assert_sent(responses.calls[0], "GET", f"{API}/v2/summary", auth_header)
    assert_sent(responses.calls[1], "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header, {
        "name": "ops",
        "notified": [{"type": "email", "target": "a@example.org"}, {"type": "userid", "target": "user_abc-123"},
                     {"type": "organisation"}],
        "scope": ["app_a", "addon_b"],
        "events": ["DEPLOYMENT_FAIL"],
    })


@responses.activate
def test_add_in_linked_app_folder_scopes_to_the_app(run, creds, linked_app, auth_header):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "e1"})
    result = run("notify-email", "add", "mine", "--notify", "organisation")
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1  # the linked app gives the owner: no /v2/self
    assert_sent(responses.calls[0], "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header,
                {"name": "mine", "notified": [{"type": "organisation"}], "scope": [APP_ID], "events": None})


@responses.activate
def test_add_without_linked_app_goes_to_self_unscoped(run, creds, auth_header):
    responses.get(f"{API}/v2/self", json={"id": USER_ID})
    responses.post(f"{HOOKS_URL}/{USER_ID}", json={"id": "e1"})
    result = run("notify-email", "add", "me", "--notify", USER_ID)
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", f"{API}/v2/self", auth_header)
    assert_sent(responses.calls[1], "POST", f"{HOOKS_URL}/{USER_ID}", auth_header,
                {"name": "me", "notified": [{"type": "userid", "target": USER_ID}], "scope": None, "events": None})


@responses.activate
def test_add_json_prints_the_created_hook(run, creds):
    created = {"id": "e1", "ownerId": ORG_ID, "name": "n", "notified": [{"type": "organisation"}]}
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json=created)
    result = run("notify-email", "add", "n", "--notify", "organisation", "-o", ORG_ID, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == created


@pytest.mark.parametrize("args,message", [
    (["--notify", "bob"], "invalid notification target 'bob'"),
    (["--notify", "ops@example.org,slack"], "invalid notification target 'slack'"),
    (["--notify", "a@b"], "invalid e-mail address 'a@b'"),
    (["--notify", "user_!"], "invalid user id 'user_!'"),
    (["--notify", ""], "empty notification target"),
    ([], "Missing option '--notify'"),
    (["--notify", "a@example.org", "--service", "app_a"], "--org is required when using --service"),
])
@responses.activate
def test_add_refusals_send_nothing(run, creds, linked_app, args, message):
    result = run("notify-email", "add", "n", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_add_api_error_is_one_line_exit_1(run, creds):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", status=400, json={"message": "bad scope"})
    result = run("notify-email", "add", "n", "--notify", "organisation", "-o", ORG_ID)
    assert result.exit_code == 1
    assert result.stderr == "Error: the API answered 400: bad scope\n"
    assert result.stdout == ""


# --- remove ----------------------------------------------------------------------------------------


@responses.activate
def test_remove_org_by_id(run, creds, auth_header):
    responses.delete(f"{HOOKS_URL}/{ORG_ID}/e1", status=204)
    result = run("notify-email", "remove", "e1", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "DELETE", f"{HOOKS_URL}/{ORG_ID}/e1", auth_header)
    assert result.stdout == "" and result.stderr == "The e-mail notification e1 has been removed.\n"


@responses.activate
def test_remove_org_by_name(run, creds, auth_header):
    responses.get(f"{API}/v2/summary", json=SUMMARY)
    responses.delete(f"{HOOKS_URL}/{ORG2_ID}/e1", status=204)
    result = run("notify-email", "remove", "e1", "-o", "Twin")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", f"{API}/v2/summary", auth_header)
    assert_sent(responses.calls[1], "DELETE", f"{HOOKS_URL}/{ORG2_ID}/e1", auth_header)


@responses.activate
def test_remove_in_linked_app_folder_uses_app_owner(run, creds, linked_app, auth_header):
    responses.delete(f"{HOOKS_URL}/{ORG_ID}/e1", status=204)
    result = run("notify-email", "remove", "e1")
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "DELETE", f"{HOOKS_URL}/{ORG_ID}/e1", auth_header)


@responses.activate
def test_remove_without_org_or_app_uses_self(run, creds, auth_header):
    responses.get(f"{API}/v2/self", json={"id": USER_ID})
    responses.delete(f"{HOOKS_URL}/{USER_ID}/e1", status=204)
    result = run("notify-email", "remove", "e1")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", f"{API}/v2/self", auth_header)
    assert_sent(responses.calls[1], "DELETE", f"{HOOKS_URL}/{USER_ID}/e1", auth_header)


@responses.activate
def test_remove_unknown_is_exit_4(run, creds):
    responses.delete(f"{HOOKS_URL}/{ORG_ID}/nope", status=404, json={"message": "Not Found"})
    result = run("notify-email", "remove", "nope", "--org", ORG_ID)
    assert result.exit_code == 4
    assert result.stderr == f"Error: e-mail notification nope not found for {ORG_ID}\n"


def test_remove_bad_id_sends_nothing(run, creds):
    with responses.RequestsMock() as rsps:
        result = run("notify-email", "remove", "a/b", "--org", ORG_ID)
        assert len(rsps.calls) == 0
    assert result.exit_code == 2


# --- default: a stand-in for one owner's e-mail hooks ---------------------------------------------


class StandIn:
    """The e-mail hook endpoints of one owner, with state, on top of `responses`.

    `fail_post` / `fail_delete` make those requests answer that status instead.
    """

    def __init__(self, owner, hooks, *, fail_post=None, fail_delete=None):
        self.owner = owner
        self.hooks = [dict(h) for h in hooks]
        self.fail_post = fail_post
        self.fail_delete = fail_delete
        self.created = 0
        base = f"{HOOKS_URL}/{owner}"
        responses.get(f"{API}/v2/summary", json=SUMMARY)  # `default --only` checks its services there
        responses.add_callback(responses.GET, base, callback=self._list)
        responses.add_callback(responses.POST, base, callback=self._create)
        responses.add_callback(responses.DELETE, re.compile(re.escape(base) + r"/[^/]+$"), callback=self._delete)

    def _list(self, request):
        return 200, {}, json.dumps(self.hooks)

    def _create(self, request):
        if self.fail_post:
            return self.fail_post, {}, json.dumps({"message": "create refused"})
        self.created += 1
        hook = {"id": f"new-{self.created}", "ownerId": self.owner, **json.loads(request.body), "createdAt": 9}
        self.hooks.append(hook)
        return 200, {}, json.dumps(hook)

    def _delete(self, request):
        hook_id = request.url.rsplit("/", 1)[1]
        if self.fail_delete:
            return self.fail_delete, {}, json.dumps({"message": "delete refused"})
        if not any(h.get("id") == hook_id for h in self.hooks):
            return 404, {}, json.dumps({"message": "Not Found"})
        self.hooks = [h for h in self.hooks if h.get("id") != hook_id]
        return 204, {}, ""

    def ids(self):
        return [h.get("id") for h in self.hooks]


DEFAULT = {"id": "d1", "ownerId": ORG_ID, "name": DEFAULT_NAME, "events": ["META_DEPLOYMENT_RESULT"], "createdAt": 1}
DEFAULT_TARGETED = {"id": "d2", "ownerId": ORG_ID, "name": DEFAULT_NAME, "events": ["DEPLOYMENT_FAIL"],
                    "notified": [{"type": "email", "target": "ops@example.org"}], "createdAt": 2}
OTHER = {"id": "o1", "ownerId": ORG_ID, "name": "ops", "notified": [{"type": "organisation"}], "createdAt": 3}


# show


@responses.activate
def test_default_show_human(run, creds):
    StandIn(ORG_ID, [OTHER, DEFAULT])
    result = run("notify-email", "default", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"{DEFAULT_NAME}\n"
        "  id: d1\n"
        f"  services: all of {ORG_ID}\n"
        "  events: META_DEPLOYMENT_RESULT\n"
        "  to: whole team\n"
    )
    assert changes() == []


@responses.activate
def test_default_show_json_and_several(run, creds, auth_header):
    StandIn(ORG_ID, [DEFAULT, OTHER, {**DEFAULT_TARGETED, "scope": [APP_ID]}])
    result = run("notify-email", "default", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", f"{HOOKS_URL}/{ORG_ID}", auth_header)
    assert json.loads(result.stdout) == [
        {"id": "d1", "name": DEFAULT_NAME, "ownerId": ORG_ID, "services": [ORG_ID],
         "events": ["META_DEPLOYMENT_RESULT"], "notified": ["whole team"]},
        {"id": "d2", "name": DEFAULT_NAME, "ownerId": ORG_ID, "services": [APP_ID],
         "events": ["DEPLOYMENT_FAIL"], "notified": ["ops@example.org"]},
    ]
    assert f'2 hooks are named "{DEFAULT_NAME}" at {ORG_ID} (d1, d2)' in result.stderr


@responses.activate
def test_default_show_absent(run, creds):
    StandIn(ORG_ID, [OTHER])
    result = run("notify-email", "default", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert f'No "{DEFAULT_NAME}" hook at {ORG_ID}' in result.stdout
    assert f"clever notify-email default --restore --org {ORG_ID}" in result.stdout
    assert run("notify-email", "default", "--org", ORG_ID, "-F", "json").stdout == "[]\n"


@responses.activate
def test_default_owner_from_linked_app_then_self(run, creds, linked_app, auth_header):
    StandIn(ORG_ID, [DEFAULT])
    assert run("notify-email", "default", "-F", "json").exit_code == 0
    assert [c.request.url for c in responses.calls] == [f"{HOOKS_URL}/{ORG_ID}"]


@responses.activate
def test_default_owner_self_without_linked_app(run, creds, auth_header):
    responses.get(f"{API}/v2/self", json={"id": USER_ID})
    StandIn(USER_ID, [])
    assert run("notify-email", "default", "-F", "json").exit_code == 0
    assert [c.request.url for c in responses.calls] == [f"{API}/v2/self", f"{HOOKS_URL}/{USER_ID}"]


@responses.activate
def test_default_org_by_name(run, creds):
    responses.get(f"{API}/v2/summary", json=SUMMARY)
    stand_in = StandIn(ORG_ID, [DEFAULT])
    result = run("notify-email", "default", "-o", "Acme", "--disable")
    assert result.exit_code == 0, result.stderr
    assert stand_in.ids() == []


# --only


@responses.activate
def test_only_creates_the_replacement_then_deletes_the_old(run, creds, auth_header):
    stand_in = StandIn(ORG_ID, [OTHER, DEFAULT_TARGETED])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a,app_b", "--only", "addon_c")
    assert result.exit_code == 0, result.stderr
    assert changes() == [("POST", f"{HOOKS_URL}/{ORG_ID}"), ("DELETE", f"{HOOKS_URL}/{ORG_ID}/d2")]
    post, delete = [c for c in responses.calls if c.request.method != "GET"]
    assert_sent(post, "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header, {
        "name": DEFAULT_NAME, "notified": [{"type": "email", "target": "ops@example.org"}],
        "scope": ["app_a", "app_b", "addon_c"], "events": ["DEPLOYMENT_FAIL"],
    })
    assert_sent(delete, "DELETE", f"{HOOKS_URL}/{ORG_ID}/d2", auth_header)
    assert stand_in.ids() == ["o1", "new-1"]
    assert result.stdout == "Created new-1 restricted to web (app_a), worker (app_b), db (addon_c), then deleted d2.\n"


@responses.activate
def test_only_unscoped_whole_team_hook_keeps_no_notified(run, creds, auth_header):
    StandIn(ORG_ID, [DEFAULT])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", APP_ID)
    assert result.exit_code == 0, result.stderr
    post = [c for c in responses.calls if c.request.method == "POST"][0]
    assert_sent(post, "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header,
                {"name": DEFAULT_NAME, "scope": [APP_ID], "events": ["META_DEPLOYMENT_RESULT"]})


@responses.activate
def test_only_with_several_default_hooks_replaces_each(run, creds, auth_header):
    stand_in = StandIn(ORG_ID, [DEFAULT, DEFAULT_TARGETED])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert changes() == [
        ("POST", f"{HOOKS_URL}/{ORG_ID}"), ("DELETE", f"{HOOKS_URL}/{ORG_ID}/d1"),
        ("POST", f"{HOOKS_URL}/{ORG_ID}"), ("DELETE", f"{HOOKS_URL}/{ORG_ID}/d2"),
    ]
    bodies = [json.loads(c.request.body) for c in responses.calls if c.request.method == "POST"]
    assert bodies == [
        {"name": DEFAULT_NAME, "scope": ["app_a"], "events": ["META_DEPLOYMENT_RESULT"]},
        {"name": DEFAULT_NAME, "notified": DEFAULT_TARGETED["notified"], "scope": ["app_a"],
         "events": ["DEPLOYMENT_FAIL"]},
    ]
    assert stand_in.ids() == ["new-1", "new-2"]
    assert "2 hooks are named" in result.stderr and "acting on all of them" in result.stderr
    report = json.loads(result.stdout)
    assert report["found"] == ["d1", "d2"] and report["deleted"] == ["d1", "d2"]
    assert [h["id"] for h in report["created"]] == ["new-1", "new-2"]
    assert [r["method"] for r in report["requests"]] == ["POST", "DELETE", "POST", "DELETE"]


@responses.activate
def test_only_create_failure_leaves_the_original_untouched(run, creds):
    stand_in = StandIn(ORG_ID, [DEFAULT], fail_post=500)
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert result.exit_code == 1
    assert changes() == [("POST", f"{HOOKS_URL}/{ORG_ID}")]  # no DELETE was sent
    assert stand_in.ids() == ["d1"]
    assert result.stderr == (
        "Error: could not create the replacement of d1: the API answered 500: create refused. "
        "d1 is unchanged and still sends the e-mails; nothing was deleted.\n"
    )


@responses.activate
def test_only_create_failure_on_second_hook_says_what_was_done(run, creds):
    responses.get(f"{API}/v2/summary", json=SUMMARY)
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "new-1"})
    responses.post(f"{HOOKS_URL}/{ORG_ID}", status=500, json={"message": "busy"})
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[DEFAULT, DEFAULT_TARGETED])
    responses.delete(f"{HOOKS_URL}/{ORG_ID}/d1", status=204)
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert result.exit_code == 1
    assert changes() == [("POST", f"{HOOKS_URL}/{ORG_ID}"), ("DELETE", f"{HOOKS_URL}/{ORG_ID}/d1"),
                         ("POST", f"{HOOKS_URL}/{ORG_ID}")]
    assert "could not create the replacement of d2" in result.stderr
    assert "d2 is unchanged" in result.stderr
    assert "Already done: d1 replaced by new-1." in result.stderr


@responses.activate
def test_only_delete_failure_after_create_names_both_hooks(run, creds):
    stand_in = StandIn(ORG_ID, [DEFAULT], fail_delete=500)
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert result.exit_code == 1
    assert changes() == [("POST", f"{HOOKS_URL}/{ORG_ID}"), ("DELETE", f"{HOOKS_URL}/{ORG_ID}/d1")]
    assert stand_in.ids() == ["d1", "new-1"]
    assert result.stderr == (
        "Error: created new-1 (restricted to web (app_a)) but could not delete the hook it replaces, d1: "
        "the API answered 500: delete refused. Both exist now, so deployments of web (app_a) are e-mailed twice; "
        f"remove the old one with: clever notify-email remove d1 --org {ORG_ID}\n"
    )


@responses.activate
def test_only_old_hook_deleted_meanwhile_is_not_an_error(run, creds):
    responses.get(f"{API}/v2/summary", json=SUMMARY)
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[DEFAULT])
    responses.post(f"{HOOKS_URL}/{ORG_ID}", json={"id": "new-1"})
    responses.delete(f"{HOOKS_URL}/{ORG_ID}/d1", status=404, json={"message": "Not Found"})
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert changes() == [("POST", f"{HOOKS_URL}/{ORG_ID}"), ("DELETE", f"{HOOKS_URL}/{ORG_ID}/d1")]
    assert json.loads(result.stdout)["deleted"] == []
    human = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert human.stdout == "Created new-1 restricted to web (app_a), d1 was already gone.\n"


@responses.activate
def test_only_already_restricted_is_left_alone(run, creds):
    StandIn(ORG_ID, [{**DEFAULT, "scope": ["app_b", "app_a"]}])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a,app_b")
    assert result.exit_code == 0, result.stderr
    assert changes() == []
    assert "already restricted" in result.stdout


@responses.activate
def test_only_when_absent_creates_a_restricted_default(run, creds, auth_header):
    stand_in = StandIn(ORG_ID, [OTHER])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert result.exit_code == 0, result.stderr
    assert changes() == [("POST", f"{HOOKS_URL}/{ORG_ID}")]
    assert_sent(responses.calls[2], "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header,
                {"name": DEFAULT_NAME, "scope": ["app_a"], "events": ["META_DEPLOYMENT_RESULT"]})
    assert stand_in.ids() == ["o1", "new-1"]


@responses.activate
def test_only_dry_run_sends_no_change_and_prints_the_requests(run, creds):
    stand_in = StandIn(ORG_ID, [DEFAULT, DEFAULT_TARGETED])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert changes() == []
    assert [c.request.url for c in responses.calls] == [f"{API}/v2/summary", f"{HOOKS_URL}/{ORG_ID}"]
    assert stand_in.ids() == ["d1", "d2"]
    body1 = json.dumps({"name": DEFAULT_NAME, "scope": ["app_a"], "events": ["META_DEPLOYMENT_RESULT"]})
    body2 = json.dumps({"name": DEFAULT_NAME, "notified": DEFAULT_TARGETED["notified"], "scope": ["app_a"],
                        "events": ["DEPLOYMENT_FAIL"]})
    assert result.stdout.endswith(
        "Dry run: nothing was sent. The requests would be:\n"
        f"  POST /v2/notifications/emailhooks/{ORG_ID}\n    {body1}\n"
        f"  DELETE /v2/notifications/emailhooks/{ORG_ID}/d1\n"
        f"  POST /v2/notifications/emailhooks/{ORG_ID}\n    {body2}\n"
        f"  DELETE /v2/notifications/emailhooks/{ORG_ID}/d2\n"
    )
    assert "Would create a copy of d1" in result.stdout
    for secret in (TOKEN, SECRET, "Authorization", "oauth"):
        assert secret not in result.stdout + result.stderr


# --disable


@responses.activate
def test_disable_deletes_every_default_hook_and_is_idempotent(run, creds, auth_header):
    stand_in = StandIn(ORG_ID, [DEFAULT, OTHER, DEFAULT_TARGETED])
    result = run("notify-email", "default", "--org", ORG_ID, "--disable")
    assert result.exit_code == 0, result.stderr
    assert changes() == [("DELETE", f"{HOOKS_URL}/{ORG_ID}/d1"), ("DELETE", f"{HOOKS_URL}/{ORG_ID}/d2")]
    assert_sent(responses.calls[1], "DELETE", f"{HOOKS_URL}/{ORG_ID}/d1", auth_header)
    assert stand_in.ids() == ["o1"]
    assert result.stdout == "Deleted d1.\nDeleted d2.\n"
    assert "2 hooks are named" in result.stderr

    again = run("notify-email", "default", "--org", ORG_ID, "--disable")
    assert again.exit_code == 0, again.stderr
    assert len(changes()) == 2  # nothing more was sent
    assert again.stdout == f'No "{DEFAULT_NAME}" hook at {ORG_ID}: those e-mails are already off.\n'


@responses.activate
def test_disable_never_makes_up_an_id(run, creds):
    # A listed hook without an id is a listing we cannot act on: refused whole, nothing deleted.
    StandIn(ORG_ID, [{k: v for k, v in DEFAULT.items() if k != "id"}, DEFAULT_TARGETED])
    result = run("notify-email", "default", "--org", ORG_ID, "--disable")
    assert result.exit_code == 1
    assert "item 0 has no id" in result.stderr
    assert changes() == []


@responses.activate
def test_disable_dry_run_sends_nothing(run, creds):
    stand_in = StandIn(ORG_ID, [DEFAULT])
    result = run("notify-email", "default", "--org", ORG_ID, "--disable", "--dry-run", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert changes() == []
    assert stand_in.ids() == ["d1"]
    assert json.loads(result.stdout) == {
        "ownerId": ORG_ID, "action": "disable", "dryRun": True, "found": ["d1"], "created": [], "deleted": ["d1"],
        "unchanged": [], "requests": [{"method": "DELETE", "path": f"/v2/notifications/emailhooks/{ORG_ID}/d1"}],
    }


@responses.activate
def test_disable_failure_says_what_remains(run, creds):
    StandIn(ORG_ID, [DEFAULT, DEFAULT_TARGETED], fail_delete=500)
    result = run("notify-email", "default", "--org", ORG_ID, "--disable")
    assert result.exit_code == 1
    assert changes() == [("DELETE", f"{HOOKS_URL}/{ORG_ID}/d1")]
    assert result.stderr.endswith(
        "\nError: could not delete d1: the API answered 500: delete refused. It still exists. Not touched: d2.\n"
    )


# --restore


@responses.activate
def test_restore_creates_it_unscoped_then_is_idempotent(run, creds, auth_header):
    stand_in = StandIn(ORG_ID, [OTHER])
    result = run("notify-email", "default", "--org", ORG_ID, "--restore")
    assert result.exit_code == 0, result.stderr
    assert changes() == [("POST", f"{HOOKS_URL}/{ORG_ID}")]
    assert_sent(responses.calls[1], "POST", f"{HOOKS_URL}/{ORG_ID}", auth_header,
                {"name": DEFAULT_NAME, "events": ["META_DEPLOYMENT_RESULT"]})
    assert stand_in.ids() == ["o1", "new-1"]
    assert result.stdout.startswith("Created new-1:")

    again = run("notify-email", "default", "--org", ORG_ID, "--restore")
    assert again.exit_code == 0, again.stderr
    assert len(changes()) == 1
    assert "already exists" in again.stdout and "new-1" in again.stdout


@responses.activate
def test_restore_dry_run_sends_nothing(run, creds):
    stand_in = StandIn(ORG_ID, [])
    result = run("notify-email", "default", "--org", ORG_ID, "--restore", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert changes() == []
    assert stand_in.ids() == []
    body = json.dumps({"name": DEFAULT_NAME, "events": ["META_DEPLOYMENT_RESULT"]})
    assert f"  POST /v2/notifications/emailhooks/{ORG_ID}\n    {body}\n" in result.stdout


@responses.activate
def test_restore_failure_exit_1_nothing_changed(run, creds):
    stand_in = StandIn(ORG_ID, [], fail_post=500)
    result = run("notify-email", "default", "--org", ORG_ID, "--restore")
    assert result.exit_code == 1
    assert "Nothing was changed." in result.stderr
    assert stand_in.ids() == []


# usage


@pytest.mark.parametrize("flags", [
    ["--only", "app_a", "--disable"], ["--only", "app_a", "--restore"], ["--disable", "--restore"],
    ["--only", "app_a", "--disable", "--restore", "--dry-run"],
])
@responses.activate
def test_modes_are_mutually_exclusive(run, creds, flags):
    result = run("notify-email", "default", "--org", ORG_ID, *flags)
    assert result.exit_code == 2
    assert "cannot be used together" in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_only_empty_service_is_refused(run, creds):
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a,")
    assert result.exit_code == 2
    assert len(responses.calls) == 0
