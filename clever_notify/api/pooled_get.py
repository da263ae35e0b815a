"""A GET handed straight to the connection pool that requests' own adapter would use.

A plan of 500 owners reads 1,000 hook lists. Through requests, each read builds a prepared request, a
requests.Response, a cookie jar and a case-insensitive copy of the headers, and checks the TLS and proxy
settings again: about as much CPU as urllib3 and http.client spend sending and reading it. Here a GET goes to
the same urllib3 pool (so the same connections, deadline sockets, TLS verification and CA bundle), with the
same headers, timeouts and retry setting as requests' HTTPAdapter.send gives it, and its failures are raised as
the requests exceptions that adapter raises, so the transport handles one set of errors.

Only where nothing would differ: an HTTPAdapter whose `send` is requests' own (a library that replaces it,
as `responses` does in tests, gets every request through it), no proxy for the URL, no response hooks on the
session. Anything else answers None and the request goes through requests as usual.

    pooled = PooledGets(session)
    response = pooled.get(url, headers, timeout)   # None: send it through session.request instead
    for chunk in response.iter_content(65536): …   # requests' exceptions, as Response.iter_content raises them
    response.close()
"""

from __future__ import annotations

import re
from typing import Any

from clever_notify.api.lean_session import adds_per_call, merged_headers

_UNRESERVED_PATH = re.compile(r"[A-Za-z0-9._~/-]*")


def _requests_own_send(adapter) -> bool:
    import requests

    send = getattr(type(adapter), "send", None)
    return (isinstance(adapter, requests.adapters.HTTPAdapter)
            and getattr(send, "__module__", None) == "requests.adapters"
            and getattr(send, "__qualname__", None) == "HTTPAdapter.send")


class PooledGets:
    def __init__(self, session):
        self.session = session
        self._pools: dict[str, Any] = {}  # origin as written → (adapter, pool), or None where requests must send
        self._headers: dict[tuple, dict] = {}  # the call's headers → merged with the session's, checked once
        self._timeouts: dict[tuple, Any] = {}  # (connect, read) → urllib3's Timeout

    def get(self, url: str, headers: dict, timeout: tuple[float, float]) -> PooledResponse | None:
        """The answer's status and headers (its body unread), or None when requests must send this GET."""
        import requests
        from requests.utils import requote_uri

        session = self.session
        if not isinstance(session, requests.Session):  # a stand-in (tests): it is asked, as it expects
            return None
        if any(session.hooks.get("response") or ()) or adds_per_call(session):
            return None
        origin = "/".join(url.split("/", 3)[:3])
        rest = url[len(origin):]
        if "?" in rest or "#" in rest or not rest.startswith("/"):  # the transport's paths have none of those
            return None
        if origin not in self._pools:
            self._pools[origin] = self._pool_for(origin + "/")
        found = self._pools[origin]
        if found is None:
            return None
        adapter, pool = found
        # requests requotes the whole URL; the origin was checked (and IDNA-encoded) once, above, and a path of
        # unreserved characters (every id of the API) reads the same requoted
        path = rest if _UNRESERVED_PATH.fullmatch(rest) else requote_uri(rest)
        if timeout not in self._timeouts:
            from urllib3.util import Timeout

            self._timeouts[timeout] = Timeout(connect=timeout[0], read=timeout[1])
        return _send(adapter, pool, path, self._merged(headers), self._timeouts[timeout])

    def _merged(self, headers: dict) -> dict:
        """The session's headers under the call's, validated as requests validates them (once per set)."""
        key = tuple(headers.items())
        if key not in self._headers:
            self._headers[key] = dict(merged_headers(self.session, headers))
        return self._headers[key]

    def _pool_for(self, url: str):
        """(adapter, pool) requests would send a GET of `url` through, when nothing but that pool is involved."""
        from requests.models import PreparedRequest
        from requests.utils import select_proxy

        session = self.session
        try:
            prepared = PreparedRequest()
            prepared.prepare_method("GET")
            prepared.prepare_url(url, None)
            if prepared.url != url:  # requests would write this origin otherwise (IDNA, case): let it send
                return None
            adapter = session.get_adapter(prepared.url)
        except Exception:  # noqa: BLE001 - a URL or scheme requests refuses: it will say so, in its words
            return None
        if not _requests_own_send(adapter):
            return None
        settings = session.merge_environment_settings(prepared.url, {}, True, None, None)
        if select_proxy(prepared.url, {k: v for k, v in (settings.get("proxies") or {}).items() if v}):
            return None
        verify, cert = settings.get("verify", True), settings.get("cert")
        try:
            pool = adapter.get_connection_with_tls_context(prepared, verify, None, cert)
            adapter.cert_verify(pool, prepared.url, verify, cert)
        except Exception:  # noqa: BLE001 - a bad CA path: requests raises its own error for it
            return None
        return adapter, pool


def _send(adapter, pool, path: str, headers: dict, timeout) -> PooledResponse:
    try:
        raw = pool.urlopen(method="GET", url=path, body=None, headers=headers,
                           redirect=False, assert_same_host=False, preload_content=False, decode_content=False,
                           retries=adapter.max_retries, timeout=timeout, chunked=False)
    except Exception as exc:  # raised again as the requests exception it stands for
        raise _as_requests_error(exc) from exc
    return PooledResponse(raw)


def _as_requests_error(exc: BaseException) -> BaseException:
    """The requests exception HTTPAdapter.send raises for this urllib3 failure, tested in the order it tests."""
    import requests
    from urllib3 import exceptions as u3

    rex = requests.exceptions
    if isinstance(exc, (u3.ProtocolError, OSError)):
        return rex.ConnectionError(exc)
    if isinstance(exc, u3.MaxRetryError):
        reason = exc.reason
        if isinstance(reason, u3.ConnectTimeoutError) and not isinstance(reason, u3.NewConnectionError):
            return rex.ConnectTimeout(exc)
        because = ((u3.ResponseError, rex.RetryError), (u3.ProxyError, rex.ProxyError), (u3.SSLError, rex.SSLError))
        return next((theirs for ours, theirs in because if isinstance(reason, ours)), rex.ConnectionError)(exc)
    raised = ((u3.ClosedPoolError, rex.ConnectionError), (u3.ProxyError, rex.ProxyError), (u3.SSLError, rex.SSLError),
              (u3.ReadTimeoutError, rex.ReadTimeout), (u3.InvalidHeader, rex.InvalidHeader))
    return next((theirs(exc) for ours, theirs in raised if isinstance(exc, ours)), exc)


class PooledResponse:
    """What the transport reads of an answer, as requests.Response offers it."""

    def __init__(self, raw):
        self.raw = raw
        self.status_code = raw.status
        self.reason = raw.reason
        self.headers = raw.headers  # urllib3's: case-insensitive, as requests' copy of it is
        self._consumed = False

    def iter_content(self, chunk_size: int):
        """The body, decoded as requests decodes it, with the exceptions Response.iter_content raises."""
        import requests
        from urllib3 import exceptions as u3

        rex = requests.exceptions
        raw = self.raw
        try:
            if raw.length_remaining is not None and not raw.headers.get("Content-Encoding"):
                # a declared length (the caller refused one too large before reading) of plain bytes: read at once
                yield raw.read(decode_content=False)
            else:
                yield from raw.stream(chunk_size, decode_content=True)
        except u3.ProtocolError as exc:
            raise rex.ChunkedEncodingError(exc) from exc
        except u3.DecodeError as exc:
            raise rex.ContentDecodingError(exc) from exc
        except u3.ReadTimeoutError as exc:
            raise rex.ConnectionError(exc) from exc
        except u3.SSLError as exc:
            raise rex.SSLError(exc) from exc
        self._consumed = True

    def close(self) -> None:
        # As Response.close: a connection whose answer was not read to the end is not reused.
        if not self._consumed:
            self.raw.close()
        self.raw.release_conn()
