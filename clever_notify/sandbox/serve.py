"""`clever sandbox serve`: the WSGI app on werkzeug's threaded server, stopped cleanly by SIGINT or SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import sys

from werkzeug.serving import WSGIRequestHandler, make_server

from clever_notify.errors import CleverNotifyError
from clever_notify.sandbox import SANDBOX_SECRET, SANDBOX_TOKEN
from clever_notify.sandbox.app import make_app
from clever_notify.sandbox.store import Store


class QuietHandler(WSGIRequestHandler):
    # Silent by default: a load test must not be slowed, or blocked on a full stderr pipe, by access logs.
    def log_request(self, code="-", size="-"):
        pass


class _Stop(Exception):
    pass


def _stop(signum, frame):
    raise _Stop()


def serve_forever(store: Store, host: str, port: int, *, log_requests: bool = False) -> None:
    handler = WSGIRequestHandler if log_requests else QuietHandler
    # We bind the socket ourselves: werkzeug prints and calls sys.exit() when it cannot, and we want
    # the project's one-line error instead.
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        raise CleverNotifyError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        if os.name != "nt":  # as socketserver does: a restart right after a stop must not fail on TIME_WAIT
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        server = make_server(host, port, make_app(store), threaded=True, request_handler=handler,
                             fd=sock.fileno())
    except OSError as exc:  # port taken, address not on this machine, privileged port
        raise CleverNotifyError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        sock.close()  # the server holds its own duplicate of the descriptor
    server.daemon_threads = True  # a stuck client must not keep the process alive after a stop
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.port}"
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        print(f"export API_HOST={url} CLEVER_TOKEN={SANDBOX_TOKEN} CLEVER_SECRET={SANDBOX_SECRET}", flush=True)
        print(f"Sandbox API on {url} (database {store.path}); Ctrl-C stops it.", file=sys.stderr, flush=True)
        server.serve_forever()
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
        print("Sandbox stopped.", file=sys.stderr, flush=True)
