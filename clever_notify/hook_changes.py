"""Editing a hook: find it in its owner's list, compute the whole body to PUT back, and say what changed.

The API has no GET for one hook and its PUT replaces the hook, so an update reads the list,
changes only the fields the user named, and sends every writable field. No click, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clever_notify import catalog
from clever_notify.errors import NotFound
from clever_notify.hook_details import WEBHOOKS, describe_notified, describe_scope, describe_urls, noun


class _All:
    """Marker for --all-events / --all-services: drop the restriction."""

    def __repr__(self) -> str:
        return "ALL"


ALL: Any = _All()


@dataclass(frozen=True)
class Changes:
    """What the user asked for; None means "leave as it is"."""

    name: str | None = None
    urls: list[str] | None = None
    fmt: str | None = None
    notified: list[dict] | None = None
    events: list[str] | _All | None = None
    services: list[str] | _All | None = None

    def empty(self) -> bool:
        return all(v is None for v in (self.name, self.urls, self.fmt, self.notified, self.events, self.services))


def hook_path(kind: str, owner_id: str, hook_id: str) -> str:
    """The PUT path, for --dry-run's printout (the client builds its own, escaped the same way)."""
    from urllib.parse import quote

    return f"/v2/notifications/{kind}/{quote(owner_id, safe='')}/{quote(hook_id, safe='')}"


def find_hook(hooks: list[dict], kind: str, hook_id: str, owner_id: str) -> dict:
    for hook in hooks:
        if isinstance(hook, dict) and hook.get("id") == hook_id:
            return hook
    raise NotFound(f"{noun(kind)} {hook_id} not found for {owner_id}")


def _urls(hook: dict) -> list[dict]:
    return [
        {"format": u.get("format") or catalog.DEFAULT_WEBHOOK_FORMAT, "url": u.get("url")}
        for u in hook.get("urls") or []
        if isinstance(u, dict) and u.get("url")
    ]


def _notified(hook: dict) -> list[dict] | None:
    entries = hook.get("notified")
    if entries is None:
        return None
    out = []
    for entry in entries:
        if isinstance(entry, dict) and entry.get("type"):
            item = {"type": entry["type"]}
            if entry.get("target") is not None:
                item["target"] = entry["target"]
            out.append(item)
    return out


def writable_body(kind: str, hook: dict) -> dict:
    """The fields a PUT accepts, as the hook has them now. Empty scope/events mean "all": left out."""
    body: dict = {}
    if hook.get("name") is not None:
        body["name"] = hook["name"]
    if kind == WEBHOOKS:
        body["urls"] = _urls(hook)
    else:
        notified = _notified(hook)
        if notified is not None:
            body["notified"] = notified
    if hook.get("scope"):
        body["scope"] = list(hook["scope"])
    if hook.get("events"):
        body["events"] = list(hook["events"])
    return body


def _new_urls(old: list[dict], urls: list[str] | None, fmt: str | None) -> list[dict]:
    if urls is None:
        return [{"format": fmt or u["format"], "url": u["url"]} for u in old]
    # A URL kept from the old list keeps its format; a new one takes the hook's (first) format.
    known = {u["url"]: u["format"] for u in old}
    fallback = old[0]["format"] if old else catalog.DEFAULT_WEBHOOK_FORMAT
    return [{"format": fmt or known.get(url, fallback), "url": url} for url in urls]


def apply(kind: str, hook: dict, changes: Changes) -> dict:
    """The whole body to PUT: the hook's writable fields with the requested changes."""
    old = writable_body(kind, hook)
    new: dict = {}
    name = changes.name if changes.name is not None else old.get("name")
    if name is not None:
        new["name"] = name
    if kind == WEBHOOKS:
        new["urls"] = _new_urls(old["urls"], changes.urls, changes.fmt)
    elif changes.notified is not None:
        new["notified"] = list(changes.notified)
    elif "notified" in old:
        new["notified"] = old["notified"]
    for key, change in (("scope", changes.services), ("events", changes.events)):
        if change is ALL:
            continue
        value = list(change) if change is not None else old.get(key)
        if value:
            new[key] = value
    return new


def diff(kind: str, old: dict, new: dict, owner_id: str) -> list[tuple[str, str, str]]:
    """(field, old, new) in words, for every writable field that differs."""
    describers = [
        ("name", lambda b: [repr(b["name"]) if b.get("name") is not None else "(none)"]),
        ("urls", lambda b: describe_urls(b.get("urls"))) if kind == WEBHOOKS else
        ("notified", lambda b: describe_notified(b.get("notified"))),
        ("services", lambda b: describe_scope(b.get("scope"), owner_id)),
        ("events", lambda b: [str(e) for e in b.get("events") or []] or ["all events"]),
    ]
    keys = {"name": "name", "urls": "urls", "notified": "notified", "services": "scope", "events": "events"}
    out = []
    for label, describe in describers:
        key = keys[label]
        if old.get(key) != new.get(key):
            out.append((label, ", ".join(describe(old)), ", ".join(describe(new))))
    return out
