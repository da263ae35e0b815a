"""The Clever Cloud API client: one session, the clever-tools Authorization header, timeouts, error mapping.

Nothing above this module builds a URL or a header; nothing in it imports click.
requests is imported when the first client is built, so `--help` never pays for it.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass
from time import sleep
from typing import Any, Callable
from urllib.parse import quote, quote_plus

from clever_notify import __version__
from clever_notify.config import Settings
from clever_notify.errors import (
    ApiError, CleverNotifyError, NetworkError, NotAuthenticated, NotFound,
)
from clever_notify.hook_shape import checked_list
from clever_notify.hookmatch import find_sent, same_hook
from clever_notify.transport import check_api_host

MAX_ERROR_TEXT = 300


CONFIRM_SLACK_S = 2.0  # the Date header's whole seconds, and the API's own delay between receiving and dating


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


def redact(text: str, secrets: list[str]) -> str:
    """Replace each secret, also in its URL- and JSON-escaped spellings, and any echoed OAuth value."""
    forms = set()
    for secret in secrets:
        if secret:
            forms.update({secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]})
            try:
                forms.update({quote(secret, safe=""), quote(secret), quote_plus(secret)})
            except UnicodeEncodeError:  # a lone surrogate (undecodable env bytes) has no URL spelling
                pass
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "<hidden>")
    return _OAUTH_VALUE.sub(r"\1<hidden>", text)


def make_session():
    from clever_notify import deadline

    session = deadline.session()  # each try of a request ends by its deadline, however slowly the API answers
    session.headers["User-Agent"] = f"clever-notify/{__version__}"
    session.headers["Accept"] = "application/json"
    return session


_NO_PROXY = {"http": None, "https": None, "all": None}  # None removes what the environment set


def _keep_headers(prepared):
    """An explicit no-op auth: without one, requests would let a ~/.netrc entry replace the OAuth header."""
    return prepared


# --- retries ---------------------------------------------------------------------------------------
# GET and DELETE are repeated on connection failures and on these statuses. POST and PUT are not:
# a timeout or a gateway error may come after the API did the work, so create_hook/update_hook look
# before sending again (see _confirm_or_resend).
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
class _Answer:
    status_code: int
    reason: str
    headers: Any
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.content.decode("utf-8"), parse_constant=_not_json)
        except (UnicodeDecodeError, RecursionError):
            raise ValueError("undecodable JSON") from None


def _not_json(name: str):
    # Python's json reads NaN and Infinity; JSON has no such numbers, and a hook holding one is no hook.
    raise ValueError(f"{name} is not JSON")


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


def _error_message(response, secrets: list[str]) -> str:
    """The API's own words, redacted before they are cut (a cut secret would no longer match)."""
    return redact(_raw_error_message(response), secrets)[:MAX_ERROR_TEXT]


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


def _seg(value: str) -> str:
    return quote(value, safe="")


class ApiClient:
    """Calls the API. Raises the project's exceptions, never requests'."""

    def __init__(
        self,
        settings: Settings,
        *,
        session=None,
        log: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] | None = None,
        notice: Callable[[str], None] | None = None,
    ):
        self.settings = settings
        self._session = session
        self._log = log
        self._sleep = sleep
        self._notice = notice
        self.requests_sent = 0
        self.api_clock: tuple[float, float] | None = None  # (API epoch seconds, our monotonic) at an answer

    def __repr__(self) -> str:
        return f"ApiClient(api_host={self.settings.api_host!r})"

    @property
    def session(self):
        if self._session is None:
            self._session = make_session()
        return self._session

    def _say(self, line: str) -> None:
        if self._log:
            self._log(self._redact(line))

    def _tell(self, line: str) -> None:
        """A message the user must see (not only with --verbose): on stderr."""
        line = self._redact(line)
        if self._notice:
            self._notice(line)
        else:
            print(line, file=sys.stderr)

    def _redact(self, text: str) -> str:
        return redact(text, self.settings.secrets())

    def _wait(self, seconds: float) -> None:
        (self._sleep or sleep)(seconds)

    def request(self, method: str, path: str, body: Any = None, *, not_found: str | None = None) -> Any:
        """One API call. GET/DELETE are retried; POST/PUT raise AmbiguousOutcome when the outcome is unknown."""
        url = self.settings.api_host + path
        if not self._answered_in_process(url):
            check_api_host(self.settings.api_host)
        headers = {"Authorization": authorization_header(self.settings)}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode("utf-8")
        repeatable = method in ("GET", "HEAD", "DELETE")
        waited = 0.0
        maybe_applied = False  # whether an earlier try may have reached the API (and done the work)
        for attempt in range(1, MAX_TRIES + 1):
            last = attempt == MAX_TRIES
            try:
                answer = self._attempt(method, url, data, headers)
            except _Failure as failure:
                if not failure.retryable:
                    raise failure.error from None
                if failure.sent and not repeatable:
                    raise AmbiguousOutcome(str(failure.error).rstrip("."), method) from None
                maybe_applied = maybe_applied or failure.sent
                delay = None if last else self._delay(attempt, None, waited)
                if delay is None:
                    raise failure.error from None
                self._say(f"retrying {method} {url} in {delay:g} s (try {attempt + 1} of {MAX_TRIES})")
                self._wait(delay)
                waited += delay
                continue
            status = answer.status_code
            if status in RETRY_STATUSES:
                if not repeatable and status in AMBIGUOUS_STATUSES:
                    reason = _error_message(answer, self.settings.secrets())[:80]
                    raise AmbiguousOutcome(f"the API answered {status} ({reason})", method)
                # 429 and 503 say the API refused the request; a gateway's 502/504 may come after it was done.
                maybe_applied = maybe_applied or status in AMBIGUOUS_STATUSES - {503}
                delay = None if last else self._delay(attempt, answer.headers.get("Retry-After"), waited)
                if delay is not None:
                    self._say(f"retrying {method} {url} in {delay:g} s (try {attempt + 1} of {MAX_TRIES})")
                    self._wait(delay)
                    waited += delay
                    continue
            if status == 404 and method == "DELETE" and maybe_applied:
                # An earlier try may have deleted it before its answer was lost: gone is what was asked.
                self._say(f"{method} {url}: 404 on a retry, the earlier try removed it")
                return None
            return self._handle(answer, not_found)
        raise AssertionError("unreachable")  # pragma: no cover

    def _answered_in_process(self, url: str) -> bool:
        """True when the session answers `url` without a socket (`clever --sandbox`): nothing can leak."""
        import requests

        try:
            return not isinstance(self.session.get_adapter(url), requests.adapters.HTTPAdapter)
        except requests.exceptions.InvalidSchema:
            return False

    @staticmethod
    def _delay(attempt: int, retry_after: str | None, waited: float) -> float | None:
        """Seconds to sleep before the next try, or None when the wait budget is spent."""
        delay = BACKOFF_FIRST * (2 ** (attempt - 1))
        asked = retry_after_seconds(retry_after)
        if asked is not None:
            delay = max(delay, min(asked, MAX_RETRY_AFTER))
        delay = min(delay, MAX_TOTAL_WAIT - waited)
        return delay if delay > 0 else None

    def _attempt(self, method: str, url: str, data: bytes | None, headers: dict) -> _Answer:
        """Send once and read the whole (bounded) answer, within the connect/read timeouts."""
        import requests

        from clever_notify import deadline

        started = time.monotonic()
        read_timeout = self.settings.timeout[1]
        self.requests_sent += 1
        response = None
        try:
            # A read timeout alone bounds each wait for a byte; a server dripping its answer byte by byte
            # would never trip it. The deadline bounds the whole try: status line, headers and body.
            with deadline.within(read_timeout):
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
            self._say(f"{method} {url} -> TLS failure")
            raise _Failure(NetworkError(
                f"TLS certificate verification failed for {self.settings.api_host}; "
                "if a proxy intercepts TLS, trust its certificate authority (REQUESTS_CA_BUNDLE)."
            ), sent=False, retryable=False) from None
        except requests.exceptions.Timeout as exc:
            self._say(f"{method} {url} -> timeout")
            raise _Failure(NetworkError(
                f"the API at {self.settings.api_host} did not answer in time ({read_timeout:g} s); "
                "try again, or raise CLEVER_TIMEOUT."
            ), sent=not _nothing_sent(exc)) from None
        except requests.exceptions.ConnectionError as exc:
            from urllib3.exceptions import ReadTimeoutError

            if _in_chain(exc, (ReadTimeoutError,)):  # the body stalled: requests reports it as a connection error
                self._say(f"{method} {url} -> timeout")
                raise _Failure(NetworkError(
                    f"the API at {self.settings.api_host} did not answer in time ({read_timeout:g} s); "
                    "try again, or raise CLEVER_TIMEOUT."
                ), sent=True) from None
            sent = not _nothing_sent(exc)
            lost = sent and _lost_after_sending(exc)
            self._say(f"{method} {url} -> {'connection lost' if lost else 'connection failure'}")
            raise _Failure(NetworkError(
                f"the connection to the API at {self.settings.api_host} was lost before it answered."
                if lost else
                f"cannot reach the API at {self.settings.api_host}; check your network connection and API_HOST."
            ), sent=sent) from None
        except requests.exceptions.RequestException as exc:
            self._say(f"{method} {url} -> {type(exc).__name__}")
            raise _Failure(
                NetworkError(f"request to {self.settings.api_host} failed ({type(exc).__name__})."),
                sent=True, retryable=False,
            ) from None
        finally:
            if response is not None and response.raw is not None:
                response.close()
        self._note_api_clock(response.headers.get("Date"))
        elapsed = (time.monotonic() - started) * 1000
        self._say(f"{method} {url} -> {response.status_code} ({elapsed:.0f} ms)")
        return _Answer(response.status_code, response.reason or "", response.headers, content)

    def _note_api_clock(self, date: str | None) -> None:
        """The API's time (epoch seconds) at the last answer carrying a Date header, with our monotonic
        time then: "was this hook created after we sent it?" is decided on the API's clock, not ours."""
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(date) if date else None
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None and when.tzinfo is not None:
            self.api_clock = (when.timestamp(), time.monotonic())

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

    def _handle(self, response, not_found: str | None) -> Any:
        status = response.status_code
        if status == 401:
            raise NotAuthenticated(
                "the API refused the credentials (401): they may be expired or revoked. Set valid CLEVER_TOKEN and "
                f"CLEVER_SECRET, or run `clever login` from clever-tools (credentials from {self.settings.source})."
            )
        if status == 404:
            raise NotFound(not_found or f"not found: {_error_message(response, self.settings.secrets())}")
        if 300 <= status < 400:
            raise ApiError(
                f"the API answered a redirect ({status}); not followed, so the credentials stay here. "
                "Check API_HOST.", status=status,
            )
        if status >= 400:
            message = _error_message(response, self.settings.secrets())
            raise ApiError(f"the API answered {status}: {message}", status=status)
        if status == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            ctype = self._redact(str(response.headers.get("Content-Type", "unknown type")))[:80]
            raise ApiError(f"the API answered {status} with a body that is not JSON ({ctype}).", status=status) from None

    # --- endpoints -----------------------------------------------------------------------------------

    def get_self(self) -> dict:
        return self._expect(self.request("GET", "/v2/self"), dict, "/v2/self")

    def get_summary(self) -> dict:
        # Read once per client (one command): an --org name and --service names share one read.
        if getattr(self, "_summary", None) is None:
            self._summary = self._expect(self.request("GET", "/v2/summary"), dict, "/v2/summary")
        return self._summary

    def list_hooks(self, kind: str, owner_id: str) -> list[dict]:
        """The owner's hooks, each checked (hook_shape.py). Anything but a complete JSON list of well-formed
        hooks is an error, never "no hooks": an empty body or a 204 is no list.

        A 404 is an empty list, as the official client reads it, but only for an owner the account knows
        (its own id or one of its organisations in /v2/summary); for any other owner it is "owner not
        found", so that a mistyped id is not reported as an owner without hooks."""
        path = f"/v2/notifications/{kind}/{_seg(owner_id)}"
        try:
            result = self.request("GET", path, not_found=f"owner {owner_id} not found")
        except NotFound:
            if not self._known_owner(owner_id):
                raise
            self._say(f"GET {path}: 404 for a known owner, read as no hooks")
            return []
        if result is None:
            raise ApiError(f"unexpected answer from the API for GET {path}: an empty body, not a list of hooks; "
                           "nothing was changed.")
        return checked_list(kind, result, f"GET {path}")

    def _known_owner(self, owner_id: str) -> bool:
        summary = self.get_summary()
        user = summary.get("user")
        organisations = summary.get("organisations")
        ids = {user.get("id")} if isinstance(user, dict) else set()
        if isinstance(organisations, list):
            ids.update(o.get("id") for o in organisations if isinstance(o, dict))
        return owner_id in ids

    def create_hook(self, kind: str, owner_id: str, body: dict) -> dict:
        path = f"/v2/notifications/{kind}/{_seg(owner_id)}"
        not_found = f"owner {owner_id} not found"
        send = lambda: self.request("POST", path, body, not_found=not_found)  # noqa: E731
        sent_at = time.monotonic()

        def created(hooks: list[dict]) -> dict | None:
            # A twin created before our POST reached the API is not ours. "Before" is read on the API's
            # clock (its Date header) minus the time since we sent, so our clock may be off by hours.
            if self.api_clock is None:
                raise NetworkError("the API's answers carry no Date header, so a hook like the one sent cannot be "
                                   "told apart from an older twin")
            api_now, seen_at = self.api_clock
            not_before_ms = (api_now - (seen_at - sent_at) - CONFIRM_SLACK_S) * 1000
            return find_sent(body, hooks, not_before_ms=not_before_ms)

        result = self._confirm_or_resend(kind, owner_id, body, send, created, "created")
        return self._expect_created(kind, result, body)

    def _expect_created(self, kind: str, result: Any, body: dict) -> dict:
        """The created hook; ApiError when the answer holds no hook with an id: nothing may be built on it."""
        hook_id = result.get("id") if isinstance(result, dict) else None
        if isinstance(hook_id, str) and hook_id.strip():
            return result
        noun = "webhook" if kind == WEBHOOKS else "e-mail notification"
        said = ""
        if isinstance(result, dict):
            words = next((result[k] for k in ("message", "error") if isinstance(result.get(k), str)), "")
            said = f" (it said: {self._redact(' '.join(words.split()))[:MAX_ERROR_TEXT // 2]})" if words else ""
        raise ApiError(
            f"the API answered the create of the {noun} {body.get('name')!r} with no hook id{said}: counted as "
            f"failed; it may or may not exist, list the {noun}s before trying again."
        )

    def update_hook(self, kind: str, owner_id: str, hook_id: str, body: dict) -> dict:
        path = f"/v2/notifications/{kind}/{_seg(owner_id)}/{_seg(hook_id)}"
        send = lambda: self.request("PUT", path, body, not_found=_hook_not_found(kind, hook_id, owner_id))  # noqa: E731

        def updated(hooks: list[dict]) -> dict | None:
            current = [h for h in hooks if h.get("id") == hook_id]
            return current[0] if current and same_hook(body, current[0]) else None

        result = self._confirm_or_resend(kind, owner_id, body, send, updated, "updated")
        if result is None:  # 204 or an empty 200: the change is applied, the API just says nothing more
            return {}
        return self._expect_hook(result, "PUT " + path)

    def _confirm_or_resend(self, kind, owner_id, body, send, lookup, done: str):
        """Send a POST/PUT; after an ambiguous failure, list the owner's hooks and send again only if the
        change is not there. Two sends at most, so a hook is never created twice by us."""
        noun = "webhook" if kind == WEBHOOKS else "e-mail notification"
        name = body.get("name")
        for sends in (1, 2):
            try:
                return send()
            except AmbiguousOutcome as failure:
                ambiguous = failure
            except ApiError as failure:
                if failure.status != 500:
                    raise
                # An internal error may come after the change was committed: look, but never send again.
                try:
                    found = lookup(self.list_hooks(kind, owner_id))
                except CleverNotifyError:
                    found = None
                if found is None:
                    raise
                self._tell(f"Note: the API answered 500, yet the listing shows the {noun} {name!r} "
                           f"{done} (id {found.get('id')}).")
                return found
            try:
                found = lookup(self.list_hooks(kind, owner_id))
            except CleverNotifyError as check_error:
                raise NetworkError(
                    f"{ambiguous.reason}, and checking whether the {noun} {name!r} was {done} failed too "
                    f"({str(check_error).rstrip('.')}): it may or may not be {done}; list the {noun}s before "
                    "trying again."
                ) from None
            if found is not None:
                self._tell(
                    f"Note: {ambiguous.reason}, an ambiguous failure; the listing confirms the {noun} {name!r} "
                    f"was {done} (id {found.get('id')})."
                )
                return found
            if sends == 1:
                self._tell(f"Note: the {noun} {name!r} was not {done} after an ambiguous failure; sending it once more.")
        raise NetworkError(
            f"the {noun} {name!r} was not {done}: two tries failed ambiguously (last: {ambiguous.reason}) and the "
            "listing does not show it. Try again later."
        )

    @staticmethod
    def _expect_hook(result: Any, what: str) -> dict:
        if not isinstance(result, dict):
            raise ApiError(
                f"unexpected answer from the API for {what}: expected a JSON object; "
                "list the hooks to see whether the change was applied."
            )
        return result

    def delete_hook(self, kind: str, owner_id: str, hook_id: str) -> None:
        path = f"/v2/notifications/{kind}/{_seg(owner_id)}/{_seg(hook_id)}"
        self.request("DELETE", path, not_found=_hook_not_found(kind, hook_id, owner_id))

    def get_events_info(self) -> dict:
        return self._expect(self.request("GET", "/v2/notifications/info/events"), dict, "events info")

    @staticmethod
    def _expect(value: Any, kind: type, what: str):
        if not isinstance(value, kind):
            raise ApiError(f"unexpected answer from the API for {what}: expected a JSON {kind.__name__}.")
        return value


WEBHOOKS = "webhooks"
EMAILHOOKS = "emailhooks"


def _hook_not_found(kind: str, hook_id: str, owner_id: str) -> str:
    noun = "webhook" if kind == WEBHOOKS else "e-mail notification"
    return f"{noun} {hook_id} not found for {owner_id}"
