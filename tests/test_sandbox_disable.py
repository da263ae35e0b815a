"""The sandbox disables a webhook that keeps failing, as the platform does; a success resets the count and an
update to ENABLED revives it. Deliveries go to loopback receivers and closed loopback ports only."""

from __future__ import annotations

import json
import sqlite3

import pytest
from werkzeug.test import Client

from clever_notify.errors import InputError
from clever_notify.sandbox.app import make_app
from clever_notify.sandbox.emit import DEFAULT_DISABLE_AFTER, emit
from clever_notify.sandbox.store import Store
from servers import LoopbackServer, closed_port_url, webhook_receiver

AUTH = {"Authorization": 'OAuth oauth_consumer_key="ck", oauth_token="t", oauth_signature="cs%26s"'}


@pytest.fixture
def store():
    return Store()  # CLEVER_SANDBOX_DB points into tmp_path (conftest)


@pytest.fixture
def org(store):
    return store.find_owner("Acme")[0]["id"]


def _webhook(store, org, url, name="deploys"):
    return store.create_hook("webhooks", org, {"name": name, "urls": [{"format": "raw", "url": url}]})["id"]


def _hook(store, org, hook_id):
    return store.get_hook("webhooks", org, hook_id)


def _emit(store):
    return emit(store, "DEPLOYMENT_FAIL", org="Acme", timeout=2)


def test_disabled_after_the_default_number_of_failures_in_a_row_then_receives_nothing(store, org):
    assert DEFAULT_DISABLE_AFTER == 5
    hook_id = _webhook(store, org, closed_port_url())
    for i in range(1, DEFAULT_DISABLE_AFTER):
        report = _emit(store)
        assert report.disabled == []
        assert _hook(store, org, hook_id)["state"] == "ENABLED"
        assert len(_hook(store, org, hook_id)["failures"]) == i
    report = _emit(store)
    assert report.disabled == [{"hookId": hook_id, "hookName": "deploys"}]
    assert report.to_dict()["disabled"] == report.disabled
    hook = _hook(store, org, hook_id)
    assert hook["state"] == "DISABLED" and len(hook["failures"]) == DEFAULT_DISABLE_AFTER
    assert all(f.get("networkFailure") for f in hook["failures"])

    later = _emit(store)  # disabled: not called, nothing more recorded
    assert later.deliveries == [] and later.disabled == []
    assert len(_hook(store, org, hook_id)["failures"]) == DEFAULT_DISABLE_AFTER


def test_a_success_resets_the_count(store, org, monkeypatch):
    monkeypatch.setenv("CLEVER_SANDBOX_DISABLE_AFTER", "3")
    with LoopbackServer(webhook_receiver(500)) as rx:
        hook_id = _webhook(store, org, rx.url + "/hook")
        _emit(store), _emit(store)  # 2 failures in a row
        rx.handler = webhook_receiver(200)
        assert _emit(store).ok  # resets
        rx.handler = webhook_receiver(500)
        _emit(store), _emit(store)  # 2 in a row again: still under 3
        assert _hook(store, org, hook_id)["state"] == "ENABLED"
        assert len(_hook(store, org, hook_id)["failures"]) == 4  # the history is kept, only the count resets
        assert _emit(store).disabled == [{"hookId": hook_id, "hookName": "deploys"}]
        assert _hook(store, org, hook_id)["state"] == "DISABLED"
        assert [f["status"] for f in _hook(store, org, hook_id)["failures"]] == [500] * 5
        assert len(rx.received) == 6


def test_other_hooks_keep_receiving(store, org, monkeypatch):
    monkeypatch.setenv("CLEVER_SANDBOX_DISABLE_AFTER", "1")
    with LoopbackServer(webhook_receiver()) as rx:
        good = _webhook(store, org, rx.url + "/ok", name="good")
        bad = _webhook(store, org, closed_port_url(), name="bad")
        assert _emit(store).disabled == [{"hookId": bad, "hookName": "bad"}]
        assert [d["hookId"] for d in _emit(store).deliveries] == [good]
        assert _hook(store, org, good)["state"] == "ENABLED"
        assert len(rx.received) == 2


def test_zero_never_disables(store, org, monkeypatch):
    monkeypatch.setenv("CLEVER_SANDBOX_DISABLE_AFTER", "0")
    hook_id = _webhook(store, org, closed_port_url())
    for _ in range(DEFAULT_DISABLE_AFTER + 2):
        assert _emit(store).disabled == []
    assert _hook(store, org, hook_id)["state"] == "ENABLED"


@pytest.mark.parametrize("value", ["x", "-1", "2.5", "1000001"])
def test_a_bad_threshold_is_refused_before_anything_is_recorded(store, org, monkeypatch, value):
    monkeypatch.setenv("CLEVER_SANDBOX_DISABLE_AFTER", value)
    hook_id = _webhook(store, org, closed_port_url())
    with pytest.raises(InputError, match="CLEVER_SANDBOX_DISABLE_AFTER"):
        _emit(store)
    assert _hook(store, org, hook_id)["failures"] == []


def _put(client, org, hook, **changes):
    body = {k: hook[k] for k in ("name", "urls")} | changes
    return client.put(f"/v2/notifications/webhooks/{org}/{hook['id']}", headers=AUTH, json=body)


def test_an_update_to_enabled_revives_with_a_fresh_count(store, org, monkeypatch):
    monkeypatch.setenv("CLEVER_SANDBOX_DISABLE_AFTER", "2")
    client = Client(make_app(store))
    hook_id = _webhook(store, org, closed_port_url())
    _emit(store), _emit(store)
    hook = _hook(store, org, hook_id)
    assert hook["state"] == "DISABLED"

    kept = _put(client, org, hook, name="renamed")  # an update that does not name the state keeps it
    assert kept.status_code == 200 and kept.json["state"] == "DISABLED"

    revived = _put(client, org, hook, state="ENABLED")
    assert revived.status_code == 200 and revived.json["state"] == "ENABLED"
    assert len(revived.json["failures"]) == 2  # failures stay: they are history
    assert _emit(store).disabled == []  # one failure after the revival: the count starts again from 0
    assert _emit(store).disabled == [{"hookId": hook_id, "hookName": "deploys"}]

    _put(client, org, _hook(store, org, hook_id), state="ENABLED")
    disabled = _put(client, org, _hook(store, org, hook_id), state="DISABLED")  # an update may disable, too
    assert disabled.json["state"] == "DISABLED"
    assert _emit(store).deliveries == []


def test_emit_cli_says_which_webhook_it_disabled(run, store, org, monkeypatch):
    monkeypatch.setenv("CLEVER_SANDBOX_DISABLE_AFTER", "1")
    hook_id = _webhook(store, org, closed_port_url())
    result = run("sandbox", "emit", "DEPLOYMENT_FAIL", "--org", "Acme")
    assert result.exit_code == 1
    assert f"({hook_id}) is now DISABLED" in result.stderr
    assert f"clever --sandbox webhooks enable {hook_id} --org Acme\n" in result.stderr  # the owner as typed
    assert hook_id not in result.stdout  # a message, not data
    as_json = run("sandbox", "emit", "DEPLOYMENT_FAIL", "--org", "Acme", "-F", "json")
    assert json.loads(as_json.stdout)["deliveries"] == [] and json.loads(as_json.stdout)["disabled"] == []


def test_a_database_from_before_the_count_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE webhooks (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, body TEXT NOT NULL, "
        "state TEXT NOT NULL DEFAULT 'ENABLED', created_at INTEGER NOT NULL);"
        "INSERT INTO webhooks VALUES ('h1', 'orga_x', '{\"urls\": []}', 'ENABLED', 1);")
    db.close()
    store = Store(path)
    columns = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(webhooks)")}
    assert "failed_in_a_row" in columns
    assert store.record_outcomes([{"hook_id": "h1", "url": "u", "ok": False, "status": 500}], [],
                                 disable_after=1) == ["h1"]


@pytest.mark.parametrize("typed", ["Org 002", "orga_ID", "it's"])
def test_emit_hint_names_the_owner_as_typed_shell_quoted(run, store, monkeypatch, typed):
    import shlex

    monkeypatch.setenv("CLEVER_SANDBOX_DISABLE_AFTER", "1")
    name = "Org 002" if typed == "orga_ID" else typed
    owner = store.add_organisation(name, applications=("web",))["id"]
    typed = owner if typed == "orga_ID" else typed
    hook_id = _webhook(store, owner, closed_port_url())
    result = run("sandbox", "emit", "DEPLOYMENT_FAIL", "--org", typed)
    assert result.exit_code == 1
    hint = f"clever --sandbox webhooks enable {hook_id} --org {shlex.quote(typed)}"
    assert result.stderr.rstrip("\n").endswith(hint) or f"{hint}\n" in result.stderr
    assert shlex.split(hint)[-1] == typed  # pasted, the shell gives back exactly what was typed


def test_the_seeds_placeholder_of_a_real_service_is_never_posted_to(store, monkeypatch):
    # Audit Demo's Discord webhook (the audit's format rule) holds a placeholder URL on discord.com: an emit must
    # not send it to the internet, nor count it as the receiver's failure. Its other webhooks are posted to.
    from clever_notify.delivery import post as delivery_post
    from clever_notify.sandbox import emit as emit_module

    posted = []

    def fake_post(url, fmt, event, **kw):
        posted.append(url)
        return delivery_post.Delivery(url, fmt, 204, 1.0)

    monkeypatch.setattr(emit_module.delivery, "post", fake_post)
    [demo] = store.find_owner("Audit Demo")
    [shop] = [s for s in store.services(demo["id"]) if s["name"] == "shop"]
    report = emit(store, "DEPLOYMENT_FAIL", org=demo["id"], service=shop["id"], timeout=2)
    discord = [d for d in report.deliveries if "discord.com" in d["url"]]
    assert [(d["hookName"], d["ok"], d["error"]) for d in discord] == [
        ("Team Discord", False, emit_module.PLACEHOLDER_NOT_SENT)]
    assert not any("discord.com" in url for url in posted)
    hook = _hook(store, demo["id"], discord[0]["hookId"])
    assert hook["failures"] == [] and hook["state"] == "ENABLED"
