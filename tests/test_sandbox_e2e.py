"""End to end: the installed `clever` against `clever sandbox serve` on a loopback port, as separate processes.

Every subprocess has a timeout; the server is terminated (then killed if it must be) whatever happens.
"""

from __future__ import annotations

import json
import signal
import subprocess

import pytest

from servers import LoopbackServer, webhook_receiver

pytestmark = pytest.mark.slow

RUN_TIMEOUT = 30


def clever(exe, env, *args, expect=0):
    result = subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert result.returncode == expect, (args, result.stdout, result.stderr)
    return result


def test_add_list_remove_against_the_server(clever_exe, served):
    env = served.env
    added = clever(clever_exe, env, "webhooks", "add", "deploys", "https://example.org/hook", "--format", "slack",
                   "--event", "META_DEPLOYMENT_RESULT", "--org", "Acme", "--json")
    hook = json.loads(added.stdout)
    org_id = hook["ownerId"]
    assert org_id.startswith("orga_") and hook["state"] == "ENABLED" and hook["failures"] == []
    listed = json.loads(clever(clever_exe, env, "webhooks", "--org", "Acme", "-F", "json").stdout)
    assert listed == [{"id": hook["id"], "name": "deploys", "ownerId": org_id, "services": [org_id],
                       "events": ["META_DEPLOYMENT_RESULT"],
                       "urls": [{"format": "slack", "url": "https://example.org/hook"}]}]
    clever(clever_exe, env, "webhooks", "remove", hook["id"], "--org", org_id)
    assert json.loads(clever(clever_exe, env, "webhooks", "--org", "Acme", "-F", "json").stdout) == []
    gone = clever(clever_exe, env, "webhooks", "remove", hook["id"], "--org", org_id, expect=4)
    assert gone.stderr.startswith("Error: ") and hook["id"] in gone.stderr


def test_notify_email_list_against_the_server(clever_exe, served):
    mine = json.loads(clever(clever_exe, served.env, "notify-email", "-F", "json").stdout)
    acme = json.loads(clever(clever_exe, served.env, "notify-email", "--org", "Acme", "-F", "json").stdout)
    for hooks, prefix in ((mine, "user_"), (acme, "orga_")):
        [hook] = hooks
        assert hook["name"] == "Default deployment result e-mails" and hook["ownerId"].startswith(prefix)
        assert hook["events"] == ["META_DEPLOYMENT_RESULT"] and hook["notified"] == ["whole team"]


def test_a_non_oauth_client_gets_401(served):
    import requests

    r = requests.get(served.env["API_HOST"] + "/v2/self", timeout=5)
    assert r.status_code == 401 and r.json()["type"] == "error"


def test_emit_in_every_format_and_failure_recorded(clever_exe, served):
    env = served.env
    with LoopbackServer(webhook_receiver()) as ok, LoopbackServer(webhook_receiver(500, b"nope")) as bad:
        for fmt in ("raw", "slack", "gitter", "flowdock"):
            clever(clever_exe, env, "webhooks", "add", f"to {fmt}", f"{ok.url}/{fmt}", "--format", fmt,
                   "--event", "META_DEPLOYMENT_RESULT", "--org", "Acme")
        broken = json.loads(clever(clever_exe, env, "webhooks", "add", "broken", f"{bad.url}/hook", "--org", "Acme",
                                   "--json").stdout)
        emitted = clever(clever_exe, env, "sandbox", "emit", "DEPLOYMENT_FAIL", "--org", "Acme", "--service", "web",
                         "-F", "json", expect=1)
    report = json.loads(emitted.stdout)
    event = report["event"]
    bodies = {r.path: r.json() for r in ok.received}
    assert sorted(bodies) == ["/flowdock", "/gitter", "/raw", "/slack"]
    assert all(r.headers["Content-Type"] == "application/json" for r in ok.received)
    assert bodies["/raw"] == event and event["type"] == "DEPLOYMENT_FAIL" and event["data"]["appName"] == "web"
    slack = bodies["/slack"]
    assert slack["text"].startswith("web failed to deploy") and slack["attachments"][0]["color"] == "danger"
    assert bodies["/gitter"] == {"message": f"[DEPLOYMENT_FAIL] web failed to deploy "
                                            f"(https://console.clever-cloud.com/goto/{event['data']['appId']})",
                                 "level": "error"}
    flowdock = bodies["/flowdock"]
    assert flowdock["event"] == "activity" and flowdock["thread"]["status"] == {"color": "red", "value": "failed"}
    assert [r.path for r in bad.received] == ["/hook"]
    statuses = {d["url"]: d["status"] for d in report["deliveries"]}
    assert statuses[f"{bad.url}/hook"] == 500 and sorted(set(statuses.values())) == [200, 500]
    assert "1 of 5 deliveries failed" in emitted.stderr
    # The failure is visible through the API, as the real one exposes it.
    import requests

    auth = 'OAuth oauth_consumer_key="k", oauth_token="t", oauth_signature="s%26s"'
    hooks = requests.get(f"{env['API_HOST']}/v2/notifications/webhooks/{broken['ownerId']}",
                         headers={"Authorization": auth}, timeout=5).json()
    failures = {h["name"]: h["failures"] for h in hooks}
    [failure] = failures["broken"]
    assert failure["url"] == f"{bad.url}/hook" and failure["status"] == 500 and failure["partialBody"] == "nope"
    assert all(failures[f"to {fmt}"] == [] for fmt in ("raw", "slack", "gitter", "flowdock"))
    # And the seeded e-mail notification of Acme "sent" its message.
    [mail] = json.loads(clever(clever_exe, env, "sandbox", "outbox", "-F", "json").stdout)
    assert mail["subject"] == "[Clever Cloud] web failed to deploy" and mail["eventId"] == event["id"]


def test_in_process_mode_and_state_across_invocations(clever_exe, served):
    """`--sandbox` and the server share one database; each invocation sees what the previous ones did."""
    local = {k: v for k, v in served.env.items() if k not in ("API_HOST", "CLEVER_TOKEN", "CLEVER_SECRET")}
    hook_id = clever(clever_exe, local, "--sandbox", "webhooks", "add", "from cli", "https://example.org/a",
                     "--org", "Acme").stdout.strip()
    via_server = json.loads(clever(clever_exe, served.env, "webhooks", "--org", "Acme", "-F", "json").stdout)
    assert [h["id"] for h in via_server] == [hook_id]
    via_env = json.loads(clever(clever_exe, {**local, "CLEVER_SANDBOX": "1"}, "webhooks", "--org", "Acme", "-F",
                                "json").stdout)
    assert via_env == via_server
    clever(clever_exe, served.env, "webhooks", "remove", hook_id, "--org", "Acme")
    assert json.loads(clever(clever_exe, local, "--sandbox", "webhooks", "--org", "Acme", "-F", "json").stdout) == []
    clever(clever_exe, local, "sandbox", "reset")
    assert len(json.loads(clever(clever_exe, local, "--sandbox", "notify-email", "--org", "Acme", "-F",
                                 "json").stdout)) == 1


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_server_stops_cleanly(served, sig):
    served.proc.send_signal(sig)
    assert served.proc.wait(timeout=10) == 0
