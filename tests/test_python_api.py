"""The Python API (`from clever_notify import Notifications`) used as a script would: public names only, against
the in-process sandbox (its database in the test's folder, set by conftest) and a loopback stand-in of the API
(tests/servers.py), where the exact requests are checked."""

from __future__ import annotations

import json

import pytest

from clever_notify import EmailHook, Notifications, Webhook
from clever_notify.errors import ApiError, InputError, NotAuthenticated, NotFound
from helpers import APP_ID, ORG_ID, SUMMARY, USER_ID, assert_sent
from servers import HookStore, LoopbackServer


@pytest.fixture
def n():
    return Notifications.sandbox()


def test_a_webhook_added_is_listed_typed_with_its_raw_fields(n):
    hook = n.webhooks.add("deploys", "https://example.org/h", events=["deployment_fail"], owner="Acme")
    assert isinstance(hook, Webhook) and hook.id and hook.events == ("DEPLOYMENT_FAIL",)
    listed = n.webhooks.list(owner="Acme")
    assert [h.id for h in listed] == [hook.id]
    assert listed[0].raw["urls"] == [{"format": "raw", "url": "https://example.org/h"}]
    assert listed[0].enabled and listed[0].owner_id == n.owner("Acme").id


def test_a_bad_value_is_refused_before_anything_is_sent(n):
    with pytest.raises(InputError, match="NOT_AN_EVENT"):
        n.webhooks.add("x", "https://example.org/h", events=["NOT_AN_EVENT"], owner="Acme")
    with pytest.raises(InputError):
        n.webhooks.add("x", "ftp://example.org/h", owner="Acme")
    assert n.webhooks.list(owner="Acme") == []


def test_dry_runs_send_nothing_and_say_what_would_be_sent(n):
    hook = n.webhooks.add("deploys", "https://example.org/h", owner="Acme")
    updated = n.webhooks.update(hook.id, owner="Acme", name="renamed", dry_run=True)
    assert updated.hook.name == "renamed" and [r["method"] for r in updated.requests] == ["PUT"]
    removed = n.webhooks.remove(hook.id, owner="Acme", dry_run=True)
    assert [r["method"] for r in removed.requests] == ["DELETE"]
    assert [h.name for h in n.webhooks.list(owner="Acme")] == ["deploys"]


def test_an_unknown_id_is_not_found(n):
    with pytest.raises(NotFound):
        n.emails.get("nope", owner="Acme")


def test_the_default_emails_are_typed(n):
    (default,) = n.emails.default.get(owner="Acme")
    assert isinstance(default, EmailHook) and default.name == "Default deployment result e-mails"


def test_default_emails_dry_run_changes_nothing_then_the_real_run_restricts(n):
    (before,) = n.emails.default.get(owner="Acme")
    preview = n.emails.default.only(["web"], owner="Acme", dry_run=True)
    assert preview.dry_run and n.emails.default.get(owner="Acme") == [before]
    n.emails.default.only(["web"], owner="Acme")
    (after,) = n.emails.default.get(owner="Acme")
    assert after.id != before.id and after.services == (next(s.id for s in n.owner("Acme").services
                                                             if s.name == "web"),)


def test_every_owners_hooks_carry_their_owner(n):
    mine = n.webhooks.add("mine", "https://example.org/a", owner="self")
    theirs = n.webhooks.add("theirs", "https://example.org/b", owner="Acme")
    listed = {h.name: h.owner_id for h in n.webhooks.list(all_owners=True)}  # the seed has others' hooks too
    assert (listed["mine"], listed["theirs"]) == (mine.owner_id, theirs.owner_id)
    assert mine.owner_id == n.owner("self").id != theirs.owner_id


# --- against a loopback stand-in of the API: the exact requests a script's calls send -------------------

HOOKS = f"/v2/notifications/webhooks/{ORG_ID}"
MAILS = f"/v2/notifications/emailhooks/{ORG_ID}"
LISTED = {"id": "h1", "ownerId": ORG_ID, "name": "deploys", "urls": [{"format": "raw", "url": "https://a.example/h"}],
          "events": ["DEPLOYMENT_FAIL"], "state": "ENABLED", "createdAt": 1, "failures": [],
          "futureField": {"kept": True}}


@pytest.fixture
def api(point_at):
    """A HookStore on 127.0.0.1 (/v2/summary and /v2/self fixed), and Notifications.from_environment() at it."""
    # The stand-in keeps webhooks only: every owner's e-mail notifications are an empty list.
    store = HookStore(hooks=[dict(LISTED)],
                      fixed={"/v2/summary": SUMMARY, "/v2/self": {"id": USER_ID, "name": "Me"}, MAILS: [],
                             f"/v2/notifications/emailhooks/{USER_ID}": []})
    with LoopbackServer(store) as server:
        point_at(server.url)
        yield Notifications.from_environment(), server, store


def test_add_by_owner_name_and_service_name_sends_clever_tools_body(api):
    n, server, _ = api
    hook = n.webhooks.add("new", ["https://b.example/h"], format="SLACK", events="deployment_success",
                          services=["web"], owner="Acme")
    assert hook.id == "hook-1" and hook.services == ("app_a",)
    summary, post = server.received
    assert_sent(summary, "GET", "/v2/summary")
    assert_sent(post, "POST", HOOKS, {"name": "new", "urls": [{"format": "slack", "url": "https://b.example/h"}],
                                      "scope": ["app_a"], "events": ["DEPLOYMENT_SUCCESS"]})


def test_an_update_keeps_the_fields_this_version_does_not_know(api):
    n, server, store = api
    done = n.webhooks.update("h1", owner=ORG_ID, name="renamed")
    assert done.changes == [("name", "'deploys'", "'renamed'")]
    put = [r for r in server.received if r.method == "PUT"]
    assert len(put) == 1 and put[0].json()["futureField"] == {"kept": True}
    assert store.hooks[0]["name"] == "renamed" and done.hook.raw["futureField"] == {"kept": True}


def test_typed_objects_keep_every_field_as_read(api):
    n, _, _ = api
    (hook,) = n.webhooks.list(owner=ORG_ID)
    assert hook.raw == LISTED and hook.name == "deploys" and hook.events == ("DEPLOYMENT_FAIL",)


@pytest.mark.parametrize("call", [
    lambda n: n.webhooks.add("x", ["https://b.example/h"], events=["NOPE"], owner="Acme"),
    lambda n: n.webhooks.add("x", ["example.org/h"], owner="Acme"),
    lambda n: n.webhooks.add(" ", ["https://b.example/h"], owner="Acme"),
    lambda n: n.webhooks.add("x", ["https://b.example/h"], format="xml", owner="Acme"),
    lambda n: n.webhooks.add("x", ["https://b.example/h"], services=["web"]),  # services need an owner
    lambda n: n.webhooks.remove("../h1", owner="Acme"),
    lambda n: n.webhooks.get("h1", owner=""),
    lambda n: n.emails.add("x", ["not an address"], owner="Acme"),
    lambda n: n.webhooks.update("h1", owner="Acme", events=["DEPLOYMENT_FAIL"], all_events=True),
    lambda n: n.webhooks.check(owner="Acme", since="forever"),
], ids=["event", "url", "name", "format", "services-without-owner", "id", "empty-owner", "notify",
        "events-and-all", "duration"])
def test_a_bad_value_is_an_input_error_and_nothing_is_sent(api, call):
    n, server, _ = api
    with pytest.raises(InputError) as raised:
        call(n)
    assert raised.value.exit_code == 2
    assert server.received == []


def test_owner_by_id_self_and_left_out(api, linked_app):
    n, server, store = api
    store.hooks.append({**LISTED, "id": "h2", "scope": ["app_other"]})
    # left out: the linked application's owner, only the hooks that apply to the application
    assert [h.id for h in n.webhooks.list()] == ["h1"]
    # an owner given: all of its hooks; list_all without one: your own account's, as `--list-all`
    assert [h.id for h in n.webhooks.list(ORG_ID)] == ["h1", "h2"]
    assert n.webhooks.list(owner="self") == n.webhooks.list(list_all=True) == []
    own = ["/v2/self", f"/v2/notifications/webhooks/{USER_ID}"]
    assert [r.path for r in server.received] == [HOOKS, HOOKS, *own, *own]
    # an add without an owner is scoped to the linked application, as clever-tools does
    hook = n.webhooks.add("scoped", ["https://b.example/h"])
    assert hook.services == (APP_ID,)


def test_dry_runs_read_but_change_nothing(api):
    n, server, store = api
    n.webhooks.add("x", ["https://b.example/h"], owner=ORG_ID, dry_run=True)
    n.webhooks.update("h1", owner=ORG_ID, name="y", dry_run=True)
    n.webhooks.remove("h1", owner=ORG_ID, dry_run=True)
    n.webhooks.disable("h1", owner=ORG_ID, dry_run=True)
    assert set(server.methods()) == {"GET"} and [h["name"] for h in store.hooks] == ["deploys"]


def test_errors_are_the_projects_with_their_exit_codes(api, monkeypatch):
    n, _, _ = api
    with pytest.raises(NotFound) as missing:
        n.webhooks.get("h9", owner=ORG_ID)
    assert missing.value.exit_code == 4
    monkeypatch.delenv("CLEVER_TOKEN")
    with pytest.raises(NotAuthenticated) as anonymous:
        Notifications.from_environment().webhooks.list(owner=ORG_ID)
    assert anonymous.value.exit_code == 3


def test_a_webhook_the_platform_disabled_is_not_healthy(api):
    n, _, store = api
    store.hooks[0]["state"] = "DISABLED"
    report = n.webhooks.check(owner=ORG_ID)
    assert not report.healthy and report.count("disabled") == 1


def test_a_hook_of_a_wrong_shape_is_an_error_not_a_shorter_list(api):
    n, _, store = api
    store.hooks.append({"ownerId": ORG_ID, "name": "no id"})
    with pytest.raises(ApiError, match="unexpected shape"):
        n.webhooks.list(owner=ORG_ID)
    with pytest.raises(ApiError, match="unexpected shape"):
        n.webhooks.list(all_owners=True)


def test_export_plan_apply_round_trip(api, tmp_path):
    n, server, store = api
    path = tmp_path / "n.yml"
    n.export([ORG_ID], path=path)
    assert "name: deploys" in path.read_text()
    path.write_text(path.read_text().replace("DEPLOYMENT_FAIL", "DEPLOYMENT_SUCCESS"))
    planned = n.plan(path)
    assert [(a.op, a.name) for a in planned.plan.actions] == [("update", "deploys")]
    assert planned.changes and "events: DEPLOYMENT_FAIL → DEPLOYMENT_SUCCESS" in str(planned)
    assert [a["action"] for a in planned.as_json()["actions"]] == ["update"]
    before = len(server.received)
    applied = n.apply(planned)
    assert [s.status for s in applied.steps] == ["done"]
    assert [r.method for r in server.received[before:] if r.method != "GET"] == ["PUT"]
    assert store.hooks[0]["events"] == ["DEPLOYMENT_SUCCESS"] and store.hooks[0]["futureField"] == {"kept": True}
    assert not n.plan(path).plan.changes


def test_the_command_line_takes_self_as_the_python_api_does(run, n):
    mine = n.webhooks.add("mine", "https://example.org/a", owner="self")
    result = run("--sandbox", "webhooks", "--org", "self", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert [h["id"] for h in json.loads(result.stdout)] == [mine.id]


def test_from_environment_follows_clever_sandbox_as_the_command_line_does(monkeypatch):
    monkeypatch.setenv("CLEVER_SANDBOX", "1")
    n = Notifications.from_environment()
    assert [o.name for o in n.owners()][1] == "Acme"  # no credentials needed: the in-process sandbox
    monkeypatch.setenv("CLEVER_SANDBOX", "maybe")
    with pytest.raises(InputError, match="CLEVER_SANDBOX"):
        Notifications.from_environment()


def test_notices_and_the_request_log_reach_the_callbacks(api):
    _, server, _ = api
    logged: list[str] = []
    n = Notifications.from_environment(log=logged.append)
    n.webhooks.list(owner=ORG_ID)
    assert len(logged) == 1 and "GET" in logged[0] and HOOKS in logged[0]
    assert "tok-SECRET" not in " ".join(logged)


def test_a_plain_http_receiver_is_a_notice_as_the_command_line_warns():
    said: list[str] = []
    n = Notifications.sandbox(on_notice=said.append)
    n.webhooks.add("plain", "http://example.org/h", owner="Acme")
    n.webhooks.add("local", "http://127.0.0.1:8000/h", owner="Acme")
    assert said == ["warning: http://example.org/h is plain http; payloads would travel unencrypted."]
