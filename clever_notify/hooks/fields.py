"""The one table of a hook's fields: every command that reads, shows, compares or sends a field uses it.

    from clever_notify.hooks.fields import FIELDS, fields_of, fingerprint, read_only_keys, shape_problem, NOT_SENT

FIELDS is a tuple of Field rows, in the order of the listings' clever-tools JSON. Each row says:
    key          the API's key ("scope")
    label        its word in `show` and in update's `field: old → new` lines ("services")
    kinds        the kinds having it (hooks/kinds.py); both by default
    writable     False for what the API owns (id, ownerId, createdAt, failures): left out of a PUT/POST body.
                 `state` is writable: a PUT sends it back as read, so an update never flips a disabled
                 webhook on (or off), whatever the API does with a PUT that lacks it.
    option       the `update` option that changes it, if any (declared in cli/show_update.py)
    normalise    as read → as sent back; NOT_SENT leaves the key out (e.g. an empty scope means "all")
    compare      its order-insensitive form, to recognise a listed hook as the one just sent (writes/confirm.py)
    show/show_at its words in `show` and the line's position (None: not a line; the name is the title)
    sent_at      its position in a body sent (clever-tools' order: name, urls|notified, scope, events) and in
                 update's diff; a field without one comes after them, then unknown keys as read
    change       its words in update's `field: old → new` lines
    summary_key/summarise  its key and value in the listings' clever-tools JSON (`-F json`)
    list_label/list_words  its line in the human listing: (value as read, owner id) → words, the same words as
                 `show` for the same concept (hooks/words.py), shorter where `show` expands (meta-events)
    shape        what the API may answer there (when present and not null): checked before anything is
                 decided from a hook (api/client.py), so a wrong shape is refused, never "repaired"

A key the table does not know is never dropped: hooks/update.py sends it back as read.
The sandbox (clever_notify/sandbox/) keeps its own field handling on purpose: it stands for the API.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clever_notify.hooks import catalog, words
from clever_notify.hooks.kinds import EMAILHOOKS, KINDS, WEBHOOKS, HookKind, kind_of

NOT_SENT: Any = object()  # normalise's answer for "leave this key out of the body"
ABSENT: Any = object()  # summarise's answer for "no such key" (JS drops undefined keys, keeps null)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kinds: tuple[HookKind, ...] = KINDS
    writable: bool = True
    option: str | None = None
    normalise: Callable[[Any], Any] = lambda value: NOT_SENT if value is None else value
    compare: Callable[[Any], Any] | None = None
    show: Callable[[Any, str], Any] | None = None  # (value, owner id) → str or list of str
    show_at: int | None = None
    change: Callable[[Any, str], list[str]] | None = None  # (normalised value or None, owner id) → words
    sent_at: int | None = None
    summary_key: str | None = None
    summarise: Callable[[dict], Any] | None = None
    list_label: str | None = None
    list_words: Callable[[Any, str], Any] | None = None
    shape: Callable[[Any], str | None] | None = None  # value → what is wrong with it, or None


# --- normalise: as read → as sent back --------------------------------------------------------------

def _restriction(value: Any) -> Any:
    """scope/events: absent, null and [] all mean "every service/event"; sent as an absent key."""
    return list(value) if value else NOT_SENT


def _urls(value: Any) -> list[dict]:
    # A URL entry keeps every key it had; only a missing format gets the API's default.
    return [
        {**u, "format": u.get("format") or catalog.DEFAULT_WEBHOOK_FORMAT}
        for u in value or []
        if isinstance(u, dict) and u.get("url")
    ]


def _notified(value: Any) -> Any:
    if value is None:
        return NOT_SENT  # no list: the API e-mails the whole team
    return [
        {k: v for k, v in entry.items() if not (k == "target" and v is None)}
        for entry in value
        if isinstance(entry, dict) and entry.get("type")
    ]


# --- compare: is a listed hook the one just sent? ---------------------------------------------------

def _key(value: Any) -> Any:
    """A value as a set element: a text or a tuple of texts as it is (plans compare 20,000 hooks), anything
    else as its JSON in a tuple of its own (never equal to a text, nor to a tuple of texts)."""
    if type(value) is str or (type(value) is tuple and all(type(v) is str or v is None for v in value)):
        return value
    return ("json", json.dumps(value, sort_keys=True, ensure_ascii=False, default=str), None)


def _as_set(values: Any) -> frozenset | None:
    """Order-insensitive; absent, null and [] all mean "every event/service", as the API reads them."""
    if not values:
        return None
    if not isinstance(values, list):
        return frozenset([_key(values)])
    return frozenset(_key(v) for v in values)


def _events_compared(values: Any) -> frozenset | None:
    """Event names compare upper-case: the API holding `deployment_fail` is not a change from DEPLOYMENT_FAIL."""
    if not isinstance(values, list):
        return _as_set(values)
    return _as_set([v.upper() if isinstance(v, str) else v for v in values])


def _urls_compared(values: Any) -> frozenset | None:
    """A URL entry compares by its URL and its format, lower-case, absent meaning raw (`SLACK` is slack)."""
    if not isinstance(values, list):
        return _as_set(values)
    return _as_set([(str(u.get("format") or catalog.DEFAULT_WEBHOOK_FORMAT).lower(), u.get("url"))
                    if isinstance(u, dict) else u for u in values])


def _notified_compared(values: Any) -> frozenset | None:
    """One element per recipient: an e-mail entry may hold several addresses ("a@x,b@x"), so two entries
    sent and one listed (or the reverse) still compare equal. No list and a list of the organisation alone
    both mean the whole team (None); an empty list is kept apart from them: it names nobody."""
    if not isinstance(values, list):
        return _as_set(values)
    if not values:
        return frozenset()
    out: list = []
    for t in values:
        if not isinstance(t, dict):
            out.append(t)
            continue
        kind, target = str(t.get("type", "")).lower(), t.get("target")
        if kind == "email" and isinstance(target, str):
            out.extend(("email", a.strip()) for a in target.split(",") if a.strip())
        else:
            out.append((kind, None if kind == "organisation" else target))
    return None if out and all(t == ("organisation", None) for t in out) else _as_set(out)


# --- the listings' clever-tools JSON and its human lines ---------------------------------------------

def _as_given(key: str) -> Callable[[dict], Any]:
    return lambda hook: hook.get(key, ABSENT)


def _target_label(entry: Any) -> Any:
    if isinstance(entry, dict):
        target = entry.get("target")
        return target if target is not None else "whole team"
    return "whole team"


def _joined(values: Any) -> str:
    """A list from the API as one line; anything else (a malformed answer) as its text, never a crash."""
    return ", ".join(map(str, values)) if isinstance(values, list) else words.clean(values)


# --- shape: what the API may answer (a wrong shape is refused, never repaired into another hook) -------

def _what(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
             float: "a number"}
    return names.get(type(value), type(value).__name__)


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"is {_what(value)}, expected a string"


# The checks below are plain loops: they run on every hook of every listing (20,000 in a large plan), mostly on
# lists of one or two items, where a comprehension or a generator costs more than the checking itself.


def _texts(value: Any) -> str | None:
    if not isinstance(value, list):
        return f"is {_what(value)}, expected a list of strings"
    for item in value:
        if not isinstance(item, str):
            return f"holds {_what(item)}, expected strings only"
    return None


def _objects_with(required: str, optional: tuple[str, ...] = ()) -> Callable[[Any], str | None]:
    """A list of objects, each with a non-empty `required` string and, when set, string `optional` keys."""

    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return f"is {_what(value)}, expected a list of objects"
        for n, item in enumerate(value):
            if not isinstance(item, dict):
                return f"item {n} is {_what(item)}, expected an object"
            text = item.get(required)
            if not text or not isinstance(text, str):
                return f"item {n} has no `{required}` string"
            for key in optional:
                other = item.get(key)
                if other is not None and not isinstance(other, str):
                    return f"item {n}: `{key}` is {_what(other)}, expected a string"
        return None

    return check


def _moment(value: Any) -> str | None:
    if isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return None
    return f"is {_what(value)}, expected a date"


def _objects(value: Any) -> str | None:
    if not isinstance(value, list):
        return f"is {_what(value)}, expected a list of objects"
    for n, item in enumerate(value):
        if not isinstance(item, dict):
            return f"item {n} is {_what(item)}, expected an object"
    return None


# The exact types a shape check accepts without looking further (a bool, an int subclass, is never among them).
_PLAINLY_FINE: dict[Callable, tuple[type, ...]] = {_text: (str,), _moment: (str, int, float)}


# --- the table ---------------------------------------------------------------------------------------

FIELDS: tuple[Field, ...] = (
    Field("id", "id", writable=False, show=lambda v, owner: words.clean(v), show_at=10,
          summary_key="id", summarise=_as_given("id"), list_label="id", list_words=lambda v, owner: str(v),
          shape=_text),
    Field("name", "name", option="--name",
          change=lambda v, owner: [repr(v) if v is not None else "(none)"], sent_at=10,
          compare=lambda v: v, summary_key="name", summarise=_as_given("name"), shape=_text),
    Field("ownerId", "owner", writable=False, show=lambda v, owner: str(v or owner), show_at=20,
          summary_key="ownerId", summarise=_as_given("ownerId"), shape=_text),
    Field("state", "state", kinds=(WEBHOOKS,), show=lambda v, owner: words.clean(v or "unknown"), show_at=30,
          change=lambda v, owner: [words.clean(v or "ENABLED")], shape=_text),
    Field("createdAt", "created", writable=False, show=lambda v, owner: words.format_time(v), show_at=40,
          shape=_moment),
    Field("scope", "services", option="--service", normalise=_restriction, compare=_as_set, shape=_texts,
          show=words.describe_scope, show_at=50, change=words.describe_scope, sent_at=30,
          summary_key="services",
          summarise=lambda hook: hook["scope"] if hook.get("scope") is not None else [hook.get("ownerId")],
          list_label="services", list_words=lambda v, owner: _joined(words.describe_scope(v, owner))),
    Field("events", "events", option="--event", normalise=_restriction, compare=_events_compared, shape=_texts,
          show=lambda v, owner: words.describe_events(v), show_at=60,
          change=lambda v, owner: [str(e) for e in v or []] or ["all events"], sent_at=40,
          summary_key="events", summarise=lambda hook: hook["events"] if hook.get("events") is not None else ["ALL"],
          list_label="events", list_words=lambda v, owner: _joined(v) if v else "all events"),
    Field("urls", "urls", kinds=(WEBHOOKS,), option="--url", normalise=_urls, compare=_urls_compared,
          shape=_objects_with("url", ("format",)),
          show=lambda v, owner: words.describe_urls(v), show_at=70,
          change=lambda v, owner: words.describe_urls(v), sent_at=20,
          summary_key="urls", summarise=_as_given("urls"), list_label="hooks",
          list_words=lambda v, owner: words.describe_urls(v if isinstance(v, list) else None)),
    Field("failures", "recent failures", kinds=(WEBHOOKS,), writable=False,
          show=lambda v, owner: words.describe_failures(v), show_at=80, shape=_objects),
    Field("notified", "notified", kinds=(EMAILHOOKS,), option="--notify", normalise=_notified,
          shape=_objects_with("type", ("target",)),
          compare=_notified_compared, show=lambda v, owner: words.describe_notified(v), show_at=70,
          change=lambda v, owner: words.describe_notified(v), sent_at=20,
          summary_key="notified",
          summarise=lambda hook: [_target_label(t) for t in hook["notified"]]
          if isinstance(hook.get("notified"), list) else ["whole team"],
          list_label="to", list_words=lambda v, owner: words.describe_notified(v if isinstance(v, list) else None)),
)


def fields_of(kind: HookKind | str) -> tuple[Field, ...]:
    """The rows of `kind` (a HookKind or its path segment), in table order."""
    kind = kind_of(kind)
    table, rows = _FIELDS_OF.get(kind, (None, ()))
    if table is not FIELDS:  # asked for every hook read: worked out once per kind (and again if the table changes)
        rows = tuple(f for f in FIELDS if kind in f.kinds)
        _FIELDS_OF[kind] = (FIELDS, rows)
    return rows


_FIELDS_OF: dict[HookKind, tuple[tuple, tuple[Field, ...]]] = {}


def fingerprint(hook: dict) -> tuple:
    """What makes two hooks the same for the user: every compared field of the table (name, URLs or
    notified targets, scope, events), order-insensitive, an empty list meaning "all"."""
    return tuple(f.compare(hook.get(f.key)) for f in FIELDS if f.compare is not None)


def shape_problem(kind: HookKind | str, hook: Any) -> str | None:
    """What makes `hook`, as the API answered it, unusable as a hook of `kind`; None when it is fine.
    An id is required (a hook without one can be neither changed nor deleted); other fields may be absent."""
    return shape_checker(kind)(hook)


def shape_checker(kind: HookKind | str) -> Callable[[Any], str | None]:
    """shape_problem for the hooks of `kind`, with the kind's checks looked up once: a listing asks it of every
    hook it holds."""
    return of_rows(kind, _checker)


def _checker(rows: tuple[Field, ...]) -> Callable[[Any], str | None]:
    # Most fields of a hook are a string (or a date's number): their type is tested here, the call is saved.
    shapes = tuple((f.key, f.shape, _PLAINLY_FINE.get(f.shape, ())) for f in rows if f.shape is not None)

    def problem(hook: Any) -> str | None:
        if not isinstance(hook, dict):
            return f"is {_what(hook)}, expected a hook object"
        hook_id = hook.get("id")
        if not isinstance(hook_id, str) or not hook_id:
            return "has no id" if hook_id is None else f"has an id that is {_what(hook_id)}, not a non-empty string"
        get = hook.get
        for key, shape, fine in shapes:
            value = get(key)
            if value is None or type(value) in fine:
                continue
            wrong = shape(value)
            if wrong:
                return f"({hook_id[:60]!r}): `{key}` {wrong}"
        return None

    return problem


def of_rows(kind: HookKind | str, build: Callable[[tuple[Field, ...]], Any]) -> Any:
    """`build(fields_of(kind))`, worked out once per kind and `build` while the table stays the same: what every
    hook of a listing or a plan is checked or compared with (20,000 times in a large plan)."""
    kind = kind_of(kind)
    rows = fields_of(kind)
    built_from, value = _OF_ROWS.get((kind, build), (None, None))
    if built_from is not rows:  # fields_of gives the same tuple until the table changes
        value = build(rows)
        _OF_ROWS[(kind, build)] = (rows, value)
    return value


_OF_ROWS: dict[tuple, tuple[tuple[Field, ...], Any]] = {}


def read_only_keys(kind: HookKind | str) -> frozenset[str]:
    """What the API owns: never sent in a body."""
    return frozenset(f.key for f in fields_of(kind) if not f.writable)
