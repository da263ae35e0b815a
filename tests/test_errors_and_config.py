"""Credentials, settings, owner resolution and the error boundary: messages, exit codes, nothing sent."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from helpers import API, CONSUMER_SECRET, ORG2_ID, ORG_ID, SECRET, SELF_URL, SUMMARY_URL, TOKEN, USER_ID, oauth_header

HOOKS_URL = f"{API}/v2/notifications/webhooks"


def write_config(isolated_env, data) -> None:
    path = isolated_env / "home" / ".config" / "clever-cloud" / "clever-tools.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))


@responses.activate
def test_no_credentials_exit_3_names_both_fixes_sends_nothing(run, monkeypatch):
    monkeypatch.setenv("API_HOST", API)
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 3
    assert "CLEVER_TOKEN" in result.stderr and "clever login" in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_config_file_profile_and_api_host_override(run, isolated_env):
    write_config(isolated_env, {"version": 1, "profiles": [
        {"alias": "default", "token": "ft", "secret": "fs", "overrides": {"API_HOST": "https://profile.test"}},
        {"alias": "other", "token": "xx", "secret": "yy"},
    ]})
    responses.get(f"https://profile.test/v2/notifications/webhooks/{ORG_ID}", json=[])
    result = run("webhooks", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert responses.calls[0].request.headers["Authorization"] == oauth_header("ft", "fs")


@responses.activate
def test_legacy_config_env_api_host_and_consumer_overrides(run, isolated_env, monkeypatch):
    write_config(isolated_env, {"token": "lt", "secret": "ls", "expirationDate": "2030"})
    monkeypatch.setenv("API_HOST", API)
    monkeypatch.setenv("OAUTH_CONSUMER_KEY", "ck")
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", "cs")
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert responses.calls[0].request.headers["Authorization"] == (
        'OAuth oauth_consumer_key="ck", oauth_token="lt", oauth_signature="cs%26ls"')


@responses.activate
def test_configuration_file_env_overrides_path(run, tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps({"version": 1, "profiles": [{"alias": "a", "token": "et", "secret": "es"}]}))
    monkeypatch.setenv("CONFIGURATION_FILE", str(path))
    monkeypatch.setenv("API_HOST", API)
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    assert run("webhooks", "--org", ORG_ID).exit_code == 0
    assert 'oauth_token="et"' in responses.calls[0].request.headers["Authorization"]


@pytest.mark.parametrize("content,needle", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"version": 1, "profiles": [{"alias": "a"}]}', "has no `token`"),
    ('{"version": 1, "profiles": {"a": 1}}', "`profiles` must be a list"),
])
@responses.activate
def test_malformed_config_file_exit_2_with_path(run, isolated_env, monkeypatch, content, needle):
    write_config(isolated_env, content)
    monkeypatch.setenv("API_HOST", API)
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 2
    assert "clever-tools.json" in result.stderr and needle in result.stderr
    assert "Traceback" not in result.output
    assert len(responses.calls) == 0


@pytest.mark.parametrize("content,needle", [
    ("{oops", "not valid JSON"),
    ('{"apps": "x"}', "`apps` must be a list"),
    ('{"apps": [{"app_id": "a", "alias": "one"}, {"app_id": "b", "alias": "two"}]}', "one, two"),
    ('{"apps": [{"app_id": "a"}], "default": "zzz"}', "default application zzz"),
])
@responses.activate
def test_malformed_clever_json_exit_2(run, creds, isolated_env, content, needle):
    (isolated_env / "work" / ".clever.json").write_text(content)
    result = run("webhooks")
    assert result.exit_code == 2, result.output
    assert ".clever.json" in result.stderr and needle in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_app_configuration_file_env(run, creds, tmp_path, monkeypatch):
    path = tmp_path / "custom.json"
    path.write_text(json.dumps({"apps": [{"app_id": "app_z", "org_id": ORG2_ID}]}))
    monkeypatch.setenv("APP_CONFIGURATION_FILE", str(path))
    responses.get(f"{HOOKS_URL}/{ORG2_ID}", json=[])
    assert run("webhooks", "-F", "json").exit_code == 0
    assert responses.calls[0].request.url == f"{HOOKS_URL}/{ORG2_ID}"


@responses.activate
def test_unknown_org_name(run, creds):
    responses.get(SUMMARY_URL, json={"user": {}, "organisations": [{"id": ORG_ID, "name": "Acme"}]})
    result = run("webhooks", "--org", "Nope")
    assert result.exit_code == 4
    assert result.stderr == "Error: organisation 'Nope' not found among yours; yours are: 'Acme'\n"
    assert len(responses.calls) == 1


@responses.activate
def test_org_name_near_miss_is_suggested(run, creds):
    responses.get(SUMMARY_URL, json={"user": {}, "organisations": [
        {"id": ORG_ID, "name": "Acme"}, {"id": ORG2_ID, "name": "Other"}]})
    result = run("webhooks", "--org", "acme")
    assert result.exit_code == 4
    assert "did you mean 'Acme'? (names are case-sensitive)" in result.stderr


@responses.activate
def test_ambiguous_org_name_lists_candidates(run, creds):
    responses.get(SUMMARY_URL, json={"user": {}, "organisations": [
        {"id": ORG_ID, "name": "Same"}, {"id": ORG2_ID, "name": "Same"}]})
    result = run("webhooks", "add", "n", "https://x.org", "--org", "Same")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr and ORG_ID in result.stderr and ORG2_ID in result.stderr
    assert [c.request.method for c in responses.calls] == ["GET"]


@responses.activate
def test_401_is_exit_3(run, creds):
    responses.get(f"{HOOKS_URL}/{ORG_ID}", status=401, json={"message": "bad token"})
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 3
    assert "401" in result.stderr and "CLEVER_TOKEN" in result.stderr


@responses.activate
def test_server_error_shows_api_message_exit_1(run, creds):
    responses.post(f"{HOOKS_URL}/{ORG_ID}", status=400, json={"id": 1, "message": "Invalid scope", "type": "error"})
    result = run("webhooks", "add", "n", "https://x.org", "--org", ORG_ID)
    assert result.exit_code == 1
    assert result.stderr == "Error: the API answered 400: Invalid scope\n"


@responses.activate
def test_html_error_page_and_non_json_success(run, creds):
    responses.get(f"{HOOKS_URL}/{ORG_ID}", status=502, body="<html><body>Bad gateway</body></html>",
                  content_type="text/html")
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1 and "502" in result.stderr and "<html>" not in result.stderr
    responses.replace(responses.GET, f"{HOOKS_URL}/{ORG_ID}", status=200, body="oops", content_type="text/plain")
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1 and "not JSON" in result.stderr


@responses.activate
def test_wrong_shape_is_clear_error(run, creds):
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json={"not": "a list"})
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1 and "expected a JSON list" in result.stderr


@responses.activate
def test_connection_failure_is_a_sentence(run, creds):
    responses.get(f"{HOOKS_URL}/{ORG_ID}", body=requests.exceptions.ConnectionError("dns boom"))
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot reach the API at https://api.test")
    assert "Traceback" not in result.output


@responses.activate
def test_verbose_logs_requests_without_secrets(run, creds):
    responses.get(SELF_URL, json={"id": USER_ID})
    responses.get(f"{HOOKS_URL}/{USER_ID}", status=500, json={"message": f"echo {TOKEN} {SECRET}"})
    result = run("--verbose", "webhooks")
    assert result.exit_code == 1
    assert f"[api] GET {API}/v2/self -> 200" in result.stderr
    assert f"[api] GET {HOOKS_URL}/{USER_ID} -> 500" in result.stderr
    assert TOKEN not in result.output and SECRET not in result.output
    assert CONSUMER_SECRET not in result.output


def test_help_command_matches_dash_dash_help(run):
    assert run("help", "webhooks", "add").stdout == run("webhooks", "add", "--help").stdout
    assert run("help").stdout == run("--help").stdout
    bad = run("help", "nope")
    assert bad.exit_code == 2 and "no such command" in bad.stderr


@responses.activate
def test_unexpected_exception_is_one_line_and_hides_credentials(run, creds, monkeypatch):
    from clever_notify.hooks import describe

    def boom(kind, hook):
        raise RuntimeError(f"bug while rendering with {TOKEN} and {SECRET}")

    monkeypatch.setattr(describe, "summary", boom)
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[{"id": "h"}])
    result = run("webhooks", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unexpected RuntimeError: bug while rendering with <hidden> and <hidden>")
    assert TOKEN not in result.output and SECRET not in result.output and "Traceback" not in result.output
