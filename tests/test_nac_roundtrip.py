"""Every state the API can hold survives notifications as code: exported, planned as "no change", applied with
no write (or export says plainly why it cannot write it); unknown keys survive every kind of update.

The API is a stand-in (`responses`, test_nac_cli.FakeApi) that keeps whatever it is sent, as a newer API would.
"""

from __future__ import annotations

import json

import pytest
import responses

from helpers import ORG_ID, USER_ID, assert_sent, hooks_path, hooks_url
from test_nac_cli import SUMMARY, FakeApi

APP_WEB = "app_00000000-0000-4000-8000-000000000001"
APP_SPACE = "app_00000000-0000-4000-8000-000000000002"  # named " web": the file must not re-scope it to `web`
APP_TAB = "app_00000000-0000-4000-8000-000000000003"  # named "we\tb": a name the file's rules refuse
APP_ID_LIKE = "app_00000000-0000-4000-8000-000000000004"  # named "app_lookalike", a name that looks like an id
ACME = {"id": ORG_ID, "name": "Acme", "addons": [], "consumers": [], "applications": [
    {"id": APP_WEB, "name": "web"}, {"id": APP_SPACE, "name": " web"}, {"id": APP_TAB, "name": "we\tb"},
    {"id": APP_ID_LIKE, "name": "app_lookalike"}]}
API_EVENTS = {"events": ["DEPLOYMENT_FAIL", "NEW_EVENT"], "meta_events": [{"key": "META_NEW", "events": ["NEW_EVENT"]}]}
API_FORMATS = ["raw", "slack", "gitter", "flowdock", "teams"]


class NewerApi(FakeApi):
    """FakeApi with Acme's services above, and a catalog that knows an event and a format this tool does not."""

    def handle(self, request):
        path = request.path_url
        if path == "/v2/summary":
            self.sent.append((request.method, path, None))
            return 200, {}, json.dumps({**SUMMARY, "organisations": [ACME]})
        if path == "/v2/notifications/info/events":
            self.sent.append((request.method, path, None))
            return 200, {}, json.dumps(API_EVENTS)
        if path == "/v2/notifications/info/webhookformats":
            self.sent.append((request.method, path, None))
            return 200, {}, json.dumps(API_FORMATS)
        return super().handle(request)


def webhook(hook_id="w1", **fields):
    return {"id": hook_id, "ownerId": ORG_ID, "name": "deploys",
            "urls": [{"format": "raw", "url": "https://a.org/x"}], "createdAt": 1, "failures": [], "state": "ENABLED",
            **fields}


def mail(hook_id="e1", **fields):
    return {"id": hook_id, "ownerId": ORG_ID, "name": "ops", "createdAt": 1, **fields}


# (what the API holds, a line the export must hold to read back as it): the 13 states of issue 20, and kin
STATES = {
    "empty name": ([webhook(name="")], "name: ''"),
    "blank name": ([webhook(name="  ")], "name: '  '"),
    "format SLACK": ([webhook(urls=[{"format": "SLACK", "url": "https://a.org/x"}])], "format: slack"),
    "lower-case events": ([webhook(events=["deployment_fail", "git_push"])], "- deployment_fail"),
    "URL with a trailing space": ([webhook(urls=[{"format": "raw", "url": "https://a.org/x "}])],
                                  "url: 'https://a.org/x '"),
    "scope holding a service name": ([webhook(scope=["web"])], "- id: web"),
    "scope holding an id-like service name": ([webhook(scope=["app_lookalike"])], "- id: app_lookalike"),
    "scope holding an unknown id": ([webhook(scope=["app_gone"])], "- app_gone"),
    "event the tool does not know": ([webhook(events=["NEW_EVENT", "META_NEW"])], "- NEW_EVENT"),
    "format the tool does not know": ([webhook(urls=[{"format": "teams", "url": "https://a.org/x"}])],
                                      "format: teams"),
    "notified: []": ([mail(notified=[])], "notify: []"),
    "service named with a tab": ([webhook(scope=[APP_TAB])], f"- {APP_TAB}"),
    "service named with a leading space": ([webhook(scope=[APP_SPACE])], f"- {APP_SPACE}"),
    "recipient of an unknown type": ([mail(notified=[{"type": "email_digest", "target": "a@x.org"},
                                                     {"type": "email", "target": "b@x.org", "verified": True}])],
                                     "type: email_digest"),
    "recipient the rules would refuse": ([mail(notified=[{"type": "userid", "target": "user_a.b"}])],
                                         "target: user_a.b"),
    "organisation spelt upper-case": ([mail(notified=[{"type": "ORGANISATION", "target": ORG_ID}])],
                                      "- organisation"),
}


def api_state(hooks):
    webhooks = [h for h in hooks if "urls" in h]
    return {("webhooks", ORG_ID): webhooks, ("emailhooks", ORG_ID): [h for h in hooks if "urls" not in h]}


@pytest.mark.parametrize("name", STATES)
@responses.activate
def test_every_state_exports_plans_no_change_and_applies_no_write(run, creds, tmp_path, name):
    hooks, line = STATES[name]
    api = NewerApi(api_state(hooks))
    path = tmp_path / "n.yml"
    exported = run("notifications", "export", "--org", "Acme", "--output", str(path))
    assert exported.exit_code == 0, exported.stderr
    text = path.read_text()
    assert line in text, text
    planned = run("notifications", "plan", str(path), "--prune", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "No changes: the API matches the file (1 unchanged, 0 not in the file)." in planned.stdout
    applied = run("notifications", "apply", str(path), "--prune", "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert api.writes() == []
    assert api.hooks == api_state(hooks)  # nothing rewritten, not even a spelling


@responses.activate
def test_an_unknown_event_costs_one_read_of_the_apis_catalog_and_is_said(run, creds, tmp_path):
    api = NewerApi(api_state([webhook(events=["NEW_EVENT"])]))
    path = tmp_path / "n.yml"
    assert run("notifications", "export", "--org", "Acme", "--output", str(path)).exit_code == 0
    api.sent.clear()
    planned = run("notifications", "plan", str(path))
    assert planned.exit_code == 0, planned.stderr
    assert api.reads() == sorted(["/v2/notifications/info/events", "/v2/summary", hooks_path("webhooks", ORG_ID),
                                  hooks_path("emailhooks", ORG_ID)])
    assert "event NEW_EVENT is not in this tool's catalog; the API's lists it" in planned.stderr


@pytest.mark.parametrize("snippet, path, message", [
    ("        events: [DEPLOYMENT_FAILED]\n", "owners.Acme.webhooks[0].events[0]",
     "unknown event DEPLOYMENT_FAILED; did you mean DEPLOYMENT_FAIL? (the API's catalog lacks it too)"),
    ("        urls: [{url: 'https://a.org/x', format: telegram}]\n", "owners.Acme.webhooks[0].urls[0].format",
     "unknown webhook format 'telegram'; choose one of: raw, slack, gitter, flowdock (the API's catalog lacks it "
     "too)"),
])
@responses.activate
def test_a_name_neither_catalog_knows_is_refused_before_any_other_request(run, creds, tmp_path, snippet, path,
                                                                          message):
    api = NewerApi()
    base = "version: 1\nowners:\n  Acme:\n    webhooks:\n      - name: x\n"
    urls = "        urls: [{url: 'https://a.org/x'}]\n"
    file = tmp_path / "n.yml"
    file.write_text(base + (snippet if "urls" in snippet else urls + snippet))
    result = run("notifications", "plan", str(file), "--detailed-exitcode")
    assert result.exit_code == 1, result.stderr  # --detailed-exitcode: every error is 1
    assert f"{path}: {message}" in result.stderr
    info = "/v2/notifications/info/events" if "events" in snippet else "/v2/notifications/info/webhookformats"
    assert api.sent == [("GET", info, None)]


@responses.activate
def test_a_lone_surrogate_exports_as_json_and_yaml_says_why_not(run, creds, tmp_path):
    hooks = [webhook(name="deploys \ud800")]
    api = NewerApi(api_state(hooks))
    refused = run("notifications", "export", "--org", "Acme", "--output", str(tmp_path / "n.yml"))
    assert refused.exit_code == 2
    assert (f"cannot write this state as YAML: owners.{ORG_ID}.webhooks[0].name holds a lone surrogate (U+D800), a "
            "character YAML cannot hold; export it as JSON instead") in refused.stderr
    assert not (tmp_path / "n.yml").exists()
    path = tmp_path / "n.json"
    assert run("notifications", "export", "--org", "Acme", "--output", str(path)).exit_code == 0
    assert '"name": "deploys \\ud800"' in path.read_text()
    planned = run("notifications", "plan", str(path), "--prune", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert run("notifications", "apply", str(path), "--prune", "--yes").exit_code == 0
    assert api.writes() == []


# --- unknown keys survive every kind of update (exact PUT bodies) -------------------------------------------

FILE_HEAD = "version: 1\nowners:\n  Acme:\n"
KEPT_URL = {"format": "slack", "url": "https://a.org/kept", "secretHeader": "kept", "future": {"x": 1}}
OTHER_URL = {"format": "raw", "url": "https://a.org/other", "retries": 3}


def apply_file(run, tmp_path, text):
    path = tmp_path / "n.yml"
    path.write_text(FILE_HEAD + text)
    result = run("notifications", "apply", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


@pytest.mark.parametrize("urls_in_file, sent_urls", [
    # a URL added: both entries as read keep every key
    ("[{url: 'https://a.org/kept', format: slack}, {url: 'https://a.org/other'}, {url: 'https://a.org/new'}]",
     [KEPT_URL, OTHER_URL, {"format": "raw", "url": "https://a.org/new"}]),
    # another URL's format changed: the unchanged entry keeps its keys, the changed one too
    ("[{url: 'https://a.org/kept', format: slack}, {url: 'https://a.org/other', format: gitter}]",
     [KEPT_URL, {**OTHER_URL, "format": "gitter"}]),
    # a URL removed: the other keeps its keys
    ("[{url: 'https://a.org/kept', format: slack}]", [KEPT_URL]),
])
@responses.activate
def test_apply_merges_urls_into_the_entries_as_read(run, creds, tmp_path, urls_in_file, sent_urls):
    hook = webhook(urls=[KEPT_URL, OTHER_URL], description="kept too")
    api = NewerApi(api_state([hook]))
    apply_file(run, tmp_path, f"    webhooks:\n      - name: deploys\n        urls: {urls_in_file}\n")
    assert api.writes() == [("PUT", hooks_path("webhooks", ORG_ID, "w1"), {
        "name": "deploys", "urls": sent_urls, "state": "ENABLED", "description": "kept too"})]


@pytest.mark.parametrize("notify, sent", [
    # a recipient added: the entries as read keep their keys and their type (email_digest is not rewritten)
    ("[{type: email_digest, target: a@x.org}, b@x.org, c@x.org]",
     [{"type": "email_digest", "target": "a@x.org"}, {"type": "email", "target": "b@x.org", "verified": True},
      {"type": "email", "target": "c@x.org"}]),
    # one address of a several-address entry removed: the entry keeps its keys and the other address
    ("[{type: email_digest, target: a@x.org}, b@x.org]",
     [{"type": "email_digest", "target": "a@x.org"}, {"type": "email", "target": "b@x.org", "verified": True}]),
    # the unknown-type recipient removed, a user added
    (f"[b@x.org, d@x.org, {USER_ID}]",
     [{"type": "email", "target": "b@x.org,d@x.org", "verified": True}, {"type": "userid", "target": USER_ID}]),
])
@responses.activate
def test_apply_merges_recipients_into_the_entries_as_read(run, creds, tmp_path, notify, sent):
    hook = mail(notified=[{"type": "email_digest", "target": "a@x.org", "since": 2024},
                          {"type": "email", "target": "b@x.org,d@x.org", "verified": True}],
                events=["DEPLOYMENT_FAIL"])
    if "d@x.org" not in notify:
        sent = [{**e, "target": "b@x.org"} if e.get("target") == "b@x.org" else e for e in sent]
    sent = [{**e, "since": 2024} if e.get("type") == "email_digest" else e for e in sent]
    api = NewerApi(api_state([hook]))
    apply_file(run, tmp_path, f"    emails:\n      - name: ops\n        notify: {notify}\n"
                              "        events: [DEPLOYMENT_FAIL]\n")
    assert api.writes() == [("PUT", hooks_path("emailhooks", ORG_ID, "e1"), {
        "name": "ops", "notified": sent, "events": ["DEPLOYMENT_FAIL"]})]


@responses.activate
def test_apply_of_another_field_sends_every_list_entry_as_read(run, creds, tmp_path):
    hooks = [webhook(urls=[KEPT_URL], events=["deployment_fail"]),
             mail(notified=[{"type": "email_digest", "target": "a@x.org", "since": 2024}])]
    api = NewerApi(api_state(hooks))
    apply_file(run, tmp_path, "    webhooks:\n      - name: deploys\n        urls: [{url: 'https://a.org/kept', "
                              "format: SLACK}]\n        events: [DEPLOYMENT_FAIL, GIT_PUSH]\n"
                              "    emails:\n      - name: ops renamed\n        id: e1\n"
                              "        notify: [{type: email_digest, target: a@x.org}]\n")
    assert api.writes() == [
        ("PUT", hooks_path("webhooks", ORG_ID, "w1"), {"name": "deploys", "urls": [KEPT_URL],
                                                        "events": ["DEPLOYMENT_FAIL", "GIT_PUSH"], "state": "ENABLED"}),
        ("PUT", hooks_path("emailhooks", ORG_ID, "e1"), {
            "name": "ops renamed", "notified": [{"type": "email_digest", "target": "a@x.org", "since": 2024}]}),
    ]


@responses.activate
def test_cli_update_notify_keeps_the_recipients_entries_as_read(run, creds):
    hook = mail(notified=[{"type": "email", "target": "a@x.org", "verified": True},
                          {"type": "email_digest", "target": "b@x.org"}], futureField=1)
    responses.get(hooks_url("emailhooks"), json=[hook])
    responses.put(f"{hooks_url('emailhooks')}/e1", json={})
    result = run("notify-email", "update", "e1", "--org", ORG_ID, "--notify", "a@x.org,c@x.org")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[1], "PUT", f"{hooks_url('emailhooks')}/e1", {
        "name": "ops", "futureField": 1,
        "notified": [{"type": "email", "target": "a@x.org", "verified": True}, {"type": "email", "target": "c@x.org"}]})


# --- placeholders --------------------------------------------------------------------------------------------

@responses.activate
def test_placeholders_do_not_move_when_another_hook_is_added(run, creds, tmp_path, monkeypatch):
    prod = webhook("w-prod", name="deploy-prod", urls=[{"format": "raw", "url": "https://prod.example.org/t0k"}])
    api = NewerApi(api_state([prod]))
    before = run("notifications", "export", "--org", "Acme", "--url-placeholders")
    api.hooks[("webhooks", ORG_ID)].append(
        webhook("w-plus", name="deploy+prod", urls=[{"format": "raw", "url": "https://other.example.org/t0k"}]))
    after = run("notifications", "export", "--org", "Acme", "--url-placeholders")
    assert before.exit_code == after.exit_code == 0
    variable = "WEBHOOK_URL_DEPLOY_PROD_"
    (prod_line,) = [line for line in before.stdout.splitlines() if variable in line]
    assert prod_line in after.stdout.splitlines()  # deploy-prod keeps its variable
    assert after.stdout.count(variable) == 2  # deploy+prod has its own
    # and the file states it: set as listed, the plan sees no change
    for line in after.stderr.splitlines():
        if line.startswith("  WEBHOOK_URL_"):
            var = line.split()[0]
            monkeypatch.setenv(var, "https://prod.example.org/t0k" if "(Acme: deploy-prod)" in line
                               else "https://other.example.org/t0k")
    path = tmp_path / "n.yml"
    path.write_text(after.stdout)
    planned = run("notifications", "plan", str(path), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stdout + planned.stderr


@responses.activate
def test_the_plan_names_the_variable_a_url_moves_to(run, creds, tmp_path, monkeypatch):
    api = NewerApi(api_state([webhook(urls=[{"format": "raw", "url": "https://old.example.org/t0k3n"}])]))
    monkeypatch.setenv("DEPLOYS_URL", "https://new.example.org/s3cr3t")
    path = tmp_path / "n.yml"
    path.write_text(FILE_HEAD + "    webhooks:\n      - name: deploys\n        urls: [{url: '${DEPLOYS_URL}'}]\n")
    planned = run("notifications", "plan", str(path))
    assert planned.exit_code == 0, planned.stderr
    assert "urls: https://old.example.org/… (raw) → ${DEPLOYS_URL} (raw)" in planned.stdout
    assert "t0k3n" not in planned.stdout and "s3cr3t" not in planned.stdout
    assert api.writes() == []


# --- the docs' own example -----------------------------------------------------------------------------------

DOCS_EXAMPLE = """\
version: 1
owners:
  Acme:
    emails:
      - name: Default deployment result e-mails
        notify: [organisation]
        events: [META_DEPLOYMENT_RESULT]
"""


@pytest.mark.parametrize("stored", ["as sent", "as the platform's default (no list)"])
@responses.activate
def test_the_docs_example_plans_no_change_once_applied(run, creds, tmp_path, stored):
    default = mail("e-default", name="Default deployment result e-mails", events=["META_DEPLOYMENT_RESULT"])
    api = NewerApi(api_state([{**default, "notified": [{"type": "email", "target": "old@x.org"}]}]))
    path = tmp_path / "n.yml"
    path.write_text(DOCS_EXAMPLE)
    assert run("notifications", "apply", str(path)).exit_code == 0
    assert api.writes() == [("PUT", hooks_path("emailhooks", ORG_ID, "e-default"), {
        "name": "Default deployment result e-mails", "notified": [{"type": "organisation"}],
        "events": ["META_DEPLOYMENT_RESULT"]})]
    if stored != "as sent":
        api.hooks[("emailhooks", ORG_ID)][0].pop("notified")
    planned = run("notifications", "plan", str(path), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stdout
    assert "No changes" in planned.stdout
