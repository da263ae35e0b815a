"""What `clever events listen` prints: one line per event and per delivery, or one JSON object per line.

Every field comes from the API or a receiver: each is cleaned (one line, unsafe characters escaped)
before it is written. Lines may come from two threads (events, deliveries): one lock keeps them whole.
"""

from __future__ import annotations

import threading
from typing import IO

from clever_notify.guards.sanitise import json_for_terminal
from clever_notify.hooks.words import clean

NAME_WIDTH = 24  # owner and service columns; longer names are cut with …
ANSWER_PREVIEW = 80


def _who(name: str | None, ident: str | None) -> str:
    if name and ident:
        return clean(name, NAME_WIDTH)
    return clean(ident, NAME_WIDTH + 16) if ident else "-"


def event_line(event) -> str:
    """`time  EVENT  owner  service  state`: names where the summary knew them, else ids, '-' for none."""
    when = clean(event.date if event.date not in (None, "") else "-", 40)
    return "  ".join([when, clean(event.type, 40), _who(event.owner, event.owner_id),
                      _who(event.service, event.service_id), clean(event.state or "-", 20)])


def delivery_line(forwarded) -> str:
    r = forwarded.result
    head = f"  -> {clean(forwarded.event.type, 40)} to {clean(r.url, 120)} ({r.format})"
    if r.status is None:
        return f"{head}: FAILED, {clean(r.error or 'no answer')} after {r.latency_ms:.0f} ms"
    verdict = "ok" if r.ok else "FAILED"
    answer = clean(r.error, ANSWER_PREVIEW) if r.error else (clean(r.body_start, ANSWER_PREVIEW) or "(empty)")
    return f"{head}: {verdict}, HTTP {r.status} in {r.latency_ms:.0f} ms; answer: {answer}"


def json_line(item) -> str:
    return json_for_terminal(item.to_dict(), indent=None)


class Printer:
    """Writes events and deliveries to `out`, human or JSON lines, flushed at once (a pipe reads them live)."""

    def __init__(self, out: IO[str], *, as_json: bool):
        self.out = out
        self.as_json = as_json
        self._lock = threading.Lock()

    def _write(self, text: str) -> None:
        with self._lock:
            self.out.write(text + "\n")
            self.out.flush()

    def event(self, event) -> None:
        self._write(json_line(event) if self.as_json else event_line(event))

    def delivery(self, forwarded) -> None:
        self._write(json_line(forwarded) if self.as_json else delivery_line(forwarded))
