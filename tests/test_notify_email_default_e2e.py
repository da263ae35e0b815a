"""The installed `clever` against a stand-in of the e-mail hook endpoints served on 127.0.0.1 (real HTTP)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from helpers import DEFAULT_NAME, ORG_ID, hooks_path, oauth_header, owner, summary
from servers import HookStore, LoopbackServer

pytestmark = pytest.mark.slow

NAME = DEFAULT_NAME
BASE = hooks_path("emailhooks")
SUMMARY = summary(owner(ORG_ID, "Acme", [("app_a", "web"), ("app_b", "worker")]), user=owner("user_e2e", "Me"))


@pytest.fixture
def stand_in():
    store = HookStore(hooks=[
        {"id": "d1", "ownerId": ORG_ID, "name": NAME, "events": ["META_DEPLOYMENT_RESULT"]},
        {"id": "o1", "ownerId": ORG_ID, "name": "ops", "notified": [{"type": "organisation"}]},
    ], fixed={"/v2/summary": SUMMARY}, prefix="new-", stamp=False)
    with LoopbackServer(store) as server:
        yield store, server


def test_only_disable_restore_with_the_installed_clever(clever_exe, stand_in):
    store, server = stand_in
    host = server.url

    def log():
        return [(r.method, r.path) for r in server.received]
    # NO_PROXY: a proxy set in the environment must not see (or forward) loopback traffic.
    env = {**os.environ, "API_HOST": host, "CLEVER_TOKEN": "e2e-token", "CLEVER_SECRET": "e2e-secret",
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}

    def clever(*args):
        return subprocess.run([clever_exe, "notify-email", "default", "--org", ORG_ID, *args],
                              env=env, capture_output=True, text=True, timeout=30)

    dry = clever("--only", "app_a", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert log() == [("GET", "/v2/summary"), ("GET", BASE)]  # --only is checked against the owner's services

    bogus = clever("--only", "app_zzz")
    assert bogus.returncode == 2 and "no application or add-on 'app_zzz' at Acme" in bogus.stderr
    assert [m for m, _ in log()] == ["GET"] * 3

    only = clever("--only", "web,app_b")  # a name and an id
    assert only.returncode == 0, only.stderr
    assert log()[3:] == [("GET", "/v2/summary"), ("GET", BASE), ("POST", BASE), ("DELETE", f"{BASE}/d1")]
    assert [h for h in store.hooks if h["name"] == NAME] == [
        {"id": "new-1", "ownerId": ORG_ID, "name": NAME, "scope": ["app_a", "app_b"],
         "events": ["META_DEPLOYMENT_RESULT"]},
    ]

    shown = clever("-F", "json")
    assert json.loads(shown.stdout)[0]["services"] == ["app_a", "app_b"]

    assert clever("--disable").returncode == 0
    assert clever("--disable").returncode == 0  # already off: still success
    assert [h["id"] for h in store.hooks] == ["o1"]

    restored = clever("--restore", "-F", "json")
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["created"][0]["id"] == "new-2"
    assert [h for h in store.hooks if h["name"] == NAME][0] == {
        "id": "new-2", "ownerId": ORG_ID, "name": NAME, "events": ["META_DEPLOYMENT_RESULT"]}
    assert {r.headers.get("Authorization") for r in server.received} == {oauth_header("e2e-token", "e2e-secret")}
