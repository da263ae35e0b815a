"""End to end: the installed `clever` runs export → edit → plan → apply → plan, against `clever sandbox serve`
on a loopback port (requests counted from the server's own log) and against the in-process `--sandbox`."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time

import pytest
from test_sandbox_e2e import _read_export_line

pytestmark = pytest.mark.slow

RUN_TIMEOUT = 60
HOOK_URL = "https://hooks.example.org/services/T0/s3cr3t-in-the-url"
REQUEST = re.compile(r'"(?:\x1b\[[0-9;]*m)*(GET|POST|PUT|DELETE) (\S+) HTTP/')  # werkzeug colours some lines


class Server:
    def __init__(self, proc, env, log_path):
        self.proc, self.env, self.log_path = proc, env, log_path
        self.seen = 0

    def _logged(self) -> list[tuple[str, str]]:
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return REQUEST.findall(log.read())

    def requests(self) -> list[tuple[str, str]]:
        """The requests logged since the last call, once the log has been quiet for a moment (bounded wait)."""
        deadline = time.monotonic() + 5
        count, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            now = len(self._logged())
            if now != count:
                count, quiet_since = now, time.monotonic()
            elif time.monotonic() - quiet_since > 0.3:
                break
            time.sleep(0.05)
        found = self._logged()
        new, self.seen = found[self.seen:], len(found)
        return new


@pytest.fixture
def server(clever_exe, tmp_path):
    env = dict(os.environ)
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as err:
        proc = subprocess.Popen([clever_exe, "sandbox", "serve", "--port", "0", "--log-requests"],
                                stdout=subprocess.PIPE, stderr=err, env=env)
    try:
        line = _read_export_line(proc)
        m = re.fullmatch(r"export API_HOST=(http://127\.0\.0\.1:\d+) CLEVER_TOKEN=(\S+) CLEVER_SECRET=(\S+)", line)
        assert m, line
        env.update(API_HOST=m[1], CLEVER_TOKEN=m[2], CLEVER_SECRET=m[3])
        yield Server(proc, env, log_path)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        proc.stdout.close()


def clever(exe, env, *args, expect=0, cwd=None):
    result = subprocess.run([exe, *args], check=False, env={**env, "HOOK_URL": HOOK_URL}, capture_output=True, text=True,
                            timeout=RUN_TIMEOUT, cwd=cwd)
    assert result.returncode == expect, (args, result.stdout, result.stderr)
    if "notifications" in args:
        assert HOOK_URL not in result.stdout + result.stderr  # shown as ${HOOK_URL}, never expanded
    return result


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
    """The exported file, edited: a webhook added, the default e-mails sent to the organisation."""
    text = path.read_text()
    assert "  Acme:\n    webhooks: []\n" in text
    text = text.replace("  Acme:\n    webhooks: []\n", "  Acme:\n" + EDITED_WEBHOOKS)
    text = text.replace("    - name: Default deployment result e-mails\n      events:",
                        "    - name: Default deployment result e-mails\n      notify: [organisation]\n      events:")
    path.write_text(text)


def scenario(exe, env, tmp_path, *, sandbox: list[str], requests):
    """`requests()` answers the requests sent since its last call (None when they cannot be seen)."""

    def run(*args, **kw):
        return clever(exe, env, *sandbox, *args, cwd=tmp_path, **kw)

    def methods():
        seen = requests()
        return None if seen is None else [m for m, _ in seen]

    def reads(n):
        return None if requests() is None else ["GET"] * n

    run("notifications", "export", "--org", "Acme", "-o", "n.yml")
    assert methods() == reads(3)  # summary, then the owner's two lists
    path = tmp_path / "n.yml"
    edit(path)

    planned = run("notifications", "plan", "n.yml", "--detailed-exitcode", expect=2)
    assert '  + create webhook "deploys"\n      urls: ${HOOK_URL} (slack)\n' in planned.stdout
    assert "      notified: whole organisation/team (default) → whole organisation/team\n" in planned.stdout
    assert planned.stdout.endswith("Plan: 1 to create, 1 to update, 0 to delete (0 unchanged, 0 not in the file).\n")
    assert methods() == reads(3)

    applied = run("notifications", "apply", "n.yml")
    assert applied.stderr.splitlines()[-1] == "Applied: 1 created, 1 updated, 0 deleted."
    assert methods() in (None, ["GET", "GET", "GET", "POST", "PUT"])

    run("notifications", "plan", "n.yml", "--detailed-exitcode", expect=0)
    again = run("notifications", "apply", "n.yml")
    assert "No changes: the API matches the file (2 unchanged, 0 not in the file)." in again.stdout
    assert methods() == reads(6)  # the plan, then the second apply: reads only

    listed = json.loads(run("webhooks", "--org", "Acme", "-F", "json").stdout)
    assert [(h["name"], h["urls"], h["events"]) for h in listed] == [
        ("deploys", [{"format": "slack", "url": HOOK_URL}], ["META_DEPLOYMENT_RESULT"])]
    requests()

    # the webhook leaves the file: --prune deletes it, and only with --yes when there is no terminal
    path.write_text(path.read_text().replace(EDITED_WEBHOOKS, "    webhooks: []\n"))
    refused = run("notifications", "apply", "n.yml", "--prune", expect=2)
    assert "pass --yes to confirm" in refused.stderr
    assert methods() == reads(3)
    run("notifications", "apply", "n.yml", "--prune", "--yes")
    assert methods() in (None, ["GET", "GET", "GET", "DELETE"])
    assert json.loads(run("webhooks", "--org", "Acme", "-F", "json").stdout) == []


def test_export_edit_plan_apply_plan_against_the_server(clever_exe, server, tmp_path):
    scenario(clever_exe, server.env, tmp_path, sandbox=[], requests=server.requests)


def test_export_edit_plan_apply_plan_in_process(clever_exe, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("API_HOST", "CLEVER_TOKEN", "CLEVER_SECRET")}
    scenario(clever_exe, env, tmp_path, sandbox=["--sandbox"], requests=lambda: None)
