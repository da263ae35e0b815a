"""`clever notify-email add --notify` targets (the requests clever-tools 4.11 sends) and `clever notify-email default`.

What both hook kinds share (owners, remove, messages): test_hook_kinds_cli.py."""

from __future__ import annotations

import json
import re

import pytest
import responses

from helpers import (
    APP_ID,
    DEFAULT_NAME,
    ORG_ID,
    SECRET,
    SELF_URL,
    SUMMARY,
    SUMMARY_URL,
    TOKEN,
    USER_ID,
    assert_sent,
    changes,
    hooks_url,
)

EMAILS = hooks_url("emailhooks")  # of ORG_ID


# --- add -------------------------------------------------------------------------------------------


@responses.activate
def test_add_org_by_name_with_every_target_type_and_services(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.post(EMAILS, json={"id": "e1"})
    result = run("notify-email", "add", "ops", "--notify", "a@example.org,user_abc-123", "--notify", "OrGaNiSaTiOn",
                 "--notify", "a@example.org", "-o", "Acme", "--service", "app_a,addon_b", "--event", "deployment_fail")
    assert result.exit_code == 0, result.stderr
    assert [c.request.url for c in responses.calls] == [SUMMARY_URL, EMAILS]
    assert_sent(responses.calls[0], "GET", SUMMARY_URL)
    assert_sent(responses.calls[1], "POST", EMAILS, {
        "name": "ops",
        "notified": [{"type": "email", "target": "a@example.org"}, {"type": "userid", "target": "user_abc-123"},
                     {"type": "organisation"}],
        "scope": ["app_a", "addon_b"],
        "events": ["DEPLOYMENT_FAIL"],
    })


@pytest.mark.parametrize("args,message", [
    (["--notify", "bob"], "invalid notification target 'bob'"),
    (["--notify", "ops@example.org,slack"], "invalid notification target 'slack'"),
    (["--notify", "a@b"], "invalid e-mail address 'a@b'"),
    (["--notify", "user_!"], "invalid user id 'user_!'"),
    (["--notify", ""], "empty notification target"),
    ([], "Missing option '--notify'"),
])
@responses.activate
def test_add_refusals_send_nothing(run, creds, linked_app, args, message):
    result = run("notify-email", "add", "n", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(responses.calls) == 0


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
        base = hooks_url("emailhooks", owner)
        responses.get(SUMMARY_URL, json=SUMMARY)  # `default --only` checks its services there
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
        f"  services: all services of {ORG_ID}\n"
        "  events: META_DEPLOYMENT_RESULT\n"
        "  to: whole team (default)\n"
    )
    assert changes() == []


@responses.activate
def test_default_show_json_and_several(run, creds):
    StandIn(ORG_ID, [DEFAULT, OTHER, {**DEFAULT_TARGETED, "scope": [APP_ID]}])
    result = run("notify-email", "default", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", EMAILS)
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
    assert result.stdout == ""
    assert f'No "{DEFAULT_NAME}" hook at {ORG_ID}' in result.stderr
    assert f"clever notify-email default --restore --org {ORG_ID}\n" in result.stderr
    assert run("notify-email", "default", "--org", ORG_ID, "-F", "json").stdout == "[]\n"


@responses.activate
def test_default_owner_from_linked_app_then_self(run, creds, linked_app):
    StandIn(ORG_ID, [DEFAULT])
    assert run("notify-email", "default", "-F", "json").exit_code == 0
    assert [c.request.url for c in responses.calls] == [EMAILS]


@responses.activate
def test_default_owner_self_without_linked_app(run, creds):
    responses.get(SELF_URL, json={"id": USER_ID})
    StandIn(USER_ID, [])
    assert run("notify-email", "default", "-F", "json").exit_code == 0
    assert [c.request.url for c in responses.calls] == [SELF_URL, hooks_url("emailhooks", USER_ID)]


@responses.activate
def test_default_org_by_name(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    stand_in = StandIn(ORG_ID, [DEFAULT])
    result = run("notify-email", "default", "-o", "Acme", "--disable")
    assert result.exit_code == 0, result.stderr
    assert stand_in.ids() == []


# --only


@responses.activate
def test_only_creates_the_replacement_then_deletes_the_old(run, creds):
    stand_in = StandIn(ORG_ID, [OTHER, DEFAULT_TARGETED])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a,app_b", "--only", "addon_c")
    assert result.exit_code == 0, result.stderr
    assert changes() == [("POST", EMAILS), ("DELETE", f"{EMAILS}/d2")]
    post, delete = [c for c in responses.calls if c.request.method != "GET"]
    assert_sent(post, "POST", EMAILS, {
        "name": DEFAULT_NAME, "notified": [{"type": "email", "target": "ops@example.org"}],
        "scope": ["app_a", "app_b", "addon_c"], "events": ["DEPLOYMENT_FAIL"],
    })
    assert_sent(delete, "DELETE", f"{EMAILS}/d2")
    assert stand_in.ids() == ["o1", "new-1"]
    assert result.stderr == "Created new-1 restricted to web (app_a), worker (app_b), db (addon_c), then deleted d2.\n"
    assert result.stdout == "new-1\n"  # data only: the new id, as `add` prints it


@responses.activate
def test_only_unscoped_whole_team_hook_keeps_no_notified(run, creds):
    StandIn(ORG_ID, [DEFAULT])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", APP_ID)
    assert result.exit_code == 0, result.stderr
    post = [c for c in responses.calls if c.request.method == "POST"][0]
    assert_sent(post, "POST", EMAILS,
                {"name": DEFAULT_NAME, "scope": [APP_ID], "events": ["META_DEPLOYMENT_RESULT"]})


@responses.activate
def test_only_with_several_default_hooks_replaces_each(run, creds):
    stand_in = StandIn(ORG_ID, [DEFAULT, DEFAULT_TARGETED])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert changes() == [  # issue 18: one executor, creates first, deletes last
        ("POST", EMAILS), ("POST", EMAILS),
        ("DELETE", f"{EMAILS}/d1"), ("DELETE", f"{EMAILS}/d2"),
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
    assert [r["method"] for r in report["requests"]] == ["POST", "POST", "DELETE", "DELETE"]


@responses.activate
def test_only_create_failure_leaves_the_original_untouched(run, creds):
    stand_in = StandIn(ORG_ID, [DEFAULT], fail_post=500)
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert result.exit_code == 1
    assert changes() == [("POST", EMAILS)]  # no DELETE was sent
    assert stand_in.ids() == ["d1"]
    assert result.stderr == (
        "Error: could not create the replacement of d1: the API answered 500: create refused. "
        "d1 is unchanged and still sends the e-mails; nothing was deleted.\n"
    )


@responses.activate
def test_only_create_failure_on_second_hook_says_what_was_done(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.post(EMAILS, json={"id": "new-1"})
    responses.post(EMAILS, status=500, json={"message": "busy"})
    responses.get(EMAILS, json=[DEFAULT, DEFAULT_TARGETED])
    responses.delete(f"{EMAILS}/d1", status=204)
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert result.exit_code == 1
    assert changes() == [("POST", EMAILS), ("POST", EMAILS)]  # issue 18: creates first, nothing deleted yet
    assert "could not create the replacement of d2" in result.stderr
    assert "d2 is unchanged" in result.stderr
    assert "Created, the hook each replaces not yet deleted: new-1 (for d1)." in result.stderr


@responses.activate
def test_only_delete_failure_after_create_names_both_hooks(run, creds):
    stand_in = StandIn(ORG_ID, [DEFAULT], fail_delete=500)
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert result.exit_code == 1
    assert changes() == [("POST", EMAILS), ("DELETE", f"{EMAILS}/d1")]
    assert stand_in.ids() == ["d1", "new-1"]
    assert result.stderr == (
        "Error: created new-1 (restricted to web (app_a)) but could not delete the hook it replaces, d1: "
        "the API answered 500: delete refused. Both exist now, so deployments of web (app_a) are e-mailed twice; "
        f"remove the old one with: clever notify-email remove d1 --org {ORG_ID}\n"
    )


@responses.activate
def test_only_old_hook_deleted_meanwhile_is_not_an_error(run, creds):
    def api():
        responses.reset()
        responses.get(SUMMARY_URL, json=SUMMARY)
        responses.get(EMAILS, json=[DEFAULT])
        responses.post(EMAILS, json={"id": "new-1"})
        responses.delete(f"{EMAILS}/d1", status=404, json={"message": "Not Found"})
        responses.get(EMAILS, json=[{"id": "new-1"}])  # read back after the 404 (issue 18): d1 no longer listed

    api()
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert changes() == [("POST", EMAILS), ("DELETE", f"{EMAILS}/d1")]
    assert json.loads(result.stdout)["deleted"] == []
    api()
    human = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert human.stderr == "Created new-1 restricted to web (app_a), d1 was already gone.\n"


@responses.activate
def test_only_already_restricted_is_left_alone(run, creds):
    StandIn(ORG_ID, [{**DEFAULT, "scope": ["app_b", "app_a"]}])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a,app_b")
    assert result.exit_code == 0, result.stderr
    assert changes() == []
    assert "already restricted" in result.stderr and result.stdout == ""


@responses.activate
def test_only_when_absent_creates_a_restricted_default(run, creds):
    stand_in = StandIn(ORG_ID, [OTHER])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a")
    assert result.exit_code == 0, result.stderr
    assert changes() == [("POST", EMAILS)]
    assert_sent(responses.calls[2], "POST", EMAILS,
                {"name": DEFAULT_NAME, "scope": ["app_a"], "events": ["META_DEPLOYMENT_RESULT"]})
    assert stand_in.ids() == ["o1", "new-1"]


@responses.activate
def test_only_dry_run_sends_no_change_and_prints_the_requests(run, creds):
    stand_in = StandIn(ORG_ID, [DEFAULT, DEFAULT_TARGETED])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "app_a", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert changes() == []
    assert [c.request.url for c in responses.calls] == [SUMMARY_URL, EMAILS]
    assert stand_in.ids() == ["d1", "d2"]
    body1 = json.dumps({"name": DEFAULT_NAME, "scope": ["app_a"], "events": ["META_DEPLOYMENT_RESULT"]}, indent=2)
    body2 = json.dumps({"name": DEFAULT_NAME, "notified": DEFAULT_TARGETED["notified"], "scope": ["app_a"],
                        "events": ["DEPLOYMENT_FAIL"]}, indent=2)
    # the data of a dry run: the requests, nothing else, in the one layout of every dry run (issue 19)
    assert result.stdout == (
        f"POST /v2/notifications/emailhooks/{ORG_ID}\n{body1}\n\n"
        f"POST /v2/notifications/emailhooks/{ORG_ID}\n{body2}\n\n"
        f"DELETE /v2/notifications/emailhooks/{ORG_ID}/d1\n\n"
        f"DELETE /v2/notifications/emailhooks/{ORG_ID}/d2\n"
    )
    assert "Would create a copy of d1" in result.stderr
    assert result.stderr.endswith("Dry run: nothing was sent. The requests would be:\n")
    for secret in (TOKEN, SECRET, "Authorization", "oauth"):
        assert secret not in result.stdout + result.stderr


# --disable


@responses.activate
def test_disable_deletes_every_default_hook_and_is_idempotent(run, creds):
    stand_in = StandIn(ORG_ID, [DEFAULT, OTHER, DEFAULT_TARGETED])
    result = run("notify-email", "default", "--org", ORG_ID, "--disable")
    assert result.exit_code == 0, result.stderr
    assert changes() == [("DELETE", f"{EMAILS}/d1"), ("DELETE", f"{EMAILS}/d2")]
    assert_sent(responses.calls[1], "DELETE", f"{EMAILS}/d1")
    assert stand_in.ids() == ["o1"]
    assert result.stdout == "" and "Deleted d1.\nDeleted d2.\n" in result.stderr
    assert "2 hooks are named" in result.stderr

    again = run("notify-email", "default", "--org", ORG_ID, "--disable")
    assert again.exit_code == 0, again.stderr
    assert len(changes()) == 2  # nothing more was sent
    assert again.stdout == ""
    assert again.stderr == f'No "{DEFAULT_NAME}" hook at {ORG_ID}: those e-mails are already off.\n'


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
    assert changes() == [("DELETE", f"{EMAILS}/d1")]
    assert result.stderr.endswith(
        "\nError: could not delete d1: the API answered 500: delete refused. It still exists. Not touched: d2.\n"
    )


# --restore


@responses.activate
def test_restore_creates_it_unscoped_then_is_idempotent(run, creds):
    stand_in = StandIn(ORG_ID, [OTHER])
    result = run("notify-email", "default", "--org", ORG_ID, "--restore")
    assert result.exit_code == 0, result.stderr
    assert changes() == [("POST", EMAILS)]
    assert_sent(responses.calls[1], "POST", EMAILS,
                {"name": DEFAULT_NAME, "events": ["META_DEPLOYMENT_RESULT"]})
    assert stand_in.ids() == ["o1", "new-1"]
    assert result.stderr.startswith("Created new-1:") and result.stdout == "new-1\n"

    again = run("notify-email", "default", "--org", ORG_ID, "--restore")
    assert again.exit_code == 0, again.stderr
    assert len(changes()) == 1
    assert "already exists" in again.stderr and "new-1" in again.stderr and again.stdout == ""


@responses.activate
def test_restore_dry_run_sends_nothing(run, creds):
    stand_in = StandIn(ORG_ID, [])
    result = run("notify-email", "default", "--org", ORG_ID, "--restore", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert changes() == []
    assert stand_in.ids() == []
    body = json.dumps({"name": DEFAULT_NAME, "events": ["META_DEPLOYMENT_RESULT"]}, indent=2)
    assert result.stdout == f"POST /v2/notifications/emailhooks/{ORG_ID}\n{body}\n"  # one layout (issue 19)


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
