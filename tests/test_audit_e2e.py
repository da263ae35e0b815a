"""End to end: the installed `clever` audits a fresh sandbox, finds each rule once (the seed's "Audit Demo"),
then every printed fix is run as printed and the audit finds nothing. Over HTTP (`sandbox serve` on a loopback
port) and in-process (`--sandbox`, whose fixes carry --sandbox too)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess

import pytest

from clever_notify.hooks.audit_rules import RULE_IDS

TIMEOUT = 60


def clever(exe, env, *args):
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["served", "in-process"])
def test_every_rule_once_then_the_fixes_make_the_audit_pass(clever_exe, tmp_path, mode, request):
    if mode == "served":
        env, prefix = request.getfixturevalue("served").env, []
    else:
        env, prefix = dict(os.environ), ["--sandbox"]
    first = clever(clever_exe, env, *prefix, "notifications", "audit", "-F", "json")
    assert first.returncode == 5, first.stderr
    findings = json.loads(first.stdout)
    assert sorted(f["rule"] for f in findings) == sorted(RULE_IDS)  # each rule once, nothing else
    assert {f["ownerName"] for f in findings} == {"Audit Demo"}
    assert "in 7 requests" in first.stderr  # 1 + 3 owners x 2 kinds
    for f in findings:
        assert f["fix"], f  # the seed's cases all have a command
        for command in f["fix"].split(" && "):
            argv = shlex.split(command)
            assert argv[0] == "clever" and (argv[1] == "--sandbox") == (mode == "in-process")
            done = clever(clever_exe, env, *argv[1:])
            assert done.returncode == 0, (command, done.stderr)
    again = clever(clever_exe, env, *prefix, "notifications", "audit")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == "" and "nothing found" in again.stderr


@pytest.mark.slow
def test_junit_of_a_fresh_sandbox(clever_exe):
    result = clever(clever_exe, dict(os.environ), "--sandbox", "notifications", "audit", "-F", "junit")
    assert result.returncode == 5
    from test_audit_cli import check_junit

    root = check_junit(result.stdout)
    assert int(root.get("failures")) == len(RULE_IDS)
