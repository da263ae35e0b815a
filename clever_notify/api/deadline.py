"""One wall-clock deadline per HTTP request, enforced where the bytes arrive.

A read timeout bounds each wait for the next byte, not the whole answer: a server that sends its status
line, headers or body one byte every few seconds never trips it and holds a request for as long as it
likes. Here every socket read of a request made inside `within(seconds)` first looks at the time left
and waits at most that long, so status line, headers and body together end by the deadline, whatever the
server does. Running out raises the socket timeout error the HTTP libraries already turn into their own
read-timeout errors, so callers handle one kind of failure.

    session = deadline.session()                 # a requests session whose connections obey deadlines
    with deadline.within(10.0):                  # what this thread reads in the block ends within 10 s
        response = session.get(url, timeout=(3.0, 10.0), stream=True)
        body = response.raw.read(65536)

The deadline is per thread (the sandbox delivers to several receivers at once), and a request made
outside `within` behaves as plain requests does. The TLS handshake and the DNS lookup are bounded by the
connect timeout only.
"""

from __future__ import annotations

import contextlib
import functools
import io
import threading
import time
from collections.abc import Iterator

_local = threading.local()


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Every socket read of this thread, until the block ends, finishes within `seconds` from now."""
    outer = getattr(_local, "deadline", None)
    _local.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.deadline = outer


def _time_left() -> float | None:
    deadline = getattr(_local, "deadline", None)
    return None if deadline is None else deadline - time.monotonic()


class _Reader(io.RawIOBase):
    """What http.client reads the answer through: the socket's own raw file (which keeps the socket open
    until the answer is read, as http.client expects), each read going past the deadline check first."""

    def __init__(self, owner: _DeadlineSocket, raw):
        self._owner = owner
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self._owner.bound()
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """A connected socket whose reads never wait past the current deadline; everything else passes through."""

    def __init__(self, sock):
        self._sock = sock
        self._timeout = sock.gettimeout()  # what the HTTP library asked for, restored on each read

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def settimeout(self, value) -> None:
        self._timeout = value
        self._sock.settimeout(value)

    def gettimeout(self):
        return self._timeout

    def bound(self) -> None:
        """Make the next read wait no longer than the deadline allows."""
        left = _time_left()
        if left is None:
            self._sock.settimeout(self._timeout)
            return
        if left <= 0:
            raise TimeoutError("the deadline of the request has passed")
        self._sock.settimeout(left if self._timeout is None else min(self._timeout, left))

    def recv_into(self, buffer, nbytes: int = 0, flags: int = 0) -> int:
        self.bound()
        return self._sock.recv_into(buffer, nbytes, flags)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        self.bound()
        return self._sock.recv(bufsize, flags)

    def makefile(self, mode: str = "r", buffering: int | None = None, **kwargs):
        if mode != "rb":
            return self._sock.makefile(mode, buffering, **kwargs)
        raw = _Reader(self, self._sock.makefile("rb", buffering=0))
        return io.BufferedReader(raw, buffering if buffering and buffering > 0 else io.DEFAULT_BUFFER_SIZE)


@functools.cache
def _adapter_class():
    """Built on first use: importing requests costs time that `--help` must not pay."""
    import requests
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class _HTTPConnection(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            self.sock = _DeadlineSocket(self.sock)

    class _HTTPSConnection(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            self.sock = _DeadlineSocket(self.sock)

    class _HTTPPool(HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class _HTTPSPool(HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    pools = {"http": _HTTPPool, "https": _HTTPSPool}

    class DeadlineAdapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, proxy, **kwargs):
            manager = super().proxy_manager_for(proxy, **kwargs)
            manager.pool_classes_by_scheme = pools
            return manager

    return DeadlineAdapter


def session(session_class=None):
    """A requests session (of `session_class`, requests.Session by default) whose http and https connections
    obey `within`."""
    import requests

    adapter = _adapter_class()
    result = (session_class or requests.Session)()
    result.mount("http://", adapter())
    result.mount("https://", adapter())
    return result
