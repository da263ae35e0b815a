"""Duplicates in what the user asks for (issue 23): one rule everywhere. A value given twice in one list (a URL,
a recipient, an event, a service), equal once checked (an event upper-cased, a service's name and its id),
is sent once, and a note on stderr (a located warning, in a file) says so. Exact request bodies."""

from __future__ import annotations

import json
import re

import pytest
import responses

from helpers import API, APP_ID, ORG_ID, SUMMARY, assert_sent, hooks_path

HOOK_A = "https://a.example.org/hook"
HOOK_B = "https://b.example.org/hook"


def created(body: dict) -> dict:
    return {"id": "new-1", "ownerId": ORG_ID, **body, "createdAt": 1}


class Api:
    """Summary, the two lists of ORG_ID, and creates/updates answered as a real API would."""

    def __init__(self, webhooks=(), emails=()):
        self.lists = {"webhooks": [dict(h) for h in webhooks], "emailhooks": [dict(h) for h in emails]}
        responses.add(responses.GET, f"{API}/v2/summary", json=SUMMARY)
        pattern = re.compile(rf"{re.escape(API)}/v2/notifications/.*")
        for method in ("GET", "POST", "PUT"):
            responses.add_callback(method, pattern, callback=self.handle)

    def handle(self, request):
        kind = request.path_url.split("/")[3]
        body = json.loads(request.body) if request.body else None
        if request.method == "GET":
            return 200, {}, json.dumps(self.lists[kind])
        if request.method == "POST":
            hook = created(body)
            self.lists[kind].append(hook)
            return 200, {}, json.dumps(hook)
        hook = next(h for h in self.lists[kind] if h["id"] == request.path_url.rsplit("/", 1)[1])
        hook.update(body)
        return 200, {}, json.dumps(hook)

    @staticmethod
    def bodies(method: str) -> list[dict]:
        return [json.loads(c.request.body) for c in responses.calls if c.request.method == method]


def notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "more than once" in line or "already given" in line]


# --- webhooks add / notify-email add ------------------------------------------------------------------------


@pytest.mark.parametrize("urls,sent", [
    ([HOOK_A, HOOK_A], [HOOK_A]),
    ([HOOK_A, HOOK_B, HOOK_A], [HOOK_A, HOOK_B]),
    ([HOOK_A, HOOK_A, HOOK_A], [HOOK_A]),
    ([f" {HOOK_A}", HOOK_A], [HOOK_A]),  # equal once checked: the URL is sent stripped
])
@responses.activate
def test_webhooks_add_sends_a_url_once_and_says_so(run, creds, urls, sent):
    Api()
    result = run("webhooks", "add", "deploys", *urls, "--org", ORG_ID, "--format", "slack")
    assert result.exit_code == 0, result.output
    body = {"name": "deploys", "urls": [{"format": "slack", "url": u} for u in sent], "scope": None, "events": None}
    posts = [c for c in responses.calls if c.request.method == "POST"]
    assert len(posts) == 1
    assert_sent(posts[0], "POST", hooks_path("webhooks"), body)
    assert notes(result.stderr) == [f"Note: the URL {HOOK_A} is given more than once; it is sent once."]


@responses.activate
def test_add_merges_events_and_services_given_twice_in_any_spelling(run, creds):
    Api()
    result = run("webhooks", "add", "deploys", HOOK_A, "--org", ORG_ID,
                 "--event", "deployment_fail,DEPLOYMENT_FAIL", "--event", "Deployment_Fail,DEPLOYMENT_SUCCESS",
                 "--service", f"api,{APP_ID}", "--service", "web,web")
    assert result.exit_code == 0, result.output
    assert Api.bodies("POST") == [{"name": "deploys", "urls": [{"format": "raw", "url": HOOK_A}],
                                   "scope": [APP_ID, "app_a"], "events": ["DEPLOYMENT_FAIL", "DEPLOYMENT_SUCCESS"]}]
    said = notes(result.stderr)
    assert "Note: the event DEPLOYMENT_FAIL is given more than once; it is sent once." in said
    assert "Note: the service web is given more than once; it is sent once." in said
    assert any(APP_ID in line and "already given" in line for line in said), said
    assert len(said) == 3, said


@pytest.mark.parametrize("notify,sent,repeated", [
    (["ops@example.org,ops@example.org"], [{"type": "email", "target": "ops@example.org"}], "ops@example.org"),
    (["organisation", "ORGANISATION,organisation"], [{"type": "organisation"}], "organisation"),
    (["user_1a2b,ops@example.org", " user_1a2b"],
     [{"type": "userid", "target": "user_1a2b"}, {"type": "email", "target": "ops@example.org"}], "user_1a2b"),
])
@responses.activate
def test_notify_email_add_sends_a_recipient_once_and_says_so(run, creds, notify, sent, repeated):
    Api()
    args = [w for n in notify for w in ("--notify", n)]
    result = run("notify-email", "add", "deploys", *args, "--org", ORG_ID)
    assert result.exit_code == 0, result.output
    assert Api.bodies("POST") == [{"name": "deploys", "notified": sent, "scope": None, "events": None}]
    assert notes(result.stderr) == [f"Note: the recipient {repeated} is given more than once; it is sent once."]


# --- update ------------------------------------------------------------------------------------------------


HOOK = {"id": "w1", "ownerId": ORG_ID, "name": "deploys", "urls": [{"format": "raw", "url": "https://old.example.org"}],
        "scope": None, "events": None, "state": "ENABLED", "createdAt": 1}
MAIL = {"id": "e1", "ownerId": ORG_ID, "name": "mails", "notified": [{"type": "organisation"}], "scope": None,
        "events": None, "createdAt": 1}


@pytest.mark.parametrize("args,field,value,note", [
    (["--url", HOOK_A, "--url", HOOK_B, "--url", HOOK_A], "urls",
     [{"format": "raw", "url": HOOK_A}, {"format": "raw", "url": HOOK_B}], f"the URL {HOOK_A}"),
    (["--event", "deployment_fail", "--event", "DEPLOYMENT_FAIL"], "events", ["DEPLOYMENT_FAIL"],
     "the event DEPLOYMENT_FAIL"),
    (["--service", "worker,worker"], "scope", ["app_b"], "the service worker"),
])
@responses.activate
def test_webhooks_update_merges_repeats_and_says_so(run, creds, args, field, value, note):
    Api(webhooks=[HOOK])
    result = run("webhooks", "update", "w1", *args, "--org", ORG_ID)
    assert result.exit_code == 0, result.output
    [put] = Api.bodies("PUT")
    assert put[field] == value
    assert notes(result.stderr) == [f"Note: {note} is given more than once; it is sent once."]


@responses.activate
def test_notify_email_update_merges_recipients_and_says_so(run, creds):
    Api(emails=[MAIL])
    result = run("notify-email", "update", "e1", "--notify", "a@example.org,b@example.org", "--notify",
                 "a@example.org", "--org", ORG_ID)
    assert result.exit_code == 0, result.output
    [put] = Api.bodies("PUT")
    assert put["notified"] == [{"type": "email", "target": "a@example.org"},
                               {"type": "email", "target": "b@example.org"}]
    assert notes(result.stderr) == ["Note: the recipient a@example.org is given more than once; it is sent once."]


@responses.activate
def test_default_only_merges_services_and_says_so(run, creds):
    default = {"id": "e-def", "ownerId": ORG_ID, "name": "Default deployment result e-mails",
               "events": ["META_DEPLOYMENT_RESULT"], "createdAt": 1}
    Api(emails=[default])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "web,app_a,worker", "--only", "worker",
                 "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    [create] = [r for r in json.loads(result.stdout)["requests"] if r["method"] == "POST"]
    assert create["body"]["scope"] == ["app_a", "app_b"]
    said = notes(result.stderr)
    assert "Note: the service worker is given more than once; it is sent once." in said
    assert any("app_a" in line for line in said) and len(said) == 2, said


# --- the notifications file ----------------------------------------------------------------------------------


FILE = f"""\
version: 1
owners:
  Acme:
    webhooks:
      - name: deploys
        urls:
          - url: {HOOK_A}
          - url: {HOOK_B}
          - {{url: '{HOOK_A}'}}
          - {{url: {HOOK_A}, format: slack}}
        events: [deployment_fail, DEPLOYMENT_FAIL, DEPLOYMENT_SUCCESS]
        services: [web, app_a, worker, worker]
    emails:
      - name: mails
        notify: [ops@example.org, organisation, ops@example.org, Organisation]
"""


@responses.activate
def test_the_file_sends_each_value_once_and_warns_where_it_repeats(run, creds, tmp_path):
    api = Api()
    path = tmp_path / "notifications.yml"
    path.write_text(FILE)
    result = run("notifications", "apply", str(path), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    bodies = [s["request"]["body"] for s in json.loads(result.stdout)["steps"]]
    assert bodies == [
        {"name": "deploys", "urls": [{"format": "raw", "url": HOOK_A}, {"format": "raw", "url": HOOK_B},
                                     {"format": "slack", "url": HOOK_A}],  # another format: another receiver
         "scope": ["app_a", "app_b"], "events": ["DEPLOYMENT_FAIL", "DEPLOYMENT_SUCCESS"]},
        {"name": "mails", "notified": [{"type": "email", "target": "ops@example.org"}, {"type": "organisation"}]},
    ]
    warned = sorted(line.split(": ", 2)[1] for line in notes(result.stderr))
    assert warned == sorted(["owners.Acme.webhooks[0].urls[2]", "owners.Acme.webhooks[0].events[1]",
                             "owners.Acme.webhooks[0].services[1]", "owners.Acme.webhooks[0].services[3]",
                             "owners.Acme.emails[0].notify[2]", "owners.Acme.emails[0].notify[3]"]), result.stderr
    assert all(line.startswith(f"{path}:") for line in notes(result.stderr))
    assert [c for c in responses.calls if c.request.method != "GET"] == []
    assert api.lists["webhooks"] == []


# --- the file's repeats: each warned at its place, in the file's order, a value read from ${VAR} masked -----------

REPEATS_FILE = """version: 1
owners:
  orga_00000000-0000-0000-0000-000000000001:
    webhooks:
    - name: a
      urls:
      - url: ${HOOK}
      - url: ${HOOK}
        format: raw
      - url: https://example.org/b
        format: slack
      - url: https://example.org/b
      events: [DEPLOYMENT_FAIL, deployment_fail, DEPLOYMENT_FAIL]
      services: [web, web]
    - name: b
      urls: [{url: "https://example.org/c"}]
      events: [DEPLOYMENT_SUCCESS, DEPLOYMENT_SUCCESS]
    emails:
    - name: m
      notify: [ops@example.org, ops@example.org, {type: email, target: ops@example.org}]
      services: [{id: app_1}, {id: app_1}, web]
"""


def test_the_files_repeats_are_warned_in_its_order_at_their_lines_with_variables_masked(tmp_path):
    from clever_notify.notifications_file import desired
    from clever_notify.notifications_file.document import format_path

    path = tmp_path / "n.yml"
    path.write_text(REPEATS_FILE)
    wanted = desired.read(str(path), {"HOOK": "https://example.org/secret-token-1234"})
    at = "owners.orga_00000000-0000-0000-0000-000000000001."
    twice = "is given more than once; it is sent once"
    assert [(format_path(w.path), w.line, w.message) for w in wanted.warnings] == [
        (at + "webhooks[0].urls[1]", 8, f"warning: the URL ${{HOOK}} {twice}"),
        (at + "webhooks[0].events[1]", 13, f"warning: the event DEPLOYMENT_FAIL {twice}"),
        (at + "webhooks[0].events[2]", 13, f"warning: the event DEPLOYMENT_FAIL {twice}"),
        (at + "webhooks[0].services[1]", 14, f"warning: the service web {twice}"),
        (at + "webhooks[1].events[1]", 17, f"warning: the event DEPLOYMENT_SUCCESS {twice}"),
        (at + "emails[0].notify[1]", 20, f"warning: the recipient ops@example.org {twice}"),
        (at + "emails[0].notify[2]", 20,
         f"warning: the recipient {{'type': 'email', 'target': 'ops@example.org'}} {twice}"),
        (at + "emails[0].services[1]", 21, f"warning: the service {{'id': 'app_1'}} {twice}"),
    ]
    hook = wanted.owners[0].hooks
    assert [len(w.fields["urls"]) for w in hook[next(iter(hook))]] == [3, 1]  # the slack one is another receiver
