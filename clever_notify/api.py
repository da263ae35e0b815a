"""The Clever Cloud API client: one session, the clever-tools Authorization header, timeouts, error mapping.

Nothing above this module builds a URL or a header; nothing in it imports click.
requests is imported when the first client is built, so `--help` never pays for it.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable
from urllib.parse import quote

from clever_notify import __version__
from clever_notify.config import Settings
from clever_notify.errors import ApiError, NetworkError, NotAuthenticated, NotFound, NOT_LOGGED_IN

MAX_ERROR_TEXT = 300


def authorization_header(settings: Settings) -> str:
    """OAuth 1.0 PLAINTEXT exactly as clever-tools sends it (no nonce, no timestamp)."""
    creds = settings.require_credentials()
    return (
        f'OAuth oauth_consumer_key="{settings.consumer_key}", '
        f'oauth_token="{creds.token}", '
        f'oauth_signature="{settings.consumer_secret}%26{creds.secret}"'
    )


def redact(text: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "<hidden>")
    return text


def make_session():
    import requests

    session = requests.Session()
    session.headers["User-Agent"] = f"clever-notify/{__version__}"
    session.headers["Accept"] = "application/json"
    return session


def _error_message(response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("message", "error"):
            if isinstance(body.get(key), str) and body[key].strip():
                return body[key].strip()[:MAX_ERROR_TEXT]
    text = (response.text or "").strip()
    if text and not text.lstrip().startswith("<"):
        return " ".join(text.split())[:MAX_ERROR_TEXT]
    return f"HTTP {response.status_code} {response.reason or ''}".strip()


def _seg(value: str) -> str:
    return quote(value, safe="")


class ApiClient:
    """Calls the API. Raises the project's exceptions, never requests'."""

    def __init__(self, settings: Settings, *, session=None, log: Callable[[str], None] | None = None):
        self.settings = settings
        self._session = session
        self._log = log
        self.requests_sent = 0

    @property
    def session(self):
        if self._session is None:
            self._session = make_session()
        return self._session

    def _say(self, line: str) -> None:
        if self._log:
            self._log(redact(line, self.settings.secrets()))

    def request(self, method: str, path: str, body: Any = None, *, not_found: str | None = None) -> Any:
        import requests

        headers = {"Authorization": authorization_header(self.settings)}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode("utf-8")
        url = self.settings.api_host + path
        started = time.monotonic()
        self.requests_sent += 1
        try:
            response = self.session.request(method, url, data=data, headers=headers, timeout=self.settings.timeout)
        except requests.exceptions.SSLError:
            self._say(f"{method} {url} -> TLS failure")
            raise NetworkError(
                f"TLS certificate verification failed for {self.settings.api_host}; "
                "if a proxy intercepts TLS, trust its certificate authority (REQUESTS_CA_BUNDLE)."
            ) from None
        except requests.exceptions.Timeout:
            self._say(f"{method} {url} -> timeout")
            raise NetworkError(
                f"the API at {self.settings.api_host} did not answer in time ({self.settings.timeout[1]:g} s); "
                "try again, or raise CLEVER_TIMEOUT."
            ) from None
        except requests.exceptions.ConnectionError:
            self._say(f"{method} {url} -> connection failure")
            raise NetworkError(
                f"cannot reach the API at {self.settings.api_host}; check your network connection and API_HOST."
            ) from None
        except requests.exceptions.RequestException as exc:
            self._say(f"{method} {url} -> {type(exc).__name__}")
            raise NetworkError(f"request to {self.settings.api_host} failed ({type(exc).__name__}).") from None
        elapsed = (time.monotonic() - started) * 1000
        self._say(f"{method} {url} -> {response.status_code} ({elapsed:.0f} ms)")
        return self._handle(response, not_found)

    def _handle(self, response, not_found: str | None) -> Any:
        status = response.status_code
        if status == 401:
            raise NotAuthenticated(f"the API refused the credentials (401). {NOT_LOGGED_IN}")
        if status == 404:
            raise NotFound(not_found or f"not found: {_error_message(response)}")
        if status >= 400:
            message = redact(_error_message(response), self.settings.secrets())
            raise ApiError(f"the API answered {status}: {message}", status=status)
        if status == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            ctype = response.headers.get("Content-Type", "unknown type")
            raise ApiError(f"the API answered {status} with a body that is not JSON ({ctype}).", status=status) from None

    # --- endpoints -----------------------------------------------------------------------------------

    def get_self(self) -> dict:
        return self._expect(self.request("GET", "/v2/self"), dict, "/v2/self")

    def get_summary(self) -> dict:
        return self._expect(self.request("GET", "/v2/summary"), dict, "/v2/summary")

    def list_hooks(self, kind: str, owner_id: str) -> list[dict]:
        path = f"/v2/notifications/{kind}/{_seg(owner_id)}"
        result = self.request("GET", path, not_found=f"owner {owner_id} not found")
        hooks = self._expect(result if result is not None else [], list, path)
        return [h for h in hooks if isinstance(h, dict)]

    def create_hook(self, kind: str, owner_id: str, body: dict) -> dict:
        path = f"/v2/notifications/{kind}/{_seg(owner_id)}"
        result = self.request("POST", path, body, not_found=f"owner {owner_id} not found")
        return result if isinstance(result, dict) else {}

    def update_hook(self, kind: str, owner_id: str, hook_id: str, body: dict) -> dict:
        path = f"/v2/notifications/{kind}/{_seg(owner_id)}/{_seg(hook_id)}"
        result = self.request("PUT", path, body, not_found=_hook_not_found(kind, hook_id, owner_id))
        return result if isinstance(result, dict) else {}

    def delete_hook(self, kind: str, owner_id: str, hook_id: str) -> None:
        path = f"/v2/notifications/{kind}/{_seg(owner_id)}/{_seg(hook_id)}"
        self.request("DELETE", path, not_found=_hook_not_found(kind, hook_id, owner_id))

    def get_events_info(self) -> dict:
        return self._expect(self.request("GET", "/v2/notifications/info/events"), dict, "events info")

    def get_webhook_formats(self) -> list:
        return self._expect(self.request("GET", "/v2/notifications/info/webhookformats"), list, "webhook formats")

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
