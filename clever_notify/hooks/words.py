"""One value of a hook in words: times, events, scopes, URLs, recipients, delivery failures.

Pure functions; no click, no I/O. The field table (fields.py) says which of them shows which field.
Server-supplied text is stripped of control characters so a hostile body cannot drive the terminal.
"""

from __future__ import annotations

from typing import Any

from clever_notify.guards.sanitise import for_terminal
from clever_notify.guards.timestamps import epoch_ms, to_datetime
from clever_notify.hooks import catalog

MAX_FAILURES_SHOWN = 10
BODY_PREVIEW = 80
WHOLE_OWNER = "whole team"  # the one wording, as in clever-tools' JSON and --notify organisation's help


def clean(value: Any, limit: int | None = None) -> str:
    """Server text as one printable line, optionally cut to `limit` characters."""
    text = for_terminal(" ".join(str(value).split()))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def format_time(value: Any) -> str:
    """createdAt as `YYYY-MM-DD HH:MM:SS UTC` (timestamps.py reads it); an unreadable value is shown cleaned."""
    if value is None or value == "":
        return "unknown"
    moment = to_datetime(value)
    if moment is None:
        return clean(value, 40)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _sort_key(value: Any) -> float:
    return epoch_ms(value) or 0.0


def describe_events(events: list | None) -> list[str]:
    """One line per listed event; a meta-event carries its members."""
    if not events:
        return ["all events"]
    if not isinstance(events, list):  # a malformed answer: shown as it is, never a crash
        return [clean(events)]
    out = []
    for name in events:
        members = catalog.META_EVENTS.get(name)
        out.append(f"{name} ({', '.join(members)})" if members else str(name))
    return out


def describe_scope(scope: list | None, owner_id: str | None) -> list[str]:
    if not scope:
        return [f"all services of {owner_id}" if owner_id else "all services"]
    if not isinstance(scope, list):  # a malformed answer: shown as it is, never a crash
        return [clean(scope)]
    return [str(s) for s in scope]


def describe_urls(urls: list | None) -> list[str]:
    shown = [f"{u.get('url')} ({u.get('format')})" for u in urls or [] if isinstance(u, dict)]
    return shown or ["(none)"]


def describe_target(entry: Any) -> list[str]:
    """One `notified` entry as the people it reaches; an e-mail target may hold several addresses."""
    if not isinstance(entry, dict):
        return [clean(entry)]
    kind = entry.get("type")
    target = entry.get("target")
    if kind == "organisation" or (target is None and kind is None):
        return [WHOLE_OWNER]
    if kind == "email" and isinstance(target, str):
        return [a.strip() for a in target.split(",") if a.strip()] or ["(empty address)"]
    if kind == "userid":
        return [f"user {target}"]
    return [clean(f"{kind}: {target}")]


def describe_notified(notified: list | None) -> list[str]:
    if notified is None:
        return [f"{WHOLE_OWNER} (default)"]
    out: list[str] = []
    for entry in notified:
        out.extend(describe_target(entry))
    return out or ["(nobody)"]


def failure_cause(failure: dict) -> str:
    """'network failure', 'HTTP 502', or 'failed' when the API says neither."""
    network = failure.get("networkFailure")
    if network:
        return "network failure" + (f" ({clean(network, 60)})" if isinstance(network, str) else "")
    if failure.get("status") is not None:
        return f"HTTP {clean(failure.get('status'), 10)}"
    return "failed"


def describe_failure(failure: Any) -> str:
    if not isinstance(failure, dict):
        return clean(failure, 120)
    when = format_time(failure.get("createdAt")) if failure.get("createdAt") is not None else "at an unknown time"
    line = f"{when}  {clean(failure.get('url', '?'), 200)}  {failure_cause(failure)}"
    body = failure.get("partialBody")
    if body:
        line += f": {clean(body, BODY_PREVIEW)}"
    return line


def describe_failures(failures: list | None) -> list[str]:
    """The most recent failures first, at most MAX_FAILURES_SHOWN, and how many older ones were left out."""
    items = [f for f in failures or []]
    if not items:
        return ["(none)"]
    items.sort(key=lambda f: _sort_key(f.get("createdAt")) if isinstance(f, dict) else 0.0, reverse=True)
    lines = [describe_failure(f) for f in items[:MAX_FAILURES_SHOWN]]
    if len(items) > MAX_FAILURES_SHOWN:
        lines.append(f"… and {len(items) - MAX_FAILURES_SHOWN} older")
    return lines
