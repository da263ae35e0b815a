"""`notifications plan --detailed-exitcode`: 2 means "changes" and nothing else (issue 23).

A CI job reads exit 2 as "drift found": a command line that never planned must not exit 2. Every error of
that line exits 1, wherever it is found: click parsing the root, a group or the command, an environment
variable read as a flag, the file, the settings, the API.
"""

from __future__ import annotations

import pytest
import responses

from helpers import API, ORG_ID

FILE = "version: 1\nowners:\n  {owner}:\n    webhooks:\n      - {{name: a, urls: [{{url: 'https://a.example.org/h'}}]}}\n"


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "notifications.yml"
    path.write_text(FILE.format(owner=ORG_ID))
    return str(path)


@pytest.mark.parametrize("words", [
    ["--bogus", "notifications", "plan", "{f}", "--detailed-exitcode"],  # unknown root option
    ["-x", "notifications", "plan", "{f}", "--detailed-exitcode"],  # unknown short root option
    ["notifications", "--bogus", "plan", "{f}", "--detailed-exitcode"],  # unknown group option
    ["notifications", "plan", "{f}", "--detailed-exitcode=true"],  # a flag given a value
    ["notifications", "plan", "{f}", "--detailed-exitcode=1", "--prune"],
    ["notifications", "plan", "--detailed-exitcode"],  # FILE missing
    ["notifications", "plan", "{f}", "{f}", "--detailed-exitcode"],  # one FILE too many
    ["notifications", "plna", "{f}", "--detailed-exitcode"],  # mistyped command
    ["notification", "plan", "{f}", "--detailed-exitcode"],  # mistyped group
    ["notifications", "plan", "{f}", "--detailed-exitcode", "-F", "yaml"],  # bad choice
    ["notifications", "plan", "{f}", "--detailed-exitcode", "--json", "-F", "human"],  # contradiction
    ["notifications", "plan", "/nonexistent/file.yml", "--detailed-exitcode"],  # unreadable file
])
@responses.activate
def test_every_usage_error_exits_1(run, creds, plan_file, words):
    result = run(*[w.replace("{f}", plan_file) for w in words])
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.stderr.strip(), "the error is still said"
    assert len(responses.calls) == 0


@pytest.mark.parametrize("env,value", [
    ("CLEVER_SANDBOX", "maybe"), ("CLEVER_SANDBOX", "2"), ("CLEVER_TIMEOUT", "soon"), ("CLEVER_TIMEOUT", "0"),
    ("API_HOST", "http://api.example.org"),
])
@responses.activate
def test_a_bad_setting_in_the_environment_exits_1(run, creds, plan_file, monkeypatch, env, value):
    monkeypatch.setenv(env, value)
    result = run("notifications", "plan", plan_file, "--detailed-exitcode")
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert len(responses.calls) == 0


@responses.activate
def test_an_invalid_file_exits_1_and_a_real_change_still_exits_2(run, creds, plan_file, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("version: 2\nowners: {}\n")
    assert run("notifications", "plan", str(bad), "--detailed-exitcode").exit_code == 1
    assert run("notifications", "plan", str(bad)).exit_code == 2  # without the flag: a usage error, as before
    responses.get(f"{API}/v2/notifications/webhooks/{ORG_ID}", json=[])
    responses.get(f"{API}/v2/notifications/emailhooks/{ORG_ID}", json=[])
    result = run("notifications", "plan", plan_file, "--detailed-exitcode")
    assert result.exit_code == 2, result.output  # the one meaning of 2: something would change
    assert "Plan: 1 to create" in result.stdout


@pytest.mark.parametrize("words", [
    ["--bogus", "notifications", "plan", "f.yml"], ["notifications", "plan"], ["notifications", "--bogus", "plan"],
])
def test_without_the_flag_usage_errors_keep_exit_2(run, creds, words):
    assert run(*words).exit_code == 2
