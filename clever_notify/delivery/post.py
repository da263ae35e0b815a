"""POST a rendered event to one webhook URL and report what happened.

Shared by `clever webhooks test` and the sandbox's deliveries. Never raises for a receiver's
failure: a refused connection, a timeout or a 500 are results to report, not crashes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from clever_notify import __version__
from clever_notify.config.settings import DEFAULT_DELIVERY_TIMEOUT
from clever_notify.delivery import payloads

DEFAULT_TIMEOUT = DEFAULT_DELIVERY_TIMEOUT  # connection and whole answer included (CLEVER_TIMEOUT overrides)
CONNECT_TIMEOUT = 3.0
MAX_BODY = 64 * 1024  # what we read of an answer: enough to show its start, bounded against huge bodies
PREVIEW = 200


@dataclass
class Delivery:
    url: str
    format: str
    status: int | None  # None: no HTTP answer (network failure)
    latency_ms: float
    error: str | None = None  # a network failure, in words
    body_start: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.error is None

    def to_dict(self) -> dict:
        """The result in the JSON style of every output of this tool (camelCase, as the API writes)."""
        return {"url": self.url, "format": self.format, "status": self.status, "latencyMs": self.latency_ms,
                "ok": self.ok, "error": self.error, "bodyStart": self.body_start}


def post(url: str, fmt: str, event: dict, *, timeout: float = DEFAULT_TIMEOUT, session=None,
         signer: Callable[[bytes], dict] | None = None) -> Delivery:
    """Deliver once; the whole exchange (connection, status line, headers, start of the body) ends within
    `timeout` seconds, however slowly the receiver sends its answer. `signer(body)` gives extra headers
    computed from the exact bytes sent (clever_notify.delivery.signing)."""
    import requests
    import urllib3

    from clever_notify.api import deadline

    content_type, body = payloads.render(event, fmt)
    headers = {"Content-Type": content_type, "User-Agent": f"clever-notify/{__version__}"}
    if signer is not None:
        headers.update(signer(body))
    http = session or deadline.session()
    took_too_long = f"timed out after {timeout:g} s"
    started = time.monotonic()
    try:
        with deadline.within(timeout):
            response = http.post(
                url,
                data=body,
                headers=headers,
                timeout=(min(CONNECT_TIMEOUT, timeout), timeout),
                stream=True,
                allow_redirects=False,
            )
            try:
                raw = response.raw.read(MAX_BODY, decode_content=True) or b""
            except (urllib3.exceptions.HTTPError, OSError) as exc:  # the status is known, the body is not
                lost = "connection lost while reading the answer"
                error = took_too_long if isinstance(exc, (urllib3.exceptions.ReadTimeoutError, TimeoutError)) else lost
                return Delivery(url, fmt, response.status_code, _ms(started), error=error)
            finally:
                response.close()
    except requests.exceptions.Timeout:
        return Delivery(url, fmt, None, _ms(started), error=took_too_long)
    except requests.exceptions.SSLError:
        return Delivery(url, fmt, None, _ms(started), error="TLS handshake failed")
    except requests.exceptions.ConnectionError as exc:
        timed_out = isinstance(exc.args[0] if exc.args else None, urllib3.exceptions.ReadTimeoutError)
        return Delivery(url, fmt, None, _ms(started), error=took_too_long if timed_out else "connection failed")
    except requests.exceptions.RequestException as exc:
        return Delivery(url, fmt, None, _ms(started), error=type(exc).__name__)
    finally:
        if session is None:
            http.close()
    text = raw.decode("utf-8", errors="replace")
    return Delivery(url, fmt, response.status_code, _ms(started), body_start=" ".join(text.split())[:PREVIEW])


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
