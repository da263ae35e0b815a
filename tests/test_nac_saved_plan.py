"""`plan --out PLANFILE` then `apply PLANFILE`: exactly the reviewed writes, or none when anything they touch
changed since (a stale plan). Exact requests against a stand-in API."""

from __future__ import annotations

import json

import pytest
import responses

from helpers import ORG_ID, hooks_path, write
from test_nac_cli import FILE, SECRET_URL, FakeApi, state

STALE = "the plan is stale: plan again"


@pytest.fixture
def mocked():
    responses.start()
    yield
    responses.stop()
    responses.reset()


@pytest.fixture
def planned(mocked, run, creds, tmp_path, monkeypatch):
    """A FakeApi in the usual state, FILE planned with --out (and --prune), the plan's path."""
    monkeypatch.setenv("SLACK_URL", SECRET_URL)
    api = FakeApi(state())
    plan_path = tmp_path / "plan.json"
    result = run("notifications", "plan", write(tmp_path, FILE), "--prune", "--out", str(plan_path))
    assert result.exit_code == 0, result.stderr
    assert api.writes() == []
    api.sent.clear()
    return api, plan_path


def direct_apply_writes(run, tmp_path):
    """What `apply FILE --prune --yes` sends from the same state: the reference for the saved plan."""
    responses.reset()
    api = FakeApi(state())
    assert run("notifications", "apply", write(tmp_path, FILE, "again.yml"), "--prune", "--yes").exit_code == 0
    return api.writes()


def test_the_saved_plan_holds_no_secret_and_says_its_version(planned):
    api, plan_path = planned
    text = plan_path.read_text()
    assert SECRET_URL not in text and "s3cr3t" not in text
    saved = json.loads(text)
    assert saved["formatVersion"] == 1 and saved["savedPlan"] == "clever-notify saved plan"
    assert (saved["create"], saved["update"], saved["delete"], saved["prune"]) == (1, 2, 1, True)
    assert saved["actions"][0]["request"]["body"]["urls"] == [{"format": "slack", "url": "${SLACK_URL}"}]
    assert set(saved["variables"]["digests"]) == {"SLACK_URL"}
    assert all(len(a["readAs"]) == 64 for a in saved["actions"] if a["action"] != "create")
    assert oct(plan_path.stat().st_mode & 0o777) == "0o600"


def test_a_fresh_saved_plan_sends_exactly_its_writes_reading_only_the_lists_it_touches(planned, run, tmp_path):
    api, plan_path = planned
    result = run("notifications", "apply", str(plan_path))  # no --yes: the plan was the review
    assert result.exit_code == 0, result.stderr
    assert api.reads() == [hooks_path("emailhooks", ORG_ID), hooks_path("webhooks", ORG_ID)]  # no summary
    sent = api.writes()
    assert sent == direct_apply_writes(run, tmp_path)
    assert [(m, p) for m, p, _ in sent] == [
        ("POST", hooks_path("webhooks", ORG_ID)), ("PUT", hooks_path("webhooks", ORG_ID, "w-old")),
        ("PUT", hooks_path("emailhooks", ORG_ID, "e-default")), ("DELETE", hooks_path("webhooks", ORG_ID, "w-stray"))]
    assert sent[0][2]["urls"] == [{"format": "slack", "url": SECRET_URL}]  # the variable, expanded again
    assert SECRET_URL not in result.output
    assert "Applied: 1 created, 2 updated, 1 deleted." in result.stderr


def _edit_hook(api, key, hook_id, **changes):
    hook = next(h for h in api.hooks[key] if h["id"] == hook_id)
    hook.update(changes)


STALENESS = {
    "an updated hook edited": lambda api: _edit_hook(api, ("webhooks", ORG_ID), "w-old", events=["GIT_PUSH"]),
    "a field the tool does not know changed": lambda api: _edit_hook(api, ("webhooks", ORG_ID), "w-old",
                                                                     description="edited in the console"),
    "the platform flipped the state": lambda api: _edit_hook(api, ("webhooks", ORG_ID), "w-old", state="ENABLED"),
    "a recipient changed": lambda api: _edit_hook(api, ("emailhooks", ORG_ID), "e-default",
                                                  notified=[{"type": "email", "target": "x@y.org"}]),
    "a hook to delete edited": lambda api: _edit_hook(api, ("webhooks", ORG_ID), "w-stray", name="kept after all"),
    "a hook to update gone": lambda api: api.hooks[("webhooks", ORG_ID)].pop(0),
    "a hook to create made meanwhile": lambda api: api.hooks[("webhooks", ORG_ID)].append(
        {"id": "w-made", "ownerId": ORG_ID, "name": "deployment results on Slack", "urls": [], "createdAt": 9}),
}


@pytest.mark.parametrize("change", list(STALENESS))
def test_a_stale_saved_plan_is_refused_with_zero_writes(planned, run, change):
    api, plan_path = planned
    STALENESS[change](api)
    result = run("notifications", "apply", str(plan_path))
    assert result.exit_code == 1
    assert api.writes() == []
    assert result.stderr.startswith(f"Error: {STALE}: since {plan_path} was made, ")
    assert "Nothing was sent." in result.stderr


def test_what_the_api_adds_by_itself_does_not_make_a_plan_stale(planned, run):
    api, plan_path = planned
    _edit_hook(api, ("webhooks", ORG_ID), "w-old", failures=[{"url": "x"}, {"url": "y", "status": 500}])
    api.hooks[("webhooks", ORG_ID)].append({"id": "w-other", "ownerId": ORG_ID, "name": "someone else's",
                                            "urls": [{"format": "raw", "url": "https://o.org"}], "createdAt": 9})
    result = run("notifications", "apply", str(plan_path))
    assert result.exit_code == 0, result.stderr
    assert len(api.writes()) == 4


def test_a_variable_changed_is_stale_and_unset_is_bad_input(planned, run, monkeypatch):
    api, plan_path = planned
    monkeypatch.setenv("SLACK_URL", SECRET_URL + "-rotated")
    changed = run("notifications", "apply", str(plan_path))
    assert changed.exit_code == 1 and api.sent == []
    assert changed.stderr == (f"Error: {STALE}: ${{SLACK_URL}} now holds another value than when {plan_path} was "
                              "made; nothing was sent\n")
    assert "rotated" not in changed.stderr
    monkeypatch.delenv("SLACK_URL")
    unset = run("notifications", "apply", str(plan_path))
    assert unset.exit_code == 2 and api.sent == []
    assert "the plan was made with ${SLACK_URL} set" in unset.stderr


def test_a_variable_set_with_or_without_surrounding_whitespace_is_one_value(planned, run, monkeypatch, tmp_path):
    api, plan_path = planned
    monkeypatch.setenv("SLACK_URL", f" {SECRET_URL}\r\n")  # as a Windows-edited CI secret holds it
    result = run("notifications", "apply", str(plan_path))
    assert result.exit_code == 0, result.stderr
    sent = api.writes()
    assert sent[0][2]["urls"] == [{"format": "slack", "url": SECRET_URL}]  # sent without the padding
    monkeypatch.setenv("SLACK_URL", SECRET_URL)
    assert sent == direct_apply_writes(run, tmp_path)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["actions"][1]["request"].update(path=hooks_path("webhooks", ORG_ID, "w-stray")),
     "`request` does not match the action"),
    (lambda d: d["actions"][3].update(id="../../self"), "`id` is missing or cannot go in a URL path"),
    (lambda d: d.update(formatVersion=2), "made by a newer clever-notify"),
    (lambda d: d["actions"][0]["request"]["body"].update(name="${OTHER}"), "not a plan this tool can apply"),
    (lambda d: d.update(apiHost="https://api.clever-cloud.com"), "was planned against https://api.clever-cloud.com"),
    (lambda d: d["actions"][2].update(state={"old": "ENABLED", "new": "DISABLED"}),  # an e-mail has no state
     "`state` is not {old, new} of a webhook"),
])
def test_a_plan_file_edited_or_from_elsewhere_is_refused_before_any_request(planned, run, monkeypatch, edit, message):
    api, plan_path = planned
    monkeypatch.setenv("OTHER", "x")
    doc = json.loads(plan_path.read_text())
    edit(doc)
    plan_path.write_text(json.dumps(doc))
    result = run("notifications", "apply", str(plan_path))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr and api.writes() == []


def test_prune_goes_with_plan_and_dry_run_checks_then_sends_nothing(planned, run):
    api, plan_path = planned
    assert run("notifications", "apply", str(plan_path), "--prune").exit_code == 2
    dry = run("notifications", "apply", str(plan_path), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert api.writes() == [] and f"DELETE {hooks_path('webhooks', ORG_ID, 'w-stray')}" in dry.stdout
    assert SECRET_URL not in dry.output


@responses.activate
def test_dollars_and_values_that_are_not_secrets_come_back_exactly(run, creds, tmp_path, monkeypatch):
    monkeypatch.setenv("TOKEN_PART", "t$k-1234")
    api = FakeApi({("webhooks", ORG_ID): [], ("emailhooks", ORG_ID): []})
    text = ("version: 1\nowners:\n  Acme:\n    webhooks:\n"
            "      - name: 'costs $$5 ${TOKEN_PART}'\n        urls: [{url: 'https://a.org/$${x}/${TOKEN_PART}'}]\n")
    plan_path = tmp_path / "p.json"
    assert run("notifications", "plan", write(tmp_path, text), "--out", str(plan_path)).exit_code == 0
    assert "t$k-1234" not in plan_path.read_text()
    assert run("notifications", "apply", str(plan_path)).exit_code == 0
    assert api.writes() == [("POST", hooks_path("webhooks", ORG_ID), {
        "name": "costs $5 t$k-1234", "urls": [{"format": "raw", "url": "https://a.org/${x}/t$k-1234"}]})]


@responses.activate
def test_plan_json_and_a_saved_plan_share_the_format_version(run, creds, tmp_path, monkeypatch):
    monkeypatch.setenv("SLACK_URL", SECRET_URL)
    FakeApi(state())
    result = run("notifications", "plan", write(tmp_path, FILE), "-F", "json", "--out", str(tmp_path / "p.json"))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["formatVersion"] == json.loads((tmp_path / "p.json").read_text())[
        "formatVersion"] == 1


# --- the Python API, against the in-process sandbox ---------------------------------------------------------


def test_the_python_api_saves_a_plan_and_applies_it_or_refuses_it_stale(tmp_path):
    from clever_notify import Notifications
    from clever_notify.errors import StalePlan

    n = Notifications.sandbox()
    text = ("version: 1\nowners:\n  Acme:\n    webhooks:\n"
            "      - {name: ops, urls: [{url: 'https://ops.example.org/h'}], events: [DEPLOYMENT_FAIL]}\n")
    path = write(tmp_path, text)
    n.plan(path, out=tmp_path / "p.json")
    n.webhooks.add("ops", "https://elsewhere.example.org/h", owner="Acme")  # the name the plan creates, taken
    with pytest.raises(StalePlan, match="the plan is stale: plan again"):
        n.apply(tmp_path / "p.json")
    assert [h.urls[0].url for h in n.webhooks.list(owner="Acme")] == ["https://elsewhere.example.org/h"]

    planned = n.plan(path, out=tmp_path / "p.json")  # plan again: an update now
    assert [a.op for a in planned.plan.actions] == ["update"]
    applied = n.apply(tmp_path / "p.json")
    assert [s.status for s in applied.steps] == ["done"]
    (hook,) = n.webhooks.list(owner="Acme")
    assert hook.urls[0].url == "https://ops.example.org/h" and hook.events == ("DEPLOYMENT_FAIL",)
    assert n.plan(path).plan.changes is False


def test_the_python_api_revives_a_disabled_webhook(tmp_path):
    from clever_notify import Notifications

    n = Notifications.sandbox()
    hook = n.webhooks.add("ops", "https://ops.example.org/h", owner="Acme")
    n.webhooks.disable(hook.id, owner="Acme")
    path = write(tmp_path, "version: 1\nowners:\n  Acme:\n    webhooks:\n"
                           "      - {name: ops, urls: [{url: 'https://ops.example.org/h'}]}\n")
    planned = n.plan(path)
    assert [(c.field, c.old, c.new) for c in planned.plan.actions[0].changes] == [("state", "DISABLED", "ENABLED")]
    n.apply(planned)
    assert [h.enabled for h in n.webhooks.list(owner="Acme")] == [True]
    assert n.plan(path).plan.changes is False
