"""Test isolation: no test sees the developer's HOME, config, credentials or sandbox database."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ORG_ID = "orga_3547a882-d464-4c34-8168-add4b3e0c135"
ORG2_ID = "orga_00000000-1111-4222-8333-444444444444"
USER_ID = "user_8c0b3c7a-9d3c-4d5a-8f5e-2a1f2b3c4d5e"
APP_ID = "app_9f2d6c1e-8b7a-4e3d-9c2b-1a0f9e8d7c6b"
API = "https://api.test"
TOKEN = "tok-SECRET-0123456789"
SECRET = "sec-SECRET-9876543210"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    for key in list(os.environ):
        if key.startswith(("CLEVER_", "OAUTH_CONSUMER_", "API_HOST", "CONFIGURATION_FILE", "APP_CONFIGURATION_FILE")):
            monkeypatch.delenv(key, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("CLEVER_SANDBOX_DB", str(tmp_path / "sandbox.db"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


@pytest.fixture
def creds(monkeypatch):
    """Credentials in the environment and the API at a test host (mocked with `responses`)."""
    monkeypatch.setenv("CLEVER_TOKEN", TOKEN)
    monkeypatch.setenv("CLEVER_SECRET", SECRET)
    monkeypatch.setenv("API_HOST", API)


@pytest.fixture
def auth_header():
    return (
        'OAuth oauth_consumer_key="T5nFjKeHH4AIlEveuGhB5S3xg8T19e", '
        f'oauth_token="{TOKEN}", '
        f'oauth_signature="MgVMqTr6fWlf2M0tkC2MXOnhfqBWDT%26{SECRET}"'
    )


@pytest.fixture
def linked_app(isolated_env):
    """A folder whose .clever.json links APP_ID of ORG_ID; the test runs in a sub-folder of it."""
    app_dir = isolated_env / "work"
    (app_dir / ".clever.json").write_text(json.dumps({
        "apps": [{"app_id": APP_ID, "org_id": ORG_ID, "deploy_url": "https://x", "git_ssh_url": "git+ssh://x",
                  "name": "web", "alias": "web"}]
    }))
    sub = app_dir / "src" / "deep"
    sub.mkdir(parents=True)
    os.chdir(sub)
    return app_dir


@pytest.fixture
def run():
    """Invoke the CLI in-process; stdout and stderr apart."""
    from clever_notify.cli import cli

    def _run(*args, input=None):
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, prog_name="clever", catch_exceptions=False)

    return _run


@pytest.fixture
def clever_exe():
    """The installed `clever` console script of the interpreter running the tests."""
    exe = Path(sys.executable).parent / "clever"
    if not exe.exists():
        pytest.fail(f"`clever` is not installed next to {sys.executable}: run `pip install -e '.[test]'`")
    return str(exe)


@pytest.fixture(autouse=True)
def retry_waits(monkeypatch):
    """The API client's retry back-off records its waits here instead of sleeping: tests never wait."""
    waits: list[float] = []
    monkeypatch.setattr("clever_notify.api.transport.sleep", waits.append)
    return waits


@pytest.fixture
def fault_server():
    """Start loopback stand-in servers (tests/faultserver.py); all are stopped when the test ends."""
    from faultserver import FaultServer

    servers: list = []

    def start(handler):
        server = FaultServer(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
