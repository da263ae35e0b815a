"""POST a rendered event to one webhook URL and report what happened.

Shared by `clever webhooks test` and the sandbox's deliveries. Never raises for a receiver's
failure: a refused connection, a timeout or a 500 are results to report, not crashes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from clever_notify import __version__, payloads

DEFAULT_TIMEOUT = (3.0, 10.0)
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


def post(url: str, fmt: str, event: dict, *, timeout=DEFAULT_TIMEOUT, session=None) -> Delivery:
    import requests

    content_type, body = payloads.render(event, fmt)
    http = session or requests
    started = time.monotonic()
    try:
        response = http.post(
            url,
            data=body,
            headers={"Content-Type": content_type, "User-Agent": f"clever-notify/{__version__}"},
            timeout=timeout,
            stream=True,
            allow_redirects=False,
        )
        try:
            raw = response.raw.read(MAX_BODY, decode_content=True) or b""
        except Exception as exc:  # urllib3's own errors while reading: the status is known, the body is not
            import urllib3

            if not isinstance(exc, (urllib3.exceptions.HTTPError, OSError)):
                raise
            return Delivery(url, fmt, response.status_code, _ms(started),
                            error="connection lost while reading the answer")
        finally:
            response.close()
    except requests.exceptions.Timeout:
        return Delivery(url, fmt, None, _ms(started), error=f"timed out after {timeout[1]:g} s")
    except requests.exceptions.SSLError:
        return Delivery(url, fmt, None, _ms(started), error="TLS handshake failed")
    except requests.exceptions.ConnectionError:
        return Delivery(url, fmt, None, _ms(started), error="connection failed")
    except requests.exceptions.RequestException as exc:
        return Delivery(url, fmt, None, _ms(started), error=type(exc).__name__)
    text = raw.decode("utf-8", errors="replace")
    return Delivery(url, fmt, response.status_code, _ms(started), body_start=" ".join(text.split())[:PREVIEW])


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
