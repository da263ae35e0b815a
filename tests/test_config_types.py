"""Wrong types in the clever-tools config are refused with the file named, never sent (issue 23)."""

from __future__ import annotations

import json

import pytest
import responses

from helpers import API, ORG_ID


def write_config(isolated_env, data) -> str:
    path = isolated_env / "home" / ".config" / "clever-cloud" / "clever-tools.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return str(path)


def profile(**extra):
    return {"version": 1, "profiles": [{"alias": "default", "token": "ftoken-123456", "secret": "fsecret-123456",
                                        **extra}]}


@pytest.mark.parametrize("config,where,got", [
    (profile(overrides={"OAUTH_CONSUMER_KEY": {"k": "v"}}), "profiles[0].overrides.OAUTH_CONSUMER_KEY", "an object"),
    (profile(overrides={"OAUTH_CONSUMER_SECRET": ["s"]}), "profiles[0].overrides.OAUTH_CONSUMER_SECRET", "a list"),
    (profile(overrides={"API_HOST": 443}), "profiles[0].overrides.API_HOST", "a number"),
    (profile(overrides={"API_HOST": True}), "profiles[0].overrides.API_HOST", "true/false"),
    (profile(overrides={"CONSOLE_URL": {}}), "profiles[0].overrides.CONSOLE_URL", "an object"),
    (profile(alias={"a": 1}), "profiles[0].alias", "an object"),
    (profile(userId=7), "profiles[0].userId", "a number"),
    (profile(email=["a@b.c"]), "profiles[0].email", "a list"),
    (profile(expirationDate={}), "profiles[0].expirationDate", "an object"),
    ({**profile(), "version": "1"}, "version", "a string"),
    ({"token": "ftoken-123456", "secret": "fsecret-123456", "expirationDate": [1]}, "expirationDate", "a list"),
    ({"token": {"t": 1}, "secret": "fsecret-123456"}, "token", "an object"),
])
@responses.activate
def test_a_wrong_type_is_refused_with_the_file_named(run, isolated_env, monkeypatch, config, where, got):
    path = write_config(isolated_env, config)
    monkeypatch.setenv("API_HOST", API)
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 2, result.output
    assert path in result.stderr and f"`{where}`" in result.stderr and got in result.stderr
    assert "Traceback" not in result.output and "unexpected" not in result.stderr
    assert "ftoken" not in result.output and "fsecret" not in result.output
    assert len(responses.calls) == 0


@responses.activate
def test_an_object_for_the_consumer_key_is_never_sent_and_a_string_is(run, isolated_env, monkeypatch):
    path = write_config(isolated_env, profile(overrides={"OAUTH_CONSUMER_KEY": {"key": "ck"}, "API_HOST": API}))
    responses.get(f"{API}/v2/notifications/webhooks/{ORG_ID}", json=[])
    result = run("webhooks", "--org", ORG_ID)
    assert (result.exit_code, len(responses.calls)) == (2, 0), result.output
    assert path in result.stderr and "OAUTH_CONSUMER_KEY" in result.stderr
    write_config(isolated_env, profile(overrides={"API_HOST": API, "OAUTH_CONSUMER_KEY": "ck-override",
                                                  "OAUTH_CONSUMER_SECRET": None, "OTHER": "x"},
                                       userId="user_1", email="me@example.org", expirationDate="2030-01-01"))
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 0, result.output
    header = responses.calls[0].request.headers["Authorization"]
    assert 'oauth_consumer_key="ck-override"' in header and 'oauth_token="ftoken-123456"' in header
