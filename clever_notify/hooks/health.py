"""Is a webhook still working? Classified from what the API keeps: its `state` and its recent `failures`.

The API says nothing about successful deliveries, so "failing" means "failed recently": at least one
failure newer than a window (24 hours unless the caller says otherwise). A failure whose time the API
did not give, or gave in a form that cannot be placed in time (not a number or an ISO 8601 time, NaN, or
a moment outside the years 1-9999 such as -1e300), counts as recent, since nothing proves it is old. A
DISABLED webhook is "disabled" whatever its failures say: the platform no longer calls it.

What the tool cannot read is never called healthy: a state other than ENABLED or DISABLED (PAUSED,
SUSPENDED, ERROR, BLOCKED, one the API adds later) is "unknown", shown as such and unhealthy (exit 5
in `webhooks check`). A webhook the API lists without a state is taken as ENABLED, as the API creates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from clever_notify.guards.timestamps import epoch_ms, to_datetime
from clever_notify.hooks.words import clean as words_clean
from clever_notify.hooks.words import failure_cause

OK = "ok"
FAILING = "failing"
DISABLED = "disabled"
UNKNOWN = "unknown"  # a state this tool does not know: not healthy, since nothing says it is working
STATUSES = (OK, FAILING, DISABLED, UNKNOWN)
KNOWN_STATES = frozenset({"ENABLED", "DISABLED"})
DEFAULT_WINDOW_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Health:
    status: str  # OK | FAILING | DISABLED | UNKNOWN
    state: str  # the API's state, "ENABLED" when it did not say
    failures: int  # every failure the API listed
    recent: int  # those inside the window (or of unknown time)
    last: dict | None  # the newest failure, as the API gave it

    @property
    def healthy(self) -> bool:
        return self.status == OK


def failure_time_ms(failure: dict) -> int | None:
    """A failure's `createdAt` in epoch milliseconds (a number or an ISO 8601 string); None when it cannot be
    placed in time: neither of those, or a moment no calendar holds (-1e300 is a number, not a time)."""
    created = failure.get("createdAt")
    if to_datetime(created) is None:
        return None
    ms = epoch_ms(created)
    return None if ms is None else int(ms)


def _failures(hook: dict) -> list[dict]:
    failures = hook.get("failures")
    return [f for f in failures if isinstance(f, dict)] if isinstance(failures, list) else []


def newest_failure(failures: list[dict]) -> dict | None:
    """The failure with the latest time (the last listed among equals); the last listed if none has a time."""
    timed = [(t, i) for i, f in enumerate(failures) if (t := failure_time_ms(f)) is not None]
    if timed:
        return failures[max(timed)[1]]
    return failures[-1] if failures else None


def classify(hook: dict, *, now_ms: int, window_ms: int = DEFAULT_WINDOW_MS) -> Health:
    raw = hook.get("state")
    # Absent is ENABLED, as the API creates a webhook; any other value that is not text (a number, a list,
    # true) is a state this tool cannot read, so it is shown as given and never called healthy.
    state = "ENABLED" if raw is None else raw if isinstance(raw, str) else repr(raw)
    failures = _failures(hook)
    recent = 0
    for f in failures:
        t = failure_time_ms(f)
        if t is None or now_ms - t <= window_ms:
            recent += 1
    if state.upper() not in KNOWN_STATES:
        status = UNKNOWN
    elif state.upper() == "DISABLED":
        status = DISABLED
    elif recent:
        status = FAILING
    else:
        status = OK
    return Health(status, state, len(failures), recent, newest_failure(failures))


def when(ms: int | None, now_ms: int) -> str:
    """'2026-11-28 18:40 UTC (12 min ago)', or 'at an unknown time'."""
    if ms is None:
        return "at an unknown time"
    try:
        stamp = datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return "at an unknown time"
    return f"{stamp} ({_ago(now_ms - ms)})"


def _ago(delta_ms: int) -> str:
    seconds = delta_ms // 1000
    if seconds < 0:
        return "in the future"
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def failures_text(health: Health, now_ms: int) -> str:
    """'3 failures, 1 recent, last: HTTP 502 2026-11-28 18:40 UTC (12 min ago)'; '' when there is none."""
    if not health.failures:
        return ""
    recent = f", {health.recent} recent" if health.recent != health.failures else ""
    last = health.last or {}
    return (f"{health.failures} failure{'s' if health.failures != 1 else ''}{recent}, "
            f"last: {failure_cause(last)} {when(failure_time_ms(last), now_ms)}")


def evidence(health: Health, now_ms: int) -> str:
    """The words after ok/failing/disabled: how many failures, the last cause and when."""
    parts = []
    if health.status == DISABLED:
        parts.append("state DISABLED: the platform no longer calls it")
    if health.status == UNKNOWN:
        parts.append(f"state {words_clean(health.state, 40)}: unknown to this tool, so not known to be working")
    if health.failures:
        parts.append(failures_text(health, now_ms))
    elif health.status not in (DISABLED, UNKNOWN):
        parts.append("no recent failure")
    return "; ".join(parts)


def marked_block(hook: dict, block: tuple[str, list], *, now_ms: int, window_ms: int = DEFAULT_WINDOW_MS) -> tuple:
    """A listing's block for `hook` with its health added: a mark after the name, state and failures lines."""
    health = classify(hook, now_ms=now_ms, window_ms=window_ms)
    title, fields = block
    extra = []
    if health.status == DISABLED:
        title += "  [DISABLED]"
        extra.append(("state", "DISABLED: the platform no longer calls it"))
    elif health.status == UNKNOWN:
        title += "  [unknown state]"
        extra.append(("state", f"{words_clean(health.state, 40)}: unknown to this tool, so not known to be working"))
    elif health.status == FAILING:
        title += "  [failing]"
    if health.failures:
        extra.append(("failures", failures_text(health, now_ms)))
    return title, list(fields) + extra


def listing_marker(now_ms: int | None = None):
    """marked_block as the listings' `annotate` callback, with one `now` for the whole listing."""
    import time

    now = int(time.time() * 1000) if now_ms is None else now_ms
    return lambda hook, block: marked_block(hook, block, now_ms=now)


def as_json(hook: dict, health: Health, owner_id: Any = None) -> dict:
    """One webhook's health for `check --json` (camelCase keys, as every JSON this tool writes)."""
    doc = {"ownerId": hook.get("ownerId", owner_id), "id": hook.get("id"), "name": hook.get("name"),
           "health": health.status, "state": health.state, "failures": health.failures,
           "recentFailures": health.recent}
    last = health.last
    if last is not None:
        doc["lastFailure"] = {k: last[k] for k in ("url", "status", "networkFailure", "createdAt") if k in last}
    return doc
