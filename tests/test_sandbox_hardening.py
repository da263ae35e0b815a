"""The catalog as the official client reads it (`meta_events` as a list of {key, events}), a sandbox that
answers hostile bodies with JSON errors and no traceback, and `sandbox serve` stopping within 2 s of
SIGTERM or Ctrl-C while clients keep connecting. Servers run on 127.0.0.1 only, every loop is bounded."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import threading
import time

import pytest
import responses

from clever_notify.hooks import catalog
from helpers import API
from servers import SandboxServer

INFO_URL = f"{API}/v2/notifications/info/events"


def list_form(doc: dict) -> dict:
    return {**doc, "meta_events": [{"key": k, "events": v} for k, v in doc["meta_events"].items()]}


# --- /v2/notifications/info/events in the form clever-client.js reads ---------------------------------


@responses.activate
def test_events_live_accepts_meta_events_as_a_list_of_key_events_objects(run, creds):
    responses.get(INFO_URL, json=list_form(catalog.as_api_document()))
    result = run("events", "--live", "-F", "json")
    assert result.exit_code == 0, result.stderr
    api = catalog.as_api_document()
    assert json.loads(result.stdout) == {"events": api["events"], "metaEvents": api["meta_events"]}  # camelCase
    assert result.stderr == "The API's catalog matches this tool's.\n"


@responses.activate
def test_events_live_reports_differences_in_the_list_form(run, creds):
    live = catalog.as_api_document()
    live["meta_events"]["META_CREDITS"] = ["CREDITS_ADDED", "CREDITS_LOW"]
    del live["meta_events"]["META_SERVICE_LIFECYCLE"]
    responses.get(INFO_URL, json=list_form(live))
    result = run("events", "--live")
    assert result.exit_code == 0, result.stderr
    assert "META_CREDITS            = CREDITS_ADDED, CREDITS_LOW" in result.stdout
    assert "  meta-event META_CREDITS also expands to CREDITS_LOW on the API\n" in result.stderr
    assert "  meta-event META_SERVICE_LIFECYCLE is in this tool's catalog but not on the API\n" in result.stderr


@pytest.mark.parametrize("metas", [
    [{"key": "META_X"}],
    [{"events": ["A"]}],
    [{"key": 1, "events": ["A"]}],
    [{"key": "META_X", "events": "A"}],
    [{"key": "META_X", "events": ["A"]}, {"key": "META_X", "events": ["B"]}],
    ["META_X"],
    "META_X",
    None,
])
@responses.activate
def test_events_live_refuses_other_shapes_with_one_line(run, creds, metas):
    responses.get(INFO_URL, json={"events": ["A"], "meta_events": metas})
    result = run("events", "--live")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: unexpected answer from the API for events info: `meta_events`")


def test_the_sandbox_answers_the_list_form():
    from werkzeug.test import Client

    from clever_notify.sandbox.app import make_app
    from clever_notify.sandbox.store import Store

    answer = Client(make_app(Store())).get("/v2/notifications/info/events",
                                           headers={"Authorization": 'OAuth oauth_token="t", oauth_signature="s"'})
    assert answer.status_code == 200
    assert answer.json["meta_events"] == [{"key": k, "events": list(v)} for k, v in catalog.META_EVENTS.items()]
    assert answer.json["events"] == list(catalog.EVENTS)


@pytest.mark.slow
def test_events_live_against_the_served_sandbox_matches(clever_exe, served):
    result = subprocess.run([clever_exe, "events", "--live", "-F", "json"], env=served.env, capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    api = catalog.as_api_document()
    assert json.loads(result.stdout) == {"events": api["events"], "metaEvents": api["meta_events"]}  # camelCase
    assert result.stderr == "The API's catalog matches this tool's.\n"


# --- hostile bodies --------------------------------------------------------------------------------------


def _post(api_host: str, path: str, body: bytes) -> tuple[int, dict]:
    host, port = api_host.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("POST", path, body=body, headers={
            "Content-Type": "application/json", "Authorization": 'OAuth oauth_token="t", oauth_signature="s"'})
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
                                  b'{"name": NaN, "urls": []}', b'{"name": "n", "urls": [], "x": 1e999}'])
def test_the_served_sandbox_answers_hostile_json_with_a_400_and_no_traceback(clever_exe, body):
    from clever_notify.sandbox.store import Store

    org = Store().find_owner("Acme")[0]["id"]
    server = SandboxServer(exe=clever_exe)
    try:
        status, answer = _post(server.api_host, f"/v2/notifications/webhooks/{org}", body)
    finally:
        server.stop()
    assert status == 400
    assert answer["type"] == "error" and answer["message"].startswith("Malformed JSON body")
    assert "Traceback" not in server.stderr and "RecursionError" not in server.stderr


# --- stopping while clients keep connecting --------------------------------------------------------------


def _hammer(port: int, stop: threading.Event, opened: list, max_connections: int = 400, max_seconds: float = 15):
    """Keep connecting: half the connections send a full request and read the answer, half send an
    unfinished request and hold the socket open (a slow client). Bounded in count and time."""
    deadline = time.monotonic() + max_seconds
    for i in range(max_connections):
        if stop.is_set() or time.monotonic() > deadline:
            return
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=2)
        except OSError:
            time.sleep(0.01)
            continue
        opened.append(sock)
        try:
            if i % 2:
                sock.sendall(b"GET /v2/self HTTP/1.1\r\nHost: x\r\n")  # never finished
            else:
                sock.sendall(b"GET /v2/self HTTP/1.1\r\nHost: x\r\nAuthorization: OAuth oauth_token=\"t\", "
                             b"oauth_signature=\"s\"\r\n\r\n")
                sock.recv(1024)
        except OSError:
            pass


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_within_2_s_while_clients_keep_connecting(clever_exe, sig):
    server = SandboxServer(exe=clever_exe)
    proc, port = server.proc, int(server.api_host.rsplit(":", 1)[1])
    stop, opened = threading.Event(), []
    clients = [threading.Thread(target=_hammer, args=(port, stop, opened), daemon=True) for _ in range(4)]
    try:
        for c in clients:
            c.start()
        time.sleep(1.0)  # connections held open and new ones arriving
        assert len(opened) > 8
        sent = time.monotonic()
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail("sandbox serve was still running 10 s after the signal")
        took = time.monotonic() - sent
    finally:
        stop.set()
        server.stop()  # kills it if the signal did not
        for c in clients:
            c.join(timeout=5)
        for sock in opened:
            sock.close()
    assert took < 2.0, f"stopped {took:.2f} s after the signal"
    assert "Traceback" not in server.stderr and server.stderr.rstrip().endswith("Sandbox stopped.")
    assert proc.returncode in (0, 130), proc.returncode
