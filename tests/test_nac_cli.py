"""`clever notifications plan|apply|export` against a stand-in API (`responses`): the exact requests sent."""

from __future__ import annotations

import json
import re
import textwrap

import pytest
import responses

from helpers import API, APP_ID, ORG2_ID, ORG_ID, USER_ID, hooks_path, write

WORKER_ID = "app_11111111-2222-4333-8444-555555555555"
SUMMARY = {
    "user": {"id": USER_ID, "name": "Me", "applications": [], "addons": [], "consumers": []},
    "organisations": [
        {"id": ORG_ID, "name": "Acme",
         "applications": [{"id": APP_ID, "name": "web"}, {"id": WORKER_ID, "name": "worker"}],
         "addons": [], "consumers": []},
        {"id": ORG2_ID, "name": "Twin", "applications": [], "addons": [], "consumers": []},
    ],
}
SECRET_URL = "https://hooks.slack.com/services/T0/B0/s3cr3t-t0ken"


class FakeApi:
    """The hooks endpoints over an in-memory state; every request recorded (method, path, body, auth)."""

    def __init__(self, hooks=None, fail=None):
        self.hooks: dict[tuple[str, str], list[dict]] = {k: [dict(h) for h in v] for k, v in (hooks or {}).items()}
        self.sent: list[tuple[str, str, object]] = []
        self.auth: set[str] = set()
        self.fail = fail or {}  # (method, path) -> status
        self.next_id = 0
        pattern = re.compile(rf"{re.escape(API)}/v2/.*")
        for method in ("GET", "POST", "PUT", "DELETE"):
            responses.add_callback(method, pattern, callback=self.handle)

    def handle(self, request):
        path = request.path_url
        body = json.loads(request.body) if request.body else None
        self.sent.append((request.method, path, body))
        self.auth.add(request.headers["Authorization"])
        if (request.method, path) in self.fail:
            return self.fail[(request.method, path)], {}, json.dumps({"message": "boom"})
        if path == "/v2/summary":
            return 200, {}, json.dumps(SUMMARY)
        if path == "/v2/self":
            return 200, {}, json.dumps({"id": USER_ID})
        parts = path.split("/")[3:]  # kind, owner[, id]
        kind, owner = parts[0], parts[1]
        hooks = self.hooks.setdefault((kind, owner), [])
        if request.method == "GET":
            return 200, {}, json.dumps(hooks)
        if request.method == "POST":
            self.next_id += 1
            hook = {"id": f"new-{self.next_id}", "ownerId": owner, **{k: v for k, v in body.items() if v is not None},
                    "createdAt": 10}
            hooks.append(hook)
            return 200, {}, json.dumps(hook)
        found = [h for h in hooks if h["id"] == parts[2]]
        if not found:
            return 404, {}, json.dumps({"message": "not found"})
        if request.method == "PUT":
            keep = {k: found[0][k] for k in ("id", "ownerId", "createdAt") if k in found[0]}
            found[0].clear()
            found[0].update({**keep, **body})
            return 200, {}, json.dumps(found[0])
        hooks.remove(found[0])
        return 204, {}, ""

    def writes(self):
        return [s for s in self.sent if s[0] != "GET"]

    def reads(self):
        return sorted(s[1] for s in self.sent if s[0] == "GET")


def lists(*owners):
    return sorted(hooks_path(k, o) for o in owners for k in ("webhooks", "emailhooks"))


FILE = """\
version: 1
owners:
  Acme:
    webhooks:
      - name: deployment results on Slack
        urls:
          - url: ${SLACK_URL}
            format: slack
        events: [META_DEPLOYMENT_RESULT]
        services: [web, worker]
      - name: renamed
        id: w-old
        urls: [{url: 'https://ops.example.org/hook'}]
        state: DISABLED                 # as at the API: kept so
    emails:
      - name: Default deployment result e-mails
        notify: [organisation]
        events: [META_DEPLOYMENT_RESULT]
"""

DEFAULT_MAIL = {"id": "e-default", "ownerId": ORG_ID, "name": "Default deployment result e-mails",
                "notified": [{"type": "email", "target": "old@example.org"}], "events": ["META_DEPLOYMENT_RESULT"],
                "createdAt": 1}
OLD_HOOK = {"id": "w-old", "ownerId": ORG_ID, "name": "old name",
            "urls": [{"format": "raw", "url": "https://ops.example.org/hook"}], "createdAt": 2,
            "failures": [{"url": "x"}], "state": "DISABLED", "description": "a field this tool does not know"}
STRAY = {"id": "w-stray", "ownerId": ORG_ID, "name": "stray", "urls": [{"format": "raw", "url": "https://stray.org"}],
         "createdAt": 3, "failures": [], "state": "ENABLED"}


@pytest.fixture
def notifications_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SLACK_URL", SECRET_URL)

    return lambda text=FILE, name="notifications.yml": write(tmp_path, text, name)


def state():
    return {("emailhooks", ORG_ID): [DEFAULT_MAIL], ("webhooks", ORG_ID): [OLD_HOOK, STRAY]}


# --- plan ------------------------------------------------------------------------------------------


@responses.activate
def test_plan_reads_summary_once_then_two_lists_per_owner(run, creds, auth_header, notifications_file):
    api = FakeApi(state())
    result = run("notifications", "plan", notifications_file())
    assert result.exit_code == 0, result.stderr
    assert api.writes() == []
    assert api.reads() == sorted(["/v2/summary"] + lists(ORG_ID))
    assert api.auth == {auth_header}
    assert result.stdout == textwrap.dedent(f"""\
        Acme ({ORG_ID})
          + create webhook "deployment results on Slack"
              urls: ${{SLACK_URL}} (slack)
              events: META_DEPLOYMENT_RESULT
              services: web ({APP_ID}), worker ({WORKER_ID})
          ~ update webhook "old name" (id w-old)
              name: 'old name' → 'renamed'
          ~ update e-mail notification "Default deployment result e-mails" (id e-default)
              notified: old@example.org → whole team
          1 webhook not in the file (kept; --prune deletes them)

        Plan: 1 to create, 2 to update, 0 to delete (0 unchanged, 1 not in the file).
        """)
    assert result.stderr == f"To apply it: clever notifications apply {notifications_file()}\n"
    assert SECRET_URL not in result.stdout + result.stderr


@responses.activate
def test_plan_of_many_owners_reads_each_once(run, creds, notifications_file):
    api = FakeApi()
    text = "version: 1\nowners:\n  Acme: {webhooks: []}\n  self: {emails: []}\n  " + ORG2_ID + ": {}\n"
    result = run("notifications", "plan", notifications_file(text))
    assert result.exit_code == 0, result.stderr
    # one summary (a name needs it; `self` is read from it too), then two lists per owner
    assert api.reads() == sorted(["/v2/summary"] + lists(ORG_ID, USER_ID, ORG2_ID))


@responses.activate
def test_plan_with_ids_only_reads_no_summary(run, creds, notifications_file):
    api = FakeApi()
    text = (f"version: 1\nowners:\n  {ORG_ID}:\n    webhooks:\n"
            f"      - {{name: a, urls: [{{url: 'https://a.org'}}], services: [{APP_ID}]}}\n")
    assert run("notifications", "plan", notifications_file(text)).exit_code == 0
    assert api.reads() == lists(ORG_ID)
    api.sent.clear()
    assert run("notifications", "plan", notifications_file("version: 1\nowners:\n  self: {}\n")).exit_code == 0
    assert api.reads() == sorted(["/v2/self"] + lists(USER_ID))


@responses.activate
def test_unknown_owner_or_service_is_a_located_problem_after_one_summary_read(run, creds, notifications_file):
    api = FakeApi()
    text = ("version: 1\nowners:\n  Acme:\n    webhooks:\n      - {name: a, urls: [{url: 'https://a.org'}], "
            "services: [web, wrker]}\n  Acmee: {}\n")
    path = notifications_file(text)
    result = run("notifications", "plan", path)
    assert result.exit_code == 2
    assert api.reads() == ["/v2/summary"]
    assert result.stderr.splitlines() == [
        f"Error: {path}: 2 problems, nothing was sent:",
        (f"  {path}:5: owners.Acme.webhooks[0].services[1]: no application or add-on 'wrker' at Acme "
         f"({ORG_ID}); its applications and add-ons: web ({APP_ID}), worker ({WORKER_ID}); did you mean worker?"),
        (f"  {path}:6: owners.Acmee: organisation 'Acmee' not found among yours; did you mean 'Acme'? "
         "(names are case-sensitive)"),
    ]


@responses.activate
def test_same_name_twice_at_the_api_is_refused_with_ids(run, creds, notifications_file):
    twin = {**STRAY, "id": "w-twin"}
    api = FakeApi({("webhooks", ORG_ID): [STRAY, twin]})
    path = notifications_file("version: 1\nowners:\n  Acme:\n    webhooks:\n      - {name: stray, urls: [{url: 'https://x.org'}]}\n")
    result = run("notifications", "apply", path, "--yes")
    assert result.exit_code == 2
    assert api.writes() == []
    assert result.stderr == (f"Error: {path}: 1 problem, nothing was sent:\n  {path}:5: owners.Acme.webhooks[0]: "
                             "2 webhooks named 'stray' at Acme: w-stray, w-twin; add `id:` to say which one this is\n")
    settled = notifications_file(
        "version: 1\nowners:\n  Acme:\n    webhooks:\n      - {id: w-twin, name: stray, urls: [{url: 'https://x.org'}]}\n")
    result = run("notifications", "apply", settled, "--yes")
    assert result.exit_code == 0, result.stderr
    assert [(m, p) for m, p, _ in api.writes()] == [("PUT", hooks_path("webhooks", ORG_ID, "w-twin"))]


@responses.activate
def test_unknown_id_is_refused(run, creds, notifications_file):
    api = FakeApi()
    path = notifications_file("version: 1\nowners:\n  Acme:\n    webhooks:\n      - {id: nope, name: a, urls: [{url: 'https://x.org'}]}\n")
    result = run("notifications", "apply", path)
    assert result.exit_code == 2 and api.writes() == []
    assert "no webhook with id nope at Acme" in result.stderr


@responses.activate
@pytest.mark.parametrize("output", ["human", "json"])
def test_a_listed_hook_whose_id_cannot_go_in_a_path_is_the_apis_fault_in_plan_and_apply(run, creds, notifications_file,
                                                                                       output):
    # The human plan used to show `update … (id ../../x)` and exit 0, the JSON plan to exit 2 (a user's mistake),
    # and apply to fail half-way, after its creates.
    odd = {**STRAY, "id": "../../x"}  # the file changes its URL
    api = FakeApi({("webhooks", ORG_ID): [odd]})
    path = notifications_file("version: 1\nowners:\n  Acme:\n    webhooks:\n"
                              "      - {name: a, urls: [{url: 'https://new.org'}]}\n"
                              "      - {name: stray, urls: [{url: 'https://x.org'}]}\n")
    for command in ("plan", "apply"):
        result = run("notifications", command, path, "-F", output)
        assert result.exit_code == 1, result.stderr
        assert "unexpected answer from the API" in result.stderr and "../../x" in result.stderr
    assert api.writes() == []


@responses.activate
def test_detailed_exitcode(run, creds, notifications_file):
    api = FakeApi(state())
    path = notifications_file()
    assert run("notifications", "plan", path, "--detailed-exitcode").exit_code == 2
    assert run("notifications", "apply", path).exit_code == 0
    assert run("notifications", "plan", path, "--detailed-exitcode").exit_code == 0
    api.fail[("GET", hooks_path("emailhooks", ORG_ID))] = 500
    failed = run("notifications", "plan", path, "--detailed-exitcode")
    assert failed.exit_code == 1 and failed.stderr.startswith("Error: the API answered 500")
    assert run("notifications", "plan", path).exit_code == 1
    assert run("notifications", "plan", path, "--detailed-exitcode", "--no-such-option").exit_code == 1
    assert run("notifications", "plan", path, "--no-such-option").exit_code == 2


@responses.activate
def test_plan_json_masks_variables_and_speaks_camel_case(run, creds, notifications_file):
    FakeApi(state())
    result = run("notifications", "plan", notifications_file(), "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert SECRET_URL not in result.stdout
    plan = json.loads(result.stdout)
    assert (plan["changes"], plan["create"], plan["update"], plan["delete"], plan["unmanaged"]) == (True, 1, 2, 0, 1)
    create = plan["actions"][0]
    assert create["request"] == {"method": "POST", "path": hooks_path("webhooks", ORG_ID), "body": {
        "name": "deployment results on Slack", "urls": [{"format": "slack", "url": "${SLACK_URL}"}],
        "scope": [APP_ID, WORKER_ID], "events": ["META_DEPLOYMENT_RESULT"]}}
    assert create["ownerId"] == ORG_ID
    assert run("notifications", "plan", notifications_file(), "--json").stdout == result.stdout


@responses.activate
def test_the_url_a_variable_replaces_is_not_printed_either(run, creds, notifications_file):
    # The file reads the URL from ${SLACK_URL} because it holds a token; the URL the API holds now, shown as
    # the old value of an update in a pull request's CI log, holds one too.
    old_url = "https://hooks.slack.com/services/T0/B0/old-t0ken-in-the-api"
    current = {"id": "w-slack", "ownerId": ORG_ID, "name": "deployment results on Slack", "createdAt": 5,
               "urls": [{"format": "slack", "url": old_url}], "events": ["META_DEPLOYMENT_RESULT"],
               "scope": [APP_ID, WORKER_ID]}
    api = FakeApi({("webhooks", ORG_ID): [current, OLD_HOOK], ("emailhooks", ORG_ID): [DEFAULT_MAIL]})
    human = run("notifications", "plan", notifications_file())
    assert human.exit_code == 0, human.stderr
    assert "old-t0ken" not in human.output and SECRET_URL not in human.output
    assert "urls: https://hooks.slack.com/… (slack) → ${SLACK_URL} (slack)" in human.stdout
    for command in (("plan",), ("apply", "--dry-run"), ("apply",)):
        result = run("notifications", *command, notifications_file(), "--json")
        assert result.exit_code == 0, result.stderr
        assert "old-t0ken" not in result.output and SECRET_URL not in result.output
    # what is sent is the real URL, of course
    sent = [b for m, path, b in api.writes() if m == "PUT" and path.endswith("/w-slack")]
    assert sent[0]["urls"] == [{"format": "slack", "url": SECRET_URL}]


# --- apply -----------------------------------------------------------------------------------------


@responses.activate
def test_apply_sends_exactly_the_plan_then_a_second_apply_only_reads(run, creds, auth_header, notifications_file):
    api = FakeApi(state())
    path = notifications_file()
    result = run("notifications", "apply", path)
    assert result.exit_code == 0, result.stderr
    assert api.writes() == [
        ("POST", hooks_path("webhooks", ORG_ID), {
            "name": "deployment results on Slack", "urls": [{"format": "slack", "url": SECRET_URL}],
            "scope": [APP_ID, WORKER_ID], "events": ["META_DEPLOYMENT_RESULT"]}),
        # the hook as read minus id/ownerId/createdAt/failures: state and an unknown field survive
        ("PUT", hooks_path("webhooks", ORG_ID, "w-old"), {
            "name": "renamed", "urls": [{"format": "raw", "url": "https://ops.example.org/hook"}],
            "state": "DISABLED", "description": "a field this tool does not know"}),
        ("PUT", hooks_path("emailhooks", ORG_ID, "e-default"), {
            "name": "Default deployment result e-mails", "events": ["META_DEPLOYMENT_RESULT"],
            "notified": [{"type": "organisation"}]}),
    ]
    assert api.auth == {auth_header}
    assert result.stderr.splitlines() == [
        '[1/3] created webhook "deployment results on Slack" at Acme (id new-1)',
        '[2/3] updated webhook "old name" (id w-old) at Acme',
        '[3/3] updated e-mail notification "Default deployment result e-mails" (id e-default) at Acme',
        "Applied: 1 created, 2 updated, 0 deleted.",
    ]
    assert SECRET_URL not in result.stdout + result.stderr

    api.sent.clear()
    again = run("notifications", "apply", path)
    assert again.exit_code == 0, again.stderr
    assert api.writes() == []
    assert api.reads() == sorted(["/v2/summary"] + lists(ORG_ID))
    assert "No changes: the API matches the file (3 unchanged, 1 not in the file)." in again.stdout


@responses.activate
def test_apply_stops_at_the_first_failure_and_a_rerun_converges(run, creds, notifications_file):
    api = FakeApi(state(), fail={("PUT", hooks_path("webhooks", ORG_ID, "w-old")): 500})
    path = notifications_file()
    result = run("notifications", "apply", path, "--prune", "--yes")
    assert result.exit_code == 1
    assert [(m, p) for m, p, _ in api.writes()] == [("POST", hooks_path("webhooks", ORG_ID)),
                                                   ("PUT", hooks_path("webhooks", ORG_ID, "w-old"))]
    assert result.stderr.splitlines()[-1] == (
        'Error: apply stopped at step 2 of 4: could not update webhook "old name" (id w-old) at Acme: '
        "the API answered 500: boom. Done: 1 create. Not done: 2 updates, 1 delete. "
        # issue 18: the failure names the command that finishes the job
        f"Once the cause is fixed, run it again (it converges): clever notifications apply {path} --prune")
    api.fail.clear()
    api.sent.clear()
    again = run("notifications", "apply", path, "--prune", "--yes")
    assert again.exit_code == 0, again.stderr
    assert [(m, p) for m, p, _ in api.writes()] == [  # the create is not sent twice
        ("PUT", hooks_path("webhooks", ORG_ID, "w-old")), ("PUT", hooks_path("emailhooks", ORG_ID, "e-default")),
        ("DELETE", hooks_path("webhooks", ORG_ID, "w-stray"))]


@responses.activate
def test_prune_without_terminal_and_without_yes_refuses(run, creds, notifications_file):
    api = FakeApi(state())
    result = run("notifications", "apply", notifications_file(), "--prune")
    assert result.exit_code == 2
    assert api.writes() == []  # not even the creates
    assert result.stderr == ("Error: the plan deletes 1 hook: pass --yes to confirm (there is no terminal to ask on); "
                             "nothing was sent\n")


@responses.activate
@pytest.mark.parametrize("answer, writes", [("n\n", 0), ("y\n", 4)])
def test_prune_on_a_terminal_asks(run, creds, notifications_file, monkeypatch, answer, writes):
    monkeypatch.setattr("clever_notify.cli.notifications._can_ask", lambda: True)
    api = FakeApi(state())
    result = run("notifications", "apply", notifications_file(), "--prune", input=answer)
    assert "Delete 1 hook as shown above? [y/N]" in result.stderr
    assert len(api.writes()) == writes
    assert result.exit_code == (0 if writes else 1)


@responses.activate
def test_prune_touches_only_the_sections_in_the_file(run, creds, notifications_file):
    api = FakeApi({("webhooks", ORG_ID): [STRAY], ("emailhooks", ORG_ID): [DEFAULT_MAIL],
                   ("webhooks", USER_ID): [{**STRAY, "id": "w-mine", "ownerId": USER_ID}],
                   ("emailhooks", USER_ID): [{**DEFAULT_MAIL, "id": "e-mine", "ownerId": USER_ID}]})
    # Acme: `emails: []` loses its e-mail hooks, no `webhooks:` key keeps them; self: only webhooks managed
    text = "version: 1\nowners:\n  Acme:\n    emails: []\n  self:\n    webhooks: []\n"
    result = run("notifications", "apply", notifications_file(text), "--prune", "--yes")
    assert result.exit_code == 0, result.stderr
    assert api.writes() == [("DELETE", hooks_path("emailhooks", ORG_ID, "e-default"), None),
                            ("DELETE", hooks_path("webhooks", USER_ID, "w-mine"), None)]
    assert "1 webhook not managed (no `webhooks:` section)" in result.stdout
    api.sent.clear()
    assert run("notifications", "apply", notifications_file(text), "--prune").exit_code == 0  # nothing to delete now
    assert api.writes() == []


@responses.activate
def test_dry_run_reads_and_prints_the_requests_it_would_send(run, creds, notifications_file):
    api = FakeApi(state())
    result = run("notifications", "apply", notifications_file(), "--prune", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert api.writes() == []
    assert f"\nPOST {hooks_path('webhooks', ORG_ID)}\n" in result.stdout
    assert f"\nDELETE {hooks_path('webhooks', ORG_ID, 'w-stray')}\n" in result.stdout
    assert '"url": "${SLACK_URL}"' in result.stdout and SECRET_URL not in result.stdout + result.stderr
    assert result.stderr.splitlines()[-1] == "Dry run: nothing was sent."
    as_json = json.loads(run("notifications", "apply", notifications_file(), "--prune", "--dry-run", "--json").stdout)
    assert as_json["dryRun"] is True and [s["status"] for s in as_json["steps"]] == ["dryRun"] * 4
    assert api.writes() == []


@responses.activate
def test_apply_json_reports_steps(run, creds, notifications_file):
    FakeApi(state())
    result = run("notifications", "apply", notifications_file(), "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert [(s["action"], s["status"], s["createdId"]) for s in out["steps"]] == [
        ("create", "done", "new-1"), ("update", "done", None), ("update", "done", None)]
    assert SECRET_URL not in result.stdout


# --- export ----------------------------------------------------------------------------------------


EXPORT_STATE = {
    ("webhooks", ORG_ID): [
        {"id": "w2", "ownerId": ORG_ID, "name": "zeta", "urls": [{"format": "slack", "url": "https://b.org"},
                                                                 {"format": "raw", "url": "https://a.org/$x"}],
         "events": ["GIT_PUSH", "DEPLOYMENT_FAIL"], "scope": [WORKER_ID, APP_ID, "app_gone"], "createdAt": 1,
         "failures": [], "state": "ENABLED"},
        {"id": "w1", "ownerId": ORG_ID, "name": "alpha", "urls": [{"format": "raw", "url": "https://c.org"}],
         "createdAt": 2, "failures": [], "state": "ENABLED"},
        {"id": "w3", "ownerId": ORG_ID, "name": "alpha", "urls": [{"format": "raw", "url": "https://d.org"}],
         "createdAt": 3, "failures": [], "state": "ENABLED"},
    ],
    ("emailhooks", ORG_ID): [
        {"id": "e1", "ownerId": ORG_ID, "name": "ops", "notified": [{"type": "email", "target": "z@x.org,a@x.org"},
                                                                     {"type": "organisation"},
                                                                     {"type": "userid", "target": USER_ID}],
         "createdAt": 1},
        {k: v for k, v in DEFAULT_MAIL.items() if k != "notified"},  # the platform's own: no list
    ],
}

EXPORTED = f"""\
# Clever Cloud notifications (clever-notify). `clever notifications plan FILE` compares this file
# with the API, `clever notifications apply FILE` makes the API match it.
version: 1
owners:
  {ORG_ID}:
    name: Acme
    webhooks:
    - id: w1
      name: alpha
      urls:
      - url: https://c.org
        format: raw
    - id: w3
      name: alpha
      urls:
      - url: https://d.org
        format: raw
    - name: zeta
      urls:
      - url: https://a.org/$$x
        format: raw
      - url: https://b.org
        format: slack
      events:
      - DEPLOYMENT_FAIL
      - GIT_PUSH
      services:
      - app_gone
      - web
      - worker
    emails:
    - name: Default deployment result e-mails
      events:
      - META_DEPLOYMENT_RESULT
    - name: ops
      notify:
      - a@x.org
      - organisation
      - {USER_ID}
      - z@x.org
"""


@responses.activate
def test_export_is_deterministic_and_plans_no_change(run, creds, notifications_file, tmp_path):
    api = FakeApi(EXPORT_STATE)
    result = run("notifications", "export", "--org", "Acme")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == EXPORTED
    assert api.writes() == [] and api.reads() == sorted(["/v2/summary"] + lists(ORG_ID))
    # the API's order does not matter
    for hooks in api.hooks.values():
        hooks.reverse()
        for hook in hooks:
            for key in ("urls", "events", "scope", "notified"):
                if isinstance(hook.get(key), list):
                    hook[key].reverse()
    assert run("notifications", "export", "--org", "Acme").stdout == EXPORTED
    path = notifications_file(EXPORTED)
    planned = run("notifications", "plan", path, "--prune", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "No changes: the API matches the file (5 unchanged, 0 not in the file)." in planned.stdout


@responses.activate
def test_export_to_a_file_json_and_placeholders(run, creds, notifications_file, tmp_path, monkeypatch):
    api = FakeApi(EXPORT_STATE)
    out = tmp_path / "n.json"
    result = run("notifications", "export", "--org", ORG_ID, "--output", str(out), "--url-placeholders")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    data = json.loads(out.read_text())
    # WEBHOOK_URL_<name>_<digest of the owner's and the hook's ids>[_<n-th URL>]: fixed for a hook, whatever
    # other hooks exist (spelt out here: a change of scheme would rename every user's variables)
    assert [u["url"] for h in data["owners"][ORG_ID]["webhooks"] for u in h["urls"]] == [
        "${WEBHOOK_URL_ALPHA_989FDD8F}", "${WEBHOOK_URL_ALPHA_E22FC6A3}", "${WEBHOOK_URL_ZETA_68C86D6C_1}",
        "${WEBHOOK_URL_ZETA_68C86D6C_2}"]
    assert "https://" not in out.read_text()
    assert result.stderr.splitlines() == [
        f"Wrote {out}: 5 hooks of 1 owner.",
        "Set these variables (each holds the URL of the webhook named) before plan or apply:",
        "  WEBHOOK_URL_ALPHA_989FDD8F  (Acme: alpha)", "  WEBHOOK_URL_ALPHA_E22FC6A3  (Acme: alpha)",
        "  WEBHOOK_URL_ZETA_68C86D6C_1  (Acme: zeta)", "  WEBHOOK_URL_ZETA_68C86D6C_2  (Acme: zeta)",
    ]
    for name, value in (("ALPHA_989FDD8F", "https://c.org"), ("ALPHA_E22FC6A3", "https://d.org"),
                        ("ZETA_68C86D6C_1", "https://a.org/$x"), ("ZETA_68C86D6C_2", "https://b.org")):
        monkeypatch.setenv(f"WEBHOOK_URL_{name}", value)
    api.sent.clear()
    planned = run("notifications", "plan", str(out), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "https://c.org" not in planned.stdout


@responses.activate
def test_export_default_owner_and_all_owners(run, creds, linked_app):
    api = FakeApi()
    result = run("notifications", "export")  # the linked application's owner
    assert result.exit_code == 0, result.stderr
    assert f"  {ORG_ID}:\n    name: Acme\n    webhooks: []\n    emails: []\n" in result.stdout
    assert api.reads() == sorted(["/v2/summary"] + lists(ORG_ID))
    api.sent.clear()
    everyone = run("notifications", "export", "--all-owners", "-F", "json")
    assert list(json.loads(everyone.stdout)["owners"]) == ["self", ORG_ID, ORG2_ID]
    assert api.reads() == sorted(["/v2/summary"] + lists(USER_ID, ORG_ID, ORG2_ID))
    assert run("notifications", "export", "--all-owners", "--org", "Acme").exit_code == 2


@responses.activate
def test_export_all_owners_takes_the_owners_as_the_listings_do(run, creds, monkeypatch):
    # An organisation of /v2/summary without a string id is no owner for `webhooks --all-owners`; export used
    # to write it as owner '7' and read lists for it. An owner listed twice is read once.
    import test_nac_cli as here

    odd = {**SUMMARY, "organisations": [*SUMMARY["organisations"], {"id": 7, "name": "Num"},
                                        SUMMARY["organisations"][0]]}
    monkeypatch.setattr(here, "SUMMARY", odd)
    api = FakeApi()
    everyone = run("notifications", "export", "--all-owners", "-F", "json")
    assert everyone.exit_code == 0, everyone.stderr
    assert list(json.loads(everyone.stdout)["owners"]) == ["self", ORG_ID, ORG2_ID]
    assert api.reads() == sorted(["/v2/summary"] + lists(USER_ID, ORG_ID, ORG2_ID))
    # an id that cannot go in a URL path is the API's fault (exit 1), not a usage error (2)
    monkeypatch.setattr(here, "SUMMARY", {**SUMMARY, "organisations": [{"id": "../orga_x", "name": "Evil"}]})
    evil = run("notifications", "export", "--all-owners")
    assert evil.exit_code == 1 and "'../orga_x' cannot go in a URL path" in evil.stderr, evil.stderr


@responses.activate
def test_values_from_variables_are_masked_in_problems_too(run, creds, notifications_file, monkeypatch):
    FakeApi()
    monkeypatch.setenv("BAD_URL", "ftp://example.org/T0KEN-s3cr3t")
    path = notifications_file(
        "version: 1\nowners:\n  Acme:\n    webhooks:\n      - {name: a, urls: [{url: '${BAD_URL}'}]}\n")
    result = run("notifications", "plan", path, "--json")
    assert result.exit_code == 2
    assert "T0KEN-s3cr3t" not in result.stdout + result.stderr
    assert "got '${BAD_URL}'" in result.stderr


@responses.activate
def test_an_interrupted_apply_says_what_was_done(run, creds, notifications_file, monkeypatch):
    from clever_notify.api.client import ApiClient

    api = FakeApi(state())

    def interrupted(self, *args):
        raise KeyboardInterrupt

    monkeypatch.setattr(ApiClient, "update_hook", interrupted)
    path = notifications_file()
    result = run("notifications", "apply", path)
    assert result.exit_code == 130
    assert [m for m, _, _ in api.writes()] == ["POST"]
    assert result.stderr.splitlines()[-1] == (
        'Error: apply stopped at step 2 of 3: could not update webhook "old name" (id w-old) at Acme: '
        "interrupted: it may or may not have been applied. Done: 1 create. Not done: 2 updates. "
        f"Once the cause is fixed, run it again (it converges): clever notifications apply {path}")


def test_owners_are_read_concurrently_by_a_bounded_pool():
    import threading
    import time

    from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS
    from clever_notify.notifications_file.remote import read_hooks

    class SlowClient:
        def __init__(self):
            self.lock = threading.Lock()
            self.running = self.most = 0
            self.calls = []

        def list_hooks(self, kind, owner):
            with self.lock:
                self.running += 1
                self.most = max(self.most, self.running)
                self.calls.append((kind, owner))
            time.sleep(0.05)
            with self.lock:
                self.running -= 1
            return [{"id": f"{kind.path}-{owner}"}]

    client = SlowClient()
    owners = [f"orga_{i}" for i in range(12)]
    state = read_hooks(client, owners, workers=4)
    assert 1 < client.most <= 4
    assert sorted(client.calls, key=str) == sorted(((k, o) for o in owners for k in (WEBHOOKS, EMAILHOOKS)), key=str)
    assert state["orga_7"] == {WEBHOOKS: [{"id": "webhooks-orga_7"}], EMAILHOOKS: [{"id": "emailhooks-orga_7"}]}


@responses.activate
def test_one_owner_named_twice_is_refused(run, creds, notifications_file):
    api = FakeApi()
    path = notifications_file(f"version: 1\nowners:\n  self: {{}}\n  Acme: {{}}\n  {USER_ID}: {{}}\n")
    result = run("notifications", "plan", path)
    assert result.exit_code == 2
    assert api.reads() == ["/v2/summary"]  # refused before any list is read
    assert result.stderr.splitlines()[1] == (
        f"  {path}:5: owners.{USER_ID}: the same owner as owners.self ({USER_ID}): merge the two")


@responses.activate
def test_file_from_stdin(run, creds, monkeypatch):
    monkeypatch.setenv("SLACK_URL", SECRET_URL)
    api = FakeApi(state())
    result = run("notifications", "plan", "-", "--detailed-exitcode", input=FILE)
    assert result.exit_code == 2, result.stderr
    assert "Plan: 1 to create, 2 to update, 0 to delete" in result.stdout
    bad = run("notifications", "plan", "-", input="version: 1\nowners:\n  Acme:\n    webhoks: []\n")
    assert bad.exit_code == 2
    assert "<stdin>:4: owners.Acme.webhoks: unknown key 'webhoks'; did you mean 'webhooks'?" in bad.stderr
    assert api.writes() == []


@responses.activate
def test_the_cyclic_collector_is_paused_while_a_notifications_command_runs_only(run, creds, notifications_file,
                                                                                 monkeypatch):
    import gc

    from clever_notify.operations import notifications as ops

    FakeApi(state())
    seen = []
    real_plan = ops.plan
    monkeypatch.setattr(ops, "plan", lambda *a, **k: seen.append(gc.isenabled()) or real_plan(*a, **k))
    assert gc.isenabled()
    result = run("notifications", "plan", notifications_file())
    assert result.exit_code == 0, result.stderr
    assert seen == [False]
    assert gc.isenabled()  # enabled again once the command is over
    gc.disable()
    try:  # a caller that had paused it itself finds it paused still
        assert run("notifications", "plan", notifications_file()).exit_code == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
