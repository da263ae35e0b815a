"""A webhook's state in the notifications file: a disabled webhook is drift, and apply turns it back on through
the write path of `webhooks enable` (verified, re-created when the API keeps it off). Exact requests."""

from __future__ import annotations

import json

import responses

from clever_notify.hooks.kinds import WEBHOOKS
from clever_notify.hooks.plan import Change, OwnerInput, Wanted, make_plan
from helpers import ORG_ID, hooks_path, write
from test_nac_cli import FakeApi, lists

URL = "https://ops.example.org/hook"
DISABLED = {"id": "w-1", "ownerId": ORG_ID, "name": "ops", "urls": [{"format": "raw", "url": URL}], "createdAt": 2,
            "failures": [{"url": URL, "status": 500}], "state": "DISABLED", "futureKey": {"kept": True}}
FILE = f"version: 1\nowners:\n  Acme:\n    webhooks:\n      - name: ops\n        urls: [{{url: '{URL}'}}]\n"


def disabled_api(**kw):
    return FakeApi({("webhooks", ORG_ID): [dict(DISABLED)], ("emailhooks", ORG_ID): []}, **kw)


# --- the plan, pure ----------------------------------------------------------------------------------


def wanted(state=None):
    fields = {"name": "ops", "urls": [{"format": "raw", "url": URL}], "events": None, "scope": None}
    if state is not None:
        fields["state"] = state
    return Wanted(WEBHOOKS, "ops", None, fields, where=("owners", "A", "webhooks", 0))


def test_a_disabled_webhook_is_a_change_of_state_last_and_its_put_keeps_every_field():
    plan = make_plan([OwnerInput("A", ORG_ID, {WEBHOOKS: [wanted("ENABLED")]}, {WEBHOOKS: [DISABLED]})], prune=False)
    (action,) = plan.actions
    assert action.op == "update" and action.changes == [Change("state", "DISABLED", "ENABLED")]
    assert action.state == Change("state", "DISABLED", "ENABLED")
    assert action.body == {"name": "ops", "urls": [{"format": "raw", "url": URL}], "state": "ENABLED",
                           "futureKey": {"kept": True}}


def test_state_not_managed_when_the_wanted_hook_does_not_say_and_no_change_when_equal():
    for want in (wanted(), wanted("DISABLED")):
        plan = make_plan([OwnerInput("A", ORG_ID, {WEBHOOKS: [want]}, {WEBHOOKS: [DISABLED]})], prune=False)
        assert plan.actions == [] and plan.unchanged == 1
    lower = {**DISABLED, "state": "disabled"}  # the API's case does not make a change
    plan = make_plan([OwnerInput("A", ORG_ID, {WEBHOOKS: [wanted("DISABLED")]}, {WEBHOOKS: [lower]})], prune=False)
    assert plan.actions == []


def test_a_state_the_tool_cannot_set_is_refused_a_known_one_of_any_case_is_not():
    future = {**DISABLED, "state": "PAUSED"}
    plan = make_plan([OwnerInput("A", ORG_ID, {WEBHOOKS: [wanted("PAUSED")]}, {WEBHOOKS: [future]})], prune=False)
    assert plan.actions == [] and plan.refusals == []  # as exported: no change
    plan = make_plan([OwnerInput("A", ORG_ID, {WEBHOOKS: [wanted("PAUSED")]}, {WEBHOOKS: [DISABLED]})], prune=False)
    assert plan.actions == []
    assert plan.refusals == [(("owners", "A", "webhooks", 0),
                              "state 'PAUSED': the tool can make a webhook ENABLED or DISABLED only; it is DISABLED "
                              "at the API; write one of those, or leave `state` out (enabled)")]
    plan = make_plan([OwnerInput("A", ORG_ID, {WEBHOOKS: [wanted("PAUSED")]}, {WEBHOOKS: []})], prune=False)
    assert plan.actions == [] and len(plan.refusals) == 1
    # and a state the API invents is drift for a file that wants it enabled: never taken as healthy
    plan = make_plan([OwnerInput("A", ORG_ID, {WEBHOOKS: [wanted("ENABLED")]}, {WEBHOOKS: [future]})], prune=False)
    assert plan.actions[0].changes == [Change("state", "PAUSED", "ENABLED")]


# --- the file ----------------------------------------------------------------------------------------


def test_the_file_reads_state_upper_cased_absent_means_enabled(tmp_path):
    from clever_notify.notifications_file.desired import FileInvalid, read

    text = FILE + "        state: disabled\n      - name: b\n        urls: [{url: 'https://b.org'}]\n"
    (acme,) = read(write(tmp_path, text), {}).owners
    assert [w.fields["state"] for w in acme.hooks[WEBHOOKS]] == ["DISABLED", "ENABLED"]
    try:
        read(write(tmp_path, FILE + "        state: 'off line'\n"), {})
    except FileInvalid as exc:
        assert exc.as_json() == [{"path": "owners.Acme.webhooks[0].state", "line": 7,
                                  "message": "invalid state 'off line': ENABLED or DISABLED"}]
    else:
        raise AssertionError("an invalid state was accepted")
    emails = "version: 1\nowners:\n  Acme:\n    emails:\n      - {name: x, state: DISABLED}\n"
    try:
        read(write(tmp_path, emails), {})
    except FileInvalid as exc:
        assert "unknown key 'state'" in exc.as_json()[0]["message"]
    else:
        raise AssertionError("an e-mail notification took a state")


# --- plan and apply, exact requests ---------------------------------------------------------------------


@responses.activate
def test_plan_shows_a_disabled_webhook_as_drift_and_detailed_exitcode_exits_2(run, creds, tmp_path):
    api = disabled_api()
    result = run("notifications", "plan", write(tmp_path, FILE), "--detailed-exitcode")
    assert result.exit_code == 2, result.stderr
    assert result.stdout.splitlines()[1:3] == ['  ~ update webhook "ops" (id w-1)', "      state: DISABLED → ENABLED"]
    assert "Plan: 0 to create, 1 to update, 0 to delete" in result.stdout
    assert api.writes() == []
    as_json = json.loads(run("notifications", "plan", write(tmp_path, FILE), "-F", "json").stdout)
    assert as_json["actions"][0]["changes"] == [{"field": "state", "old": "DISABLED", "new": "ENABLED"}]


@responses.activate
def test_apply_revives_it_with_one_verified_put_then_plans_no_change(run, creds, tmp_path):
    api = disabled_api()
    path = write(tmp_path, FILE)
    result = run("notifications", "apply", path)
    assert result.exit_code == 0, result.stderr
    assert api.writes() == [("PUT", hooks_path("webhooks", ORG_ID, "w-1"), {
        "name": "ops", "urls": [{"format": "raw", "url": URL}], "state": "ENABLED", "futureKey": {"kept": True}})]
    api.sent.clear()
    again = run("notifications", "plan", path, "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout
    assert api.reads() == sorted(["/v2/summary"] + lists(ORG_ID))


class KeepsDisabled(FakeApi):
    """An API that ignores `state` in a PUT: the enable operation then re-creates the webhook."""

    def handle(self, request):
        status, headers, body = super().handle(request)
        if request.method == "PUT":
            hook = next(h for h in self.hooks[("webhooks", ORG_ID)] if h["id"] == request.path_url.split("/")[-1])
            hook["state"] = "DISABLED"
            body = json.dumps(hook)
        return status, headers, body


@responses.activate
def test_apply_goes_through_the_enable_operation_when_the_api_keeps_it_disabled(run, creds, tmp_path):
    api = KeepsDisabled({("webhooks", ORG_ID): [dict(DISABLED)], ("emailhooks", ORG_ID): []})
    result = run("notifications", "apply", write(tmp_path, FILE))
    assert result.exit_code == 0, result.stderr
    same = {"name": "ops", "urls": [{"format": "raw", "url": URL}], "futureKey": {"kept": True}}
    assert api.writes() == [
        ("PUT", hooks_path("webhooks", ORG_ID, "w-1"), {**same, "state": "ENABLED"}),
        ("POST", hooks_path("webhooks", ORG_ID), same),  # created first,
        ("DELETE", hooks_path("webhooks", ORG_ID, "w-1"), None),  # deleted last
    ]
    assert '[1/1] updated webhook "ops" (id w-1) at Acme (id new-1)' in result.stderr


@responses.activate
def test_the_file_can_disable_and_create_disabled(run, creds, tmp_path):
    enabled = {**DISABLED, "state": "ENABLED", "failures": []}
    api = FakeApi({("webhooks", ORG_ID): [enabled], ("emailhooks", ORG_ID): []})
    text = (FILE + "        state: DISABLED\n      - name: new\n        urls: [{url: 'https://b.org'}]\n"
            "        state: DISABLED\n")
    path = write(tmp_path, text)
    planned = run("notifications", "plan", path)
    assert "      state: DISABLED\n" in planned.stdout and "      state: ENABLED → DISABLED\n" in planned.stdout
    result = run("notifications", "apply", path)
    assert result.exit_code == 0, result.stderr
    assert api.writes() == [
        ("POST", hooks_path("webhooks", ORG_ID), {"name": "new", "urls": [{"format": "raw", "url": "https://b.org"}]}),
        ("PUT", hooks_path("webhooks", ORG_ID, "new-1"), {
            "name": "new", "urls": [{"format": "raw", "url": "https://b.org"}], "state": "DISABLED"}),
        ("PUT", hooks_path("webhooks", ORG_ID, "w-1"), {
            "name": "ops", "urls": [{"format": "raw", "url": URL}], "state": "DISABLED", "futureKey": {"kept": True}}),
    ]
    api.sent.clear()
    assert run("notifications", "plan", path, "--detailed-exitcode").exit_code == 0
    assert api.writes() == []


@responses.activate
def test_dry_run_prints_the_put_and_sends_nothing(run, creds, tmp_path):
    api = disabled_api()
    result = run("notifications", "apply", write(tmp_path, FILE), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert api.writes() == []
    assert f"PUT {hooks_path('webhooks', ORG_ID, 'w-1')}" in result.stdout and '"state": "ENABLED"' in result.stdout


@responses.activate
def test_export_writes_state_only_for_a_webhook_not_enabled_and_plans_no_change(run, creds, tmp_path):
    on = {**DISABLED, "id": "w-2", "name": "on", "state": "ENABLED"}
    unsaid = {**DISABLED, "id": "w-3", "name": "unsaid"}
    del unsaid["state"]
    api = FakeApi({("webhooks", ORG_ID): [dict(DISABLED), on, unsaid], ("emailhooks", ORG_ID): []})
    exported = run("notifications", "export", "--org", "Acme")
    assert exported.exit_code == 0, exported.stderr
    assert exported.stdout.count("state:") == 1 and "- name: ops\n      state: DISABLED\n" in exported.stdout
    planned = run("notifications", "plan", write(tmp_path, exported.stdout), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stdout
    assert api.writes() == []
