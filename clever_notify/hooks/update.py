"""Editing a hook: find it in its owner's list, compute the whole body to PUT back, and say what changed.

    from clever_notify.hooks.update import ALL, find_hook, sent_back, update_body, new_urls, diff

The API has no GET for one hook and its PUT replaces the hook, so an update reads the list and sends
back the hook AS READ, minus what the API owns (fields.read_only_keys: id, ownerId, createdAt, failures),
with only the named fields changed. A key the field table does not know is sent back untouched: a field
the API adds tomorrow survives an update made by today's tool. No click, no I/O.

    changes = {"name": "prod", "events": ALL}       # API key → new value; ALL drops the restriction
    body = update_body(WEBHOOKS, hook_as_read, changes)
    diff(WEBHOOKS, sent_back(WEBHOOKS, hook_as_read), body, owner_id)  # [("name", "'old'", "'prod'"), …]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clever_notify.errors import NotFound
from clever_notify.hooks import catalog
from clever_notify.hooks.fields import NOT_SENT, fields_of, read_only_keys
from clever_notify.hooks.kinds import HookKind, kind_of


class _All:
    """Marker for --all-events / --all-services: drop the restriction."""

    def __repr__(self) -> str:
        return "ALL"


ALL: Any = _All()


def find_hook(hooks: list[dict], kind: HookKind | str, hook_id: str, owner_id: str) -> dict:
    for hook in hooks:
        if isinstance(hook, dict) and hook.get("id") == hook_id:
            return hook
    raise NotFound(f"{kind_of(kind).noun} {hook_id} not found for {owner_id}")


def update_body(kind: HookKind | str, hook: dict, changes: Mapping[str, Any] | None = None) -> dict:
    """The whole body to PUT: `hook` as read, minus read-only keys, with `changes` applied.

    Each field of the table is normalised the same way whether it changed or not, so an update that
    names a field's current value sends exactly what an unchanged hook would (and `update` sees no change).
    """
    changes = dict(changes or {})
    known = {f.key: f for f in fields_of(kind)}
    for key in changes:
        if key not in known or not known[key].writable:
            raise ValueError(f"{key!r} is not a writable field of {kind_of(kind).nouns}")
    dropped = read_only_keys(kind)
    body: dict = {}
    ranked = sorted((f for f in known.values() if f.sent_at is not None), key=lambda f: f.sent_at)
    keys = list(dict.fromkeys([f.key for f in ranked] + list(hook) + list(changes)))
    for key in keys:
        if key in dropped:
            continue
        value = changes.get(key, hook.get(key))
        if value is ALL:
            continue
        if key in known:
            value = known[key].normalise(value)
            if value is NOT_SENT:
                continue
        body[key] = value
    return body


def sent_back(kind: HookKind | str, hook: dict) -> dict:
    """What an update that changes nothing would send: the baseline of `diff`."""
    return update_body(kind, hook)


def new_urls(old: list[dict] | None, urls: list[str] | None, fmt: str | None) -> list[dict]:
    """--url/--format: a URL kept from `old` keeps its entry and format; a new one takes the hook's first format."""
    old = [u for u in old or [] if isinstance(u, dict) and u.get("url")]
    default = lambda u: u.get("format") or catalog.DEFAULT_WEBHOOK_FORMAT  # noqa: E731
    if urls is None:
        return [{**u, "format": fmt or default(u)} for u in old]
    known = {u["url"]: u for u in old}
    fallback = default(old[0]) if old else catalog.DEFAULT_WEBHOOK_FORMAT
    out = []
    for url in urls:
        kept = known.get(url)
        out.append({**kept, "format": fmt or default(kept)} if kept else {"format": fmt or fallback, "url": url})
    return out


def diff(kind: HookKind | str, old: dict, new: dict, owner_id: str | None = None) -> list[tuple[str, str, str]]:
    """(label, old, new) in words for every field `update` can change that differs, in the table's diff order."""
    changeable = sorted((f for f in fields_of(kind) if f.sent_at is not None), key=lambda f: f.sent_at)
    return [
        (f.label, ", ".join(f.change(old.get(f.key), owner_id)), ", ".join(f.change(new.get(f.key), owner_id)))
        for f in changeable
        if old.get(f.key) != new.get(f.key)
    ]
