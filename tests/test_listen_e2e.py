"""End to end, no account: `clever sandbox serve` + `clever events listen --forward-to` + `clever sandbox emit`,
each the installed `clever` in its own process; the receivers are loopback servers of this test.

Every subprocess has a timeout and is stopped whatever happens; the listeners end by themselves (--max-events).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import time

import pytest

from clever_notify.delivery import signing
from servers import LoopbackServer, webhook_receiver

pytestmark = pytest.mark.slow

RUN_TIMEOUT = 30
READY_TIMEOUT = 20


def clever(exe, env, *args, expect=0):
    result = subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert result.returncode == expect, (args, result.stdout, result.stderr)
    return result


class Listener:
    """`clever events listen …` in a subprocess; `ready()` waits for its "Connected" line on stderr."""

    def __init__(self, exe, env, *args):
        self.proc = subprocess.Popen([exe, "events", "listen", *args], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=False)
        self.err = b""

    def ready(self, timeout=READY_TIMEOUT) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        try:
            while b"Connected to the event socket" not in self.err:
                left = deadline - time.monotonic()
                assert left > 0 and self.proc.poll() is None, f"listen did not connect: {self.err!r}"
                if sel.select(left):
                    self.err += os.read(self.proc.stderr.fileno(), 4096)
        finally:
            sel.close()

    def finish(self, timeout=RUN_TIMEOUT) -> tuple[int, str, str]:
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out.decode(), (self.err + err).decode()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=RUN_TIMEOUT)


def test_serve_listen_forward_emit_without_an_account(clever_exe, served):
    env = served.env
    secret = clever(clever_exe, env, "events", "listen", "--print-secret").stdout.strip()
    with LoopbackServer(webhook_receiver()) as forwarded, LoopbackServer(webhook_receiver()) as hooks:
        # the sandbox's own webhooks, same filter: what a raw and a slack webhook get, to compare with
        for fmt in ("raw", "slack"):
            clever(clever_exe, env, "webhooks", "add", f"to {fmt}", f"{hooks.url}/{fmt}", "--format", fmt,
                   "--event", "META_DEPLOYMENT_RESULT", "--service", "web", "--org", "Acme")
        listeners = {fmt: Listener(clever_exe, env, "--org", "Acme", "--event", "META_DEPLOYMENT_RESULT",
                                   "--service", "web", "--forward-to", f"{forwarded.url}/{fmt}", "--format", fmt,
                                   "--max-events", "2", "--json")
                     for fmt in ("raw", "slack")}
        try:
            for listener in listeners.values():
                listener.ready()
            # 3 events, the first matches neither filter: exactly 2 deliveries per listener
            clever(clever_exe, env, "sandbox", "emit", "GIT_PUSH", "--org", "Acme", "--service", "web")
            fail = json.loads(clever(clever_exe, env, "sandbox", "emit", "DEPLOYMENT_FAIL", "--org", "Acme",
                                     "--service", "web", "--json").stdout)["event"]
            ok = json.loads(clever(clever_exe, env, "sandbox", "emit", "DEPLOYMENT_SUCCESS", "--org", "Acme",
                                   "--service", "web", "--json").stdout)["event"]
            results = {fmt: listener.finish() for fmt, listener in listeners.items()}
        finally:
            for listener in listeners.values():
                listener.stop()
    for fmt, (code, out, err) in results.items():
        assert code == 0, (fmt, err)
        lines = [json.loads(line) for line in out.splitlines()]
        assert [(x["kind"], x["event"]) for x in lines if x["kind"] == "event"] == [
            ("event", "DEPLOYMENT_FAIL"), ("event", "DEPLOYMENT_SUCCESS")]
        assert sorted(x["status"] for x in lines if x["kind"] == "delivery") == [200, 200]
        assert secret not in out and "sandbox-secret" not in out + err
    by_path: dict[str, list] = {}
    for request in forwarded.received:
        by_path.setdefault(request.path, []).append(request)
    assert sorted(by_path) == ["/raw", "/slack"] and all(len(v) == 2 for v in by_path.values())
    webhook_bodies = {}
    for request in hooks.received:
        webhook_bodies.setdefault(request.path, []).append(request.body)
    for fmt in ("raw", "slack"):
        sent = by_path[f"/{fmt}"]
        # the same bytes a webhook of that format received from the sandbox, for the same two events
        assert [r.body for r in sent] == webhook_bodies[f"/{fmt}"], fmt
        for request in sent:
            assert signing.verify(secret, request.body, request.headers[signing.HEADER])
    assert [r.json() for r in by_path["/raw"]] == [fail, ok]


def test_ctrl_c_exits_130_at_once(clever_exe, served):
    listener = Listener(clever_exe, served.env, "--org", "Acme")
    try:
        listener.ready()
        started = time.monotonic()
        listener.proc.send_signal(signal.SIGINT)
        code, _out, _err = listener.finish(timeout=10)
        took = time.monotonic() - started
    finally:
        listener.stop()
    assert code == 130 and took < 2, took


def test_sandbox_socket_refuses_a_login_without_oauth(served):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    url = served.api_host.replace("http://", "ws://") + "/v2/events/event-socket"
    with connect(url, open_timeout=5, proxy=None) as ws:
        ws.send(json.dumps({"message_type": "oauth", "authorization": "Bearer nothing"}))
        assert json.loads(ws.recv(timeout=5))["id"] == 2001
        with pytest.raises(ConnectionClosed):  # then the closing handshake, not a silent socket
            ws.recv(timeout=5)


def test_sandbox_socket_sends_heartbeats_and_events_of_another_process(clever_exe, served):
    from websockets.sync.client import connect

    from helpers import AUTH_HEADER

    url = served.api_host.replace("http://", "ws://") + "/v2/events/event-socket"
    with connect(url, open_timeout=5, proxy=None) as ws:
        ws.send(json.dumps({"message_type": "oauth", "authorization": AUTH_HEADER}))
        assert json.loads(ws.recv(timeout=5)) == {"message_type": "socket_ready"}
        ping = json.loads(ws.recv(timeout=5))
        assert ping["type"] == "heartbeat" and ping["heartbeat_msg"] == "ping" and ping["heartbeat_delay_ms"] > 0
        ws.send(json.dumps({"type": "heartbeat", "heartbeat_msg": "pong"}))
        clever(clever_exe, served.env, "sandbox", "emit", "APPLICATION_STOP", "--org", "Acme", "--service", "worker")
        deadline = time.monotonic() + 10
        while True:
            message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if "event" in message:
                break
    assert message["event"] == "APPLICATION_STOP" and isinstance(message["data"], str)
    data = json.loads(message["data"])
    assert data["appName"] == "worker" and data["ownerId"].startswith("orga_")


def test_the_benchmark_runs_and_prints_its_numbers(clever_exe):
    import re
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parent.parent / "benchmarks" / "listen_bench.py"
    proc = subprocess.run([sys.executable, str(bench), "--events", "20", "--sandbox-events", "8", "--every", "5",
                           "--clever", clever_exe], capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]  # 1: over the goal, which a loaded machine may be
    figures = r"n=(\d+)\s+median\s+[\d.]+\s+p90\s+[\d.]+\s+p99\s+[\d.]+\s+max\s+[\d.]+ ms"
    added = re.search(r"socket message -> receiver's POST \(added\)\s+" + figures, proc.stdout)
    sandbox = re.search(r"sandbox store -> receiver's POST\s+" + figures, proc.stdout)
    assert added and added.group(1) == "15" and sandbox and sandbox.group(1) == "3", proc.stdout
    assert re.search(r"goal: median added latency <= 20 ms: [\d.]+ ms, (ok|OVER)", proc.stdout)
    assert "never reached" not in proc.stderr


def test_ctrl_c_during_the_back_off_exits_130_at_once(clever_exe, served):
    from servers import EventSocketStandIn

    with EventSocketStandIn(ready=False) as standin:  # logs in, never says socket_ready
        env = {**served.env, "API_HOST": standin.url, "CLEVER_TIMEOUT": "0.5"}
        listener = Listener(clever_exe, env, "--all-owners")
        try:
            sel = selectors.DefaultSelector()
            sel.register(listener.proc.stderr, selectors.EVENT_READ)
            deadline = time.monotonic() + READY_TIMEOUT
            while b"reconnecting in 1.5 s" not in listener.err and time.monotonic() < deadline:
                if sel.select(deadline - time.monotonic()):
                    listener.err += os.read(listener.proc.stderr.fileno(), 4096)
            sel.close()
            assert b"no socket_ready within 0.5 s of connecting; reconnecting in 1.5 s (try 1 of 8)" in listener.err
            started = time.monotonic()
            listener.proc.send_signal(signal.SIGINT)
            code, _out, err = listener.finish(timeout=10)
            took = time.monotonic() - started
        finally:
            listener.stop()
    assert code == 130 and took < 1.0, (took, err)
    assert "Traceback" not in err and served.token not in err
