"""The organisation name → id cache: hits send no /v2/summary, misses refresh it, damage is never an error."""

from __future__ import annotations

import json
import os
import stat

import pytest
import responses

import helpers
from helpers import API, ORG2_ID, ORG_ID, SUMMARY_URL, TOKEN, owner

HOOKS_URL = f"{API}/v2/notifications/webhooks"


def summary(*orgs):
    return helpers.summary(*(owner(org_id, name) for org_id, name in orgs))


@pytest.fixture
def cache_file(isolated_env):
    # conftest points XDG_CACHE_HOME here; platformdirs' user_cache_dir follows it on Linux
    return isolated_env / "home" / ".cache" / "clever-notify" / "organisations.json"


def urls():
    return [c.request.url for c in responses.calls]


@responses.activate
def test_second_call_by_name_sends_no_summary(run, creds, cache_file):
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme"), (ORG2_ID, "Twin")))
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    responses.get(f"{HOOKS_URL}/{ORG2_ID}", json=[])
    first = run("webhooks", "--org", "Acme", "-F", "json")
    assert first.exit_code == 0, first.stderr
    assert urls() == [SUMMARY_URL, f"{HOOKS_URL}/{ORG_ID}"]
    second = run("webhooks", "--org", "Acme", "-F", "json")
    assert second.exit_code == 0, second.stderr
    assert urls() == [SUMMARY_URL, f"{HOOKS_URL}/{ORG_ID}", f"{HOOKS_URL}/{ORG_ID}"]
    # the other name came with the same summary: no request for it either
    third = run("webhooks", "--org", "Twin", "-F", "json")
    assert third.exit_code == 0, third.stderr
    assert urls()[2:] == [f"{HOOKS_URL}/{ORG_ID}", f"{HOOKS_URL}/{ORG2_ID}"]


@responses.activate
def test_cache_file_is_private_and_holds_no_secret(run, creds, cache_file):
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme")))
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    assert run("webhooks", "--org", "Acme", "-F", "json").exit_code == 0
    assert stat.S_IMODE(os.stat(cache_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(cache_file.parent).st_mode) == 0o700
    text = cache_file.read_text()
    assert TOKEN not in text and "SECRET" not in text
    data = json.loads(text)
    [account] = data["accounts"].values()
    assert account["organisations"] == {"Acme": [ORG_ID]}


@responses.activate
def test_name_missing_from_cache_refreshes_it(run, creds, cache_file):
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme")))
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme"), (ORG2_ID, "NewCo")))
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    responses.get(f"{HOOKS_URL}/{ORG2_ID}", json=[])
    assert run("webhooks", "--org", "Acme", "-F", "json").exit_code == 0
    result = run("webhooks", "--org", "NewCo", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert urls() == [SUMMARY_URL, f"{HOOKS_URL}/{ORG_ID}", SUMMARY_URL, f"{HOOKS_URL}/{ORG2_ID}"]
    [account] = json.loads(cache_file.read_text())["accounts"].values()
    assert account["organisations"] == {"Acme": [ORG_ID], "NewCo": [ORG2_ID]}


@responses.activate
def test_unknown_name_is_still_not_found_after_refresh(run, creds, cache_file):
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme")))
    result = run("webhooks", "--org", "Nope", "-F", "json")
    assert result.exit_code == 4
    assert "'Nope' not found" in result.stderr
    assert urls() == [SUMMARY_URL]


@pytest.mark.parametrize("garbage", [b"{not json", b"\xff\xfe\x00", b"[]", b'{"version": 1, "accounts": {"x": 3}}',
                                     b'{"version": 99}'])
@responses.activate
def test_corrupt_cache_is_ignored_and_rewritten(run, creds, cache_file, garbage):
    cache_file.parent.mkdir(parents=True, mode=0o700)
    cache_file.write_bytes(garbage)
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme")))
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    result = run("webhooks", "--org", "Acme", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert urls() == [SUMMARY_URL, f"{HOOKS_URL}/{ORG_ID}"]
    [account] = json.loads(cache_file.read_text())["accounts"].values()
    assert account["organisations"] == {"Acme": [ORG_ID]}


@responses.activate
def test_damaged_entry_for_the_name_is_a_miss(run, creds, cache_file):
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme")))
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    assert run("webhooks", "--org", "Acme", "-F", "json").exit_code == 0
    data = json.loads(cache_file.read_text())
    [key] = data["accounts"]
    data["accounts"][key]["organisations"]["Acme"] = "orga_not_a_list"
    cache_file.write_text(json.dumps(data))
    assert run("webhooks", "--org", "Acme", "-F", "json").exit_code == 0
    assert urls().count(SUMMARY_URL) == 2


@responses.activate
def test_unwritable_cache_is_not_an_error(run, creds, isolated_env, monkeypatch):
    blocker = isolated_env / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLEVER_NOTIFY_CACHE_DIR", str(blocker))
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme")))
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    for _ in range(2):
        result = run("webhooks", "--org", "Acme", "-F", "json")
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
    assert urls().count(SUMMARY_URL) == 2  # nothing could be cached, so each call asks again


@responses.activate
def test_cached_ambiguous_name_is_refreshed(run, creds, cache_file):
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme"), (ORG2_ID, "Acme")))
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme"), (ORG2_ID, "Acme Two")))
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    first = run("webhooks", "--org", "Acme", "-F", "json")
    assert first.exit_code == 2 and "ambiguous" in first.stderr
    second = run("webhooks", "--org", "Acme", "-F", "json")
    assert second.exit_code == 0, second.stderr
    assert urls() == [SUMMARY_URL, SUMMARY_URL, f"{HOOKS_URL}/{ORG_ID}"]


@responses.activate
def test_cache_is_per_account(run, creds, cache_file, monkeypatch):
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme")))
    responses.get(SUMMARY_URL, json=summary((ORG2_ID, "Acme")))
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    responses.get(f"{HOOKS_URL}/{ORG2_ID}", json=[])
    assert run("webhooks", "--org", "Acme", "-F", "json").exit_code == 0
    monkeypatch.setenv("CLEVER_TOKEN", "another-token")
    assert run("webhooks", "--org", "Acme", "-F", "json").exit_code == 0
    assert urls() == [SUMMARY_URL, f"{HOOKS_URL}/{ORG_ID}", SUMMARY_URL, f"{HOOKS_URL}/{ORG2_ID}"]
    assert len(json.loads(cache_file.read_text())["accounts"]) == 2


@pytest.mark.parametrize("status", [404, 403])
@responses.activate
def test_owner_refused_after_a_cache_hit_drops_the_name(run, creds, cache_file, status):
    responses.get(SUMMARY_URL, json=summary((ORG_ID, "Acme")))
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    responses.get(f"{HOOKS_URL}/{ORG_ID}", status=status, json={"message": "gone"})
    responses.get(SUMMARY_URL, json=summary((ORG2_ID, "Acme")))
    responses.get(f"{HOOKS_URL}/{ORG2_ID}", json=[])
    assert run("webhooks", "--org", "Acme", "-F", "json").exit_code == 0
    refused = run("webhooks", "--org", "Acme", "-F", "json")
    assert refused.exit_code in (1, 4)
    [account] = json.loads(cache_file.read_text())["accounts"].values()
    assert "Acme" not in account["organisations"]
    again = run("webhooks", "--org", "Acme", "-F", "json")
    assert again.exit_code == 0, again.stderr
    # A 404 list is checked against /v2/summary (an empty list for an owner it knows, else "not found").
    checked = [SUMMARY_URL] if status == 404 else []
    assert urls() == [SUMMARY_URL, f"{HOOKS_URL}/{ORG_ID}", f"{HOOKS_URL}/{ORG_ID}", *checked, SUMMARY_URL,
                      f"{HOOKS_URL}/{ORG2_ID}"]


@responses.activate
def test_org_id_never_touches_the_cache(run, creds, cache_file):
    responses.get(f"{HOOKS_URL}/{ORG_ID}", json=[])
    assert run("webhooks", "--org", ORG_ID, "-F", "json").exit_code == 0
    assert not cache_file.exists()
