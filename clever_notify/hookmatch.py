"""Is this listed hook the one we just sent? Used to confirm a create/update after an ambiguous failure."""

from __future__ import annotations

import json
from typing import Any


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _as_set(values: Any) -> frozenset | None:
    """Order-insensitive; absent, null and [] all mean "every event/service", as the API reads them."""
    if not values:
        return None
    if not isinstance(values, list):
        return frozenset([_key(values)])
    return frozenset(_key(v) for v in values)


def _urls(values: Any) -> frozenset | None:
    if not isinstance(values, list):
        return _as_set(values)
    return _as_set([{"format": u.get("format"), "url": u.get("url")} if isinstance(u, dict) else u for u in values])


def _notified(values: Any) -> frozenset | None:
    if not isinstance(values, list):
        return _as_set(values)
    return _as_set([
        {"type": str(t.get("type", "")).lower(), "target": t.get("target")} if isinstance(t, dict) else t
        for t in values
    ])


def fingerprint(hook: dict) -> tuple:
    """What makes two hooks the same for the user: name, URLs or notified targets, events, scope."""
    return (
        hook.get("name"),
        _urls(hook.get("urls")),
        _notified(hook.get("notified")),
        _as_set(hook.get("events")),
        _as_set(hook.get("scope")),
    )


def same_hook(sent: dict, listed: dict) -> bool:
    return isinstance(listed, dict) and fingerprint(sent) == fingerprint(listed)


def created_ms(hook: dict) -> float | None:
    """createdAt in epoch milliseconds (the API gives a number or an ISO string); None if unreadable."""
    value = hook.get("createdAt")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value:
        from datetime import datetime, timezone

        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp() * 1000
    return None


def find_sent(sent: dict, hooks: list[dict], *, not_before_ms: float | None = None) -> dict | None:
    """The listed hook matching what was sent; the newest one if several do (createdAt, then list order).

    With `not_before_ms`, a match created earlier than that is an older twin, not the hook just sent."""
    matches = [h for h in hooks if same_hook(sent, h)]
    if not_before_ms is not None:
        matches = [h for h in matches if (created_ms(h) is None or created_ms(h) >= not_before_ms)]
    if not matches:
        return None
    return max(enumerate(matches), key=lambda ih: (str(ih[1].get("createdAt") or ""), ih[0]))[1]
