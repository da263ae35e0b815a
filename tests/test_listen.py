"""`clever events listen` and its socket client against servers.EventSocketStandIn (the protocol as the API
notes describe it, written apart from the sandbox): login, heartbeat, reconnection, authentication error,
filters, forwarding with a signature. Every wait is bounded; every server is on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time

import pytest

from clever_notify.api.event_socket import EventSocket, SocketEvent, parse_event, socket_url
from clever_notify.config.settings import load_settings
from clever_notify.delivery import signing
from clever_notify.errors import NetworkError, NotAuthenticated
from clever_notify.operations import listen as job
from helpers import APP_ID, AUTH_HEADER, ORG2_ID, ORG_ID, SECRET, TOKEN, USER_ID
from servers import EventSocketStandIn, closed_port, webhook_receiver

APP2_ID = "app_11111111-2222-4333-8444-555555555555"
SUMMARY = {
    "user": {"id": USER_ID, "name": "me", "applications": [], "addons": []},
    "organisations": [
        {"id": ORG_ID, "name": "Acme", "applications": [{"id": APP_ID, "name": "web"},
                                                       {"id": APP2_ID, "name": "worker"}], "addons": []},
        {"id": ORG2_ID, "name": "Other", "applications": [], "addons": []},
    ],
}
WAIT = 10.0  # the longest any step of these tests may take


@pytest.fixture
def standin():
    started: list[EventSocketStandIn] = []

    def start(**kwargs) -> EventSocketStandIn:
        server = EventSocketStandIn(summary=SUMMARY, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def socket_for(server, point_at, *, say=None, timeout=2.0, **kwargs) -> EventSocket:
    point_at(server.url)
    kwargs = {"backoff_first": 0.01, "backoff_factor": 2.0, "max_retries": 4, **kwargs}
    return EventSocket(load_settings(), timeout=timeout, say=say or (lambda line: None), **kwargs)


def read_in_thread(sock: EventSocket, count: int):
    """Read `count` events from `sock` in a daemon thread; (events, errors, thread)."""
    got: list[SocketEvent] = []
    errors: list[BaseException] = []

    def run():
        try:
            for item in sock.events():
                got.append(item)
                if len(got) >= count:
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return got, errors, thread


def deploy(app=APP_ID, owner=ORG_ID, state="OK", **more) -> dict:
    return {"ownerId": owner, "appId": app, "state": state, "uuid": "d1", **more}


# --- the protocol ----------------------------------------------------------------------------------------


def test_url_follows_the_api_host_scheme(point_at):
    point_at("http://127.0.0.1:9/")
    assert socket_url(load_settings()) == "ws://127.0.0.1:9/v2/events/event-socket"
    point_at("https://api.example.org")
    assert socket_url(load_settings()) == "wss://api.example.org/v2/events/event-socket"


def test_credentials_never_go_over_plain_ws_off_loopback(point_at):
    from clever_notify.errors import ConfigError

    point_at("http://api.example.org")
    with pytest.raises(ConfigError, match="plain http"):
        EventSocket(load_settings(), timeout=1)


def test_login_message_is_the_oauth_header_and_heartbeats_are_answered(standin, point_at):
    server = standin(heartbeat_ms=200)
    sock = socket_for(server, point_at)
    got, errors, thread = read_in_thread(sock, 1)
    assert server.wait_until(lambda: server.open_connections() == 1)
    assert server.wait_until(lambda: server.pongs >= 3), "pings were not answered"
    assert server.send_event("DEPLOYMENT_SUCCESS", deploy(), event_id="e1") == 1
    thread.join(WAIT)
    assert not errors and [e.type for e in got] == ["DEPLOYMENT_SUCCESS"]
    assert server.logins == [{"message_type": "oauth", "authorization": AUTH_HEADER}]
    event = got[0]
    assert (event.id, event.owner_id, event.service_id, event.state) == ("e1", ORG_ID, APP_ID, "OK")
    assert event.as_event() == {"id": "e1", "type": "DEPLOYMENT_SUCCESS", "date": "2026-12-06T17:00:00.000Z",
                                "data": deploy()}


def test_a_missed_heartbeat_reconnects(standin, point_at):
    lines: list[str] = []
    # the 1st connection announces 100 ms, pings once, then says nothing; the 2nd pings every second
    server = standin(heartbeat_ms=1000, silent={1}, silent_delay_ms=100)
    sock = socket_for(server, point_at, say=lines.append)
    got, errors, thread = read_in_thread(sock, 1)
    assert server.wait_until(lambda: server.opened == 2), lines
    assert server.wait_until(lambda: server.open_connections() == 1)
    server.send_event("GIT_PUSH", {"ownerId": ORG_ID, "appId": APP_ID})
    thread.join(WAIT)
    assert not errors and [e.type for e in got] == ["GIT_PUSH"]
    assert any("heartbeat missed" in line and "reconnecting in" in line for line in lines), lines
    assert "Reconnected to the event socket." in lines
    assert len(server.logins) == 2  # logged in again, with the same header
    assert sock.connections == 2


def test_a_dropped_socket_reconnects_and_loses_nothing_sent_after(standin, point_at):
    lines: list[str] = []
    server = standin(heartbeat_ms=1000)
    sock = socket_for(server, point_at, say=lines.append)
    got, errors, thread = read_in_thread(sock, 6)
    assert server.wait_until(lambda: server.open_connections() == 1)
    server.send_event("GIT_PUSH", {"ownerId": ORG_ID}, event_id="before")
    assert server.wait_until(lambda: len(got) == 1)
    server.drop()
    assert server.wait_until(lambda: server.opened == 2 and server.open_connections() == 1), lines
    for n in range(5):
        server.send_event("DEPLOYMENT_FAIL", deploy(state="FAIL"), event_id=f"after-{n}")
    thread.join(WAIT)
    assert not errors
    assert [e.id for e in got] == ["before"] + [f"after-{n}" for n in range(5)]
    assert any("reconnecting in" in line for line in lines)


def test_authentication_error_ends_the_stream(standin, point_at):
    server = standin(refuse_login=True)
    sock = socket_for(server, point_at)
    with pytest.raises(NotAuthenticated, match="2001"):
        next(sock.events())
    assert server.opened == 1  # no retry with credentials known to be refused


def test_no_socket_ready_within_the_timeout_retries_then_gives_up(standin, point_at):
    waits: list[float] = []
    lines: list[str] = []
    server = standin(ready=False)
    sock = socket_for(server, point_at, timeout=0.2, say=lines.append, sleep=waits.append, max_retries=2)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="gave up after 2 reconnections"):
        next(sock.events())
    assert time.monotonic() - started < 3 * 0.2 + 2  # three tries of 0.2 s each, nothing longer
    assert waits == [0.01, 0.02] and server.opened == 3
    assert all("no socket_ready within 0.2 s" in line for line in lines)


def test_back_off_is_exponential_and_bounded(point_at):
    waits: list[float] = []
    point_at(f"http://127.0.0.1:{closed_port()}")
    sock = EventSocket(load_settings(), timeout=1, sleep=waits.append, max_retries=6, backoff_first=1.5,
                       backoff_factor=2.0, backoff_max=10)
    with pytest.raises(NetworkError, match="connection refused; gave up after 6"):
        next(sock.events())
    assert waits == [1.5, 3.0, 6.0, 10, 10, 10]


def test_messages_of_other_shapes_are_skipped_not_fatal(standin, point_at):
    lines: list[str] = []
    server = standin(heartbeat_ms=1000)
    sock = socket_for(server, point_at, say=lines.append)
    got, errors, thread = read_in_thread(sock, 1)
    assert server.wait_until(lambda: server.open_connections() == 1)
    server.send_raw("not json")
    server.send_raw(json.dumps({"event": "GIT_PUSH", "data": "{not json"}))
    server.send_raw(json.dumps({"type": "something_new", "x": 1}))  # a message type added later: ignored
    server.send_event("GIT_PUSH", {"ownerId": ORG_ID})
    thread.join(WAIT)
    assert not errors and len(got) == 1 and server.opened == 1
    assert sum("Skipped" in line for line in lines) == 2


def test_skipped_messages_are_named_a_few_times_only(standin, point_at):
    lines: list[str] = []
    server = standin(heartbeat_ms=1000)
    sock = socket_for(server, point_at, say=lines.append)
    got, errors, thread = read_in_thread(sock, 1)
    assert server.wait_until(lambda: server.open_connections() == 1)
    for _ in range(50):
        server.send_raw("[1, 2]")
    server.send_event("GIT_PUSH", {"ownerId": ORG_ID})
    thread.join(WAIT)
    assert not errors and len(got) == 1 and sock.skipped == 50
    skipped = [line for line in lines if line.startswith("Skipped")]
    assert len(skipped) == 5 and skipped[-1].endswith("(further ones are skipped silently)")


def test_parse_event_keeps_unknown_fields():
    event = parse_event({"event": "X_NEW", "date": "d", "data": json.dumps({"id": APP_ID}), "region": "par"})
    assert event.service_id == APP_ID and event.as_event() == {"type": "X_NEW", "date": "d",
                                                               "data": {"id": APP_ID}, "region": "par"}


# --- filters and forwarding (no socket: the stream is a list) ---------------------------------------------


def events_of(*pairs) -> list[SocketEvent]:
    return [parse_event({"event": kind, "date": "d", "id": f"e{n}", "data": json.dumps(data)}, time.monotonic())
            for n, (kind, data) in enumerate(pairs)]


def test_filter_by_owner_event_and_service():
    stream = events_of(("DEPLOYMENT_OK", deploy()), ("DEPLOYMENT_FAIL", deploy()), ("DEPLOYMENT_FAIL", deploy(APP2_ID)),
                       ("DEPLOYMENT_FAIL", deploy(owner=ORG2_ID)), ("DEPLOYMENT_FAIL", {"id": APP_ID}))
    names = job.Names.from_summary(SUMMARY)
    filt = job.Filter(owners=frozenset({ORG_ID}), events=frozenset({"DEPLOYMENT_FAIL"}),
                      services=frozenset({APP_ID}))
    shown = list(job.listen(stream, filt, names))
    # the last one names no owner: its service's owner (from the summary) stands for it
    assert [e.id for e in shown] == ["e1", "e4"]
    assert (shown[1].owner, shown[1].service, shown[1].owner_id) == ("Acme", "web", ORG_ID)
    assert [e.id for e in job.listen(stream, job.Filter(), names)] == ["e0", "e1", "e2", "e3", "e4"]


def test_forwarding_signs_the_exact_body_and_goes_on_after_a_failure(loopback):
    from servers import reply, script

    receiver = loopback(script(reply(500, {"no": 1}), reply(200, {"ok": 1})))
    stream = events_of(("DEPLOYMENT_FAIL", deploy()), ("DEPLOYMENT_SUCCESS", deploy()))
    done: list[job.Forwarded] = []
    forward = job.Forward(url=f"{receiver.url}/hook", format="raw", secret="s" * 20, timeout=5)
    shown = list(job.listen(stream, job.Filter(), job.Names(), forward=forward, on_forwarded=done.append))
    assert len(shown) == 2 and [f.result.status for f in done] == [500, 200]
    assert [r.json() for r in receiver.received] == [e.event for e in shown]
    for request in receiver.received:
        assert signing.verify("s" * 20, request.body, request.headers[signing.HEADER])
        assert not signing.verify("t" * 20, request.body, request.headers[signing.HEADER])


def test_forwarding_renders_like_the_webhook_of_that_format(loopback):
    from clever_notify.delivery import payloads

    receiver = loopback(webhook_receiver())
    stream = events_of(("DEPLOYMENT_FAIL", deploy(appName="web")))
    forward = job.Forward(url=f"{receiver.url}/slack", format="slack", secret="s" * 20, timeout=5)
    [event] = list(job.listen(stream, job.Filter(), job.Names(), forward=forward))
    assert receiver.received[0].body == payloads.render(event.event, "slack")[1]
    assert receiver.received[0].json()["attachments"][0]["color"] == "danger"


# --- the command ------------------------------------------------------------------------------------------


def test_command_prints_events_and_deliveries(standin, point_at, run, loopback):
    server = standin(heartbeat_ms=1000)
    point_at(server.url)
    receiver = loopback(webhook_receiver())
    results = {}

    def invoke():
        results["r"] = run("events", "listen", "--org", "Acme", "--event", "META_DEPLOYMENT_RESULT",
                           "--service", "web", "--forward-to", f"{receiver.url}/hook", "--max-events", "2",
                           "--secret", "x" * 20)

    thread = threading.Thread(target=invoke, daemon=True)
    thread.start()
    assert server.wait_until(lambda: server.open_connections() == 1)
    server.send_event("GIT_PUSH", {"ownerId": ORG_ID, "appId": APP_ID})
    server.send_event("DEPLOYMENT_FAIL", deploy(APP2_ID, state="FAIL"))
    server.send_event("DEPLOYMENT_FAIL", deploy(state="FAIL\x1b[31m"), date="2026-12-06T17:01:00.000Z")
    server.send_event("DEPLOYMENT_SUCCESS", deploy(owner=ORG2_ID))
    server.send_event("DEPLOYMENT_SUCCESS", deploy())
    thread.join(WAIT)
    result = results["r"]
    assert result.exit_code == 0, result.stderr
    events = [line for line in result.stdout.splitlines() if not line.startswith("  -> ")]
    deliveries = sorted(line for line in result.stdout.splitlines() if line.startswith("  -> "))
    assert events == ["2026-12-06T17:01:00.000Z  DEPLOYMENT_FAIL  Acme  web  FAIL\\x1b[31m",
                      "2026-12-06T17:00:00.000Z  DEPLOYMENT_SUCCESS  Acme  web  OK"]
    assert [line.split(": ok, HTTP 200 in ")[0] for line in deliveries] == [
        f"  -> DEPLOYMENT_FAIL to {receiver.url}/hook (raw)", f"  -> DEPLOYMENT_SUCCESS to {receiver.url}/hook (raw)"]
    assert len(receiver.received) == 2
    assert "x" * 20 not in result.stdout + result.stderr and TOKEN not in result.stderr and SECRET not in result.stderr


def test_command_json_lines(standin, point_at, run):
    server = standin(heartbeat_ms=1000)
    point_at(server.url)
    results = {}
    thread = threading.Thread(target=lambda: results.update(r=run("events", "listen", "--all-owners", "--json",
                                                                  "--max-events", "1")), daemon=True)
    thread.start()
    assert server.wait_until(lambda: server.open_connections() == 1)
    server.send_event("DEPLOYMENT_SUCCESS", deploy(owner=ORG2_ID), event_id="e9")
    thread.join(WAIT)
    assert results["r"].exit_code == 0
    assert json.loads(results["r"].stdout) == {
        "kind": "event", "id": "e9", "event": "DEPLOYMENT_SUCCESS", "date": "2026-12-06T17:00:00.000Z",
        "ownerId": ORG2_ID, "owner": "Other", "serviceId": APP_ID, "service": "web", "state": "OK",
        "data": deploy(owner=ORG2_ID)}


def test_command_auth_error_exits_3_without_credentials_in_output(standin, point_at, run):
    server = standin(refuse_login=True)
    point_at(server.url)
    result = run("events", "listen", "--org", "Acme")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1].startswith("Error: the event socket refused the login (error 2001)")
    assert TOKEN not in result.output + result.stderr and SECRET not in result.stderr


@pytest.mark.parametrize("args, words", [
    (["--event", "DEPLOY_FAILED"], "did you mean DEPLOYMENT_FAIL"),
    (["--forward-to", "https://example.org/hook"], "--allow-remote-forward"),
    (["--forward-to", "http://10.0.0.1/hook"], "--allow-remote-forward"),
    (["--format", "slack"], "--format only applies with --forward-to"),
    (["--all-owners", "--org", "Acme"], "cannot be combined"),
    (["--all-owners", "--service", "web"], "--service names services of one owner"),
    (["--forward-to", "http://127.0.0.1:1/x", "--secret", "short"], "at least 16"),
])
def test_usage_errors_send_nothing(run, point_at, args, words):
    point_at(f"http://127.0.0.1:{closed_port()}")
    result = run("events", "listen", *args)
    assert result.exit_code == 2 and words in result.stderr, result.stderr


def test_print_secret_is_kept_and_reused(run, isolated_env):
    first = run("events", "listen", "--print-secret")
    second = run("events", "listen", "--print-secret")
    assert first.exit_code == 0 and first.stdout == second.stdout and first.stdout.startswith("cnsec_")
    assert len(first.stdout.strip()) > 40
    path = isolated_env / "home" / ".config" / "clever-notify" / "listen-secret"
    assert path.read_text().strip() == first.stdout.strip() and path.stat().st_mode & 0o777 == 0o600
    given = run("events", "listen", "--print-secret", "--secret", "y" * 20)
    assert given.stdout == "y" * 20 + "\n"


def test_the_catalog_is_still_the_default(run):
    result = run("events")
    assert result.exit_code == 0 and "META_DEPLOYMENT_RESULT" in result.stdout
    assert run("events", "-F", "json", "listen").exit_code == 2


def test_in_process_sandbox_is_refused_with_the_way_to_serve(run):
    result = run("--sandbox", "events", "listen")
    assert result.exit_code == 2 and "clever sandbox serve" in result.stderr


def test_the_receiver_in_the_walk_through_verifies_what_listen_signs(monkeypatch):
    from pathlib import Path

    guide = (Path(__file__).resolve().parent.parent / "docs" / "guides" / "clever-events.md").read_text()
    code = guide.split("```python\n", 1)[1].split("```", 1)[0]
    serving = 'HTTPServer(("127.0.0.1", 8000), Receiver).serve_forever()\n'
    assert code.endswith(serving)
    monkeypatch.setenv("LISTEN_SECRET", "k" * 20)
    namespace: dict = {}
    exec(compile(code.removesuffix(serving), "receiver.py", "exec"), namespace)
    body = b'{"type": "DEPLOYMENT_FAIL"}'
    assert namespace["verified"](body, signing.signature("k" * 20, body))
    assert not namespace["verified"](body + b" ", signing.signature("k" * 20, body))
    assert not namespace["verified"](body, signing.signature("j" * 20, body))
    assert not namespace["verified"](body, None)


def test_python_api_listen_yields_typed_events_and_forwards(standin, point_at, loopback):
    from clever_notify import Forwarded, ListenedEvent, Notifications

    server = standin(heartbeat_ms=1000)
    point_at(server.url)
    receiver = loopback(webhook_receiver())
    notices: list[str] = []
    outcomes: list = []
    n = Notifications.from_environment()
    stream = n.events.listen(owner="Acme", events="META_DEPLOYMENT_RESULT", services=["worker"],
                             forward_to=f"{receiver.url}/h", format="gitter", secret="z" * 20, max_events=1,
                             on_forwarded=outcomes.append, on_notice=notices.append)
    got: list = []
    thread = threading.Thread(target=lambda: got.extend(stream), daemon=True)
    thread.start()
    assert server.wait_until(lambda: server.open_connections() == 1)
    server.send_event("DEPLOYMENT_SUCCESS", deploy())  # web: not this service
    server.send_event("DEPLOYMENT_FAIL", deploy(APP2_ID, state="FAIL"))
    thread.join(WAIT)
    [event] = got
    assert isinstance(event, ListenedEvent) and (event.type, event.service, event.owner) == (
        "DEPLOYMENT_FAIL", "worker", "Acme")
    [outcome] = outcomes
    assert isinstance(outcome, Forwarded) and outcome.result.ok and receiver.received[0].json()["level"] == "error"
    assert notices == ["Connected to the event socket; waiting for events."]
    assert n.events.catalog()["meta_events"]["META_DEPLOYMENT_RESULT"] == ["DEPLOYMENT_FAIL", "DEPLOYMENT_SUCCESS"]


def test_python_api_listen_checks_its_values_before_connecting(point_at):
    from clever_notify import Notifications
    from clever_notify.errors import InputError

    point_at(f"http://127.0.0.1:{closed_port()}")
    n = Notifications.from_environment()
    with pytest.raises(InputError, match="DEPLOY_FAILED"):
        n.events.listen(events=["DEPLOY_FAILED"])
    with pytest.raises(InputError, match="another machine"):
        n.events.listen(forward_to="https://example.org/h")
    with pytest.raises(InputError, match="max_events"):
        n.events.listen(max_events=0)
    with pytest.raises(InputError, match="clever sandbox serve"):
        Notifications.sandbox().events.listen()


def test_a_slow_receiver_does_not_stall_the_heartbeat(standin, point_at, loopback):
    from servers import later, reply

    lines: list[str] = []
    server = standin(heartbeat_ms=400)  # dead after 500 ms without a ping
    receiver = loopback(lambda req: later(2.0, reply(200, {})))
    sock = socket_for(server, point_at, say=lines.append)
    forward = job.Forward(url=f"{receiver.url}/slow", format="raw", secret="s" * 20, timeout=5)
    done: list = []
    got: list = []
    stream = job.listen(sock, job.Filter(), job.Names(), forward=forward, on_forwarded=done.append)
    # no max_events: the stream is read all along; it ends (NetworkError) once the stand-in stops, after the test

    def read():
        try:
            got.extend(stream)
        except NetworkError:
            pass

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    assert server.wait_until(lambda: server.open_connections() == 1)
    for n in range(3):
        server.send_event("GIT_PUSH", {"ownerId": ORG_ID}, event_id=f"e{n}")
    got_all = server.wait_until(lambda: len(got) == 3)
    pongs = server.pongs
    time.sleep(1.3)  # the receiver is still holding the first delivery
    assert got_all and server.pongs >= pongs + 2 and server.opened == 1, lines
    assert server.wait_until(lambda: len(done) == 3)
    assert [f.event.id for f in done] == ["e0", "e1", "e2"] and all(f.result.status == 200 for f in done)
    assert [f.waited_ms >= 1900 for f in done] == [False, True, True]  # in order, one at a time


def test_command_reports_a_failed_delivery_and_goes_on_in_json(standin, point_at, run):
    server = standin(heartbeat_ms=1000)
    point_at(server.url)
    results = {}
    url = f"http://127.0.0.1:{closed_port()}/hook"
    thread = threading.Thread(target=lambda: results.update(r=run(
        "events", "listen", "--org", ORG_ID, "--json", "--max-events", "2", "--forward-to", url,
        "--secret", "q" * 20)), daemon=True)
    thread.start()
    assert server.wait_until(lambda: server.open_connections() == 1)
    server.send_event("DEPLOYMENT_FAIL", deploy(), event_id="a")
    server.send_event("DEPLOYMENT_SUCCESS", deploy(), event_id="b")
    thread.join(WAIT)
    result = results["r"]
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    deliveries = [x for x in lines if x["kind"] == "delivery"]
    assert [x["eventId"] for x in deliveries] == ["a", "b"]
    assert all(x["status"] is None and x["ok"] is False and x["error"] == "connection failed" for x in deliveries)
    assert set(deliveries[0]) == {"kind", "eventId", "event", "waitedMs", "url", "format", "status", "latencyMs",
                                  "ok", "error", "bodyStart"}


@pytest.mark.parametrize("value", ["abc", "0", "10", "600001", "-5"])
def test_sandbox_serve_refuses_a_bad_heartbeat_before_listening(run, monkeypatch, value):
    monkeypatch.setenv("CLEVER_SANDBOX_HEARTBEAT_MS", value)
    result = run("sandbox", "serve", "--port", "0")
    assert result.exit_code == 2 and "CLEVER_SANDBOX_HEARTBEAT_MS" in result.stderr and not result.stdout


def test_a_date_of_another_type_is_kept_for_the_raw_forward_and_shown():
    from clever_notify.output.listen import event_line

    [item] = [parse_event({"event": "GIT_PUSH", "date": 1765040400000, "data": json.dumps({"ownerId": ORG_ID})})]
    assert item.as_event()["date"] == 1765040400000
    shown = job.ListenedEvent.of(item, job.Names.from_summary(SUMMARY))
    assert event_line(shown) == "1765040400000  GIT_PUSH  Acme  -  -"


def test_a_failure_to_print_a_delivery_ends_the_stream_in_the_readers_thread(loopback):
    receiver = loopback(webhook_receiver())
    forward = job.Forward(url=f"{receiver.url}/h", format="raw", secret="s" * 20, timeout=5)

    def broken(_forwarded):
        raise BrokenPipeError("stdout closed")

    def slow_stream():  # the second event comes once the first delivery has been handed to `broken`
        yield from events_of(("GIT_PUSH", {}))
        assert receiver_has_one()
        time.sleep(0.2)
        yield from events_of(("GIT_PUSH", {}))

    def receiver_has_one():
        end = time.monotonic() + WAIT
        while not receiver.received and time.monotonic() < end:
            time.sleep(0.01)
        return bool(receiver.received)

    with pytest.raises(BrokenPipeError):
        list(job.listen(slow_stream(), job.Filter(), job.Names(), forward=forward, on_forwarded=broken))


@pytest.mark.parametrize("status, error", [(401, NotAuthenticated), (403, NotAuthenticated)])
def test_a_refused_upgrade_is_an_authentication_error(standin, point_at, status, error):
    server = standin(upgrade_status=status)
    with pytest.raises(error, match=f"HTTP {status}"):
        next(socket_for(server, point_at).events())


def test_an_upgrade_answered_404_is_not_retried(standin, point_at):
    from clever_notify.errors import ApiError

    waits: list[float] = []
    server = standin(upgrade_status=404)
    with pytest.raises(ApiError, match="HTTP 404"):
        next(socket_for(server, point_at, sleep=waits.append).events())
    assert waits == []


def test_an_upgrade_answered_503_is_retried(standin, point_at):
    waits: list[float] = []
    server = standin(upgrade_status=503)
    with pytest.raises(NetworkError, match="HTTP 503; gave up after 2"):
        next(socket_for(server, point_at, sleep=waits.append, max_retries=2).events())
    assert waits == [0.01, 0.02]


# --- the sandbox's side, in-process on 127.0.0.1 ----------------------------------------------------------


@pytest.fixture
def sandbox_app_server():
    from werkzeug.serving import make_server

    from clever_notify.sandbox.app import make_app

    app = make_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield app, f"127.0.0.1:{server.server_port}"
    app.stopping.set()
    server.shutdown()
    thread.join(WAIT)


def test_sandbox_socket_answers_plain_get_426_and_refuses_when_full(sandbox_app_server):
    import requests
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    from clever_notify.sandbox import event_socket

    _app, where = sandbox_app_server
    plain = requests.get(f"http://{where}/v2/events/event-socket", timeout=5)
    assert plain.status_code == 426 and plain.json()["type"] == "error"
    taken = 0
    try:
        while event_socket.try_listen():
            taken += 1
        assert taken == event_socket.MAX_LISTENERS
        with pytest.raises(InvalidStatus) as refused:
            connect(f"ws://{where}/v2/events/event-socket", open_timeout=5, proxy=None).__enter__()
        assert refused.value.response.status_code == 503
    finally:
        for _ in range(taken):
            event_socket.done()


def test_sandbox_socket_drops_a_client_that_never_answers_pings(sandbox_app_server, monkeypatch):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    monkeypatch.setenv("CLEVER_SANDBOX_HEARTBEAT_MS", "50")
    _app, where = sandbox_app_server
    pings = 0
    with connect(f"ws://{where}/v2/events/event-socket", open_timeout=5, proxy=None) as ws:
        ws.send(json.dumps({"message_type": "oauth", "authorization": AUTH_HEADER}))
        assert json.loads(ws.recv(timeout=5)) == {"message_type": "socket_ready"}
        with pytest.raises(ConnectionClosed):
            for _ in range(50):
                if json.loads(ws.recv(timeout=5)).get("heartbeat_msg") == "ping":
                    pings += 1
    assert pings == 3  # MISSED_PONGS pings unanswered, then the sandbox closes
