"""Benchmark `clever events listen --forward-to`: the latency it adds between an event on the socket and
the receiver's POST.

    python benchmarks/listen_bench.py [--events 200] [--every 10] [--format raw] [--clever PATH]

Two measures, each with the installed `clever events listen` in a subprocess and a receiver in this process:
  1. socket -> POST: a minimal server of the event-socket protocol in this process sends --events events, one
     every --every ms; the time from just before each send to the receiver reading the POST's request line and
     headers is the latency `listen` adds (parsing, filtering, rendering, signing, one HTTP request on a
     kept-alive loopback connection). Both ends are timed by this process's monotonic clock.
  2. sandbox -> POST: `clever sandbox serve` (own temporary database) and events recorded in its store by this
     process, as `clever sandbox emit` does from another one: adds the sandbox's polling of the store (every
     50 ms), so this is what a user of the sandbox sees, not what `listen` adds.
The first --warmup events of each run are left out (the receiver's connection is opened by the first one).
Goal: median of measure 1 <= 20 ms. Everything listens on 127.0.0.1; every wait has a deadline.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import selectors
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

GOAL_MS = 20.0
READY_TIMEOUT = 30.0
RUN_TIMEOUT = 120.0
EXPORT_LINE = re.compile(r"export API_HOST=(\S+) CLEVER_TOKEN=(\S+) CLEVER_SECRET=(\S+)")


class Receiver:
    """A loopback HTTP receiver that notes when each POST arrived, in order (`listen` forwards in the order of
    the events, one at a time, so the n-th POST is the n-th event, whatever the format's body holds)."""

    def __init__(self):
        self.arrivals: list[float] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                at = time.monotonic()  # the request line and headers are read: the POST has arrived
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.arrivals.append(at)
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class SocketServer:
    """Just enough of the API for `listen`: /v2/summary over HTTP and the event socket (login, ready, pings)."""

    def __init__(self):
        from websockets.sync.server import serve

        self.clients: list = []
        self.ready = threading.Event()
        self.server = serve(self._handle, "127.0.0.1", 0, process_request=self._http, ping_interval=None)
        self.url = f"http://127.0.0.1:{self.server.socket.getsockname()[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def _http(connection, request):
        from websockets.datastructures import Headers
        from websockets.http11 import Response

        if request.headers.get("Upgrade", "").lower() == "websocket":
            return None
        data = json.dumps({"user": {"id": "user_bench", "name": "bench", "applications": [], "addons": []},
                           "organisations": []}).encode()
        return Response(200, "OK", Headers([("Content-Type", "application/json"),
                                            ("Content-Length", str(len(data)))]), data)

    def _handle(self, ws):
        ws.recv(timeout=10)  # the login
        ws.send(json.dumps({"message_type": "socket_ready"}))
        self.clients.append(ws)
        self.ready.set()
        ping = json.dumps({"type": "heartbeat", "heartbeat_msg": "ping", "heartbeat_delay_ms": 5000})
        next_ping = 0.0
        try:
            while True:
                if time.monotonic() >= next_ping:
                    ws.send(ping)
                    next_ping = time.monotonic() + 5
                try:
                    ws.recv(timeout=max(0.01, next_ping - time.monotonic()))  # pongs
                except TimeoutError:
                    pass
        except Exception:  # noqa: BLE001 - the client left: the benchmark is over
            pass

    def send(self, event_id: str) -> float:
        data = json.dumps({"ownerId": "user_bench", "appId": "app_bench", "state": "OK"})
        text = json.dumps({"id": event_id, "event": "DEPLOYMENT_SUCCESS", "date": "2026-12-06T17:00:00.000Z",
                           "data": data})
        sent = time.monotonic()
        for ws in self.clients:
            ws.send(text)
        return sent

    def stop(self):
        self.server.shutdown()


def wait_for_line(proc, needle: bytes, timeout: float) -> bytes:
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)
    seen = b""
    deadline = time.monotonic() + timeout
    try:
        while needle not in seen:
            left = deadline - time.monotonic()
            if left <= 0 or proc.poll() is not None:
                raise RuntimeError(f"`clever events listen` did not connect: {seen.decode(errors='replace')}")
            if sel.select(left):
                seen += os.read(proc.stderr.fileno(), 4096)
    finally:
        sel.close()
    return seen


def listen(clever: str, env: dict, receiver: Receiver, count: int, fmt: str) -> subprocess.Popen:
    proc = subprocess.Popen([clever, "events", "listen", "--all-owners", "--forward-to", receiver.url, "--format", fmt,
                             "--max-events", str(count), "--json"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    wait_for_line(proc, b"Connected to the event socket", READY_TIMEOUT)
    # stdout is read as it comes: a full pipe would stop `listen` (and its heartbeat) like a stuck terminal
    proc.lines = []
    proc.reader = threading.Thread(target=lambda: proc.lines.extend(proc.stdout), daemon=True)
    proc.reader.start()
    return proc


def finish(proc: subprocess.Popen) -> list[dict]:
    try:
        proc.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    proc.reader.join(10)
    for line in proc.stderr.read().decode(errors="replace").splitlines():
        print(f"  listen: {line}", file=sys.stderr)
    return [json.loads(line) for line in proc.lines if line.strip()]


def wait_all(receiver: Receiver, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(receiver.arrivals) < count:
        time.sleep(0.01)


def latencies(receiver: Receiver, sent: list[float], warmup: int) -> list[float]:
    if len(receiver.arrivals) != len(sent):
        print(f"  {len(sent) - len(receiver.arrivals)} events never reached the receiver", file=sys.stderr)
        return []
    return [(at - t) * 1000 for t, at in list(zip(sent, receiver.arrivals, strict=True))[warmup:]]


def summary(label: str, values: list[float]) -> str:
    if not values:
        return f"{label:<44} no sample"
    values = sorted(values)
    p = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return (f"{label:<44} n={len(values):<4} median {statistics.median(values):6.2f}  p90 {p(0.9):6.2f}  "
            f"p99 {p(0.99):6.2f}  max {values[-1]:6.2f} ms")


def bench_socket(clever: str, env: dict, args) -> tuple[list[float], list[float]]:
    server, receiver = SocketServer(), Receiver()
    try:
        proc = listen(clever, {**env, "API_HOST": server.url}, receiver, args.events, args.format)
        if not server.ready.wait(READY_TIMEOUT):
            raise RuntimeError("no socket opened")
        sent: list[float] = []
        for n in range(args.events):
            sent.append(server.send(f"bench-{n}"))
            time.sleep(args.every / 1000)
        wait_all(receiver, len(sent))
        lines = finish(proc)
    finally:
        receiver.stop()
        server.stop()
    waited = [x["waitedMs"] for x in lines if x.get("kind") == "delivery"][args.warmup:]
    return latencies(receiver, sent, args.warmup), waited


def bench_sandbox(clever: str, env: dict, args, workdir: Path) -> list[float]:
    from clever_notify.delivery import payloads
    from clever_notify.sandbox.store import Store

    db = workdir / "sandbox.db"
    env = {**env, "CLEVER_SANDBOX_DB": str(db)}
    serve = subprocess.Popen([clever, "sandbox", "serve", "--port", "0"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    receiver = Receiver()
    try:
        sel = selectors.DefaultSelector()
        sel.register(serve.stdout, selectors.EVENT_READ)
        line = b""
        deadline = time.monotonic() + READY_TIMEOUT
        while b"\n" not in line and time.monotonic() < deadline and sel.select(deadline - time.monotonic()):
            line += os.read(serve.stdout.fileno(), 4096)
        sel.close()
        match = EXPORT_LINE.search(line.decode())
        if not match:
            raise RuntimeError(f"sandbox serve did not start: {line!r}")
        host, token, secret = match.groups()
        listen_env = {**env, "API_HOST": host, "CLEVER_TOKEN": token, "CLEVER_SECRET": secret}
        proc = listen(clever, listen_env, receiver, args.sandbox_events, args.format)
        store = Store(db)
        owner = store.user()["id"]
        recorded: list[float] = []
        for n in range(args.sandbox_events):
            event = payloads.make_event("DEPLOYMENT_SUCCESS", owner_id=owner, event_id=f"sandbox-{n}")
            recorded.append(time.monotonic())
            store.record_event(event, owner)
            time.sleep(args.every / 1000 * 3)
        wait_all(receiver, len(recorded))
        finish(proc)
    finally:
        receiver.stop()
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(10)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait(10)
        serve.stdout.close()
    return latencies(receiver, recorded, args.warmup)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200, help="events sent on the socket (default 200)")
    parser.add_argument("--sandbox-events", type=int, default=60, help="events recorded in the sandbox (default 60)")
    parser.add_argument("--every", type=float, default=10.0, help="ms between two events (default 10)")
    parser.add_argument("--warmup", type=int, default=5, help="first events left out of the figures (default 5)")
    parser.add_argument("--format", default="raw", choices=["raw", "slack", "gitter", "flowdock"])
    parser.add_argument("--clever", default=str(Path(sys.executable).parent / "clever"), help="the `clever` to run")
    args = parser.parse_args(argv)
    if args.events <= args.warmup or args.sandbox_events <= args.warmup:
        parser.error("--events and --sandbox-events must be larger than --warmup")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        home = workdir / "home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLEVER_", "API_HOST", "OAUTH_CONSUMER"))}
        env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache"),
                    "CLEVER_TOKEN": "bench-token", "CLEVER_SECRET": "bench-secret"})
        print(f"clever events listen --forward-to, format {args.format}, one event every {args.every:g} ms "
              f"(python {sys.version.split()[0]}, {os.cpu_count()} cores)")
        added, waited = bench_socket(args.clever, env, args)
        print(summary("socket message -> receiver's POST (added)", added))
        print(summary("  of which: socket message -> POST sent", waited))
        through_sandbox = bench_sandbox(args.clever, env, args, workdir)
        print(summary("sandbox store -> receiver's POST", through_sandbox))
    median = statistics.median(added) if added else float("inf")
    verdict = "ok" if median <= GOAL_MS else "OVER"
    print(f"goal: median added latency <= {GOAL_MS:g} ms: {median:.2f} ms, {verdict}")
    return 0 if median <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
