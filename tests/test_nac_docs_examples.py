"""Every notifications file shown in docs/notifications-as-code.md, applied to the sandbox, then planned: no
change. (The docs' own example once planned an update right after it was applied.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "notifications-as-code.md"
# the ids and name the docs show for your account and for Acme, replaced by the sandbox's own
DOC_USER_ID = "user_8c0b3c7a-9d3c-4d5a-8f5e-2a1f2b3c4d5e"
DOC_ORG_ID = "orga_3547a882-d464-4c34-8168-add4b3e0c135"
DOC_USER_NAME = "Alice"


def examples() -> list[str]:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [b for b in blocks if re.search(r"^version: 1$", b, re.M) and re.search(r"^owners:$", b, re.M)]


def test_the_docs_show_notifications_files():
    assert len(examples()) >= 2  # the format, and owners by identity


@pytest.mark.parametrize("n", range(len(examples())))
def test_each_example_applied_to_the_sandbox_then_planned_shows_no_change(run, tmp_path, monkeypatch, n):
    from clever_notify import Notifications

    monkeypatch.setenv("SLACK_DEPLOY_URL", "https://hooks.slack.com/services/T0/B0/docs-example")
    sandbox = Notifications.sandbox()
    me, acme = sandbox.owner("self"), sandbox.owner("Acme")
    text = (examples()[n].replace(DOC_USER_ID, me.id).replace(DOC_ORG_ID, acme.id)
            .replace(f"name: {DOC_USER_NAME}\n", f"name: {me.name}\n"))
    path = tmp_path / "notifications.yml"
    path.write_text(text, encoding="utf-8")
    applied = run("--sandbox", "notifications", "apply", str(path), "--prune", "--yes")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    planned = run("--sandbox", "notifications", "plan", str(path), "--prune", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "No changes: the API matches the file" in planned.stdout
