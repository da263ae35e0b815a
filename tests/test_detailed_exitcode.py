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


# Found by click before any command runs (the root, a group), or by the command's own parser.
PARSE_ERRORS = [
    ["--bogus", "notifications", "plan", "{f}", "--detailed-exitcode"],  # unknown root option
    ["-x", "notifications", "plan", "{f}", "--detailed-exitcode"],  # unknown short root option
    ["notifications", "--bogus", "plan", "{f}", "--detailed-exitcode"],  # unknown group option
    ["notifications", "plan", "{f}", "--detailed-exitcode=true"],  # a flag given a value
    ["notifications", "plan", "{f}", "--detailed-exitcode=1", "--prune"],
    ["notifications", "plna", "{f}", "--detailed-exitcode"],  # mistyped command
    ["notification", "plan", "{f}", "--detailed-exitcode"],  # mistyped group
    ["notifications", "plan", "{f}", "--detailed-exitcode", "--json", "-F", "human"],  # contradiction
]
# Errors that already exited 1 before issue 23: kept in the table so the rule is checked whole.
OTHER_ERRORS = [
    ["notifications", "plan", "--detailed-exitcode"],  # FILE missing
    ["notifications", "plan", "{f}", "{f}", "--detailed-exitcode"],  # one FILE too many
    ["notifications", "plan", "{f}", "--detailed-exitcode", "-F", "yaml"],  # bad choice
    ["notifications", "plan", "/nonexistent/file.yml", "--detailed-exitcode"],  # unreadable file
]
BAD_ENV = [("CLEVER_SANDBOX", "maybe"), ("CLEVER_SANDBOX", "2")]
OTHER_BAD_ENV = [("CLEVER_TIMEOUT", "soon"), ("CLEVER_TIMEOUT", "0"), ("API_HOST", "http://api.example.org")]


@pytest.mark.parametrize("words", PARSE_ERRORS)
@responses.activate
def test_a_parse_error_exits_1_with_the_flag_and_2_without(run, creds, plan_file, words):
    result = run(*[w.replace("{f}", plan_file) for w in words])
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.stderr.strip(), "the error is still said"
    without = [w.replace("{f}", plan_file) for w in words if not w.startswith("--detailed-exitcode")]
    if any(w in ("--bogus", "-x", "plna", "notification", "--json") for w in words):
        assert run(*without).exit_code == 2  # without the flag, a usage error keeps its code
    assert len(responses.calls) == 0


@pytest.mark.parametrize("env,value", BAD_ENV)
@responses.activate
def test_a_flag_from_the_environment_that_cannot_be_read_exits_1(run, creds, plan_file, monkeypatch, env, value):
    monkeypatch.setenv(env, value)
    result = run("notifications", "plan", plan_file, "--detailed-exitcode")
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert "--sandbox" in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_every_error_of_the_line_exits_1_wherever_found_and_2_means_changes(run, creds, plan_file, tmp_path,
                                                                           monkeypatch):
    for words in PARSE_ERRORS + OTHER_ERRORS:
        result = run(*[w.replace("{f}", plan_file) for w in words])
        assert result.exit_code == 1, (words, result.exit_code, result.output)
    for env, value in BAD_ENV + OTHER_BAD_ENV:
        with monkeypatch.context() as m:
            m.setenv(env, value)
            result = run("notifications", "plan", plan_file, "--detailed-exitcode")
            assert result.exit_code == 1, (env, value, result.exit_code, result.output)
    bad = tmp_path / "bad.yml"
    bad.write_text("version: 2\nowners: {}\n")
    assert run("notifications", "plan", str(bad), "--detailed-exitcode").exit_code == 1
    assert run("notifications", "plan", str(bad)).exit_code == 2  # without the flag: a usage error, as before
    assert len(responses.calls) == 0
    responses.get(f"{API}/v2/notifications/webhooks/{ORG_ID}", json=[])
    responses.get(f"{API}/v2/notifications/emailhooks/{ORG_ID}", json=[])
    result = run("notifications", "plan", plan_file, "--detailed-exitcode")
    assert result.exit_code == 2, result.output  # the one meaning of 2: something would change
    assert "Plan: 1 to create" in result.stdout
