"""--service / --only given application or add-on names: the ids that reach the API, and what is refused.

A scope holding a name matches nothing, so the hook silently never fires (and `default --only web` would stop
the deployment e-mails): names are resolved through /v2/summary, and refused when unknown, before any write.
"""

from __future__ import annotations

import json
import re
import shlex

import pytest
import responses

from clever_notify.sandbox.store import Store
from helpers import DEFAULT_NAME, ORG2_ID, ORG_ID, SUMMARY_URL, assert_sent, changes, hooks_url, owner, sent, summary

WEB = "app_11111111-1111-4111-8111-111111111111"
WORKER = "app_22222222-2222-4222-8222-222222222222"
SPACED = "app_33333333-3333-4333-8333-333333333333"
DB = "addon_44444444-4444-4444-8444-444444444444"
TWIN_APP = "app_55555555-5555-4555-8555-555555555555"
SUMMARY = summary(
    owner(ORG_ID, "Acme", [(WEB, "web"), (WORKER, "worker"), (SPACED, "My App"), ("app_dup1", "twice"),
                           ("app_dup2", "twice")],
          [{"id": DB, "realId": "postgresql_0123456789abcdef0123456789abcdef", "name": "db"}]),
    owner(ORG2_ID, "Twin", [(TWIN_APP, "web")]),
)
WEBHOOKS = hooks_url("webhooks")
EMAILS = hooks_url("emailhooks")


def writes():
    return [m for m, _ in changes()]


# --- add -------------------------------------------------------------------------------------------


@responses.activate
def test_webhooks_add_names_become_ids(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.post(WEBHOOKS, json={"id": "h1"})
    result = run("webhooks", "add", "n", "https://x.org/h", "--org", ORG_ID, "--service", "web,My App",
                 "--service", "db", "--service", WORKER, "--service", "web")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", SUMMARY_URL), ("POST", WEBHOOKS)]
    assert_sent(responses.calls[0], "GET", SUMMARY_URL)
    assert_sent(responses.calls[1], "POST", WEBHOOKS, {
        "name": "n", "urls": [{"format": "raw", "url": "https://x.org/h"}],
        "scope": [WEB, SPACED, DB, WORKER], "events": None,
    })


@responses.activate
def test_org_name_and_service_names_share_one_summary_read(run, creds):
    twin_hooks = hooks_url("webhooks", ORG2_ID)
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.post(twin_hooks, json={"id": "h2"})
    for cache in ("cold", "warm"):  # the second run finds Twin's id in the org cache; the names still need a read
        responses.calls.reset()
        result = run("webhooks", "add", "n", "https://x.org/h", "--org", "Twin", "--service", "web")
        assert result.exit_code == 0, (cache, result.stderr)
        assert sent() == [("GET", SUMMARY_URL), ("POST", twin_hooks)], cache
        assert_sent(responses.calls[1], "POST", twin_hooks, {
            "name": "n", "urls": [{"format": "raw", "url": "https://x.org/h"}], "scope": [TWIN_APP], "events": None,
        })  # Twin's own `web`, not Acme's


@responses.activate
def test_cold_org_name_with_service_names_reads_the_summary_once(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.post(EMAILS, json={"id": "e1"})
    result = run("notify-email", "add", "ops", "--notify", "ops@example.org", "--org", "Acme", "--service", "worker")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", SUMMARY_URL), ("POST", EMAILS)]
    assert_sent(responses.calls[1], "POST", EMAILS, {
        "name": "ops", "notified": [{"type": "email", "target": "ops@example.org"}], "scope": [WORKER],
        "events": None,
    })


@responses.activate
def test_id_shaped_values_send_no_summary_request(run, creds):
    responses.post(WEBHOOKS, json={"id": "h1"})
    real_id = "postgresql_0123456789abcdef0123456789abcdef"
    result = run("webhooks", "add", "n", "https://x.org/h", "--org", ORG_ID, "--service", f"{WEB},{real_id},app_x")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("POST", WEBHOOKS)]
    assert_sent(responses.calls[0], "POST", WEBHOOKS, {
        "name": "n", "urls": [{"format": "raw", "url": "https://x.org/h"}],
        "scope": [WEB, real_id, "app_x"], "events": None,
    })


@pytest.mark.parametrize("kind_args", [
    ["webhooks", "add", "n", "https://x.org/h"],
    ["notify-email", "add", "n", "--notify", "ops@example.org"],
])
@responses.activate
def test_unknown_name_is_refused_and_nothing_is_written(run, creds, kind_args):
    responses.get(SUMMARY_URL, json=SUMMARY)
    result = run(*kind_args, "--org", ORG_ID, "--service", "web,wbe")
    assert result.exit_code == 2
    assert sent() == [("GET", SUMMARY_URL)]
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: no application or add-on 'wbe' at Acme ({ORG_ID}); its applications and add-ons: "
        f"web ({WEB}), worker ({WORKER}), My App ({SPACED}), twice (app_dup1), twice (app_dup2), db ({DB}); "
        "did you mean web?\n"
    )


@responses.activate
def test_ambiguous_name_is_refused_with_the_candidates(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    result = run("webhooks", "add", "n", "https://x.org/h", "--org", ORG_ID, "--service", "twice")
    assert result.exit_code == 2
    assert writes() == []
    assert result.stderr == (
        f"Error: ambiguous service name 'twice': several services of Acme ({ORG_ID}) have it "
        "(app_dup1, app_dup2); pass the id\n"
    )


@responses.activate
def test_owner_not_in_the_summary_cannot_resolve_names(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    other = "orga_99999999-9999-4999-8999-999999999999"
    result = run("webhooks", "add", "n", "https://x.org/h", "--org", other, "--service", "web")
    assert result.exit_code == 4
    assert writes() == []
    assert f"{other} is not among your account and organisations" in result.stderr


# --- update ----------------------------------------------------------------------------------------

HOOK = {"id": "h1", "ownerId": ORG_ID, "name": "deploys", "urls": [{"format": "raw", "url": "https://b.org/x"}],
        "scope": [WEB], "createdAt": 1, "failures": [], "state": "ENABLED"}
EMAILHOOK = {"id": "e1", "ownerId": ORG_ID, "name": "ops", "notified": [{"type": "organisation"}], "createdAt": 1}


@responses.activate
def test_webhooks_update_resolves_names(run, creds):
    responses.get(WEBHOOKS, json=[HOOK])
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.put(f"{WEBHOOKS}/h1", json={})
    result = run("webhooks", "update", "h1", "--org", ORG_ID, "--service", "worker,db")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", WEBHOOKS), ("GET", SUMMARY_URL), ("PUT", f"{WEBHOOKS}/h1")]
    assert_sent(responses.calls[2], "PUT", f"{WEBHOOKS}/h1", {
        "name": "deploys", "urls": HOOK["urls"], "scope": [WORKER, DB], "state": "ENABLED"})
    assert result.stdout == f"services: {WEB} → {WORKER}, {DB}\n"


@responses.activate
def test_update_dry_run_prints_the_resolved_ids(run, creds):
    responses.get(EMAILS, json=[EMAILHOOK])
    responses.get(SUMMARY_URL, json=SUMMARY)
    result = run("notify-email", "update", "e1", "--org", ORG_ID, "--service", "My App", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert writes() == []
    assert json.loads(result.stdout.split("\n", 1)[1]) == {
        "name": "ops", "notified": [{"type": "organisation"}], "scope": [SPACED]}


@responses.activate
def test_update_with_ids_only_reads_no_summary(run, creds):
    responses.get(EMAILS, json=[EMAILHOOK])
    responses.put(f"{EMAILS}/e1", json={})
    result = run("notify-email", "update", "e1", "--org", ORG_ID, "--service", WORKER)
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", EMAILS), ("PUT", f"{EMAILS}/e1")]
    assert_sent(responses.calls[1], "PUT", f"{EMAILS}/e1",
                {"name": "ops", "notified": [{"type": "organisation"}], "scope": [WORKER]})


@responses.activate
def test_update_unknown_name_sends_no_put(run, creds):
    responses.get(WEBHOOKS, json=[HOOK])
    responses.get(SUMMARY_URL, json=SUMMARY)
    result = run("webhooks", "update", "h1", "--org", ORG_ID, "--service", "nope")
    assert result.exit_code == 2
    assert sent() == [("GET", WEBHOOKS), ("GET", SUMMARY_URL)]
    assert "no application or add-on 'nope'" in result.stderr


# --- notify-email default --only: every value checked, ids too ----------------------------------------

DEFAULT = {"id": "d1", "ownerId": ORG_ID, "name": DEFAULT_NAME, "events": ["META_DEPLOYMENT_RESULT"], "createdAt": 1}


@pytest.mark.parametrize("value", [
    TWIN_APP,                                        # another organisation's application
    "app_00000000-0000-4000-8000-000000000000",      # made up
    "web-typo",                                      # no such name
])
@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
@responses.activate
def test_default_only_refuses_what_is_not_the_owners(run, creds, value, dry_run):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.get(EMAILS, json=[DEFAULT])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", f"web,{value}", *dry_run)
    assert result.exit_code == 2
    assert sent() == [("GET", SUMMARY_URL)]  # refused before the hooks are even read
    assert_sent(responses.calls[0], "GET", SUMMARY_URL)
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: no application or add-on {value!r} at Acme ({ORG_ID}); ")
    assert f"web ({WEB})" in result.stderr


@responses.activate
def test_default_only_name_replaces_the_hook_with_ids(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.get(EMAILS, json=[DEFAULT])
    responses.post(EMAILS, json={"id": "new-1"})
    responses.delete(f"{EMAILS}/d1", status=204)
    result = run("notify-email", "default", "--org", ORG_ID, "--only", f"web,{DB}")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", SUMMARY_URL), ("GET", EMAILS), ("POST", EMAILS), ("DELETE", f"{EMAILS}/d1")]
    assert_sent(responses.calls[2], "POST", EMAILS,
                {"name": DEFAULT_NAME, "scope": [WEB, DB], "events": ["META_DEPLOYMENT_RESULT"]})
    assert_sent(responses.calls[3], "DELETE", f"{EMAILS}/d1")
    assert result.stderr == f"Created new-1 restricted to web ({WEB}), db ({DB}), then deleted d1.\n"
    assert result.stdout == "new-1\n"


@responses.activate
def test_default_only_dry_run_reads_and_prints_ids(run, creds):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.get(EMAILS, json=[DEFAULT])
    result = run("notify-email", "default", "--org", ORG_ID, "--only", "worker", "--dry-run", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert writes() == []
    report = json.loads(result.stdout)
    assert report["requests"][0] == {"method": "POST", "path": f"/v2/notifications/emailhooks/{ORG_ID}",
                                     "body": {"name": DEFAULT_NAME, "scope": [WORKER],
                                              "events": ["META_DEPLOYMENT_RESULT"]}}


# --- notify-email default --restore on a restricted default ------------------------------------------


@responses.activate
def test_restore_on_restricted_default_prints_the_fix_and_writes_nothing(run, creds):
    restricted = {**DEFAULT, "scope": [WEB, "app_gone"]}
    responses.get(EMAILS, json=[restricted])
    responses.get(SUMMARY_URL, json=SUMMARY)
    result = run("notify-email", "default", "--org", ORG_ID, "--restore")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", EMAILS), ("GET", SUMMARY_URL)]
    assert_sent(responses.calls[0], "GET", EMAILS)
    assert result.stdout == ""
    assert result.stderr == (
        f'"{DEFAULT_NAME}" exists at {ORG_ID} (d1) but is restricted to web ({WEB}), app_gone: '
        "--restore changes nothing.\n"
        f"To make it apply to every service: clever notify-email update d1 --all-services --org {ORG_ID}\n"
    )


@responses.activate
def test_restore_on_default_with_other_events_and_an_unrestricted_twin(run, creds):
    # No scope anywhere: the summary is not read.
    responses.get(EMAILS, json=[DEFAULT, {**DEFAULT, "id": "d2", "events": ["DEPLOYMENT_FAIL"]}])
    result = run("notify-email", "default", "--org", ORG_ID, "--restore", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", EMAILS)]
    assert json.loads(result.stdout)["unchanged"] == ["d1", "d2"]
    human = run("notify-email", "default", "--org", ORG_ID, "--restore")
    assert human.stdout == ""
    assert human.stderr.endswith(
        f'"{DEFAULT_NAME}" already exists at {ORG_ID} (d1): nothing to do.\n'
        f'"{DEFAULT_NAME}" exists at {ORG_ID} (d2) but is sending DEPLOYMENT_FAIL instead of '
        "META_DEPLOYMENT_RESULT: --restore changes nothing.\n"
        "To make it send META_DEPLOYMENT_RESULT again: "
        f"clever notify-email update d2 --event META_DEPLOYMENT_RESULT --org {ORG_ID}\n"
    )
    assert writes() == []


@responses.activate
def test_restore_hint_falls_back_to_ids_when_the_summary_cannot_be_read(run, creds):
    responses.get(EMAILS, json=[{**DEFAULT, "scope": [WEB]}])
    responses.get(SUMMARY_URL, status=403, json={"message": "Forbidden"})
    result = run("notify-email", "default", "--org", ORG_ID, "--restore")
    assert result.exit_code == 0, result.stderr
    assert f"but is restricted to {WEB}: --restore changes nothing." in result.stderr
    assert writes() == []


# --- the user's scenario, in the sandbox -------------------------------------------------------------


def acme_services():
    store = Store()  # CLEVER_SANDBOX_DB points into tmp_path (conftest)
    [org] = store.find_owner("Acme")
    return store, org["id"], {s["name"]: s["id"] for s in store.services(org["id"])}


def test_sandbox_webhook_scoped_by_name_stores_the_app_id(run):
    store, org_id, ids = acme_services()
    result = run("--sandbox", "webhooks", "add", "n", "https://example.org/h", "--org", "Acme", "--service", "web")
    assert result.exit_code == 0, result.stderr
    [hook] = store.list_hooks("webhooks", org_id)
    assert hook["scope"] == [ids["web"]]


def test_sandbox_default_only_by_name_then_bogus_then_restore_hint(run):
    store, org_id, ids = acme_services()
    [before] = store.list_hooks("emailhooks", org_id)

    bogus = run("--sandbox", "notify-email", "default", "--org", "Acme", "--only", "app_a")
    assert bogus.exit_code == 2
    assert store.list_hooks("emailhooks", org_id) == [before]

    only = run("--sandbox", "notify-email", "default", "--org", "Acme", "--only", "web")
    assert only.exit_code == 0, only.stderr
    [after] = store.list_hooks("emailhooks", org_id)
    assert after["scope"] == [ids["web"]] and after["id"] != before["id"]

    restore = run("--sandbox", "notify-email", "default", "--org", "Acme", "--restore")
    assert restore.exit_code == 0, restore.stderr
    assert store.list_hooks("emailhooks", org_id) == [after]  # nothing written
    assert restore.stdout == ""
    assert f"restricted to web ({ids['web']})" in restore.stderr
    command = shlex.split(re.search(r"^To make it .*?: (clever .*)$", restore.stderr, re.MULTILINE).group(1))
    # Pasted as printed: it stays in the sandbox and names the owner as the user did.
    assert command == ["clever", "--sandbox", "notify-email", "update", after["id"], "--all-services", "--org", "Acme"]

    widened = run(*command[1:])  # the printed command does what it says
    assert widened.exit_code == 0, widened.stderr
    [final] = store.list_hooks("emailhooks", org_id)
    assert not final.get("scope") and final["id"] == after["id"]
    again = run("--sandbox", "notify-email", "default", "--org", "Acme", "--restore")
    assert "already exists" in again.stderr and "nothing to do" in again.stderr
