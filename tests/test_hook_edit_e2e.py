"""The installed `clever` against a stand-in API on loopback: show, update and test over real HTTP."""

from __future__ import annotations

import os
import subprocess

import pytest

from helpers import ORG_ID, SECRET, TOKEN, assert_sent, hooks_path
from servers import HookStore, LoopbackServer, webhook_receiver

pytestmark = pytest.mark.slow

HOOKS_PATH = hooks_path("webhooks")


@pytest.fixture
def api_and_receiver():
    """A stand-in API holding one webhook whose URL is a receiver, both on loopback."""
    with LoopbackServer(webhook_receiver(answer=b"received")) as receiver:
        store = HookStore(hooks=[{"id": "h1", "ownerId": ORG_ID, "name": "e2e", "createdAt": "2024-01-02T03:04:05Z",
                                  "urls": [{"format": "raw", "url": receiver.url + "/hook"}], "failures": [],
                                  "state": "ENABLED"}])
        with LoopbackServer(store) as api:
            yield api, receiver


def clever(exe, api_base, *args):
    env = {**os.environ, "API_HOST": api_base, "CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET}
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=60, env=env)


def test_update_then_show_then_test(clever_exe, api_and_receiver):
    api, receiver = api_and_receiver
    hook_url = receiver.url + "/hook"
    updated = clever(clever_exe, api.url, "webhooks", "update", "h1", "-o", ORG_ID, "--name", "renamed",
                     "--format", "gitter", "--event", "GIT_PUSH")
    assert updated.returncode == 0, updated.stderr
    assert updated.stdout.splitlines() == [
        "name: 'e2e' → 'renamed'",
        f"urls: {hook_url} (raw) → {hook_url} (gitter)",
        "events: all events → GIT_PUSH",
    ]
    get, put = api.received
    assert_sent(get, "GET", HOOKS_PATH)
    assert_sent(put, "PUT", HOOKS_PATH + "/h1",
                {"name": "renamed", "urls": [{"format": "gitter", "url": hook_url}], "events": ["GIT_PUSH"],
                 "state": "ENABLED"})

    shown = clever(clever_exe, api.url, "webhooks", "show", "h1", "-o", ORG_ID)
    assert shown.returncode == 0, shown.stderr
    assert "  created: 2024-01-02 03:04:05 UTC\n" in shown.stdout
    assert f"  urls: {hook_url} (gitter)\n" in shown.stdout

    api.received.clear()
    tested = clever(clever_exe, api.url, "webhooks", "test", "h1", "-o", ORG_ID, "--event", "GIT_PUSH")
    assert tested.returncode == 0, tested.stderr
    assert [(r.method, r.path) for r in api.received] == [("GET", HOOKS_PATH)]
    assert [(r.method, r.path) for r in receiver.received] == [("POST", "/hook")]
    assert receiver.received[0].json()["message"].startswith("[GIT_PUSH] ")
    assert TOKEN not in tested.stdout + tested.stderr and SECRET not in tested.stdout + tested.stderr


def test_update_of_unknown_hook_exits_4_without_put(clever_exe, api_and_receiver):
    api, receiver = api_and_receiver
    result = clever(clever_exe, api.url, "webhooks", "update", "nope", "-o", ORG_ID, "--name", "x")
    assert result.returncode == 4
    assert result.stderr == f"Error: webhook nope not found for {ORG_ID}\n"
    assert [r.method for r in api.received] == ["GET"]
    assert receiver.received == []
