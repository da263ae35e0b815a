"""The installed `clever` against a stand-in of the e-mail hook endpoints served on 127.0.0.1 (real HTTP)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import ORG_ID

NAME = "Default deployment result e-mails"
BASE = f"/v2/notifications/emailhooks/{ORG_ID}"
SUMMARY = {"user": {"id": "user_e2e", "name": "Me", "applications": [], "addons": []},
           "organisations": [{"id": ORG_ID, "name": "Acme", "addons": [],
                              "applications": [{"id": "app_a", "name": "web"}, {"id": "app_b", "name": "worker"}]}]}


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.hooks = [
            {"id": "d1", "ownerId": ORG_ID, "name": NAME, "events": ["META_DEPLOYMENT_RESULT"]},
            {"id": "o1", "ownerId": ORG_ID, "name": "ops", "notified": [{"type": "organisation"}]},
        ]
        self.log: list[tuple[str, str]] = []
        self.auth: set[str] = set()
        self.next_id = 0


def _handler(state: _State):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest output clean
            pass

        def _answer(self, status, body=None):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self):
            with state.lock:
                state.log.append((self.command, self.path))
                state.auth.add(self.headers.get("Authorization", ""))

        def do_GET(self):
            self._record()
            if self.path == "/v2/summary":
                return self._answer(200, SUMMARY)
            if self.path != BASE:
                return self._answer(404, {"message": "Not Found"})
            with state.lock:
                self._answer(200, state.hooks)

        def do_POST(self):
            self._record()
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with state.lock:
                state.next_id += 1
                hook = {"id": f"new-{state.next_id}", "ownerId": ORG_ID, **body}
                state.hooks.append(hook)
            self._answer(200, hook)

        def do_DELETE(self):
            self._record()
            hook_id = self.path.rsplit("/", 1)[1]
            with state.lock:
                before = len(state.hooks)
                state.hooks = [h for h in state.hooks if h["id"] != hook_id]
                found = len(state.hooks) < before
            self._answer(204 if found else 404, None if found else {"message": "Not Found"})

    return Handler


@pytest.fixture
def stand_in():
    state = _State()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_only_disable_restore_with_the_installed_clever(clever_exe, stand_in):
    state, host = stand_in
    # NO_PROXY: a proxy set in the environment must not see (or forward) loopback traffic.
    env = {**os.environ, "API_HOST": host, "CLEVER_TOKEN": "e2e-token", "CLEVER_SECRET": "e2e-secret",
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}

    def clever(*args):
        return subprocess.run([clever_exe, "notify-email", "default", "--org", ORG_ID, *args],
                              env=env, capture_output=True, text=True, timeout=30)

    dry = clever("--only", "app_a", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert state.log == [("GET", "/v2/summary"), ("GET", BASE)]  # --only is checked against the owner's services

    bogus = clever("--only", "app_zzz")
    assert bogus.returncode == 2 and "no application or add-on 'app_zzz' at Acme" in bogus.stderr
    assert [m for m, _ in state.log] == ["GET"] * 3

    only = clever("--only", "web,app_b")  # a name and an id
    assert only.returncode == 0, only.stderr
    assert state.log[3:] == [("GET", "/v2/summary"), ("GET", BASE), ("POST", BASE), ("DELETE", f"{BASE}/d1")]
    assert [h for h in state.hooks if h["name"] == NAME] == [
        {"id": "new-1", "ownerId": ORG_ID, "name": NAME, "scope": ["app_a", "app_b"],
         "events": ["META_DEPLOYMENT_RESULT"]},
    ]

    shown = clever("-F", "json")
    assert json.loads(shown.stdout)[0]["services"] == ["app_a", "app_b"]

    assert clever("--disable").returncode == 0
    assert clever("--disable").returncode == 0  # already off: still success
    assert [h["id"] for h in state.hooks] == ["o1"]

    restored = clever("--restore", "-F", "json")
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["created"][0]["id"] == "new-2"
    assert [h for h in state.hooks if h["name"] == NAME][0] == {
        "id": "new-2", "ownerId": ORG_ID, "name": NAME, "events": ["META_DEPLOYMENT_RESULT"]}
    assert state.auth == {
        'OAuth oauth_consumer_key="T5nFjKeHH4AIlEveuGhB5S3xg8T19e", oauth_token="e2e-token", '
        'oauth_signature="MgVMqTr6fWlf2M0tkC2MXOnhfqBWDT%26e2e-secret"'
    }
