"""A GET sent straight to urllib3's pool (api/pooled_get.py) is the GET requests would send: the same bytes on
the wire, the same answer read, and for every kind of failure the same requests exception, so the transport
reports it in the same words. Each case runs both ways against one loopback server."""

from __future__ import annotations

import gzip
import json
import socket

import pytest
import requests
import responses

from clever_notify.api import deadline
from clever_notify.api.pooled_get import PooledGets
from clever_notify.api.transport import _NO_PROXY, Transport, _keep_headers, make_session
from clever_notify.config.settings import load_settings
from clever_notify.errors import NetworkError
from tests.servers import LoopbackServer, closed_port, drip, drop, hang, partial, reply, script

HEADERS = {"Authorization": 'OAuth oauth_consumer_key="k", oauth_token="t", oauth_signature="s%26x"'}
TIMEOUT = (2.0, 0.6)
PATH = "/v2/notifications/webhooks/orga_1"


def _raw(data: bytes):
    def act(h):
        h.close_connection = True
        h.wfile.write(data)
        h.wfile.flush()

    return act


def _chain(exc: BaseException) -> list[str]:
    seen, out, todo = set(), [], [exc]
    while todo:
        cur = todo.pop()
        if not isinstance(cur, BaseException) or id(cur) in seen:
            continue
        seen.add(id(cur))
        out.append(type(cur).__name__)
        todo.extend([getattr(cur, "reason", None), cur.__cause__, cur.__context__, *getattr(cur, "args", ())])
    return sorted(set(out) - {"requests.exceptions", "str"})


def _outcome(send) -> tuple:
    try:
        with deadline.within(TIMEOUT[1] + 1.0):
            response = send()
            try:
                body = b"".join(response.iter_content(64 * 1024))
            finally:
                response.close()
        return ("answer", response.status_code, response.reason, body, response.headers.get("content-type"))
    except requests.exceptions.RequestException as exc:
        # the exception the transport sorts on, and whether a read timeout / refused connection is behind it
        behind = {name for name in _chain(exc) if name in ("ReadTimeoutError", "NewConnectionError",
                                                             "ProtocolError", "ConnectTimeoutError")}
        return ("error", type(exc).__name__, sorted(behind))


def _via_requests(url: str):
    session = make_session()
    return session.request("GET", url, headers=dict(HEADERS), timeout=TIMEOUT, allow_redirects=False, stream=True,
                           auth=_keep_headers, proxies=_NO_PROXY)


def _via_pool(url: str):
    response = PooledGets(make_session()).get(url, dict(HEADERS), TIMEOUT)
    assert response is not None, "the pooled path declined a plain GET"
    return response


ANSWERS = {
    "json list": reply(200, [{"id": "h1", "name": "n"}]),
    "404 with a message": reply(404, {"message": "not found"}),
    "500 html": reply(500, raw=b"<html>boom</html>", content_type="text/html"),
    "gzip body": reply(200, raw=gzip.compress(b'[{"id": "h1"}]'), headers={"Content-Encoding": "gzip"}),
    "chunked": _raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"3\r\n[1,\r\n2\r\n2]\r\n0\r\n\r\n"),
    "204 no body": _raw(b"HTTP/1.1 204 No Content\r\n\r\n"),
    "redirect (not followed)": reply(302, raw=b"", headers={"Location": "https://elsewhere.example/"}),
}

FAULTS = {
    "dropped before answering": drop(),
    "cut mid-body": partial(b'[{"id": "h', declared=500),
    "never answers": hang(5),
    "drips past the deadline": drip(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]", every=0.2),
    "garbage status line": _raw(b"NOT HTTP AT ALL\r\n\r\n"),
    "broken chunked encoding": _raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnope\r\n"),
    "gzip that is not": reply(200, raw=b"plain text", headers={"Content-Encoding": "gzip"}),
    "header line too long": _raw(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n"),
}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_an_answer_reads_the_same_both_ways_and_the_request_is_the_same(name):
    with LoopbackServer(script(ANSWERS[name])) as server:
        url = server.url + PATH
        assert _outcome(lambda: _via_pool(url)) == _outcome(lambda: _via_requests(url))
        pooled, plain = server.received
    assert (pooled.method, pooled.path, pooled.headers, pooled.body) == (plain.method, plain.path, plain.headers,
                                                                         plain.body)
    assert pooled.headers["Authorization"] == HEADERS["Authorization"]


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_a_fault_is_the_same_requests_exception_both_ways(name):
    with LoopbackServer(script(FAULTS[name])) as server:
        url = server.url + PATH
        pooled = _outcome(lambda: _via_pool(url))
        plain = _outcome(lambda: _via_requests(url))
    assert pooled[0] == "error"
    assert pooled == plain


def test_a_refused_connection_is_the_same_requests_exception_both_ways():
    url = f"http://127.0.0.1:{closed_port()}{PATH}"
    pooled, plain = _outcome(lambda: _via_pool(url)), _outcome(lambda: _via_requests(url))
    assert pooled == plain
    assert pooled[:2] == ("error", "ConnectionError") and "NewConnectionError" in pooled[2]


@pytest.mark.parametrize("name", ["dropped before answering", "cut mid-body", "garbage status line"])
def test_the_transport_says_the_same_either_way(name, monkeypatch):
    env = {"CLEVER_TOKEN": "tok-123456789", "CLEVER_SECRET": "sec-123456789", "CLEVER_TIMEOUT": "1"}
    said = []
    for pooled in (True, False):
        if not pooled:
            monkeypatch.setattr(PooledGets, "get", lambda self, *a: None)
        with LoopbackServer(script(FAULTS[name])) as server:
            transport = Transport(load_settings({**env, "API_HOST": server.url}), sleep=lambda s: None)
            with pytest.raises(NetworkError) as caught:
                transport.send("GET", PATH)
            said.append((str(caught.value).replace(server.url, "URL").replace(server.url.split("//")[1], "HOST"),
                         len(server.received)))
    assert said[0] == said[1]


def test_the_transport_takes_the_pooled_path_for_gets_only():
    with LoopbackServer(script(reply(200, []))) as server:
        env = {"CLEVER_TOKEN": "tok-123456789", "CLEVER_SECRET": "sec-123456789", "API_HOST": server.url}
        transport = Transport(load_settings(env))
        transport.send("GET", PATH)
        transport.send("DELETE", PATH + "/h1")
    assert transport._pooled is not None and list(transport._pooled._pools) == [server.url]
    assert [r.method for r in server.received] == ["GET", "DELETE"]


def test_declined_where_requests_would_do_more(monkeypatch):
    with LoopbackServer(script(reply(200, []))) as server:
        url = server.url + PATH
        hooked = make_session()
        hooked.hooks["response"].append(lambda r, *a, **k: r)
        assert PooledGets(hooked).get(url, HEADERS, TIMEOUT) is None
        with_cookie = make_session()
        with_cookie.cookies.set("a", "b")
        assert PooledGets(with_cookie).get(url, HEADERS, TIMEOUT) is None
        assert PooledGets(object()).get(url, HEADERS, TIMEOUT) is None  # a stand-in session is asked itself
        assert PooledGets(make_session()).get(url + "?page=2", HEADERS, TIMEOUT) is None
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        assert PooledGets(make_session()).get(url, HEADERS, TIMEOUT) is None
    assert server.received == []


@responses.activate
def test_a_replaced_adapter_send_gets_the_request_as_before():
    """`responses` replaces HTTPAdapter.send: the pooled path stands aside and the stand-in answers."""
    responses.add(responses.GET, "https://api.example.test" + PATH, json=[{"id": "h1"}])
    env = {"CLEVER_TOKEN": "tok-123456789", "CLEVER_SECRET": "sec-123456789", "API_HOST": "https://api.example.test"}
    answer = Transport(load_settings(env)).send("GET", PATH)
    assert json.loads(answer.content) == [{"id": "h1"}]
    assert len(responses.calls) == 1


def test_closed_port_helper_is_closed():
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", closed_port())) != 0


# --- TLS: the pool requests would use, with the CA bundle the environment names ----------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """A loopback HTTPS server with a self-signed certificate for 127.0.0.1 (made by the openssl command)."""
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    server = LoopbackServer(script(reply(200, [{"id": "h1"}])))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    try:
        yield server.url.replace("http://", "https://"), cert
    finally:
        server.stop()


def test_an_unknown_certificate_is_the_same_tls_error_both_ways(tls_server, monkeypatch):
    url, _ = tls_server
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    pooled, plain = _outcome(lambda: _via_pool(url + PATH)), _outcome(lambda: _via_requests(url + PATH))
    assert pooled == plain
    assert pooled[:2] == ("error", "SSLError")


def test_the_ca_bundle_the_environment_names_is_trusted_both_ways(tls_server, monkeypatch):
    url, cert = tls_server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    pooled, plain = _outcome(lambda: _via_pool(url + PATH)), _outcome(lambda: _via_requests(url + PATH))
    assert pooled == plain
    assert pooled[:2] == ("answer", 200)


@pytest.mark.parametrize("path", [PATH, "/v2/a b/c", "/v2/caf%C3%A9/%41%7e", "/v2/é/ü", "/v2/a~b_c.d-e", "/v2/%zz/x"])
def test_the_request_line_is_the_one_requests_sends_whatever_the_path(path):
    with LoopbackServer(script(reply(200, []))) as server:
        url = server.url + path
        assert _outcome(lambda: _via_pool(url)) == _outcome(lambda: _via_requests(url))
        pooled, plain = server.received
    assert pooled.path == plain.path
