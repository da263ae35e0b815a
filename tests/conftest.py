"""Fixtures. Test isolation: no test sees the developer's HOME, config, credentials or sandbox database.

Shared values and checks are in helpers.py, loopback servers in servers.py.
"""

from __future__ import annotations

import json
import os
import signal

import pytest
from click.testing import CliRunner

from helpers import API, APP_ID, AUTH_HEADER, ORG_ID, SECRET, TOKEN
from servers import LoopbackServer, SandboxServer, installed_clever

# A job started in the background by a non-interactive shell (`nohup … &`, some CI runners) inherits SIGINT
# ignored, and every `clever` a test starts would inherit that too: the Ctrl-C tests would then wait for an
# interrupt that never comes. A handled signal is reset to its default in a child, an ignored one is not.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


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
def point_at(monkeypatch):
    """point_at(url, timeout=None, **env): credentials in the environment and API_HOST at `url`."""

    def _point(url: str, timeout: str | None = None, **env: str) -> None:
        monkeypatch.setenv("CLEVER_TOKEN", TOKEN)
        monkeypatch.setenv("CLEVER_SECRET", SECRET)
        monkeypatch.setenv("API_HOST", url)
        if timeout:
            monkeypatch.setenv("CLEVER_TIMEOUT", timeout)
        for key, value in env.items():
            monkeypatch.setenv(key, value)

    return _point


@pytest.fixture
def creds(point_at):
    """Credentials in the environment and the API at a test host (mocked with `responses`)."""
    point_at(API)


@pytest.fixture
def auth_header():
    """The Authorization header sent with `creds` (also helpers.AUTH_HEADER, assert_sent's default)."""
    return AUTH_HEADER


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
    """The installed `clever` console script of the interpreter running the tests (slow tests only)."""
    try:
        return installed_clever()
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def served(clever_exe):
    """`clever sandbox serve` of the installed `clever` on a free loopback port, with the test's database."""
    server = SandboxServer(exe=clever_exe)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def retry_waits(monkeypatch):
    """The API client's retry back-off records its waits here instead of sleeping: tests never wait."""
    waits: list[float] = []
    monkeypatch.setattr("clever_notify.api.transport.sleep", waits.append)
    return waits


@pytest.fixture
def loopback():
    """loopback(handler): start a servers.LoopbackServer; every one is stopped when the test ends."""
    started: list[LoopbackServer] = []

    def start(handler) -> LoopbackServer:
        server = LoopbackServer(handler)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def pytest_collection_modifyitems(config, items):
    """A test that runs the installed `clever` (or a server of it) must be marked slow, so that
    `pytest -m "not slow"` stays a quick loop: refuse to run a suite where one is not."""
    unmarked = [item.nodeid for item in items
                if "clever_exe" in getattr(item, "fixturenames", ()) and item.get_closest_marker("slow") is None]
    if unmarked:
        raise pytest.UsageError("mark these @pytest.mark.slow (they run the installed `clever`): "
                                + ", ".join(unmarked))
