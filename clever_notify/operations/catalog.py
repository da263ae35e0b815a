"""The event catalog as the API serves it (`clever events --live`), checked and reduced to its two keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clever_notify.errors import ApiError

if TYPE_CHECKING:
    from clever_notify.operations.session import Session


def live_catalog(session: Session) -> dict:
    """{"events": [...], "meta_events": {name: [...]}} from /v2/notifications/info/events; ApiError when its
    shape is neither of the documented ones. `hooks.catalog.differences(doc)` says how it differs from ours."""
    return _checked_document(session.client.get_events_info())


def _names(value) -> bool:
    return isinstance(value, list) and all(isinstance(e, str) for e in value)


def _meta_map(metas) -> dict[str, list[str]] | None:
    """`meta_events` as a map of name → events, from either form the API has used: the list of
    `{"key", "events"}` objects the official client reads, or the older map. None for any other shape."""
    if isinstance(metas, dict):
        return metas if all(_names(v) for v in metas.values()) else None
    if not isinstance(metas, list):
        return None
    out: dict[str, list[str]] = {}
    for entry in metas:
        if not (isinstance(entry, dict) and isinstance(entry.get("key"), str) and _names(entry.get("events"))):
            return None
        if entry["key"] in out:  # two expansions for one name: which one the API applies is unknown
            return None
        out[entry["key"]] = entry["events"]
    return out


def _checked_document(doc: dict) -> dict:
    """The API's events document reduced to its two keys, `meta_events` as a map; ApiError when its
    shape is neither of the documented ones."""
    events, metas = doc.get("events"), _meta_map(doc.get("meta_events"))
    if not _names(events):
        raise ApiError("unexpected answer from the API for events info: `events` is not a list of names.")
    if metas is None:
        raise ApiError("unexpected answer from the API for events info: `meta_events` is neither a list of "
                       "{key, events} objects nor a map of name lists.")
    return {"events": events, "meta_events": metas}
