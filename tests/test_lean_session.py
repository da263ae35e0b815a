"""The lean session (api/lean_session.py) hands the adapter the request requests' own Session would, for every
call the API client makes; what it leaves out goes through requests' path unchanged."""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from clever_notify.api.lean_session import lean_session
from clever_notify.api.transport import Transport, make_session
from clever_notify.config.settings import DEFAULT_CONSUMER_KEY, DEFAULT_CONSUMER_SECRET, load_settings

API = "https://api.example.test"


class Capture(requests.adapters.BaseAdapter):
    """An adapter that answers 200 and keeps what it was handed."""

    def __init__(self, set_cookie: str | None = None):
        super().__init__()
        self.sent: list[tuple[requests.PreparedRequest, dict]] = []
        self.set_cookie = set_cookie

    def send(self, request, **kwargs):
        self.sent.append((request, kwargs))
        response = requests.Response()
        response.status_code = 200
        response.reason = "OK"
        response.url = request.url
        response.request = request
        response._content = b"[]"
        if self.set_cookie:
            response.headers["Set-Cookie"] = self.set_cookie
        return response

    def close(self):
        pass


def _pair():
    sessions = []
    for session in (requests.Session(), lean_session()):
        session.headers["User-Agent"] = "clever-notify/test"
        session.headers["Accept"] = "application/json"
        adapter = Capture()
        session.mount("https://", adapter)
        sessions.append((session, adapter))
    return sessions


def _seen(request: requests.PreparedRequest, kwargs: dict) -> tuple:
    return (request.method, request.url, dict(request.headers), request.body, kwargs.get("timeout"),
            kwargs.get("stream"), kwargs.get("verify"), kwargs.get("cert"), kwargs.get("proxies"))


def _keep(prepared):
    return prepared


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "get"]),
    path=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-/%é ", max_size=40),
    body=st.none() | st.dictionaries(st.text(max_size=8), st.text(max_size=12), max_size=3),
    token=st.text(alphabet="abcdefXYZ0123456789%&=", min_size=1, max_size=20),
    stream=st.booleans(),
)
def test_the_adapter_is_handed_what_requests_own_session_hands_it(method, path, body, token, stream):
    (plain, plain_adapter), (lean, lean_adapter) = _pair()
    headers = {"Authorization": f'OAuth oauth_token="{token}"'}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    for session in (plain, lean):
        session.request(method, f"{API}/v2/{path}", data=data, headers=dict(headers), timeout=(5.0, 7.0),
                        allow_redirects=False, stream=stream, auth=_keep, proxies=None)
    assert [_seen(*s) for s in lean_adapter.sent] == [_seen(*s) for s in plain_adapter.sent]
    assert len(lean_adapter.sent) == 1


def test_session_response_hooks_still_run():
    session = lean_session()
    session.mount("https://", Capture())
    seen = []
    session.hooks["response"].append(lambda response, *args, **kwargs: seen.append(response.status_code))
    session.request("GET", f"{API}/v2/self", allow_redirects=False, stream=True, auth=_keep)
    assert seen == [200]


def test_no_cookie_the_api_sets_is_sent_back():
    """A credential is the only thing that authenticates a call: a cookie an answer sets is not kept."""
    session = lean_session()
    adapter = Capture(set_cookie="session=abc; Path=/")
    session.mount("https://", adapter)
    for _ in range(2):
        session.request("GET", f"{API}/v2/self", allow_redirects=False, stream=True, auth=_keep)
    assert all("Cookie" not in request.headers for request, _ in adapter.sent)


@pytest.mark.parametrize("extra", [{"params": {"a": "1"}}, {"allow_redirects": True}, {"json": {"a": 1}},
                                   {"cookies": {"a": "1"}}])
def test_what_the_lean_path_leaves_out_goes_through_requests_own(extra):
    (plain, plain_adapter), (lean, lean_adapter) = _pair()
    call = {"allow_redirects": False, "stream": True, "auth": _keep, **extra}
    for session in (plain, lean):
        session.request("POST", f"{API}/v2/x", **call)
    assert [_seen(*s) for s in lean_adapter.sent] == [_seen(*s) for s in plain_adapter.sent]


def test_the_transport_sends_through_the_lean_session_with_the_header_built_once(monkeypatch):
    from clever_notify.api import transport as transport_module

    built = []
    real = transport_module.authorization_header
    monkeypatch.setattr(transport_module, "authorization_header", lambda s: built.append(1) or real(s))
    session = make_session()
    adapter = Capture()
    session.mount("https://", adapter)
    env = {"CLEVER_TOKEN": "tok-123456789", "CLEVER_SECRET": "sec-123456789", "API_HOST": API}
    transport = Transport(load_settings(env), session=session)
    for path in ("/v2/self", "/v2/summary"):
        assert transport.send("GET", path).status_code == 200
    assert built == [1]
    assert [(r.method, r.url) for r, _ in adapter.sent] == [("GET", f"{API}/v2/self"), ("GET", f"{API}/v2/summary")]
    assert {r.headers["Authorization"] for r, _ in adapter.sent} == {
        f'OAuth oauth_consumer_key="{DEFAULT_CONSUMER_KEY}", oauth_token="tok-123456789", '
        f'oauth_signature="{DEFAULT_CONSUMER_SECRET}%26sec-123456789"'}
    assert type(session).__name__ == "LeanSession"
