"""The installed `clever` against a stand-in API on loopback: show, update and test over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import ORG_ID, SECRET, TOKEN
from loopback import serve

HOOKS_PATH = f"/v2/notifications/webhooks/{ORG_ID}"


@pytest.fixture
def api_and_receiver():
    """A stand-in API holding one webhook whose URL is a receiver on the same loopback server."""
    state: dict = {}

    def route(method, path, body):
        if path.startswith("/hook"):
            return 200, b"received"
        if method == "GET" and path == HOOKS_PATH:
            return 200, json.dumps([state["hook"]]).encode()
        if method == "PUT" and path == HOOKS_PATH + "/h1":
            state["hook"] = {**state["hook"], **json.loads(body)}
            return 200, json.dumps(state["hook"]).encode()
        return 404, b'{"message": "Not Found"}'

    with serve(route) as server:
        state["hook"] = {"id": "h1", "ownerId": ORG_ID, "name": "e2e", "createdAt": "2024-01-02T03:04:05Z",
                         "urls": [{"format": "raw", "url": server.base + "/hook"}], "failures": [],
                         "state": "ENABLED"}
        yield server, state


def clever(exe, api_base, *args):
    env = {**os.environ, "API_HOST": api_base, "CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET}
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=60, env=env)


def test_update_then_show_then_test(clever_exe, api_and_receiver, auth_header):
    server, state = api_and_receiver
    updated = clever(clever_exe, server.base, "webhooks", "update", "h1", "-o", ORG_ID, "--name", "renamed",
                     "--format", "gitter", "--event", "GIT_PUSH")
    assert updated.returncode == 0, updated.stderr
    assert updated.stdout.splitlines() == [
        "name: 'e2e' → 'renamed'",
        f"urls: {server.base}/hook (raw) → {server.base}/hook (gitter)",
        "events: all events → GIT_PUSH",
    ]
    get, put = server.received
    assert (get.method, get.path, put.method, put.path) == ("GET", HOOKS_PATH, "PUT", HOOKS_PATH + "/h1")
    assert put.headers["Authorization"] == auth_header
    assert put.json() == {"name": "renamed", "urls": [{"format": "gitter", "url": server.base + "/hook"}],
                          "events": ["GIT_PUSH"], "state": "ENABLED"}

    shown = clever(clever_exe, server.base, "webhooks", "show", "h1", "-o", ORG_ID)
    assert shown.returncode == 0, shown.stderr
    assert "  created: 2024-01-02 03:04:05 UTC\n" in shown.stdout
    assert f"  urls: {server.base}/hook (gitter)\n" in shown.stdout

    server.received.clear()
    tested = clever(clever_exe, server.base, "webhooks", "test", "h1", "-o", ORG_ID, "--event", "GIT_PUSH")
    assert tested.returncode == 0, tested.stderr
    assert [(r.method, r.path) for r in server.received] == [("GET", HOOKS_PATH), ("POST", "/hook")]
    assert server.received[1].json()["message"].startswith("[GIT_PUSH] ")
    assert TOKEN not in tested.stdout + tested.stderr and SECRET not in tested.stdout + tested.stderr


def test_update_of_unknown_hook_exits_4_without_put(clever_exe, api_and_receiver):
    server, _ = api_and_receiver
    result = clever(clever_exe, server.base, "webhooks", "update", "nope", "-o", ORG_ID, "--name", "x")
    assert result.returncode == 4
    assert result.stderr == f"Error: webhook nope not found for {ORG_ID}\n"
    assert [r.method for r in server.received] == ["GET"]
