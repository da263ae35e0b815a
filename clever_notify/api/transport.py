"""HTTP under the API client: one session, the clever-tools Authorization header, timeouts, retries,
bounded reads, redaction; and the recording transport every `--dry-run` uses.

    Transport(settings, session=None, log=None, sleep=None).send(method, path, body=None) -> Answer
    RecordingTransport(inner, send=False)   changes (POST/PUT/DELETE) recorded in .changes, not sent
    redact(text, secrets)                   a secret, in any of its spellings, replaced by <hidden>

A transport answers the API's status and body as they came (an Answer); what a status means is the
client's business (client.py). It raises NetworkError / AmbiguousOutcome when no complete answer came.
Nothing here prints or imports click; requests is imported when the first request goes out.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from time import sleep
from typing import Any
from urllib.parse import quote, quote_plus

from clever_notify import __version__
from clever_notify.config.settings import Settings
from clever_notify.errors import ApiError, CleverNotifyError, NetworkError
from clever_notify.guards.urls import check_api_host, parse_api_host

MAX_ERROR_TEXT = 300


def authorization_header(settings: Settings) -> str:
    """OAuth 1.0 PLAINTEXT exactly as clever-tools sends it (no nonce, no timestamp)."""
    creds = settings.require_credentials()
    return (
        f'OAuth oauth_consumer_key="{settings.consumer_key}", '
        f'oauth_token="{creds.token}", '
        f'oauth_signature="{settings.consumer_secret}%26{creds.secret}"'
    )


# An echoed Authorization header, however it was escaped: the value after oauth_token/oauth_signature.
_OAUTH_VALUE = re.compile(r"(oauth_(?:token|signature)(?:=|%3D|\\u003d)\s*)[^\s,]+", re.IGNORECASE)


# Below this length a value is hidden only where this tool put it (the OAuth values of an echoed
# Authorization header): replacing every occurrence of a one-letter test token would turn each `a` of a
# message into <hidden>. Clever Cloud tokens and secrets are far longer, so they are hidden everywhere.
MIN_SECRET_LENGTH_EVERYWHERE = 8


def redact(text: str, secrets: list[str]) -> str:
    """Replace each secret, also in its URL- and JSON-escaped spellings, and any echoed OAuth value.

    The rule: any value after oauth_token= / oauth_signature= (however escaped) is hidden, whatever it
    is; a credential of at least MIN_SECRET_LENGTH_EVERYWHERE characters is also hidden wherever else it
    appears, in each of its spellings. Shorter ones are left alone outside the header, so ordinary text
    is not garbled.
    """
    forms = set()
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET_LENGTH_EVERYWHERE:
            forms.update({secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]})
            try:
                forms.update({quote(secret, safe=""), quote(secret), quote_plus(secret)})
            except UnicodeEncodeError:  # a lone surrogate (undecodable env bytes) has no URL spelling
                pass
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "<hidden>")
    long_enough = tuple(s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH_EVERYWHERE)
    if long_enough:  # the other spellings (stripped, `!r`, terminal escapes) and a credential cut short
        text = _credential_mask(long_enough).text(text)
    return _OAUTH_VALUE.sub(r"\1<hidden>", text)


@functools.lru_cache(maxsize=8)
def _credential_mask(secrets: tuple[str, ...]):
    from clever_notify.guards.masks import Mask

    return Mask({f"credential{i}": s for i, s in enumerate(secrets)}, label="<hidden>")


def make_session():
    from clever_notify.api import deadline
    from clever_notify.api.lean_session import lean_session_class

    # each try of a request ends by its deadline, however slowly the API answers
    session = deadline.session(lean_session_class())
    session.headers["User-Agent"] = f"clever-notify/{__version__}"
    session.headers["Accept"] = "application/json"
    session.merge_environment_settings = _once_per_host(session.merge_environment_settings)
    return session


def _once_per_host(merge):
    """requests reads the proxy and CA settings from the environment again for every request (scanning every
    variable, twice): a plan reading 1,000 lists spent a tenth of its HTTP time there. The environment does
    not change during a command, and what is read depends only on the scheme and host: once per host."""
    seen: dict = {}

    def merged(url, proxies, stream, verify, cert):
        origin = url.split("/", 3)[:3]  # scheme, "", host[:port]: what the settings read depend on
        key = (*origin, repr(proxies), stream, repr(verify), repr(cert))
        if key not in seen:
            seen[key] = merge(url, proxies, stream, verify, cert)
        settings = dict(seen[key])
        settings["proxies"] = dict(settings.get("proxies") or {})
        return settings

    return merged


_NO_PROXY = {"http": None, "https": None, "all": None}  # None removes what the environment set


def _keep_headers(prepared):
    """An explicit no-op auth: without one, requests would let a ~/.netrc entry replace the OAuth header."""
    return prepared


# --- retries ---------------------------------------------------------------------------------------
# GET and DELETE are repeated on connection failures and on these statuses. POST and PUT are not:
# a timeout or a gateway error may come after the API did the work, so the write path looks before sending
# again (writes/verified.py).
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# For a POST/PUT, these statuses may have been sent by a gateway after the API applied the change.
AMBIGUOUS_STATUSES = frozenset({502, 503, 504})
MAX_TRIES = 3
BACKOFF_FIRST = 0.5  # seconds; doubled at each retry
MAX_RETRY_AFTER = 5.0  # a server asking for longer is waited on this long only
MAX_TOTAL_WAIT = 10.0  # all the sleeps of one request together
MAX_BODY_BYTES = 8 * 1024 * 1024  # answers are hook lists: a few KB; anything huge is refused unread


class AmbiguousOutcome(NetworkError):
    """Raised when a POST/PUT failed in a way that does not say whether the API applied it."""

    def __init__(self, reason: str, method: str):
        super().__init__(f"{reason}; the API may or may not have applied the {method}.")
        self.reason = reason  # what happened, without the conclusion


@dataclass
class Answer:
    """A complete answer of the API (or, for a change a dry run did not send, the one it stands for: `sent`
    is then False)."""

    status_code: int
    reason: str
    headers: Any
    content: bytes
    sent: bool = True

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        from clever_notify.guards.sanitise import strict_loads

        try:  # NaN, Infinity and 1e999 are refused: they are not JSON, and not a hook's value
            return strict_loads(self.content.decode("utf-8"))
        except UnicodeDecodeError:
            raise ValueError("undecodable JSON") from None


class _Failure(Exception):
    """One attempt failed before a complete answer: `sent` says whether the request may have reached the API."""

    def __init__(self, error: CleverNotifyError, *, sent: bool, retryable: bool = True):
        super().__init__(str(error))
        self.error = error
        self.sent = sent
        self.retryable = retryable


def _in_chain(exc: BaseException, types: tuple) -> bool:
    """Whether `exc` wraps one of `types` (requests wraps urllib3, which wraps the socket error)."""
    seen, todo = set(), [exc]
    while todo:
        cur = todo.pop()
        if not isinstance(cur, BaseException) or id(cur) in seen:
            continue
        seen.add(id(cur))
        if isinstance(cur, types):
            return True
        todo.extend([getattr(cur, "reason", None), cur.__cause__, cur.__context__, *getattr(cur, "args", ())])
    return False


def _nothing_sent(exc) -> bool:
    """True when the connection was never established (refused, DNS, connect timeout): safe to send again.
    Anything else may have reached the API, so a POST/PUT is treated as ambiguous."""
    import requests
    from urllib3.exceptions import NewConnectionError

    return isinstance(exc, requests.exceptions.ConnectTimeout) or _in_chain(exc, (NewConnectionError,))


def _lost_after_sending(exc) -> bool:
    import http.client

    from urllib3.exceptions import ProtocolError

    return _in_chain(exc, (ProtocolError, http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def error_message(response, secrets: list[str] | Callable[[str], str]) -> str:
    """The API's own words, redacted before they are cut (a cut secret would no longer match). `secrets`: the
    credentials, or a transport's `redact`, which also hides the values the caller asked it to (hide())."""
    hide = secrets if callable(secrets) else (lambda text: redact(text, secrets))
    return hide(_raw_error_message(response))[:MAX_ERROR_TEXT]


def _raw_error_message(response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("message", "error"):
            if isinstance(body.get(key), str) and body[key].strip():
                return " ".join(body[key].split())
    text = (response.text or "").strip()
    if text and not text.lstrip().startswith("<"):
        return " ".join(text.split())
    return f"HTTP {response.status_code} {response.reason or ''}".strip()




CHANGES = frozenset({"POST", "PUT", "DELETE", "PATCH"})


class Transport:
    """Sends one API call: GET/DELETE are retried; POST/PUT raise AmbiguousOutcome when the outcome is unknown."""

    def __init__(self, settings: Settings, *, session=None, log: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] | None = None):
        self.settings = settings
        self._session = session
        self._log = log
        self._sleep = sleep
        self.requests_sent = 0
        self.masks: list[Callable[[str], str]] = []  # more values to hide than the credentials (hide())

    def __repr__(self) -> str:
        return f"Transport(api_host={self.settings.api_host!r})"

    @property
    def session(self):
        if self._session is None:
            self._session = make_session()
        return self._session

    def say(self, line: str) -> None:
        """A line for --verbose, redacted."""
        if self._log:
            self._log(self.redact(line))

    def redact(self, text: str) -> str:
        for mask in self.masks:
            text = mask(text)
        return redact(text, self.settings.secrets())

    def hide(self, mask: Callable[[str], str]) -> None:
        """Also hide what `mask` hides (a notifications file's ${VAR} values) in every message and log line,
        before any of them is cut: an API that quotes a URL with its token in an error shows none of it."""
        if mask not in self.masks:
            self.masks.append(mask)

    def _wait(self, seconds: float) -> None:
        (self._sleep or sleep)(seconds)

    def _authorization(self) -> str:
        # Settings are frozen: the header is built (and its credentials checked) once per settings, not per request.
        cached = getattr(self, "_header", None)
        if cached is None or cached[0] is not self.settings:
            cached = self._header = (self.settings, authorization_header(self.settings))
        return cached[1]

    def send(self, method: str, path: str, body: Any = None) -> Answer:
        url = self._base_url() + path
        headers = {"Authorization": self._authorization()}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode("utf-8")
        repeatable = method in ("GET", "HEAD", "DELETE")
        waited = 0.0
        reached = False  # whether an earlier try may have reached the API (and done the work)
        for attempt in range(1, MAX_TRIES + 1):
            last = attempt == MAX_TRIES
            try:
                answer = self._attempt(method, url, data, headers)
            except _Failure as failure:
                if not failure.retryable:
                    raise failure.error from None
                if failure.sent and not repeatable:
                    raise AmbiguousOutcome(str(failure.error).rstrip("."), method) from None
                reached = reached or failure.sent
                delay = None if last else retry_delay(attempt, None, waited)
                if delay is None:
                    raise failure.error from None
                self.say(f"retrying {method} {url} in {delay:g} s (try {attempt + 1} of {MAX_TRIES})")
                self._wait(delay)
                waited += delay
                continue
            status = answer.status_code
            if status in RETRY_STATUSES:
                if not repeatable and status in AMBIGUOUS_STATUSES:
                    reason = error_message(answer, self.redact)[:80]
                    raise AmbiguousOutcome(f"the API answered {status} ({reason})", method)
                # 429 and 503 say the API refused the request; a gateway's 502/504 may come after it was done.
                reached = reached or status in (502, 504)
                delay = None if last else retry_delay(attempt, answer.headers.get("Retry-After"), waited)
                if delay is not None:
                    self.say(f"retrying {method} {url} in {delay:g} s (try {attempt + 1} of {MAX_TRIES})")
                    self._wait(delay)
                    waited += delay
                    continue
            if status == 404 and method == "DELETE" and reached:
                # An earlier try (timed out, cut off, or answered by a gateway) may have deleted it before its
                # answer was lost: gone is what was asked. After a 429 or 503 only, the 404 is the truth.
                self.say(f"{method} {url}: 404 on a retry, the earlier try removed it")
                return Answer(204, "No Content (removed by an earlier try)", {}, b"")
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def _base_url(self) -> str:
        """API_HOST parsed once and checked; requests gets the URL rebuilt from the parse, not the typed text."""
        if getattr(self, "_checked_base", None) is None:
            parsed = parse_api_host(self.settings.api_host)
            if not self._answered_in_process(parsed.origin + "/"):
                parsed = check_api_host(self.settings.api_host, plain_http_ok=self.settings.is_sandbox_login())
            self._checked_base = parsed.origin + parsed.rest
        return self._checked_base

    def _pooled_gets(self):
        from clever_notify.api.pooled_get import PooledGets

        pooled = getattr(self, "_pooled", None)
        if pooled is None or pooled.session is not self.session:  # a session set by hand (tests) is honoured
            pooled = self._pooled = PooledGets(self.session)
        return pooled

    def _answered_in_process(self, url: str) -> bool:
        """True when the session answers `url` without a socket (`clever --sandbox`): nothing can leak."""
        import requests

        try:
            return not isinstance(self.session.get_adapter(url), requests.adapters.HTTPAdapter)
        except requests.exceptions.InvalidSchema:
            return False

    def _attempt(self, method: str, url: str, data: bytes | None, headers: dict) -> Answer:
        """Send once and read the whole (bounded) answer, within the connect/read timeouts."""
        import requests

        from clever_notify.api import deadline

        started = time.monotonic()
        read_timeout = self.settings.timeout[1]
        self.requests_sent += 1
        response = None
        try:
            # A read timeout alone bounds each wait for a byte; a server dripping its answer byte by byte
            # would never trip it. The deadline bounds the whole try: status line, headers and body.
            with deadline.within(read_timeout):
                if method == "GET":  # the reads of a plan: straight to the pool where nothing would differ
                    response = self._pooled_gets().get(url, headers, self.settings.timeout)
                if response is None:
                    response = self.session.request(
                        method, url, data=data, headers=headers, timeout=self.settings.timeout,
                        allow_redirects=False, stream=True, auth=_keep_headers,
                        # plain http is allowed only to this machine: never hand it to an http proxy on the way
                        proxies=_NO_PROXY if url.lower().startswith("http:") else None,
                    )
                content = self._read_bounded(response)
        except _Failure:
            raise
        except requests.exceptions.SSLError:
            self.say(f"{method} {url} -> TLS failure")
            raise _Failure(NetworkError(
                f"TLS certificate verification failed for {self.settings.api_host}; "
                "if a proxy intercepts TLS, trust its certificate authority (REQUESTS_CA_BUNDLE)."
            ), sent=False, retryable=False) from None
        except requests.exceptions.Timeout as exc:
            self.say(f"{method} {url} -> timeout")
            raise _Failure(NetworkError(
                f"the API at {self.settings.api_host} did not answer in time ({read_timeout:g} s); "
                "try again, or raise CLEVER_TIMEOUT."
            ), sent=not _nothing_sent(exc)) from None
        except requests.exceptions.ConnectionError as exc:
            from urllib3.exceptions import ReadTimeoutError

            if _in_chain(exc, (ReadTimeoutError,)):  # the body stalled: requests reports it as a connection error
                self.say(f"{method} {url} -> timeout")
                raise _Failure(NetworkError(
                    f"the API at {self.settings.api_host} did not answer in time ({read_timeout:g} s); "
                    "try again, or raise CLEVER_TIMEOUT."
                ), sent=True) from None
            sent = not _nothing_sent(exc)
            lost = sent and _lost_after_sending(exc)
            self.say(f"{method} {url} -> {'connection lost' if lost else 'connection failure'}")
            raise _Failure(NetworkError(
                f"the connection to the API at {self.settings.api_host} was lost before it answered."
                if lost else
                f"cannot reach the API at {self.settings.api_host}; check your network connection and API_HOST."
            ), sent=sent) from None
        except requests.exceptions.RequestException as exc:
            self.say(f"{method} {url} -> {type(exc).__name__}")
            raise _Failure(
                NetworkError(f"request to {self.settings.api_host} failed ({type(exc).__name__})."),
                sent=True, retryable=False,
            ) from None
        finally:
            if response is not None and response.raw is not None:
                response.close()
        elapsed = (time.monotonic() - started) * 1000
        self.say(f"{method} {url} -> {response.status_code} ({elapsed:.0f} ms)")
        return Answer(response.status_code, response.reason or "", response.headers, content)

    def _read_bounded(self, response) -> bytes:
        too_big = ApiError(
            f"the API answered more than {MAX_BODY_BYTES // (1024 * 1024)} MB; refusing to read it "
            "(is API_HOST pointing at the Clever Cloud API?)", status=response.status_code,
        )
        declared = response.headers.get("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > MAX_BODY_BYTES:
            raise _Failure(too_big, sent=True, retryable=False)
        if response.raw is None:  # built in-process (the --sandbox transport): already in memory
            chunk_source = [response.content or b""]
        else:
            chunk_source = response.iter_content(64 * 1024)
        chunks, size = [], 0
        for chunk in chunk_source:
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _Failure(too_big, sent=True, retryable=False)
            chunks.append(chunk)
        return b"".join(chunks)


def retry_delay(attempt: int, retry_after: str | None, waited: float) -> float | None:
    """Seconds to sleep before the next try, or None when the wait budget is spent."""
    delay = BACKOFF_FIRST * (2 ** (attempt - 1))
    asked = retry_after_seconds(retry_after)
    if asked is not None:
        delay = max(delay, min(asked, MAX_RETRY_AFTER))
    delay = min(delay, MAX_TOTAL_WAIT - waited)
    return delay if delay > 0 else None


class RecordingTransport:
    """Wraps a transport for a `--dry-run` (or a run that reports its requests): reads go through; each
    change (POST/PUT/DELETE) is recorded in `changes` as {method, path, body?} and, with send=False, not sent.
    With send=True only the changes the API accepted (2xx) are recorded: the list is what was changed.

    Running the same code with sending off is what makes a dry run print exactly the requests a real run
    sends. A change not sent is answered 200 with the body it carried, as a create would echo it minus the id
    the API would choose.
    """

    def __init__(self, inner: Transport, *, send: bool):
        self.inner = inner
        self.sending = send
        self.changes: list[dict] = []

    @property
    def settings(self) -> Settings:
        return self.inner.settings

    def say(self, line: str) -> None:
        self.inner.say(line)

    def redact(self, text: str) -> str:
        return self.inner.redact(text)

    def hide(self, mask: Callable[[str], str]) -> None:
        self.inner.hide(mask)

    def send(self, method: str, path: str, body: Any = None) -> Answer:
        if method not in CHANGES:
            return self.inner.send(method, path, body)
        entry: dict = {"method": method, "path": path}
        if body is not None:
            entry["body"] = body
        if not self.sending:
            self.changes.append(entry)
            echoed = json.dumps(body).encode("utf-8") if isinstance(body, dict) else b""
            return Answer(200 if echoed else 204, "not sent (dry run)", {}, echoed, sent=False)
        answer = self.inner.send(method, path, body)
        if 200 <= answer.status_code < 300:
            self.changes.append(entry)
        return answer
