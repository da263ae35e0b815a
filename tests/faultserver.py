"""A scriptable HTTP server on 127.0.0.1 for fault injection: errors, dropped connections, hangs, huge bodies.

Each request is recorded, then answered by `handler(request)`, which returns an action: a callable that
writes (or does not write) the answer. Hangs are bounded and end when the server stops.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

MAX_HANG = 10.0  # no action keeps a connection longer than this


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8")) if self.body else None


@dataclass
class FaultServer:
    handler: Callable[[Recorded], Callable]
    requests: list = field(default_factory=list)

    def __post_init__(self):
        self.stopping = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 5  # a client that stops talking does not pin a thread

            server_owner_stopping = owner.stopping

            def log_message(self, *args):
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = Recorded(self.command, self.path, dict(self.headers.items()), body)
                owner.requests.append(req)
                owner.handler(req)(self)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # A dropped or cut-off connection is the point of most actions; never print from a thread
                # (it would land in the stderr a CliRunner is capturing).
                import sys

                owner.errors.append(sys.exc_info()[1])

        self.errors: list = []
        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def methods(self) -> list[str]:
        return [r.method for r in self.requests]

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


# --- actions -------------------------------------------------------------------------------------------


def reply(status: int = 200, body=None, *, headers: dict | None = None, raw: bytes | None = None,
          content_type: str = "application/json"):
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


def drop():
    """Read the request, then close the connection without a word: the client cannot tell what happened."""

    def act(h):
        h.close_connection = True
        try:
            h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    return act


def hang(seconds: float = MAX_HANG):
    """Never answer (until `seconds` or the server stops), then drop."""

    def act(h):
        h.server_owner_stopping.wait(min(seconds, MAX_HANG))
        drop()(h)

    return act


def stream(total: int, *, chunk: int = 64 * 1024, delay: float = 0.0, declare: bool = False):
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


def script(*actions):
    """A handler answering the n-th request with the n-th action (the last one repeats)."""
    queue = list(actions)

    def handler(req):
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HookStore:
    """A minimal in-memory hooks API (list/create/update/delete) whose answers can be replaced by faults.

    `faults` maps a method to a queue of (apply, action): the n-th such request is applied to the store
    (or not) and then answered by `action` instead of the normal answer; once the queue is empty, requests
    are applied and answered normally.
    """

    def __init__(self, faults: dict | None = None):
        self.hooks: list[dict] = []
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.lock = threading.Lock()
        self.counter = 0

    def _apply(self, req: Recorded):
        parts = req.path.strip("/").split("/")  # v2 notifications KIND OWNER [ID]
        owner, hook_id = parts[3], (parts[4] if len(parts) > 4 else None)
        with self.lock:
            if req.method == "GET":
                return 200, [h for h in self.hooks if h["ownerId"] == owner]
            if req.method == "POST":
                self.counter += 1
                hook = {"id": f"hook-{self.counter}", "ownerId": owner, **req.json(),
                        "createdAt": int(time.time() * 1000) + self.counter}
                self.hooks.append(hook)
                return 200, hook
            found = [h for h in self.hooks if h["id"] == hook_id and h["ownerId"] == owner]
            if not found:
                return 404, {"message": "not found"}
            if req.method == "PUT":
                found[0].clear()
                found[0].update({"id": hook_id, "ownerId": owner, **req.json()})
                return 200, found[0]
            self.hooks.remove(found[0])
            return 204, None

    def __call__(self, req: Recorded):
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
        import http.client
        import random
        from urllib.parse import urlsplit

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

        self.server = FaultServer(handler)
        self.url = self.server.url

    def stop(self) -> None:
        self.server.stop()
