"""`clever sandbox serve` keeps a connection open after a read, as the API does (a plan of 500 owners no longer
opens 1,001 connections), and answers it as werkzeug would; writes, HTTP/1.0 and `Connection: close` close."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

from tests.servers import SandboxServer


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    server = SandboxServer(tmp_path_factory.mktemp("keepalive") / "sandbox.db")
    try:
        yield server
    finally:
        server.stop()


def _auth(server) -> dict:
    return {"Authorization": f'OAuth oauth_consumer_key="k", oauth_token="{server.token}", '
                             f'oauth_signature="x%26{server.secret}"'}


def _connection(server) -> http.client.HTTPConnection:
    parts = urlsplit(server.api_host)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)


def _ask(conn, method, path, headers, body=None):
    conn.request(method, path, body=body, headers=headers)
    answer = conn.getresponse()
    return answer, answer.read()


def test_reads_share_one_connection_and_read_as_a_closing_one_does(sandbox):
    headers = _auth(sandbox)
    conn = _connection(sandbox)
    summary, body = _ask(conn, "GET", "/v2/summary", headers)
    org = json.loads(body)["organisations"][0]["id"]
    first_socket = conn.sock
    kept = []
    for path in ("/v2/self", f"/v2/notifications/webhooks/{org}", f"/v2/notifications/emailhooks/{org}",
                 "/v2/notifications/info/events", "/v2/no-such-thing"):
        answer, data = _ask(conn, "GET", path, headers)
        assert conn.sock is first_socket  # the same connection, still open
        assert answer.getheader("Connection") is None and answer.getheader("Content-Length") == str(len(data))
        kept.append((answer.status, answer.getheader("Content-Type"), data))
    conn.close()
    closing = []
    for path in ("/v2/self", f"/v2/notifications/webhooks/{org}", f"/v2/notifications/emailhooks/{org}",
                 "/v2/notifications/info/events", "/v2/no-such-thing"):
        conn = _connection(sandbox)
        answer, data = _ask(conn, "GET", path, {**headers, "Connection": "close"})
        assert answer.getheader("Connection") == "close"  # werkzeug's own answer
        closing.append((answer.status, answer.getheader("Content-Type"), data))
        conn.close()
    assert kept == closing
    assert [status for status, _, _ in kept][-1] == 404


def test_head_is_werkzeugs_own_answer(sandbox):
    conn = _connection(sandbox)
    answer, data = _ask(conn, "HEAD", "/v2/self", _auth(sandbox))
    assert data == b"" and int(answer.getheader("Content-Length")) > 0 and answer.getheader("Connection") == "close"
    conn.close()


def test_a_write_closes_its_connection_as_before(sandbox):
    conn = _connection(sandbox)
    summary, body = _ask(conn, "GET", "/v2/summary", _auth(sandbox))
    org = json.loads(body)["organisations"][0]["id"]
    payload = json.dumps({"name": "keep-alive test", "urls": [{"url": "https://example.org/h", "format": "raw"}]})
    answer, data = _ask(conn, "POST", f"/v2/notifications/webhooks/{org}", {**_auth(sandbox),
                        "Content-Type": "application/json"}, payload)
    assert answer.status in (200, 201) and answer.getheader("Connection") == "close"
    conn.close()


def test_http_1_0_is_closed(sandbox):
    parts = urlsplit(sandbox.api_host)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn._http_vsn, conn._http_vsn_str = 10, "HTTP/1.0"
    answer, _ = _ask(conn, "GET", "/v2/self", _auth(sandbox))
    assert answer.status == 200 and answer.getheader("Connection") == "close"
    conn.close()


def test_a_failing_app_is_a_logged_500_and_a_closed_connection(caplog):
    import logging
    import threading

    from werkzeug.serving import make_server

    from clever_notify.sandbox.serve import KeepAliveHandler

    def broken(environ, start_response):
        raise RuntimeError("the app broke")

    server = make_server("127.0.0.1", 0, broken, threaded=True, request_handler=KeepAliveHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.ERROR, logger="werkzeug"):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            answer, _ = _ask(conn, "GET", "/v2/self", {})
            conn.close()
    finally:
        server.shutdown()
        server.server_close()
    assert answer.status == 500 and answer.getheader("Connection") == "close"
    assert "Error on request" in caplog.text and "the app broke" in caplog.text
