"""The sandbox WSGI app, route by route, through werkzeug's test client (no server, no network)."""

from __future__ import annotations

import json
import re
import sqlite3
import threading

import pytest
from werkzeug.test import Client

from clever_notify.hooks import catalog
from clever_notify.sandbox.app import make_app
from clever_notify.sandbox.store import Store

AUTH = {"Authorization": 'OAuth oauth_consumer_key="ck", oauth_token="t", oauth_signature="cs%26s"'}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
WEBHOOK = {"name": "deploys", "urls": [{"format": "slack", "url": "https://hooks.example.org/x"}],
           "events": ["META_DEPLOYMENT_RESULT"], "scope": ["app_1"]}


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "db" / "sandbox.db")


@pytest.fixture
def client(store):
    return Client(make_app(store))


@pytest.fixture
def ids(client):
    summary = client.get("/v2/summary", headers=AUTH).json
    acme = summary["organisations"][0]
    return {"user": summary["user"]["id"], "org": acme["id"],
            "apps": {a["name"]: a["id"] for a in acme["applications"]}, "addon": acme["addons"][0]["id"]}


def hooks_path(kind, owner, hook=None):
    return f"/v2/notifications/{kind}/{owner}" + (f"/{hook}" if hook else "")


def test_db_file_private_and_seeded_once(tmp_path):
    path = tmp_path / "new" / "sandbox.db"
    Store(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    Store(path)  # a second open must not seed again
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM owners").fetchone()[0] == 3  # you, Acme, Audit Demo
    assert db.execute("SELECT COUNT(*) FROM emailhooks").fetchone()[0] == 4  # a default each, Audit Demo's two
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_self(client):
    r = client.get("/v2/self", headers=AUTH)
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert re.fullmatch(f"user_{UUID}", r.json["id"])
    assert r.json["email"] == "sandbox@example.org"


def test_summary_seed(client):
    s = client.get("/v2/summary", headers=AUTH).json
    assert re.fullmatch(f"user_{UUID}", s["user"]["id"])
    [acme, demo] = s["organisations"]
    assert acme["name"] == "Acme" and re.fullmatch(f"orga_{UUID}", acme["id"])
    assert demo["name"] == "Audit Demo" and [a["name"] for a in demo["applications"]] == ["shop", "api"]
    assert [a["name"] for a in acme["applications"]] == ["web", "worker"]
    assert all(re.fullmatch(f"app_{UUID}", a["id"]) for a in acme["applications"])
    [db] = acme["addons"]
    assert db["name"] == "db" and re.fullmatch(f"addon_{UUID}", db["id"]) and db["providerId"] == "postgresql-addon"


def test_organisation(client, ids):
    r = client.get(f"/v2/organisations/{ids['org']}", headers=AUTH)
    assert r.status_code == 200 and r.json["id"] == ids["org"] and r.json["name"] == "Acme"
    r = client.get("/v2/organisations/orga_00000000-0000-4000-8000-000000000000", headers=AUTH)
    assert r.status_code == 404 and "not found" in r.json["message"]


def test_info_routes(client):
    assert client.get("/v2/notifications/info/events", headers=AUTH).json == catalog.as_api_answer()
    assert client.get("/v2/notifications/info/webhookformats", headers=AUTH).json == ["raw", "slack", "gitter",
                                                                                       "flowdock"]


def test_seeded_default_email_hooks(client, ids):
    for owner in (ids["user"], ids["org"]):
        [hook] = client.get(hooks_path("emailhooks", owner), headers=AUTH).json
        assert hook["name"] == catalog.DEFAULT_EMAIL_HOOK_NAME
        assert hook["events"] == ["META_DEPLOYMENT_RESULT"] and hook["ownerId"] == owner
        assert re.fullmatch(UUID, hook["id"]) and isinstance(hook["createdAt"], int)
        assert "scope" not in hook and "notified" not in hook
    assert client.get(hooks_path("webhooks", ids["org"]), headers=AUTH).json == []


def test_webhook_create_list_replace_delete(client, ids):
    path = hooks_path("webhooks", ids["org"])
    created = client.post(path, headers=AUTH, json=WEBHOOK)
    assert created.status_code == 200
    hook = created.json
    assert re.fullmatch(UUID, hook["id"])
    assert hook == {"id": hook["id"], "ownerId": ids["org"], **WEBHOOK, "createdAt": hook["createdAt"],
                    "failures": [], "state": "ENABLED"}
    assert client.get(path, headers=AUTH).json == [hook]
    assert client.get(hooks_path("webhooks", ids["org"], hook["id"]), headers=AUTH).json == hook

    replacement = {"name": "renamed", "urls": [{"format": "raw", "url": "http://127.0.0.1:9/x"}], "state": "DISABLED"}
    r = client.put(hooks_path("webhooks", ids["org"], hook["id"]), headers=AUTH, json=replacement)
    assert r.status_code == 200
    # Full replace: events and scope are gone, id and createdAt stay.
    assert r.json == {"id": hook["id"], "ownerId": ids["org"], "name": "renamed", "urls": replacement["urls"],
                      "createdAt": hook["createdAt"], "failures": [], "state": "DISABLED"}
    assert client.get(path, headers=AUTH).json == [r.json]

    r = client.delete(hooks_path("webhooks", ids["org"], hook["id"]), headers=AUTH)
    assert r.status_code == 204 and r.data == b""
    assert client.get(path, headers=AUTH).json == []
    r = client.delete(hooks_path("webhooks", ids["org"], hook["id"]), headers=AUTH)
    assert r.status_code == 404 and r.json["message"] == f"Webhook {hook['id']} not found"


def test_emailhook_create_replace_delete(client, ids):
    path = hooks_path("emailhooks", ids["user"])
    body = {"name": "mails", "notified": [{"type": "email", "target": "a@example.org,b@example.org"},
                                          {"type": "userid", "target": ids["user"]}, {"type": "organisation"}],
            "events": ["DEPLOYMENT_FAIL"]}
    hook = client.post(path, headers=AUTH, json=body).json
    assert hook == {"id": hook["id"], "ownerId": ids["user"], **body, "createdAt": hook["createdAt"]}
    assert [h["name"] for h in client.get(path, headers=AUTH).json] == [catalog.DEFAULT_EMAIL_HOOK_NAME, "mails"]
    r = client.put(hooks_path("emailhooks", ids["user"], hook["id"]), headers=AUTH,
                   json={"name": "mails 2", "notified": [{"type": "organisation"}]})
    assert r.json == {"id": hook["id"], "ownerId": ids["user"], "name": "mails 2",
                      "notified": [{"type": "organisation"}], "createdAt": hook["createdAt"]}
    assert client.delete(hooks_path("emailhooks", ids["user"], hook["id"]), headers=AUTH).status_code == 204
    assert len(client.get(path, headers=AUTH).json) == 1


def test_hooks_are_per_owner(client, ids):
    client.post(hooks_path("webhooks", ids["org"]), headers=AUTH, json=WEBHOOK)
    assert client.get(hooks_path("webhooks", ids["user"]), headers=AUTH).json == []
    hook = client.get(hooks_path("webhooks", ids["org"]), headers=AUTH).json[0]
    # Another owner's path does not reach it.
    r = client.delete(hooks_path("webhooks", ids["user"], hook["id"]), headers=AUTH)
    assert r.status_code == 404


@pytest.mark.parametrize("path", ["/v2/self", "/v2/summary", "/v2/notifications/info/events"])
@pytest.mark.parametrize("header", [None, "Bearer abc", "Basic dXNlcjpwYXNz", "OAuth realm=x"])
def test_401_without_an_oauth_header(client, path, header):
    r = client.get(path, headers={"Authorization": header} if header else {})
    assert r.status_code == 401
    assert r.json["type"] == "error" and "OAuth" in r.json["message"]


def test_401_before_any_write(client, ids, store):
    r = client.post(hooks_path("webhooks", ids["org"]), json=WEBHOOK)
    assert r.status_code == 401
    assert store.list_hooks("webhooks", ids["org"]) == []


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_404_unknown_owner(client, method):
    owner = "orga_00000000-0000-4000-8000-000000000000"
    r = client.open(hooks_path("webhooks", owner), method=method, headers=AUTH, json=WEBHOOK)
    assert r.status_code == 404 and r.json["message"] == f"Owner {owner} not found"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_404_unknown_hook(client, ids, method):
    r = client.open(hooks_path("emailhooks", ids["org"], "nope"), method=method, headers=AUTH,
                    json={"name": "x"})
    assert r.status_code == 404 and r.json["message"] == "E-mail hook nope not found"


def test_404_unknown_path_and_405_wrong_method(client):
    r = client.get("/v2/nothing", headers=AUTH)
    assert r.status_code == 404 and r.json["type"] == "error"
    r = client.post("/v2/self", headers=AUTH, json={})
    assert r.status_code == 405 and r.json["type"] == "error"


def test_400_malformed_json(client, ids, store):
    r = client.post(hooks_path("webhooks", ids["org"]), headers={**AUTH, "Content-Type": "application/json"},
                    data=b'{"name": ')
    assert r.status_code == 400 and r.json["message"].startswith("Malformed JSON body")
    assert store.list_hooks("webhooks", ids["org"]) == []


BAD_WEBHOOKS = [
    ([1, 2], "the body must be a JSON object"),
    ({**WEBHOOK, "name": ""}, "`name` must be a non-empty string"),
    ({**WEBHOOK, "name": 3}, "`name` must be a non-empty string"),
    ({**WEBHOOK, "urls": []}, "`urls` must be a non-empty list"),
    ({k: v for k, v in WEBHOOK.items() if k != "urls"}, "`urls` must be a non-empty list"),
    ({**WEBHOOK, "urls": ["https://x"]}, "`urls` must be a non-empty list"),
    ({**WEBHOOK, "urls": [{"format": "teams", "url": "https://x"}]}, "unknown webhook format 'teams'"),
    ({**WEBHOOK, "urls": [{"format": "raw", "url": "ftp://x/y"}]}, "invalid URL 'ftp://x/y'"),
    ({**WEBHOOK, "urls": [{"format": "raw"}]}, "`urls[].url` must be a string"),
    ({**WEBHOOK, "events": ["DEPLOY_FAIL"]}, "unknown event type 'DEPLOY_FAIL'"),
    ({**WEBHOOK, "events": "DEPLOYMENT_FAIL"}, "`events` must be a list of non-empty strings"),
    ({**WEBHOOK, "scope": [1]}, "`scope` must be a list of non-empty strings"),
    ({**WEBHOOK, "state": "ON"}, "`state` must be one of ENABLED, DISABLED"),
]


@pytest.mark.parametrize("body,message", BAD_WEBHOOKS)
def test_400_invalid_webhook_post_and_put(client, ids, store, body, message):
    r = client.post(hooks_path("webhooks", ids["org"]), headers=AUTH, json=body)
    assert r.status_code == 400 and message in r.json["message"]
    hook = client.post(hooks_path("webhooks", ids["org"]), headers=AUTH, json=WEBHOOK).json
    r = client.put(hooks_path("webhooks", ids["org"], hook["id"]), headers=AUTH, json=body)
    assert r.status_code == 400 and message in r.json["message"]
    assert store.list_hooks("webhooks", ids["org"]) == [hook]  # unchanged


@pytest.mark.parametrize("notified,message", [
    ("a@example.org", "`notified` must be a list"),
    ([{"type": "email", "target": "not-an-address"}], "invalid e-mail target"),
    ([{"type": "userid", "target": "bob"}], "invalid user id 'bob'"),
    ([{"type": "team"}], "each `notified` entry needs a type"),
    (["a@example.org"], "each `notified` entry needs a type"),
])
def test_400_invalid_emailhook(client, ids, notified, message):
    r = client.post(hooks_path("emailhooks", ids["org"]), headers=AUTH, json={"name": "x", "notified": notified})
    assert r.status_code == 400 and message in r.json["message"]


def test_415_not_json(client, ids):
    r = client.post(hooks_path("webhooks", ids["org"]), headers={**AUTH, "Content-Type": "text/plain"}, data="x")
    assert r.status_code == 415 and r.json["type"] == "error"


def test_concurrent_writes_all_land(store, ids):
    """Threads writing at once (as the threaded server does) lose nothing and never see `database is locked`."""
    app = make_app(store)
    errors, statuses = [], []

    def worker(n):
        c = Client(app)
        for i in range(10):
            try:
                statuses.append(c.post(hooks_path("webhooks", ids["org"]), headers=AUTH,
                                       json={**WEBHOOK, "name": f"w{n}-{i}"}).status_code)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert errors == [] and statuses == [200] * 80
    names = {h["name"] for h in store.list_hooks("webhooks", ids["org"])}
    assert names == {f"w{n}-{i}" for n in range(8) for i in range(10)}


def test_reset_keeps_owner_ids_and_restores_default_hooks(client, ids, store):
    client.post(hooks_path("webhooks", ids["org"]), headers=AUTH, json=WEBHOOK)
    default = client.get(hooks_path("emailhooks", ids["org"]), headers=AUTH).json[0]
    client.delete(hooks_path("emailhooks", ids["org"], default["id"]), headers=AUTH)
    store.reset()
    assert client.get(hooks_path("webhooks", ids["org"]), headers=AUTH).json == []
    [again] = client.get(hooks_path("emailhooks", ids["org"]), headers=AUTH).json
    assert again["name"] == catalog.DEFAULT_EMAIL_HOOK_NAME and again["id"] != default["id"]
    assert client.get("/v2/self", headers=AUTH).json["id"] == ids["user"]


def test_default_db_path(monkeypatch, tmp_path):
    from clever_notify.sandbox.store import default_db_path

    assert default_db_path({"CLEVER_SANDBOX_DB": str(tmp_path / "x.db")}) == tmp_path / "x.db"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path({}) == tmp_path / "data" / "clever-notify" / "sandbox.db"


def test_answers_are_json_documents(client, ids):
    r = client.get(hooks_path("webhooks", ids["org"]), headers=AUTH)
    assert r.headers["Content-Type"] == "application/json" and json.loads(r.data) == []


def test_failures_are_bounded_and_kept_per_hook(store, client, ids):
    from clever_notify.sandbox.store import MAX_FAILURES_SHOWN

    a = client.post(hooks_path("webhooks", ids["org"]), headers=AUTH, json=WEBHOOK).json
    b = client.post(hooks_path("webhooks", ids["org"]), headers=AUTH, json=WEBHOOK).json
    store.record_outcomes([{"hook_id": a["id"], "url": f"https://x/{i}", "status": 500} for i in range(60)]
                          + [{"hook_id": b["id"], "url": "https://y", "network_failure": True}], [])
    listed = {h["id"]: h["failures"] for h in client.get(hooks_path("webhooks", ids["org"]), headers=AUTH).json}
    assert [f["url"] for f in listed[a["id"]]] == [f"https://x/{i}" for i in range(60 - MAX_FAILURES_SHOWN, 60)]
    assert [(f["url"], f["networkFailure"]) for f in listed[b["id"]]] == [("https://y", True)]
    single = client.get(hooks_path("webhooks", ids["org"], a["id"]), headers=AUTH).json
    assert single["failures"] == listed[a["id"]]


def test_413_body_too_large(client, ids, store):
    from clever_notify.sandbox.app import MAX_BODY

    big = json.dumps({**WEBHOOK, "name": "x" * (MAX_BODY + 1)})
    r = client.post(hooks_path("webhooks", ids["org"]), headers={**AUTH, "Content-Type": "application/json"},
                    data=big)
    assert r.status_code == 413 and r.json["type"] == "error"
    assert store.list_hooks("webhooks", ids["org"]) == []


def test_500_json_on_database_error(client, ids, store, monkeypatch):
    import sqlite3 as sq

    def broken(*a, **k):
        raise sq.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "list_hooks", broken)
    r = client.get(hooks_path("webhooks", ids["org"]), headers=AUTH)
    assert r.status_code == 500 and r.json["message"] == "Sandbox database error: disk I/O error"
