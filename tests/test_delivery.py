"""delivery.post against real receivers on loopback: success, error status, refused connection, timeout."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from clever_notify import delivery, payloads


@pytest.fixture
def receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            received.append((self.path, self.headers.get("Content-Type"), self.rfile.read(length)))
            status = 500 if self.path == "/fail" else 200
            if self.path == "/slow":
                threading.Event().wait(2)
            try:
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"boom" if status == 500 else b"ok")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the /slow client gave up first, as the test intends

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def test_posts_rendered_event_and_reports(receiver):
    base, received = receiver
    event = payloads.make_event("DEPLOYMENT_SUCCESS", owner_id="orga_x", service_id="app_y")
    result = delivery.post(base + "/ok", "raw", event)
    assert result.ok and result.status == 200 and result.body_start == "ok"
    assert received[0][0] == "/ok" and received[0][1] == "application/json"
    assert json.loads(received[0][2]) == event


def test_error_status_is_not_ok(receiver):
    base, _ = receiver
    result = delivery.post(base + "/fail", "slack", payloads.make_event("DEPLOYMENT_FAIL", owner_id="o"))
    assert not result.ok and result.status == 500 and result.body_start == "boom"


def test_refused_connection_is_a_result():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    result = delivery.post(f"http://127.0.0.1:{port}/", "raw", payloads.make_event("GIT_PUSH", owner_id="o"))
    assert result.status is None and result.error == "connection failed" and not result.ok


def test_timeout_is_bounded(receiver):
    base, _ = receiver
    result = delivery.post(base + "/slow", "raw", payloads.make_event("GIT_PUSH", owner_id="o"), timeout=0.3)
    assert result.status is None and "timed out" in result.error
    assert result.latency_ms < 1500


def test_answer_cut_short_is_a_failed_delivery_not_a_crash():
    # Announces 1000 bytes, sends 5, hangs up: urllib3 raises its own error while reading.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def serve_once():
        conn, _ = server.accept()
        with conn:
            conn.settimeout(5)
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello")

    thread = threading.Thread(target=serve_once, daemon=True)
    thread.start()
    try:
        result = delivery.post(f"http://127.0.0.1:{port}/h", "raw", payloads.make_event("GIT_PUSH", owner_id="o"),
                               timeout=2)
    finally:
        thread.join(5)
        server.close()
    assert result.status == 200 and not result.ok
    assert result.error == "connection lost while reading the answer"
