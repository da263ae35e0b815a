"""End to end, the installed `clever` against `clever sandbox serve` on a loopback port: a webhook disabled
behind the file's back is drift (`plan --detailed-exitcode` exits 2), a saved plan revives it, a plan saved
before someone else's change is refused as stale with no write, and the file then plans no change."""

from __future__ import annotations

import json

import pytest

from test_nac_e2e import SENT, clever

pytestmark = pytest.mark.slow

FILE = """\
version: 1
owners:
  Acme:
    webhooks:
      - name: ops
        urls: [{url: 'https://ops.example.org/hook'}]
        events: [DEPLOYMENT_FAIL]
"""


def methods(result) -> list[str]:
    return [method for method, _ in SENT.findall(result.stderr)]


def test_drift_planned_then_revived_by_a_saved_plan_and_a_stale_one_refused(clever_exe, served, tmp_path):
    env = served.env

    def run(*args, **kw):
        return clever(clever_exe, env, "-v", *args, cwd=tmp_path, **kw)

    (tmp_path / "n.yml").write_text(FILE)
    run("notifications", "apply", "n.yml")
    (hook,) = json.loads(run("webhooks", "--org", "Acme", "-F", "json").stdout)
    run("webhooks", "disable", hook["id"], "--org", "Acme")

    drift = run("notifications", "plan", "n.yml", "--detailed-exitcode", "--out", "plan.json", expect=2)
    assert "      state: DISABLED → ENABLED\n" in drift.stdout
    assert methods(drift) == ["GET"] * 3  # the summary, the owner's two lists

    # someone edits the webhook after the review: the saved plan is stale, nothing is sent
    run("webhooks", "update", hook["id"], "--org", "Acme", "--event", "DEPLOYMENT_SUCCESS")
    stale = run("notifications", "apply", "plan.json", expect=1)
    assert "the plan is stale: plan again" in stale.stderr and f"(id {hook['id']}) at Acme changed" in stale.stderr
    assert methods(stale) == ["GET"]  # the one list the plan touches, then nothing

    markdown = run("notifications", "plan", "n.yml", "-F", "markdown", "--out", "plan.json")
    assert markdown.stdout.startswith("### Notifications plan: 0 to create, 1 to update, 0 to delete\n")
    applied = run("notifications", "apply", "plan.json")
    # the list checked, then the one update, read back: no re-creation was needed
    assert methods(applied)[0] == "GET" and [m for m in methods(applied) if m != "GET"] == ["PUT"]
    listed = json.loads(run("webhooks", "--org", "Acme", "-F", "json").stdout)
    assert [(h["id"], h["events"]) for h in listed] == [(hook["id"], ["DEPLOYMENT_FAIL"])]
    health = json.loads(run("webhooks", "check", "--org", "Acme", "-F", "json").stdout)
    assert [h["state"] for h in health] == ["ENABLED"]
    assert methods(run("notifications", "plan", "n.yml", "--detailed-exitcode")) == ["GET"] * 3
