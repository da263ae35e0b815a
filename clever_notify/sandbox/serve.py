"""`clever sandbox serve`: the WSGI app on werkzeug's threaded server, stopped cleanly by SIGINT or SIGTERM."""

from __future__ import annotations

import signal
import sys

from werkzeug.serving import WSGIRequestHandler, make_server

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
    server = make_server(host, port, make_app(store), threaded=True, request_handler=handler)
    server.daemon_threads = True  # a stuck client must not keep the process alive after a stop
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.server_port}"
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
