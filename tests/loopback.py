"""Real HTTP servers on 127.0.0.1 for tests: webhook receivers and a stand-in API. Always stopped."""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from faultserver import Recorded

# route(method, path, body bytes) -> (status, answer bytes)
Route = Callable[[str, str, bytes], "tuple[int, bytes]"]


@dataclass
class Server:
    base: str
    received: list[Recorded] = field(default_factory=list)


@contextlib.contextmanager
def serve(route: Route):
    """Serve `route` on a free loopback port in a thread; every request is recorded."""
    server_box: dict = {}
    record = Server(base="")

    class Handler(BaseHTTPRequestHandler):
        timeout = 5  # a stuck client cannot hold a handler thread for long

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            record.received.append(Recorded(self.command, self.path, dict(self.headers), body))
            status, answer = route(self.command, self.path, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if answer[:1] in (b"{", b"[") else "text/plain")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server_box["s"] = server
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    record.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def receiver_route(method: str, path: str, body: bytes) -> tuple[int, bytes]:
    """A webhook receiver: /fail answers 500, everything else 200."""
    if path.startswith("/fail"):
        return 500, b"receiver exploded"
    return 200, b"ok thanks"


def closed_port_url() -> str:
    """A loopback URL nobody listens on (bound then released)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/hook"
