"""The event socket of `clever sandbox serve`: the API's protocol at the API's path, fed from the store.

Same messages as the platform's (see api/event_socket.py): the client logs in with
`{"message_type": "oauth", "authorization": <an OAuth header>}` (any well-formed one, as the sandbox's
HTTP side accepts; anything else gets `{"type": "error", "id": 2001}`), then receives `socket_ready`,
every event recorded in the sandbox from then on (by `clever sandbox emit` in any process: the store
is read every POLL_INTERVAL), and a heartbeat ping every CLEVER_SANDBOX_HEARTBEAT_MS (5000 unless set).

WebSocket framing is websockets' Sans-I/O protocol over the socket werkzeug's server hands over
(`environ["werkzeug.socket"]`): the connection lives in werkzeug's thread for that request, until the
client leaves or stops answering, or the server stops (the thread is a daemon).
"""

from __future__ import annotations

import json
import selectors
import socket
import threading
import time

from clever_notify.sandbox.settings import whole_number

PATH = "/v2/events/event-socket"
AUTH_ERROR_ID = 2001
DEFAULT_HEARTBEAT_MS = 5000
MIN_HEARTBEAT_MS, MAX_HEARTBEAT_MS = 50, 600_000
POLL_INTERVAL = 0.05  # seconds between two reads of the store: the delay an event of another process may take
LOGIN_WITHIN = 10.0  # seconds for a client to send its login message
MISSED_PONGS = 3  # heartbeats in a row without a pong before the sandbox drops the client
MAX_LISTENERS = 64  # sockets open at once: each holds a thread of the server
MAX_MESSAGE = 64 * 1024  # what a client may send in one message (its login is a few hundred bytes)
SEND_TIMEOUT = 10.0  # a client that stops reading is dropped when its buffers are full this long
BATCH = 100  # events read from the store per poll
CLOSE_WAIT = 1.0  # seconds for a client to answer the sandbox's closing frame

_listeners = threading.BoundedSemaphore(MAX_LISTENERS)


def heartbeat_ms(env=None) -> int:
    return whole_number("CLEVER_SANDBOX_HEARTBEAT_MS", default=DEFAULT_HEARTBEAT_MS, low=MIN_HEARTBEAT_MS,
                        high=MAX_HEARTBEAT_MS, env=env,
                        expected=f"milliseconds between two heartbeats, {MIN_HEARTBEAT_MS} to {MAX_HEARTBEAT_MS}")


def is_upgrade(environ) -> bool:
    return environ.get("HTTP_UPGRADE", "").lower() == "websocket"


def socket_message(event: dict) -> str:
    """A stored event as the socket sends it: the event's name under `event`, its data as JSON text."""
    return json.dumps({"id": event.get("id"), "event": event.get("type"), "date": event.get("date"),
                       "data": json.dumps(event.get("data") or {})})


def _request_bytes(environ) -> bytes:
    """The upgrade request again, from the WSGI environment (werkzeug has read it off the socket already)."""
    lines = [f"GET {environ.get('PATH_INFO') or '/'} HTTP/1.1"]
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            lines.append(f"{key[5:].replace('_', '-').title()}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _well_formed_login(text: str) -> bool:
    try:
        message = json.loads(text)
    except ValueError:
        return False
    if not isinstance(message, dict) or message.get("message_type") != "oauth":
        return False
    value = message.get("authorization")
    return isinstance(value, str) and value.startswith("OAuth ") and "oauth_token=" in value \
        and "oauth_signature=" in value


class _Closed(Exception):
    pass


class _Connection:
    """One accepted WebSocket over a blocking socket: texts out, texts in, closing either way."""

    def __init__(self, sock, protocol):
        self.sock = sock
        self.protocol = protocol
        self.sock.settimeout(SEND_TIMEOUT)
        self.selector = selectors.DefaultSelector()
        self.selector.register(sock, selectors.EVENT_READ)

    def flush(self) -> None:
        for data in self.protocol.data_to_send():
            if data:
                self.sock.sendall(data)
            else:  # the protocol asks for the write side to be closed (end of the closing handshake)
                try:
                    self.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                raise _Closed()

    def send(self, text: str) -> None:
        self.protocol.send_text(text.encode("utf-8"))
        self.flush()

    def receive(self, timeout: float) -> list[str]:
        """Texts that arrived within `timeout` seconds (maybe none); _Closed when the client is gone."""
        from websockets.frames import Frame, Opcode

        if not self.selector.select(max(0.0, timeout)):
            return []
        try:
            data = self.sock.recv(65536)
        except OSError:
            raise _Closed() from None
        if data:
            self.protocol.receive_data(data)
        else:
            self.protocol.receive_eof()
        texts = []
        for frame in self.protocol.events_received():
            if isinstance(frame, Frame) and frame.opcode == Opcode.TEXT:
                texts.append(frame.data.decode("utf-8", errors="replace"))
        self.flush()  # pongs to pings and the answer to a close, which the protocol prepared
        if not data or self.protocol.state.name in ("CLOSING", "CLOSED"):
            raise _Closed()
        return texts

    def close(self, code: int = 1000, reason: str = "") -> None:
        """The closing handshake (the client's answer awaited CLOSE_WAIT at most), then the TCP connection
        shut down: werkzeug must see the end of the stream, not read the client's next frames as HTTP."""
        try:
            if self.protocol.state.name == "OPEN":
                self.protocol.send_close(code, reason)
                self.flush()
            deadline = time.monotonic() + CLOSE_WAIT
            while time.monotonic() < deadline:
                self.receive(deadline - time.monotonic())
        except (OSError, _Closed):
            pass
        finally:
            self.selector.close()
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(store, environ, *, heartbeat: int | None = None, stopping: threading.Event | None = None) -> str:
    """Run one listener's connection to its end; returns why it ended (for logs and tests)."""
    from websockets.http11 import Response
    from websockets.server import ServerProtocol

    sock = environ["werkzeug.socket"]
    protocol = ServerProtocol(max_size=MAX_MESSAGE)
    protocol.receive_data(_request_bytes(environ))
    request = next((e for e in protocol.events_received() if not isinstance(e, Response)), None)
    if request is None:
        return "unreadable upgrade request"
    response = protocol.accept(request)
    protocol.send_response(response)
    conn = _Connection(sock, protocol)
    try:
        conn.flush()
        if response.status_code != 101:
            return f"upgrade refused ({response.status_code})"
        return _session(store, conn, heartbeat_ms() if heartbeat is None else heartbeat, stopping)
    except _Closed:
        return "client left"
    except OSError as exc:
        return f"socket error ({type(exc).__name__})"
    finally:
        conn.close(1001 if stopping is not None and stopping.is_set() else 1000)


def _session(store, conn: _Connection, heartbeat: int, stopping: threading.Event | None) -> str:
    deadline = time.monotonic() + LOGIN_WITHIN
    login = None
    while login is None:
        left = deadline - time.monotonic()
        if left <= 0:
            return "no login"
        texts = conn.receive(left)
        login = texts[0] if texts else None
    if not _well_formed_login(login):
        conn.send(json.dumps({"type": "error", "id": AUTH_ERROR_ID,
                              "message": "Not authorized: send an OAuth Authorization header"}))
        return "login refused"
    cursor = store.event_cursor()
    conn.send(json.dumps({"message_type": "socket_ready"}))
    ping = json.dumps({"type": "heartbeat", "heartbeat_msg": "ping", "heartbeat_delay_ms": heartbeat})
    period = heartbeat / 1000
    next_ping = time.monotonic()  # a first ping at once names the delay to the client
    next_poll = time.monotonic()
    unanswered = 0
    while stopping is None or not stopping.is_set():
        now = time.monotonic()
        if now >= next_ping:
            if unanswered >= MISSED_PONGS:
                return "client stopped answering heartbeats"
            conn.send(ping)
            unanswered += 1
            next_ping = now + period
        if now >= next_poll:
            cursor, events = store.events_after(cursor, BATCH)
            for event in events:
                conn.send(socket_message(event))
            next_poll = now + (0 if len(events) == BATCH else POLL_INTERVAL)
        for text in conn.receive(min(next_ping, next_poll) - time.monotonic()):
            try:
                message = json.loads(text)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("type") == "heartbeat" \
                    and message.get("heartbeat_msg") == "pong":
                unanswered = 0
    return "server stopping"


def try_listen() -> bool:
    """Take one of the MAX_LISTENERS places; False when all are taken. Give it back with `done()`."""
    return _listeners.acquire(blocking=False)


def done() -> None:
    _listeners.release()
