"""`clever sandbox serve`: the WSGI app on werkzeug's threaded server, stopped cleanly by SIGINT or SIGTERM."""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import sys
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from clever_notify.errors import CleverNotifyError
from clever_notify.guards.urls import is_loopback_host
from clever_notify.sandbox import SANDBOX_SECRET, SANDBOX_TOKEN
from clever_notify.sandbox.app import make_app
from clever_notify.sandbox.store import Store


class KeepAliveHandler(WSGIRequestHandler):
    """werkzeug's handler, except that a read (a GET over HTTP/1.1, no body, no upgrade) is answered on a
    connection that stays open, as the API's are: werkzeug's own answer closes every connection (and waits on it
    first), so a client listing 500 owners paid a new TCP connection per request. Everything else (writes, the
    event socket's upgrade, HEAD, HTTP/1.0, `Connection: close`) goes through werkzeug unchanged."""

    timeout = 30  # seconds an open connection may sit idle before it is closed (socketserver applies it)

    def setup(self) -> None:
        super().setup()
        # The status line and headers, then the body, are two writes: without this, on a connection kept open the
        # second waits for the client's delayed acknowledgement of the first (40 ms on Linux).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _plain_read(self) -> bool:
        headers = self.headers
        return (self.command == "GET" and self.request_version == "HTTP/1.1" and not self.close_connection
                and not headers.get("Upgrade") and not headers.get("Expect")
                and headers.get("Content-Length", "0").strip() in ("", "0") and not headers.get("Transfer-Encoding"))

    def run_wsgi(self) -> None:
        if not self._plain_read():
            super().run_wsgi()
            return
        answer: list = []

        def start_response(status, headers, exc_info=None):
            answer[:] = [status, headers]
            return body.append

        body: list[bytes] = []
        try:
            result = self.server.app(self.make_environ(), start_response)
            try:
                body.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            status, headers = answer
        except Exception:  # noqa: BLE001 - a bug of the app: a 500 and its traceback on the server's log, as werkzeug
            import traceback  # gives them, and the connection closed

            self.server.log("error", f"Error on request:\n{traceback.format_exc()}")
            self.close_connection = True
            self.send_error(500)
            return
        data = b"".join(body)
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_error(self, format, *args) -> None:
        if not format.startswith("Request timed out"):  # an idle open connection closed: nothing went wrong
            super().log_error(format, *args)


class QuietHandler(KeepAliveHandler):
    # Silent by default: a load test must not be slowed, or blocked on a full stderr pipe, by access logs.
    def log_request(self, code="-", size="-"):
        pass


def _this_machine_address(family: int) -> str | None:
    """An address other machines can use to reach this one, found without sending anything.

    connect() on a UDP socket only asks the routing table which local address would be used
    (the documentation-only targets below are never contacted).
    """
    target = ("2001:db8::1", 9) if family == socket.AF_INET6 else ("192.0.2.1", 9)
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect(target)
            address = probe.getsockname()[0]
    except OSError:
        address = None
    if address and not ipaddress.ip_address(address.split("%")[0]).is_unspecified:
        return address.split("%")[0]
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, family, socket.SOCK_STREAM):
            candidate = info[4][0].split("%")[0]
            ip = ipaddress.ip_address(candidate)
            if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
                return candidate
    except OSError:
        pass
    return None


def export_lines(host: str, port: int) -> tuple[str, list[str]]:
    """The `export …` line for stdout, and notes for stderr.

    On a wildcard address (0.0.0.0, ::) the line names a real address of this machine, so it works
    as printed from another one. Plain http off loopback is accepted by this tool only with the
    sandbox's own fixed credentials (the ones in the line): that is the opt-in, and real credentials
    are still refused over plain http.
    """
    notes = []
    shown = host
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None and ip.is_unspecified:
        found = _this_machine_address(socket.AF_INET6 if ip.version == 6 else socket.AF_INET)
        if found is None:
            found = "::1" if ip.version == 6 else "127.0.0.1"
            notes.append(f"Listening on every interface ({host}); no other address of this machine was found, "
                         f"so the line names {found}.")
        else:
            notes.append(f"Listening on every interface ({host}); from another machine use this machine's "
                         f"address, e.g. {found} as printed.")
        shown = found
    bracketed = f"[{shown}]" if ":" in shown else shown
    url = f"http://{bracketed}:{port}"
    if not is_loopback_host(shown):
        notes.append("Plain http off loopback: this tool sends only the sandbox's own credentials (those in the "
                     "export line) there, and refuses real ones; with real credentials use https.")
    line = f"export API_HOST={url} CLEVER_TOKEN={SANDBOX_TOKEN} CLEVER_SECRET={SANDBOX_SECRET}"
    return line, notes


def serve_forever(store: Store, host: str, port: int, *, log_requests: bool = False) -> None:
    from clever_notify.sandbox.event_socket import heartbeat_ms

    heartbeat_ms()  # a bad CLEVER_SANDBOX_HEARTBEAT_MS is a usage error now, not a 500 on each socket later
    handler = KeepAliveHandler if log_requests else QuietHandler
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
        app = make_app(store)
        server = make_server(host, port, app, threaded=True, request_handler=handler, fd=sock.fileno())
    except OSError as exc:  # port taken, address not on this machine, privileged port
        raise CleverNotifyError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        sock.close()  # the server holds its own duplicate of the descriptor
    server.daemon_threads = True  # a stuck client must not keep the process alive after a stop
    # socketserver joins every handler thread on close (daemon or not): a client that keeps its
    # connection open, or keeps opening new ones, would hold a stop for ever.
    server.block_on_close = False
    line, notes = export_lines(host, server.port)

    def stop(signum, frame):
        # Ask the serving loop to end (it looks every poll interval) from another thread: shutdown() waits
        # for the loop, which runs in this thread. Raising here instead would land anywhere, e.g. inside
        # socketserver's accept path, which catches and prints it and serves on. A second signal acts as
        # it would without us.
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        app.stopping.set()  # open event sockets say goodbye to their clients
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        print(line, flush=True)
        shown = f"[{host}]" if ":" in host else host
        print(f"Sandbox API on http://{shown}:{server.port} (database {store.path}); Ctrl-C stops it.",
              file=sys.stderr, flush=True)
        for note in notes:
            print(note, file=sys.stderr, flush=True)
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:  # a second Ctrl-C while stopping
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.server_close()
        print("Sandbox stopped.", file=sys.stderr, flush=True)
