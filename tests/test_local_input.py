"""Local input: config files, .clever.json and the cache as bounded regular files; credentials that are
empty or cannot go in a header; ids that would change a URL path; files written without following
planted links; redaction that hides credentials without garbling ordinary text."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest
import responses

from helpers import API, APP_ID, ORG_ID, SECRET, TOKEN

HOOKS_URL = f"{API}/v2/notifications/webhooks/{ORG_ID}"
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and symbolic links")
slow = pytest.mark.slow


def config_path(isolated_env):
    path = isolated_env / "home" / ".config" / "clever-cloud" / "clever-tools.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def profile(token: str, secret: str) -> str:
    return json.dumps({"version": 1, "profiles": [{"alias": "me", "token": token, "secret": secret}]})


def run_exe(clever_exe, *args, env_extra=None, timeout=15):
    """The installed `clever` with a hard timeout: a FIFO that is waited on fails the test, never hangs it."""
    env = {**os.environ, "API_HOST": "https://api.test", **(env_extra or {})}
    started = time.monotonic()
    try:
        proc = subprocess.run([clever_exe, *args], env=env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`clever {' '.join(args)}` was still waiting after {timeout} s")
    return proc, time.monotonic() - started


# --- FIFOs, devices and huge files are refused at once ---------------------------------------------------


@slow
@posix_only
def test_a_fifo_as_configuration_file_is_refused_at_once(clever_exe, isolated_env):
    fifo = isolated_env / "config-fifo"
    os.mkfifo(fifo)
    proc, elapsed = run_exe(clever_exe, "webhooks", "--org", ORG_ID, env_extra={"CONFIGURATION_FILE": str(fifo)})
    assert proc.returncode == 2, proc.stderr
    assert "not a regular file" in proc.stderr and "Traceback" not in proc.stderr
    assert elapsed < 10


@slow
@posix_only
def test_a_fifo_as_clever_json_is_refused_at_once(clever_exe, isolated_env):
    os.mkfifo(isolated_env / "work" / ".clever.json")
    proc, _ = run_exe(clever_exe, "webhooks", env_extra={"CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET})
    assert proc.returncode == 2, proc.stderr
    assert ".clever.json" in proc.stderr and "not a regular file" in proc.stderr


@slow
@posix_only
def test_a_fifo_as_the_org_cache_is_ignored_without_waiting(clever_exe, isolated_env, loopback):
    from servers import reply, script

    cache_dir = isolated_env / "cache"
    cache_dir.mkdir()
    os.mkfifo(cache_dir / "organisations.json")
    summary = {"user": {"id": "user_x"}, "organisations": [{"id": ORG_ID, "name": "Acme"}]}
    server = loopback(script(reply(200, summary), reply(200, [])))
    proc, _ = run_exe(clever_exe, "webhooks", "--org", "Acme", "-F", "json", env_extra={
        "CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET, "API_HOST": server.url,
        "CLEVER_NOTIFY_CACHE_DIR": str(cache_dir)})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


@posix_only
def test_a_device_as_configuration_file_is_refused(run, monkeypatch):
    monkeypatch.setenv("CONFIGURATION_FILE", os.devnull)
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr


@pytest.mark.parametrize("where", ["config", "clever.json"])
def test_a_huge_local_file_is_refused_unread(run, isolated_env, monkeypatch, where):
    big = json.dumps({"apps": [], "padding": "x" * (2 * 1024 * 1024)})
    if where == "config":
        config_path(isolated_env).write_text(big)
    else:
        monkeypatch.setenv("CLEVER_TOKEN", TOKEN)
        monkeypatch.setenv("CLEVER_SECRET", SECRET)
        (isolated_env / "work" / ".clever.json").write_text(big)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        result = run("webhooks")
        assert len(mocked.calls) == 0
    assert result.exit_code == 2 and "larger than" in result.stderr


# --- credentials ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("token,secret", [("", "s3cr3t-value"), ("t0ken-value", ""), ("", ""), ("   ", "s3cr3t-value")])
def test_a_profile_with_an_empty_token_or_secret_is_not_logged_in(run, isolated_env, token, secret):
    config_path(isolated_env).write_text(profile(token, secret))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        result = run("webhooks", "--org", ORG_ID)
        assert len(mocked.calls) == 0
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("Error: Not logged in")


BAD_CREDENTIALS = ["Zq9w\nX-Injected: yes", "Zq9w\r\n", "Zq9w\x00", "Zq9w\x7f", "Zq9wö€", "Zq9w\u202e", "Zq9w\x85"]


@pytest.mark.parametrize("where", ["env token", "env secret", "profile token", "profile secret"])
@pytest.mark.parametrize("bad", BAD_CREDENTIALS)
def test_a_credential_that_cannot_go_in_a_header_is_a_clear_exit_2(run, isolated_env, monkeypatch, where, bad):
    token, secret = (bad, SECRET) if where.endswith("token") else (TOKEN, bad)
    if where.startswith("env") and "\x00" in bad:
        pytest.skip("an environment variable cannot hold a NUL")
    if where.startswith("env"):
        monkeypatch.setenv("CLEVER_TOKEN", token)
        monkeypatch.setenv("CLEVER_SECRET", secret)
    else:
        config_path(isolated_env).write_text(profile(token, secret))
    monkeypatch.setenv("API_HOST", API)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        result = run("webhooks", "--org", ORG_ID)
        assert len(mocked.calls) == 0
    assert result.exit_code == 2, result.output
    assert "cannot be sent in an HTTP header" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    for shown in (bad, "Zq9w", "X-Injected"):
        assert shown not in result.output


# --- ids never reach a URL path unless well formed ------------------------------------------------------


BAD_IDS = [".", "..", "%2e", "%2e%2e", "%2E%2E", "a/b", "../x", "a?b", "a#b", "?", "#", "a b", "a\tb", "a%2fb",
           "a\\b", "é", "x" * 200, "-rf"]


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("command", [("webhooks", "remove"), ("notify-email", "remove"), ("webhooks", "show"),
                                     ("webhooks", "test")])
def test_a_malformed_hook_id_is_refused_before_any_request(run, creds, bad, command):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        result = run(*command, "--org", ORG_ID, "--", bad) if command[1] != "test" else run(*command, "--", bad)
        assert len(mocked.calls) == 0
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("key", ["app_id", "org_id"])
@pytest.mark.parametrize("bad", ["..", "%2e%2e", "../orga_x", "orga_x/..", "orga_x?y", "orga_x#y", " orga_x", "."])
def test_a_malformed_id_in_clever_json_is_refused_before_any_request(run, creds, isolated_env, key, bad):
    app = {"app_id": APP_ID, "org_id": ORG_ID, "alias": "web", key: bad}
    (isolated_env / "work" / ".clever.json").write_text(json.dumps({"apps": [app]}))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        for args in (("webhooks",), ("notify-email",), ("webhooks", "add", "n", "https://x.org/h")):
            result = run(*args)
            assert result.exit_code == 2, (args, result.output)
            assert "not a well-formed id" in result.stderr
        assert len(mocked.calls) == 0


@pytest.mark.parametrize("path_id", ["..", ".", "a/b", "%2e"])
def test_ids_from_anywhere_are_checked_where_paths_are_built(path_id):
    from clever_notify.api.client import ApiClient
    from clever_notify.config.settings import load_settings
    from clever_notify.errors import InputError

    client = ApiClient(load_settings({"CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET, "API_HOST": API}))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        for call in (lambda: client.list_hooks("webhooks", path_id),
                     lambda: client.delete_hook("webhooks", ORG_ID, path_id),
                     lambda: client.update_hook("webhooks", path_id, "h1", {"name": "n"})):
            with pytest.raises(InputError, match="not a well-formed id"):
                call()
        assert len(mocked.calls) == 0


@pytest.mark.parametrize("args", [
    ("webhooks", "--org", ""), ("webhooks", "--org", "  "), ("notify-email", "-o", ""),
    ("webhooks", "add", "n", "https://x.org/h", "--org", ""), ("webhooks", "remove", "h1", "--org", ""),
    ("notify-email", "default", "--org", ""), ("webhooks", "--org", "", "add", "n", "https://x.org/h"),
    ("notifications", "export", "--org", ""), ("notifications", "export", "--org", "Acme", "--org", " "),
    ("sandbox", "emit", "DEPLOYMENT_FAIL", "--org", ""),
])
def test_an_empty_org_is_a_usage_error(run, creds, args):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        result = run(*args)
        assert len(mocked.calls) == 0
    assert result.exit_code == 2, result.output


# --- writes never follow a planted link -----------------------------------------------------------------


@posix_only
def test_the_temporary_file_of_a_write_is_never_a_planted_link(tmp_path, monkeypatch):
    from clever_notify.config import files

    victim = tmp_path / "victim"
    victim.write_text("precious")
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    target = folder / "organisations.json"
    monkeypatch.setattr(os, "getpid", lambda: 4242)
    for name in (f".{target.name}.4242.tmp", f".{target.name}.tmp", f"{target.name}.tmp"):
        (folder / name).symlink_to(victim)
    files.write_private(target, b"{}")
    assert victim.read_text() == "precious"
    assert target.read_bytes() == b"{}" and not target.is_symlink()


@posix_only
def test_a_link_planted_at_the_target_is_replaced_not_followed(tmp_path):
    from clever_notify.config import files

    victim = tmp_path / "victim"
    victim.write_text("precious")
    target = tmp_path / "organisations.json"
    target.symlink_to(victim)
    files.write_private(target, b"{}")
    assert victim.read_text() == "precious" and not target.is_symlink() and target.read_bytes() == b"{}"


@posix_only
def test_the_sandbox_database_is_not_created_through_a_planted_link(run, isolated_env, monkeypatch):
    victim = isolated_env / "elsewhere.db"
    db = isolated_env / "sandbox-link.db"
    db.symlink_to(victim)
    monkeypatch.setenv("CLEVER_SANDBOX_DB", str(db))
    result = run("--sandbox", "webhooks")
    assert result.exit_code == 2, result.output
    assert not victim.exists()
    assert "symbolic link" in result.stderr


@slow
@posix_only
def test_a_fifo_as_the_sandbox_database_is_refused_at_once(clever_exe, isolated_env):
    fifo = isolated_env / "sandbox-fifo.db"
    os.mkfifo(fifo)
    proc, _ = run_exe(clever_exe, "--sandbox", "webhooks", env_extra={"CLEVER_SANDBOX_DB": str(fifo)})
    assert proc.returncode == 2 and "not a regular file" in proc.stderr


# --- redaction ------------------------------------------------------------------------------------------


@responses.activate
def test_a_very_short_credential_does_not_garble_messages_but_stays_hidden_in_header_echoes(run, monkeypatch):
    monkeypatch.setenv("CLEVER_TOKEN", "a")
    monkeypatch.setenv("CLEVER_SECRET", "e")
    monkeypatch.setenv("API_HOST", API)
    responses.get(HOOKS_URL, status=400, json={
        "message": 'a bad value: we received oauth_token="a", oauth_signature="MgVMqTr6fWlf2M0tkC2MXOnhfqBWDT%26e"'})
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the API answered 400: a bad value: we received oauth_token=")
    assert 'oauth_token="a"' not in result.stderr and "%26e" not in result.stderr
    assert "<hidden>" in result.stderr


@responses.activate
def test_a_real_length_credential_is_hidden_wherever_it_is_echoed(run, creds):
    responses.get(HOOKS_URL, status=400, json={"message": f"token {TOKEN} and secret {SECRET} are wrong"})
    result = run("webhooks", "--org", ORG_ID)
    assert TOKEN not in result.stderr and SECRET not in result.stderr
    assert result.stderr == "Error: the API answered 400: token <hidden> and secret <hidden> are wrong\n"


@posix_only
@responses.activate
def test_notifications_export_to_a_file_replaces_a_planted_link_instead_of_writing_through_it(run, creds, tmp_path):
    from test_nac_cli import EXPORT_STATE, FakeApi

    FakeApi(EXPORT_STATE)
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "notifications.yml"
    out.symlink_to(victim)
    result = run("notifications", "export", "--org", ORG_ID, "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "precious"
    assert not out.is_symlink() and out.read_text().startswith("# Clever Cloud notifications")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []  # no temporary file left
