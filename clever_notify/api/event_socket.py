"""The API's event socket: connect, authenticate, answer and watch the heartbeat, reconnect with back-off.

    EventSocket(settings, timeout=…, say=print).events()  -> iterator of SocketEvent, until Ctrl-C,
        an authentication error (NotAuthenticated, exit 3) or too many failed reconnections (NetworkError)

The protocol (see the project's API notes): `ws(s)://<API host>/v2/events/event-socket`; the client sends
`{"message_type": "oauth", "authorization": <the OAuth header for GET <API host>/v2/events/>}`; the server
answers `{"message_type": "socket_ready"}`, then sends events `{"event", "date", "data": "<JSON text>"}` and
heartbeats `{"type": "heartbeat", "heartbeat_msg": "ping", "heartbeat_delay_ms": N}`, each answered with a
pong. No ping within N × 1.25 ms means the socket is dead; `{"type": "error", "id": 2001}` is a refused login.

Bounds: the connection and the login end within `timeout` seconds (CLEVER_TIMEOUT); a silent socket is
dropped after the heartbeat's delay × 1.25 (FIRST_HEARTBEAT_WITHIN before the first ping names a delay);
reconnections wait `backoff_first` × `backoff_factor`^k seconds (at most `backoff_max`) and give up after
`max_retries` in a row. A ping resets the count, as the official client does; a socket that is accepted
and then dropped without a ping does not, so a server that keeps doing that ends the loop too.

Nothing here prints: lines for the user go through `say`. The Authorization value is never put in one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from clever_notify import __version__
from clever_notify.config.settings import Settings
from clever_notify.errors import ApiError, NetworkError, NotAuthenticated
from clever_notify.guards.sanitise import strict_loads
from clever_notify.guards.urls import check_api_host

PATH = "/v2/events/event-socket"
SIGNED_PATH = "/v2/events/"  # the login message carries the header signed for GET on this path
AUTH_ERROR_ID = 2001
HEARTBEAT_GRACE = 1.25  # a ping may be this much later than announced before the socket counts as dead
FIRST_HEARTBEAT_WITHIN = 60.0  # seconds of silence allowed before the first ping has named its delay
MIN_HEARTBEAT_MS, MAX_HEARTBEAT_MS = 10, 3_600_000  # an announced delay outside this is ignored
BACKOFF_FIRST = 1.5  # seconds: the official client's first wait
BACKOFF_FACTOR = 2.0
BACKOFF_MAX = 30.0
MAX_RETRIES = 8  # reconnections in a row before giving up (about 2 minutes of waiting with the numbers above)
MAX_MESSAGE = 1024 * 1024  # one event is a few hundred bytes; a bigger message closes the socket (and reconnects)
CLOSE_TIMEOUT = 1.0
SKIPPED_SHOWN = 5  # skipped messages named on stderr; the rest are counted in EventSocket.skipped


def socket_url(settings: Settings) -> str:
    """ws:// or wss:// URL of the event socket, from API_HOST checked as every request's is (no credentials
    over plain http off loopback, except the sandbox's published ones)."""
    parsed = check_api_host(settings.api_host, plain_http_ok=settings.is_sandbox_login())
    scheme = "wss" if parsed.scheme == "https" else "ws"
    return f"{scheme}://{parsed.netloc}{parsed.rest}{PATH}"


def login_message(settings: Settings) -> str:
    from clever_notify.api.transport import authorization_header

    return json.dumps({"message_type": "oauth", "authorization": authorization_header(settings)})


PONG = json.dumps({"type": "heartbeat", "heartbeat_msg": "pong"})


@dataclass(frozen=True)
class SocketEvent:
    """One event of the stream: `data` is the event's data parsed (its JSON text decoded once more)."""

    type: str
    date: Any  # as the platform wrote it: kept whatever its type, so a raw forward carries it unchanged
    data: dict
    id: str | None = None
    extra: dict = field(default_factory=dict)  # top-level fields this tool does not know, kept as they came
    received: float = 0.0  # time.monotonic() when the message was read

    @property
    def owner_id(self) -> str | None:
        value = self.data.get("ownerId") or self.data.get("orgaId")
        return value if isinstance(value, str) else None

    @property
    def service_id(self) -> str | None:
        for key in ("id", "appId", "addonId"):  # the official client filters on id or appId
            value = self.data.get(key)
            if isinstance(value, str) and value:
                return value
        return None

    @property
    def state(self) -> str | None:
        value = self.data.get("state")
        return value if isinstance(value, str) else None

    def as_event(self) -> dict:
        """The event as a webhook carries it (clever_notify.delivery.payloads), unknown fields kept."""
        out: dict = {}
        if self.id is not None:
            out["id"] = self.id
        out.update({"type": self.type, "date": self.date, "data": self.data})
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out


class BadMessage(ValueError):
    """A message that is not JSON, or an event whose fields have the wrong types."""


def parse_event(message: dict, received: float = 0.0) -> SocketEvent:
    kind, data = message.get("event"), message.get("data")
    if not isinstance(kind, str) or not kind:
        raise BadMessage("an event without a name")
    if isinstance(data, str):
        try:
            data = strict_loads(data)
        except ValueError as exc:
            raise BadMessage(f"{kind}: its data is not JSON ({exc})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadMessage(f"{kind}: its data is not an object")
    date, event_id = message.get("date"), message.get("id")
    extra = {k: v for k, v in message.items() if k not in ("event", "date", "data", "id", "type")}
    return SocketEvent(type=kind, date=date, data=data,
                       id=event_id if isinstance(event_id, str) else None, extra=extra, received=received)


class _Lost(Exception):
    """The socket is unusable (closed, silent, refused): worth another try after a wait."""


def _heartbeat_delay(message: dict) -> float | None:
    value = message.get("heartbeat_delay_ms")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not MIN_HEARTBEAT_MS <= value <= MAX_HEARTBEAT_MS:
        return None
    return value / 1000


def _describe_close(exc: Exception) -> str:
    rcvd = getattr(exc, "rcvd", None)
    if rcvd is not None:
        reason = f" ({rcvd.reason})" if rcvd.reason else ""
        return f"closed by the server, code {rcvd.code}{reason}"
    return "connection lost"


class EventSocket:
    def __init__(
        self,
        settings: Settings,
        *,
        timeout: float,
        say: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_retries: int = MAX_RETRIES,
        backoff_first: float = BACKOFF_FIRST,
        backoff_factor: float = BACKOFF_FACTOR,
        backoff_max: float = BACKOFF_MAX,
        first_heartbeat_within: float = FIRST_HEARTBEAT_WITHIN,
    ):
        self.settings = settings
        self.url = socket_url(settings)  # checked before anything is sent: a refused API_HOST is exit 2
        self.timeout = timeout
        self.say = say or (lambda line: None)
        self.sleep = sleep
        self.max_retries = max_retries
        self.backoff = (backoff_first, backoff_factor, backoff_max)
        self.first_heartbeat_within = first_heartbeat_within
        self.connections = 0  # sockets opened and logged in, for reports and tests
        self.skipped = 0  # messages skipped (not JSON objects, events of a wrong shape)

    # --- the loop --------------------------------------------------------------------------------

    def events(self) -> Iterator[SocketEvent]:
        failures = 0
        while True:
            try:
                conn, early = self._open()
            except _Lost as exc:
                failures = self._wait_before_retry(failures, f"cannot open the event socket: {exc}")
                continue
            self.connections += 1
            self.say("Connected to the event socket; waiting for events." if self.connections == 1
                     else "Reconnected to the event socket.")
            try:
                yield from early
                for item in self._read(conn):
                    if item is None:  # a ping: the socket is alive, the count of failures starts again
                        failures = 0
                        continue
                    yield item
            except _Lost as exc:
                failures = self._wait_before_retry(failures, f"event socket {exc}")
            finally:
                self._close(conn)

    def _wait_before_retry(self, failures: int, why: str) -> int:
        failures += 1
        if failures > self.max_retries:
            raise NetworkError(f"{why}; gave up after {self.max_retries} reconnections in a row")
        first, factor, most = self.backoff
        delay = min(most, first * factor ** (failures - 1))
        self.say(f"{why}; reconnecting in {delay:g} s (try {failures} of {self.max_retries}).")
        self.sleep(delay)
        return failures

    # --- one connection --------------------------------------------------------------------------

    def _connect(self, open_timeout: float):
        from websockets.sync.client import connect

        # Entered as the context manager websockets asks for (a bare connection warns since 17); left by
        # _close, which drops the socket at once.
        return connect(
            self.url,
            open_timeout=open_timeout,
            close_timeout=CLOSE_TIMEOUT,
            ping_interval=None,  # the protocol has its own heartbeat, sent by the server
            max_size=MAX_MESSAGE,
            proxy=None,  # like every request of this tool: no proxy taken from the environment
            user_agent_header=f"clever-notify/{__version__}",
        ).__enter__()

    def _open(self):
        """A logged-in connection, within `timeout` seconds; the events that came before socket_ready."""
        from websockets.exceptions import InvalidStatus, WebSocketException

        started = time.monotonic()
        login = login_message(self.settings)  # NotAuthenticated here (no credentials) ends the command
        try:
            conn = self._connect(self.timeout)
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status in (401, 403):
                raise NotAuthenticated(f"the event socket refused the login (HTTP {status}); "
                                       "check CLEVER_TOKEN/CLEVER_SECRET or run `clever login`") from None
            if 400 <= status < 500 and status not in (408, 429):
                raise ApiError(f"the event socket answered HTTP {status} at {PATH}: is API_HOST the API?",
                               status) from None
            raise _Lost(f"HTTP {status}") from None
        except TimeoutError:
            raise _Lost(f"no answer within {self.timeout:g} s") from None
        except (OSError, WebSocketException) as exc:
            raise _Lost(_network_words(exc)) from None
        early: list[SocketEvent] = []
        try:
            conn.send(login)
            while True:
                left = self.timeout - (time.monotonic() - started)
                message = self._receive(conn, left, f"no socket_ready within {self.timeout:g} s of connecting")
                if message.get("message_type") == "socket_ready":
                    return conn, early
                item = self._handle(conn, message)
                if isinstance(item, SocketEvent):
                    early.append(item)
        except BaseException:
            self._close(conn)
            raise

    def _read(self, conn) -> Iterator[SocketEvent | None]:
        allowed = self.first_heartbeat_within
        last = time.monotonic()
        while True:
            left = allowed - (time.monotonic() - last)
            message = self._receive(conn, left, f"silent for {allowed * 1000:.0f} ms: heartbeat missed")
            item = self._handle(conn, message)
            if item is None:
                delay = _heartbeat_delay(message)
                if delay is not None:
                    allowed = delay * HEARTBEAT_GRACE
                last = time.monotonic()
                yield None
            elif isinstance(item, SocketEvent):
                yield item

    def _receive(self, conn, left: float, silent: str) -> dict:
        """The next message as a JSON object (messages of another shape are skipped, with a word)."""
        from websockets.exceptions import ConnectionClosed, WebSocketException

        while True:
            if left <= 0:
                raise _Lost(silent)
            started = time.monotonic()
            try:
                text = conn.recv(timeout=left)
            except TimeoutError:
                raise _Lost(silent) from None
            except ConnectionClosed as exc:
                raise _Lost(_describe_close(exc)) from None
            except (OSError, WebSocketException) as exc:
                raise _Lost(_network_words(exc)) from None
            left -= time.monotonic() - started
            try:
                message = strict_loads(text)
            except ValueError:
                message = None
            if isinstance(message, dict):
                return message
            self._skipped("a message of the event socket that is not a JSON object")

    def _handle(self, conn, message: dict) -> SocketEvent | None | bool:
        """None for a ping (answered here), an event, or False for a message with nothing to do."""
        if message.get("type") == "heartbeat" and message.get("heartbeat_msg") == "ping":
            try:
                conn.send(PONG)
            except Exception as exc:  # noqa: BLE001 - any failure to answer is a lost socket
                raise _Lost(f"cannot answer the heartbeat ({type(exc).__name__})") from None
            return None
        if message.get("type") == "error":
            if message.get("id") == AUTH_ERROR_ID:
                raise NotAuthenticated("the event socket refused the login (error 2001): check "
                                       "CLEVER_TOKEN/CLEVER_SECRET or run `clever login`")
            raise _Lost(f"sent error {_short(message.get('id'))}: {_short(message.get('message'))}")
        if "event" in message:
            try:
                return parse_event(message, time.monotonic())
            except BadMessage as exc:
                self._skipped(f"an event of the event socket: {exc}")
        return False  # socket_ready again, a heartbeat of another kind, a message type added later

    def _skipped(self, what: str) -> None:
        """Say what was skipped, at most SKIPPED_SHOWN times: a server sending garbage must not flood stderr."""
        self.skipped += 1
        if self.skipped <= SKIPPED_SHOWN:
            more = " (further ones are skipped silently)" if self.skipped == SKIPPED_SHOWN else ""
            self.say(f"Skipped {what}.{more}")

    @staticmethod
    def _close(conn) -> None:
        """Drop the socket at once. No closing handshake: the socket is either broken (the reason we
        leave) or being left on Ctrl-C, which must not wait for a server's goodbye."""
        closer = getattr(conn, "close_socket", None)  # websockets' sync connections have it (not a handshake)
        try:
            if closer is not None:
                closer()
            else:
                conn.socket.shutdown(2)
                conn.socket.close()
        except Exception:  # noqa: BLE001 - closing a broken socket: nothing left to save
            pass


def _network_words(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    text = str(exc).split("\n", 1)[0]
    return text[:120] if text else type(exc).__name__


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"

