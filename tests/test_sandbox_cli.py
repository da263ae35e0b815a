"""`clever --sandbox …` in-process, and `clever sandbox emit | outbox | reset | serve` (CliRunner, loopback only)."""

from __future__ import annotations

import json

import pytest

from clever_notify.hooks import catalog
from clever_notify.sandbox.store import Store
from servers import LoopbackServer, closed_port_url, webhook_receiver


@pytest.fixture
def store():
    return Store()  # CLEVER_SANDBOX_DB points into tmp_path (conftest)


def acme(store):
    [org] = store.find_owner("Acme")
    services = {s["name"]: s["id"] for s in store.services(org["id"])}
    return org["id"], services


def test_sandbox_flag_needs_no_credentials_and_no_network(run, store, monkeypatch):
    import requests

    def no_network(*a, **k):
        raise AssertionError("the in-process sandbox must not open a connection")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", no_network)
    org_id, _ = acme(store)
    result = run("--sandbox", "webhooks", "add", "deploys", "https://example.org/hook",
                 "--event", "META_DEPLOYMENT_RESULT", "--org", "Acme")
    assert result.exit_code == 0, result.stderr
    hook_id = result.stdout.strip()
    [hook] = store.list_hooks("webhooks", org_id)
    assert hook["id"] == hook_id and hook["events"] == ["META_DEPLOYMENT_RESULT"]
    assert hook["urls"] == [{"format": "raw", "url": "https://example.org/hook"}]

    listed = run("--sandbox", "webhooks", "--org", "Acme", "-F", "json")
    assert json.loads(listed.stdout) == [{"id": hook_id, "name": "deploys", "ownerId": org_id, "services": [org_id],
                                          "events": ["META_DEPLOYMENT_RESULT"], "urls": hook["urls"]}]
    removed = run("--sandbox", "webhooks", "remove", hook_id, "--org", "Acme")
    assert removed.exit_code == 0, removed.stderr
    assert store.list_hooks("webhooks", org_id) == []


def test_sandbox_env_var(run, store, monkeypatch):
    monkeypatch.setenv("CLEVER_SANDBOX", "1")
    result = run("notify-email", "-F", "json")
    assert result.exit_code == 0, result.stderr
    [hook] = json.loads(result.stdout)
    assert hook["name"] == catalog.DEFAULT_EMAIL_HOOK_NAME and hook["ownerId"] == store.user()["id"]
    assert hook["notified"] == ["whole team"]


def test_sandbox_errors_are_one_line(run, store):
    result = run("--sandbox", "webhooks", "remove", "no-such-hook", "--org", "Acme")
    assert result.exit_code == 4
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    result = run("--sandbox", "webhooks", "--org", "Nobody")
    assert result.exit_code == 4 and "Nobody" in result.stderr


def test_sandbox_verbose_hides_the_sandbox_credentials(run, store):
    result = run("--sandbox", "-v", "webhooks", "--org", "Acme")
    assert result.exit_code == 0
    assert "[api] GET http://sandbox.invalid/v2/summary -> 200" in result.stderr
    assert "sandbox-token" not in result.stderr + result.stdout


def _webhook(store, owner, name, url, fmt="raw", events=None, scope=None):
    return store.create_hook("webhooks", owner, {"name": name, "urls": [{"format": fmt, "url": url}],
                                                 "events": events, "scope": scope})


def test_emit_delivers_matching_hooks_only(run, store):
    org_id, services = acme(store)
    with LoopbackServer(webhook_receiver()) as rx:
        hit_all = _webhook(store, org_id, "all", rx.url + "/all")
        _webhook(store, org_id, "meta", rx.url + "/meta", "slack", events=["META_DEPLOYMENT_RESULT"])
        _webhook(store, org_id, "web only", rx.url + "/web", "gitter", scope=[services["web"]])
        _webhook(store, org_id, "worker only", rx.url + "/worker", scope=[services["worker"]])
        _webhook(store, org_id, "credits", rx.url + "/credits", events=["META_CREDITS"])
        _webhook(store, store.user()["id"], "other owner", rx.url + "/user")
        disabled = _webhook(store, org_id, "off", rx.url + "/off")
        store.replace_hook("webhooks", org_id, disabled["id"], {"urls": disabled["urls"], "state": "DISABLED"})
        result = run("sandbox", "emit", "DEPLOYMENT_FAIL", "--org", "Acme", "--service", "web", "-F", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert sorted(r.path for r in rx.received) == ["/all", "/meta", "/web"]
    assert sorted(d["url"] for d in report["deliveries"]) == [rx.url + p for p in ("/all", "/meta", "/web")]
    assert all(d["status"] == 200 and d["ok"] for d in report["deliveries"])
    raw = next(r.json() for r in rx.received if r.path == "/all")
    assert raw == report["event"]
    assert raw["type"] == "DEPLOYMENT_FAIL" and raw["data"]["appId"] == services["web"]
    assert raw["data"]["ownerId"] == org_id and raw["data"]["appName"] == "web"
    assert store.get_hook("webhooks", org_id, hit_all["id"])["failures"] == []
    # The seeded e-mail hook (META_DEPLOYMENT_RESULT) of Acme went to the outbox.
    [mail] = store.outbox()
    assert mail["to"] == ["sandbox@example.org"] and mail["subject"] == "[Clever Cloud] web failed to deploy"
    assert "DEPLOYMENT_FAIL" in mail["body"] and mail["eventId"] == raw["id"]


def test_emit_without_service_skips_scoped_hooks(run, store):
    org_id, services = acme(store)
    with LoopbackServer(webhook_receiver()) as rx:
        _webhook(store, org_id, "web only", rx.url + "/web", scope=[services["web"]])
        _webhook(store, org_id, "all", rx.url + "/all")
        result = run("sandbox", "emit", "APPLICATION_STOP", "--org", "Acme")
    assert result.exit_code == 0, result.stderr
    assert [r.path for r in rx.received] == ["/all"]
    assert store.outbox() == []  # APPLICATION_STOP is not a deployment result


def test_emit_records_failures_and_exits_1(run, store):
    org_id, _ = acme(store)
    gone = closed_port_url()
    with LoopbackServer(webhook_receiver(status=500, answer=b"receiver exploded")) as rx:
        hook = _webhook(store, org_id, "broken", rx.url + "/500")
        hook2 = _webhook(store, org_id, "nobody", gone)
        result = run("sandbox", "emit", "DEPLOYMENT_SUCCESS", "--org", "Acme")
    assert result.exit_code == 1
    assert "2 of 2 deliveries failed" in result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("FAIL 500") and line.endswith(rx.url + "/500") for line in lines)
    assert any(line.startswith("FAIL ---") and line.endswith(f"{gone}  (connection failed)") for line in lines)
    [f500] = store.get_hook("webhooks", org_id, hook["id"])["failures"]
    assert f500 == {"url": rx.url + "/500", "status": 500, "partialBody": "receiver exploded",
                    "createdAt": f500["createdAt"]}
    [fnet] = store.get_hook("webhooks", org_id, hook2["id"])["failures"]
    assert fnet == {"url": gone, "networkFailure": True, "createdAt": fnet["createdAt"]}


def test_emit_to_the_user_by_default_with_human_report(run, store):
    with LoopbackServer(webhook_receiver()) as rx:
        _webhook(store, store.user()["id"], "mine", rx.url + "/me", "flowdock")
        result = run("sandbox", "emit", "credits_added")
    assert result.exit_code == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert line.startswith("ok   200") and line.endswith(f"flowdock {rx.url}/me")
    body = rx.received[0].json()
    assert body["event"] == "activity" and body["author"] == {"name": "Clever Cloud"}


@pytest.mark.parametrize("args,message", [
    (["META_DEPLOYMENT_RESULT"], "is a meta-event"),
    (["DEPLOY_FAIL"], "unknown event DEPLOY_FAIL"),
])
def test_emit_bad_event_is_usage_error(run, store, args, message):
    result = run("sandbox", "emit", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_emit_unknown_org_or_service(run, store):
    assert run("sandbox", "emit", "GIT_PUSH", "--org", "Nope").exit_code == 4
    result = run("sandbox", "emit", "GIT_PUSH", "--org", "Acme", "--service", "nope")
    # The same error as `webhooks add --service nope`: exit 2, the owner's services listed.
    assert result.exit_code == 2, result.stderr
    assert "no application or add-on 'nope' at Acme (orga_" in result.stderr
    assert "its applications and add-ons: web (app_" in result.stderr and "db (addon_" in result.stderr


def test_emit_nothing_matches(run, store):
    result = run("sandbox", "emit", "GIT_PUSH", "--org", "Acme")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == "GIT_PUSH: no webhook matched.\n"


def test_outbox_human_and_json(run, store):
    empty = run("sandbox", "outbox")
    assert empty.stdout == "" and "The outbox is empty" in empty.stderr
    assert json.loads(run("sandbox", "outbox", "-F", "json").stdout) == []
    store.create_hook("emailhooks", store.user()["id"],
                      {"name": "x", "notified": [{"type": "email", "target": "a@example.org, b@example.org"},
                                                 {"type": "userid", "target": store.user()["id"]}],
                       "events": ["GIT_PUSH"]})
    assert run("sandbox", "emit", "GIT_PUSH").exit_code == 0
    [mail] = json.loads(run("sandbox", "outbox", "-F", "json").stdout)
    assert mail["to"] == ["a@example.org", "b@example.org", "sandbox@example.org"]
    human = run("sandbox", "outbox").stdout
    assert human.startswith("To: a@example.org, b@example.org, sandbox@example.org\nSubject: [Clever Cloud] ")


def test_reset(run, store):
    org_id, _ = acme(store)
    _webhook(store, org_id, "x", "https://example.org/x")
    result = run("sandbox", "reset")
    assert result.exit_code == 0 and "Sandbox reset" in result.stderr
    assert store.list_hooks("webhooks", org_id) == []
    assert acme(store)[0] == org_id


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.org"])
def test_serve_refuses_non_loopback_host(run, host):
    result = run("sandbox", "serve", "--host", host, "--port", "0")
    assert result.exit_code == 2 and "not a loopback address" in result.stderr and "--allow-remote" in result.stderr


def test_help_has_examples(run):
    for cmd in (["sandbox"], ["sandbox", "serve"], ["sandbox", "emit"], ["sandbox", "outbox"], ["sandbox", "reset"]):
        result = run(*cmd, "--help")
        assert result.exit_code == 0 and "Examples:" in result.stdout


def test_serve_port_in_use_is_one_line(run, store):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run("sandbox", "serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ") and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_unusable_database_is_one_line(run, tmp_path, monkeypatch):
    bad = tmp_path / "not-a-db"
    bad.write_bytes(b"this is not sqlite" * 100)
    monkeypatch.setenv("CLEVER_SANDBOX_DB", str(bad))
    for args in (["--sandbox", "webhooks", "--org", "Acme"], ["sandbox", "outbox"]):
        result = run(*args)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith(f"Error: cannot use the sandbox database {bad}: ")
        assert "CLEVER_SANDBOX_DB" in result.stderr and result.stderr.count("\n") == 1
