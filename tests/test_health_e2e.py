"""End to end, the installed `clever` against `clever sandbox serve` on 127.0.0.1: a webhook pointed at a closed
loopback port fails until the sandbox disables it, `check` exits 5 naming it disabled, `enable` revives it, and
`check` no longer reports it disabled. Every subprocess has a timeout; the server is stopped whatever happens."""

from __future__ import annotations

import json

import pytest

from servers import closed_port_url
from test_sandbox_e2e import clever

DISABLE_AFTER = 5  # the sandbox's default, CLEVER_SANDBOX_DISABLE_AFTER unset (conftest clears CLEVER_*)


@pytest.mark.slow
def test_a_failing_webhook_is_disabled_then_checked_then_revived(clever_exe, served):
    env = served.env
    assert "CLEVER_SANDBOX_DISABLE_AFTER" not in env
    hook_id = clever(clever_exe, env, "webhooks", "add", "broken", closed_port_url(), "--org", "Acme").stdout.strip()
    fresh = clever(clever_exe, env, "webhooks", "check", "--org", "Acme")
    assert fresh.stdout.startswith(f"ok       broken ({hook_id})")

    for i in range(1, DISABLE_AFTER + 1):
        emitted = clever(clever_exe, env, "sandbox", "emit", "DEPLOYMENT_FAIL", "--org", "Acme", expect=1)
        assert ("is now DISABLED" in emitted.stderr) is (i == DISABLE_AFTER), (i, emitted.stderr)
    silent = clever(clever_exe, env, "sandbox", "emit", "DEPLOYMENT_FAIL", "--org", "Acme", "-F", "json")
    assert json.loads(silent.stdout)["deliveries"] == []  # disabled: it receives nothing more

    checked = clever(clever_exe, env, "webhooks", "check", "--org", "Acme", expect=5)
    [line] = checked.stdout.splitlines()
    assert line.startswith(f"disabled broken ({hook_id})  state DISABLED")
    assert f"{DISABLE_AFTER} failures, last: network failure" in line
    assert f"clever webhooks enable {hook_id} --org " in checked.stderr
    listed = clever(clever_exe, env, "webhooks", "--org", "Acme")
    assert "broken  [DISABLED]" in listed.stdout

    enabled = clever(clever_exe, env, "webhooks", "enable", hook_id, "--org", "Acme")
    assert enabled.stdout == f"{hook_id}\n"  # the sandbox honours the update: same webhook, no re-creation

    after = clever(clever_exe, env, "webhooks", "check", "--org", "Acme", "--json", expect=5)  # failures are recent
    [health] = json.loads(after.stdout)
    assert (health["id"], health["state"], health["health"]) == (hook_id, "ENABLED", "failing")
    again = clever(clever_exe, env, "webhooks", "check", "--org", "Acme", expect=5)
    assert "disabled" not in again.stdout and again.stdout.startswith(f"failing  broken ({hook_id})")
    retried = clever(clever_exe, env, "sandbox", "emit", "DEPLOYMENT_FAIL", "--org", "Acme", "-F", "json", expect=1)
    assert [d["hookId"] for d in json.loads(retried.stdout)["deliveries"]] == [hook_id]  # called again
