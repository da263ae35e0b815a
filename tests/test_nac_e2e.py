"""End to end: the installed `clever` runs export → edit → plan → apply → plan, against `clever sandbox serve`
on a loopback port and against the in-process `--sandbox`; the requests each command sends are read from its
own `-v` log."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

pytestmark = pytest.mark.slow

RUN_TIMEOUT = 60
HOOK_URL = "https://hooks.example.org/services/T0/s3cr3t-in-the-url"
SENT = re.compile(r"^\[api\] (GET|POST|PUT|DELETE) (\S+) -> ", re.MULTILINE)  # what `clever -v` logs per request


def clever(exe, env, *args, expect=0, cwd=None):
    result = subprocess.run([exe, *args], env={**env, "HOOK_URL": HOOK_URL}, capture_output=True, text=True,
                            timeout=RUN_TIMEOUT, cwd=cwd, check=False)
    assert result.returncode == expect, (args, result.stdout, result.stderr)
    if "notifications" in args:
        assert HOOK_URL not in result.stdout + result.stderr  # shown as ${HOOK_URL}, never expanded
    return result


def sent(result) -> list[str]:
    """The methods of the requests the command sent, in order (from its -v log on stderr)."""
    return [method for method, _ in SENT.findall(result.stderr)]


EDITED_WEBHOOKS = """\
    webhooks:
    - name: deploys
      urls:
      - url: ${HOOK_URL}
        format: slack
      events:
      - META_DEPLOYMENT_RESULT
      services:
      - web
"""


def edit(path):
    """The exported file, edited: a webhook added, the default e-mails sent to one address (not to the
    organisation: that is the whole team the default already e-mails, a change that is none)."""
    text = path.read_text()
    assert "    name: Acme\n    webhooks: []\n" in text  # the owner by id, its name beside it
    text = text.replace("    name: Acme\n    webhooks: []\n", "    name: Acme\n" + EDITED_WEBHOOKS)
    text = text.replace("    - name: Default deployment result e-mails\n      events:",
                        "    - name: Default deployment result e-mails\n      notify: [ops@example.org]\n      events:")
    path.write_text(text)


def scenario(exe, env, tmp_path, *, sandbox: list[str]):
    def run(*args, **kw):
        return clever(exe, env, "-v", *sandbox, *args, cwd=tmp_path, **kw)

    exported = run("notifications", "export", "--org", "Acme", "--output", "n.yml")
    assert sent(exported) == ["GET"] * 3  # the summary, then the owner's two lists
    path = tmp_path / "n.yml"
    edit(path)

    planned = run("notifications", "plan", "n.yml", "--detailed-exitcode", expect=2)
    assert '  + create webhook "deploys"\n      urls: ${HOOK_URL} (slack)\n' in planned.stdout
    assert "      notified: whole team (default) → ops@example.org\n" in planned.stdout
    assert planned.stdout.endswith("Plan: 1 to create, 1 to update, 0 to delete (0 unchanged, 0 not in the file).\n")
    assert sent(planned) == ["GET"] * 3

    applied = run("notifications", "apply", "n.yml")
    assert applied.stderr.splitlines()[-1] == "Applied: 1 created, 1 updated, 0 deleted."
    assert sent(applied) == ["GET", "GET", "GET", "POST", "PUT"]

    assert sent(run("notifications", "plan", "n.yml", "--detailed-exitcode", expect=0)) == ["GET"] * 3
    again = run("notifications", "apply", "n.yml")
    assert "No changes: the API matches the file (2 unchanged, 0 not in the file)." in again.stdout
    assert sent(again) == ["GET"] * 3  # a second apply: reads only

    listed = json.loads(run("webhooks", "--org", "Acme", "-F", "json").stdout)
    assert [(h["name"], h["urls"], h["events"]) for h in listed] == [
        ("deploys", [{"format": "slack", "url": HOOK_URL}], ["META_DEPLOYMENT_RESULT"])]

    # the webhook leaves the file: --prune deletes it, and only with --yes when there is no terminal
    path.write_text(path.read_text().replace(EDITED_WEBHOOKS, "    webhooks: []\n"))
    refused = run("notifications", "apply", "n.yml", "--prune", expect=2)
    assert "pass --yes to confirm" in refused.stderr
    assert sent(refused) == ["GET"] * 3
    pruned = run("notifications", "apply", "n.yml", "--prune", "--yes")
    assert sent(pruned) == ["GET", "GET", "GET", "DELETE"]
    assert json.loads(run("webhooks", "--org", "Acme", "-F", "json").stdout) == []


def test_export_edit_plan_apply_plan_against_the_server(clever_exe, served, tmp_path):
    assert served.env["API_HOST"].startswith("http://127.0.0.1:")
    scenario(clever_exe, served.env, tmp_path, sandbox=[])


def test_export_edit_plan_apply_plan_in_process(clever_exe, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("API_HOST", "CLEVER_TOKEN", "CLEVER_SECRET")}
    scenario(clever_exe, env, tmp_path, sandbox=["--sandbox"])
