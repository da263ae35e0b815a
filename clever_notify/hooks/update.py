"""Editing a hook: find it in its owner's list, compute the whole body to PUT back, and say what changed.

    from clever_notify.hooks.update import ALL, find_hook, sent_back, update_body, new_urls, diff

The API has no GET for one hook and its PUT replaces the hook, so an update reads the list and sends
back the hook AS READ, minus what the API owns (fields.read_only_keys: id, ownerId, createdAt, failures),
with only the named fields changed. A key the field table does not know is sent back untouched: a field
the API adds tomorrow survives an update made by today's tool. No click, no I/O.

    changes = {"name": "prod", "events": ALL}       # API key → new value; ALL drops the restriction
    body = update_body(WEBHOOKS, hook_as_read, changes)
    diff(WEBHOOKS, sent_back(WEBHOOKS, hook_as_read), body, owner_id)  # [("name", "'old'", "'prod'"), …]

List entries are merged the same way: a new `urls` or `notified` list is laid over the entries as read
(merged_urls, merged_notified), so an entry that stays keeps every key it had, `verified: true` or a key
the API adds tomorrow, and its type and spelling as read where the new value means the same.
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


def _format(entry: dict) -> str:
    return str(entry.get("format") or catalog.DEFAULT_WEBHOOK_FORMAT)


def merged_urls(read: Any, wanted: list[dict]) -> list[dict]:
    """The `urls` to send when the hook should have `wanted` ({url, format} entries), in the wanted order: each
    entry as read whose URL is still wanted is kept whole (unknown keys, and its format as spelt when it means
    the same: `SLACK` for `slack`), with only a changed format replaced; entries for URLs no longer wanted go.
    An entry is matched by its URL and format first, then by its URL alone."""
    entries = [u for u in read if isinstance(u, dict)] if isinstance(read, list) else []
    out: list[dict | None] = [None] * len(wanted)
    taken: set[int] = set()
    for exact in (True, False):
        for n, w in enumerate(wanted):
            if out[n] is not None:
                continue
            for i, u in enumerate(entries):
                if i in taken or u.get("url") != w.get("url"):
                    continue
                same = _format(u).lower() == _format(w).lower()
                if exact and not same:
                    continue
                taken.add(i)
                out[n] = {**u, "format": u.get("format") or _format(w)} if same else {**u, "format": _format(w)}
                break
    return [u if u is not None else dict(w) for u, w in zip(out, wanted, strict=True)]


def recipients(entry: Any) -> list[tuple[str, Any]]:
    """What one `notified` entry stands for, one (type, target) per recipient: an e-mail entry may hold
    several addresses ("a@x,b@x"); an organisation entry's target is irrelevant; types compare lower-case."""
    if not isinstance(entry, dict):
        return []
    kind, target = str(entry.get("type", "")).lower(), entry.get("target")
    if kind == "email" and isinstance(target, str):
        return [("email", a.strip()) for a in target.split(",") if a.strip()]
    return [(kind, None if kind == "organisation" else target)]


def merged_notified(read: Any, wanted: list[dict]) -> list[dict]:
    """The `notified` list to send when the hook should notify `wanted`, in the wanted order: each entry as
    read that still stands for wanted recipients is kept whole (its type as spelt, unknown keys such as
    `verified`); an e-mail entry of several addresses of which some go keeps the others; new recipients are
    sent as wanted."""
    entries = [e for e in read if isinstance(e, dict)] if isinstance(read, list) else []
    pending: dict[tuple, tuple[int, dict]] = {}  # recipient → (its rank in `wanted`, the wanted entry)
    for rank, w in enumerate(wanted):
        for key in recipients(w):
            pending.setdefault(key, (rank, w))
    out: list[tuple[int, dict]] = []
    for entry in entries:
        keys = recipients(entry)
        kept = [k for k in keys if k in pending]
        if not kept:
            continue
        rank = min(pending.pop(k)[0] for k in kept)
        if len(kept) == len(keys):
            out.append((rank, entry))
        else:  # some addresses of this entry are no longer wanted
            out.append((rank, {**entry, "target": ",".join(target for _, target in kept)}))
    left: dict[int, tuple[int, dict, list]] = {}  # a wanted entry → its recipients still to add, in order
    for key, (rank, w) in pending.items():
        left.setdefault(id(w), (rank, w, []))[2].append(key)
    for rank, w, keys in left.values():
        whole = len(keys) == len(recipients(w))
        out.append((rank, dict(w) if whole else {**w, "target": ",".join(target for _, target in keys)}))
    return [entry for _, entry in sorted(out, key=lambda pair: pair[0])]


def merged(key: str, read: Any, wanted: Any) -> Any:
    """`wanted` for the field `key`, laid over the value as read where it is a list of entries."""
    if key == "urls" and isinstance(wanted, list):
        return merged_urls(read, wanted)
    if key == "notified" and isinstance(wanted, list):
        return merged_notified(read, wanted)
    return wanted


def diff(kind: HookKind | str, old: dict, new: dict, owner_id: str | None = None) -> list[tuple[str, str, str]]:
    """(label, old, new) in words for every field `update` can change that differs, in the table's diff order."""
    changeable = sorted((f for f in fields_of(kind) if f.sent_at is not None), key=lambda f: f.sent_at)
    return [
        (f.label, ", ".join(f.change(old.get(f.key), owner_id)), ", ".join(f.change(new.get(f.key), owner_id)))
        for f in changeable
        if old.get(f.key) != new.get(f.key)
    ]
