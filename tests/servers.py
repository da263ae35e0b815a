"""Real HTTP servers for tests, all on 127.0.0.1 and all bounded in time.

- `LoopbackServer(handler)`: records each request, then answers with `handler(request)`, an *action* (a
  callable that writes, or does not write, the answer). Stand-in APIs, webhook receivers and fault injection
  (errors, dropped connections, hangs, drips, cut-off bodies) are all handlers over it.
- `HookStore`: an in-memory hooks API (list/create/update/delete) whose answers can be replaced by faults.
- `FaultyProxy`: forwards to a real API and, for a seeded share of requests, lies about what happened.
- `SandboxServer`: `clever sandbox serve --port 0` of the installed `clever`, in a subprocess.

Bounds: a connection that stops talking is dropped after REQUEST_TIMEOUT; no action holds a connection
longer than MAX_HANG and every hang ends when the server stops; stopping waits at most STOP_TIMEOUT.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

MAX_HANG = 10.0
REQUEST_TIMEOUT = 5
STOP_TIMEOUT = 10
MAX_BODY = 8 * 1024 * 1024  # a test request is never larger; a bigger Content-Length is not read


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8")) if self.body else None


Action = Callable[[BaseHTTPRequestHandler], None]
Handler = Callable[[Recorded], Action]


class LoopbackServer:
    """An HTTP/1.1 server on a free port of 127.0.0.1, serving from a thread until `stop()` (or the `with`)."""

    def __init__(self, handler: Handler):
        self.handler = handler
        self.received: list[Recorded] = []
        self.errors: list[BaseException] = []  # what broke inside handler threads (dropped connections, mostly)
        self.stopping = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = REQUEST_TIMEOUT  # a client that stops talking does not pin a thread
            server_owner_stopping = owner.stopping

            def log_message(self, *args):
                pass

            def _any(self):
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                body = self.rfile.read(length) if length else b""
                request = Recorded(self.command, self.path, dict(self.headers.items()), body)
                owner.received.append(request)
                owner.handler(request)(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                # A dropped or cut-off connection is the point of many actions; never print from a thread
                # (it would land in the stderr a CliRunner is capturing).
                owner.errors.append(sys.exc_info()[1])

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def methods(self) -> list[str]:
        return [r.method for r in self.received]

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=STOP_TIMEOUT)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- actions -----------------------------------------------------------------------------------------------


def reply(status: int = 200, body=None, *, headers: dict | None = None, raw: bytes | None = None,
          content_type: str = "application/json") -> Action:
    """An answer: `body` as JSON, or `raw` bytes of `content_type`."""
    data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())

    def act(h):
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    return act


def drop() -> Action:
    """Read the request, then close the connection without a word: the client cannot tell what happened."""

    def act(h):
        h.close_connection = True
        try:
            h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    return act


def hang(seconds: float = MAX_HANG) -> Action:
    """Never answer (until `seconds` or the server stops), then drop."""

    def act(h):
        h.server_owner_stopping.wait(min(seconds, MAX_HANG))
        drop()(h)

    return act


def later(seconds: float, action: Action) -> Action:
    """`action`, after `seconds` (bounded; cut short when the server stops). The client may have gone."""

    def act(h):
        h.server_owner_stopping.wait(min(seconds, MAX_HANG))
        try:
            action(h)
        except OSError:
            pass  # the client gave up first, as the test intends

    return act


def partial(data: bytes, *, declared: int, wait: float = 0.0) -> Action:
    """A 200 announcing `declared` bytes that sends only `data`, waits `wait` seconds, then hangs up."""

    def act(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(declared))
        h.end_headers()
        h.wfile.write(data)
        h.wfile.flush()
        if wait:
            h.server_owner_stopping.wait(min(wait, MAX_HANG))
        drop()(h)

    return act


def drip(raw: bytes, *, every: float = 0.05, limit: float = MAX_HANG) -> Action:
    """Write `raw` (a whole HTTP answer: status line, headers, body) one byte every `every` seconds: each byte
    comes well within any read timeout, so only a deadline on the whole answer stops the client waiting."""

    def act(h):
        end = time.monotonic() + limit
        try:
            for byte in raw:
                if time.monotonic() > end or h.server_owner_stopping.is_set():
                    break
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(every)
        except OSError:
            pass  # the client hung up, as it should
        h.close_connection = True

    return act


def stream(total: int, *, chunk: int = 64 * 1024, delay: float = 0.0, declare: bool = False) -> Action:
    """A 200 body of `total` bytes sent in chunks (chunked encoding unless `declare`), `delay` between chunks."""

    def act(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        if declare:
            h.send_header("Content-Length", str(total))
        else:
            h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        sent = 0
        deadline = time.monotonic() + MAX_HANG
        try:
            while sent < total and time.monotonic() < deadline and not h.server_owner_stopping.is_set():
                piece = b"[" * min(chunk, total - sent)
                if declare:
                    h.wfile.write(piece)
                else:
                    h.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                sent += len(piece)
                if delay:
                    time.sleep(delay)
            if not declare:
                h.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up, as it should
        h.close_connection = True

    return act


# --- handlers ----------------------------------------------------------------------------------------------


def script(*actions: Action) -> Handler:
    """A handler answering the n-th request with the n-th action (the last one repeats)."""
    queue = list(actions)

    def handler(req):
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


def webhook_receiver(status: int = 200, answer: bytes = b"ok thanks") -> Handler:
    """A webhook receiver: a path starting with /fail answers 500 "receiver exploded", any other `status`."""

    def handler(req):
        if req.path.startswith("/fail"):
            return reply(500, raw=b"receiver exploded", content_type="text/plain")
        return reply(status, raw=answer, content_type="text/plain")

    return handler


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released): connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port_url(path: str = "/hook") -> str:
    return f"http://127.0.0.1:{closed_port()}{path}"


class HookStore:
    """A minimal in-memory hooks API (list/create/update/delete) whose answers can be replaced by faults.

    `faults` maps a method to a queue of (apply, action): the n-th such request is applied to the store
    (or not) and then answered by `action` instead of the normal answer; once the queue is empty, requests
    are applied and answered normally. `fixed` answers other paths with fixed JSON (e.g. /v2/summary).
    Created hooks get ids `<prefix>1`, `<prefix>2`…; `stamp` adds a createdAt. A PUT replaces the hook's
    writable fields and keeps the read-only ones, as the API does.
    """

    READ_ONLY = ("id", "ownerId", "createdAt", "failures")  # what an update cannot change

    def __init__(self, faults: dict | None = None, *, hooks: list[dict] | None = None, fixed: dict | None = None,
                 prefix: str = "hook-", stamp: bool = True):
        self.hooks: list[dict] = [dict(h) for h in hooks or []]
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.fixed = fixed or {}
        self.prefix, self.stamp = prefix, stamp
        self.lock = threading.Lock()
        self.counter = 0

    def _apply(self, req: Recorded):
        if req.path in self.fixed:
            return 200, self.fixed[req.path]
        parts = req.path.strip("/").split("/")  # v2 notifications KIND OWNER [ID]
        if parts[:2] != ["v2", "notifications"] or len(parts) not in (4, 5):
            return 404, {"message": "Not Found"}
        owner, hook_id = parts[3], (parts[4] if len(parts) > 4 else None)
        with self.lock:
            if req.method == "GET" and hook_id is None:
                return 200, [h for h in self.hooks if h["ownerId"] == owner]
            if req.method == "POST" and hook_id is None:
                self.counter += 1
                hook = {"id": f"{self.prefix}{self.counter}", "ownerId": owner, **req.json()}
                if self.stamp:
                    hook["createdAt"] = int(time.time() * 1000) + self.counter
                self.hooks.append(hook)
                return 200, hook
            found = [h for h in self.hooks if h["id"] == hook_id and h["ownerId"] == owner]
            if not found:
                return 404, {"message": "Not Found"}
            if req.method == "PUT":
                kept = {k: found[0][k] for k in self.READ_ONLY if k in found[0]}
                found[0].clear()
                found[0].update({**req.json(), **kept})
                return 200, found[0]
            self.hooks.remove(found[0])
            return 204, None

    def __call__(self, req: Recorded) -> Action:
        queue = self.faults.get(req.method)
        if queue:
            apply, action = queue.pop(0)
            if apply:
                self._apply(req)
            return action
        status, body = self._apply(req)
        return reply(status, body)


class FaultyProxy:
    """Forwards to a real API (the sandbox) and, for a seeded random share of requests, lies about it:
    applies the request and then answers 502/504 or drops the connection (the ambiguous cases), or answers
    503 without forwarding. Counts what it did, so a test can check the client's recovery was exact."""

    def __init__(self, upstream: str, *, rate: float = 0.2, seed: int = 7):
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.injected: dict[str, int] = {}
        parts = urlsplit(upstream)

        def forward(req: Recorded):
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
            try:
                headers = {k: v for k, v in req.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(req.method, req.path, body=req.body or None, headers=headers)
                answer = conn.getresponse()
                return answer.status, answer.read(), answer.getheader("Content-Type") or "application/json"
            finally:
                conn.close()

        def handler(req: Recorded):
            with self.lock:
                roll = self.rng.random()
                fault = None
                if roll < rate:
                    fault = self.rng.choice(["apply-502", "apply-504", "apply-drop", "refuse-503"])
                    self.injected[fault] = self.injected.get(fault, 0) + 1
            if fault == "refuse-503":
                return reply(503, {"message": "try later"})
            status, body, ctype = forward(req)
            if fault == "apply-502":
                return reply(502, raw=b"<html>Bad gateway</html>", content_type="text/html")
            if fault == "apply-504":
                return reply(504, raw=b"<html>Gateway timeout</html>", content_type="text/html")
            if fault == "apply-drop":
                return drop()
            return reply(status, raw=body, content_type=ctype)

        self.server = LoopbackServer(handler)
        self.url = self.server.url

    def stop(self) -> None:
        self.server.stop()


# --- the installed `clever sandbox serve` ------------------------------------------------------------------

EXPORT_LINE = re.compile(r"export API_HOST=(http://127\.0\.0\.1:\d+) CLEVER_TOKEN=(\S+) CLEVER_SECRET=(\S+)")
START_TIMEOUT = 30


def installed_clever() -> str:
    """The `clever` console script of the interpreter running this code."""
    exe = Path(sys.executable).parent / "clever"
    if not exe.exists():
        raise RuntimeError(f"`clever` is not installed next to {sys.executable}: run `pip install -e '.[test]'`")
    return str(exe)


class SandboxServer:
    """`clever sandbox serve --port 0` in a subprocess with its database at `db` (default: $CLEVER_SANDBOX_DB).

    Started when built (its export line is awaited with a deadline, never a blocking read); `stop()` sends
    SIGINT, then kills it if it must, and keeps what it wrote to stderr (in a temporary file, so that a full
    pipe can never block the server)."""

    def __init__(self, db: Path | str | None = None, *, exe: str | None = None, start_timeout: float = START_TIMEOUT):
        base_env = dict(os.environ)
        if db is not None:
            base_env["CLEVER_SANDBOX_DB"] = str(db)
        self.db = Path(base_env["CLEVER_SANDBOX_DB"])  # not created here: creating it is the server's job
        self.stderr = ""
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([exe or installed_clever(), "sandbox", "serve", "--host", "127.0.0.1",
                                      "--port", "0"], env=base_env, stdout=subprocess.PIPE, stderr=self._stderr)
        try:
            line = self._first_line(start_timeout)
            match = EXPORT_LINE.fullmatch(line)
            if not match:
                raise RuntimeError(f"the sandbox did not print its export line: {line!r}")
        except BaseException:
            self.stop()
            raise
        self.api_host, self.token, self.secret = match.groups()
        # the environment a `clever` subprocess needs to talk to this server (and only to it)
        self.env = {**base_env, "API_HOST": self.api_host, "CLEVER_TOKEN": self.token, "CLEVER_SECRET": self.secret}

    def _first_line(self, timeout: float) -> str:
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        buf = b""
        try:
            while b"\n" not in buf:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError(f"sandbox serve did not start (exit {self.proc.poll()}): {buf!r}")
                if sel.select(timeout=left):
                    buf += os.read(self.proc.stdout.fileno(), 4096)
        finally:
            sel.close()
        return buf.split(b"\n", 1)[0].decode()

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        self.proc.stdout.close()
        if not self._stderr.closed:
            self._stderr.seek(0)
            self.stderr = self._stderr.read().decode(errors="replace")
            self._stderr.close()
        return self.proc.returncode


# --- the event socket ------------------------------------------------------------------------------------


class EventSocketStandIn:
    """The API's event socket as the project's API notes describe it, written apart from the sandbox (on
    websockets' own threaded server, not werkzeug), plus GET /v2/summary and /v2/self over plain HTTP.

    Per connection, in order: read the login (the message is recorded in `logins`), refuse it with error 2001
    when `refuse_login`, stay silent when not `ready`, else send socket_ready, then a ping every
    `heartbeat_ms`, except a connection whose number is in `silent` (the 1st connection is number 1): it
    sends one ping, announcing `silent_delay_ms`, and then nothing. `send_event(...)` goes to the connections
    open at that moment; `drop()` cuts them without a closing handshake. Pongs are counted in `pongs`. Every
    connection ends when the server stops, or after MAX_HANG × 3 at most."""

    def __init__(self, *, heartbeat_ms: int = 200, refuse_login: bool = False, silent: set[int] | frozenset = (),
                 silent_delay_ms: int = 100, summary: dict | None = None, ready: bool = True,
                 upgrade_status: int | None = None):
        from websockets.sync.server import serve

        self.heartbeat_ms = heartbeat_ms
        self.refuse_login = refuse_login
        self.silent = set(silent)
        self.silent_delay_ms = silent_delay_ms
        self.ready = ready
        self.upgrade_status = upgrade_status  # answer the upgrade request with this HTTP status instead of 101
        self.summary = summary or {"user": {"id": "user_1", "name": "me", "applications": [], "addons": []},
                                   "organisations": []}
        self.logins: list[dict] = []
        self.pongs = 0
        self.opened = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._open: list = []
        self.server = serve(self._handle, "127.0.0.1", 0, process_request=self._http, ping_interval=None)
        self.url = f"http://127.0.0.1:{self.server.socket.getsockname()[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _http(self, connection, request):
        from websockets.datastructures import Headers
        from websockets.http11 import Response

        if request.headers.get("Upgrade", "").lower() == "websocket":
            if self.upgrade_status is None:
                return None
            data = b'{"type": "error"}'
            return Response(self.upgrade_status, "Refused", Headers([("Content-Length", str(len(data)))]), data)
        body = {"/v2/summary": self.summary, "/v2/self": self.summary["user"]}.get(request.path)
        data = json.dumps(body if body is not None else {"type": "error", "id": 404}).encode()
        headers = Headers([("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                           ("Connection", "close")])
        return Response(200 if body is not None else 404, "OK", headers, data)

    def _handle(self, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        with self._lock:
            self.opened += 1
            number = self.opened
        try:
            login = json.loads(ws.recv(timeout=REQUEST_TIMEOUT))
            self.logins.append(login)
            if self.refuse_login:
                ws.send(json.dumps({"type": "error", "id": 2001, "message": "bad credentials"}))
                return
            if not self.ready:
                self.stopping.wait(MAX_HANG)
                return
            with self._lock:
                self._open.append(ws)
            ws.send(json.dumps({"message_type": "socket_ready"}))
            delay = self.silent_delay_ms if number in self.silent else self.heartbeat_ms
            ping = json.dumps({"type": "heartbeat", "heartbeat_msg": "ping", "heartbeat_delay_ms": delay})
            end = time.monotonic() + MAX_HANG * 3
            pinged = False
            next_ping = time.monotonic()
            while not self.stopping.is_set() and time.monotonic() < end:
                if time.monotonic() >= next_ping and not (pinged and number in self.silent):
                    ws.send(ping)
                    pinged = True
                    next_ping = time.monotonic() + self.heartbeat_ms / 1000
                try:
                    message = ws.recv(timeout=max(0.01, next_ping - time.monotonic()))
                except TimeoutError:
                    continue
                if json.loads(message) == {"type": "heartbeat", "heartbeat_msg": "pong"}:
                    with self._lock:
                        self.pongs += 1
        except (ConnectionClosed, TimeoutError, OSError):
            pass
        finally:
            with self._lock:
                if ws in self._open:
                    self._open.remove(ws)

    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    def wait_until(self, condition: Callable[[], bool], timeout: float = MAX_HANG) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if condition():
                return True
            time.sleep(0.01)
        return condition()

    def send_event(self, event: str, data: dict, *, event_id: str | None = None,
                   date: str = "2026-12-06T17:00:00.000Z") -> int:
        """Send an event (its data as JSON text, as the platform does) to every open connection; how many."""
        message = {"event": event, "date": date, "data": json.dumps(data)}
        if event_id is not None:
            message["id"] = event_id
        text = json.dumps(message)
        with self._lock:
            targets = list(self._open)
        for ws in targets:
            ws.send(text)
        return len(targets)

    def send_raw(self, text: str) -> None:
        with self._lock:
            targets = list(self._open)
        for ws in targets:
            ws.send(text)

    def drop(self) -> None:
        """Cut every open connection at the TCP level: no closing handshake, as a network failure would."""
        with self._lock:
            targets, self._open = list(self._open), []
        for ws in targets:
            try:
                ws.socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self) -> None:
        self.stopping.set()
        self.drop()
        self.server.shutdown()
        self.thread.join(timeout=STOP_TIMEOUT)

    def __enter__(self) -> EventSocketStandIn:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
