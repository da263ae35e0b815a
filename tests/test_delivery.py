"""delivery.post against real receivers on loopback: success, error status, refused connection, timeout."""

from __future__ import annotations

import json

import pytest

from clever_notify.delivery import payloads
from clever_notify.delivery import post as delivery
from servers import LoopbackServer, closed_port_url, later, partial, reply, script, webhook_receiver


@pytest.fixture
def receiver():
    """/fail answers 500, /slow answers after 2 s, anything else 200."""
    receive = webhook_receiver(answer=b"ok")

    def handler(req):
        return later(2, reply(200, raw=b"ok")) if req.path == "/slow" else receive(req)

    with LoopbackServer(handler) as server:
        yield server


def test_posts_rendered_event_and_reports(receiver):
    event = payloads.make_event("DEPLOYMENT_SUCCESS", owner_id="orga_x", service_id="app_y")
    result = delivery.post(receiver.url + "/ok", "raw", event)
    assert result.ok and result.status == 200 and result.body_start == "ok"
    [got] = receiver.received
    assert got.method == "POST" and got.path == "/ok" and got.headers["Content-Type"] == "application/json"
    assert json.loads(got.body) == event


def test_error_status_is_not_ok(receiver):
    result = delivery.post(receiver.url + "/fail", "slack", payloads.make_event("DEPLOYMENT_FAIL", owner_id="o"))
    assert not result.ok and result.status == 500 and result.body_start == "receiver exploded"


def test_refused_connection_is_a_result():
    result = delivery.post(closed_port_url("/"), "raw", payloads.make_event("GIT_PUSH", owner_id="o"))
    assert result.status is None and result.error == "connection failed" and not result.ok


def test_timeout_is_bounded(receiver):
    event = payloads.make_event("GIT_PUSH", owner_id="o")
    result = delivery.post(receiver.url + "/slow", "raw", event, timeout=0.3)
    assert result.status is None and "timed out" in result.error
    assert result.latency_ms < 1500


def test_answer_cut_short_is_a_failed_delivery_not_a_crash():
    # Announces 1000 bytes, sends 5, hangs up: urllib3 raises its own error while reading.
    with LoopbackServer(script(partial(b"hello", declared=1000))) as server:
        result = delivery.post(server.url + "/h", "raw", payloads.make_event("GIT_PUSH", owner_id="o"),
                               timeout=2)
    assert result.status == 200 and not result.ok
    assert result.error == "connection lost while reading the answer"
