"""The values of --service / --only turned into the service ids a hook's scope holds. No click.

The API stores a scope as given and matches it against service ids only: a name stored there matches
nothing, and the hook silently never fires. So names are looked up in /v2/summary, under the hook's owner.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from clever_notify.errors import InputError
from clever_notify.owners.summary import Owner, Service, Summary

__all__ = ["Owner", "Service", "as_summary", "check", "describe", "looks_like_id", "names", "owner_in", "resolve",
           "unknown_service"]

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# app_/addon_ are the platform's own prefixes: whatever follows them is taken as an id, as clever-tools takes
# every value, so a command given only ids sends exactly clever-tools' requests. Another prefix counts only with
# a uuid (an add-on's real id, e.g. postgresql_<uuid>, with or without dashes): `my_app` is a name.
_ID_RE = re.compile(rf"^(?:(?:app|addon)_[A-Za-z0-9-]+|[a-z][a-z0-9-]*_(?:{_UUID}|[0-9a-f]{{32}}))$", re.IGNORECASE)
_LISTED = 50  # services named in an error before "… and N more"


def looks_like_id(value: str) -> bool:
    return bool(_ID_RE.fullmatch(value))


def owner_in(summary: dict | Summary, owner_id: str) -> Owner:
    """The user or organisation `owner_id` of a /v2/summary answer, with its applications and add-ons."""
    return as_summary(summary).owner(owner_id)


def _listing(owner: Owner) -> str:
    if not owner.services:
        return "it has no applications or add-ons"
    shown = [f"{s.name} ({s.id})" if s.name else s.id for s in owner.services[:_LISTED]]
    more = len(owner.services) - _LISTED
    return "its applications and add-ons: " + ", ".join(shown) + (f" … and {more} more" if more > 0 else "")


def _close_names(owner: Owner, value: str) -> list[str]:
    """The owner's service names `value` is a typo of (`wbe` → web), case-insensitively, best first."""
    import difflib

    by_lower: dict[str, str] = {}
    for s in owner.services:
        if s.name:
            by_lower.setdefault(s.name.lower(), s.name)
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=3, cutoff=0.6)
    return [by_lower[c] for c in close]


def unknown_service(owner: Owner, value: str) -> InputError:
    """The one error for a --service/--only value that is none of the owner's services, wherever it is given;
    a near miss gets a "did you mean", as an unknown event does."""
    close = _close_names(owner, value)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return InputError(f"no application or add-on {value!r} at {owner.label}; {_listing(owner)}{hint}")


def _by_id(owner: Owner, value: str) -> Service | None:
    for s in owner.services:
        if value in (s.id, s.real_id):
            return s
    return None


def _by_name(owner: Owner, value: str) -> str | None:
    """The id of the one service named `value`; None when no service has that name."""
    named = [s for s in owner.services if s.name == value]
    if len(named) > 1:
        ids = ", ".join(s.id for s in named)
        raise InputError(f"ambiguous service name {value!r}: several services of {owner.label} have it ({ids}); "
                         "pass the id")
    return named[0].id if named else None


def _dedupe(ids: list[str], values: list[str] | None = None,
            on_repeat: Callable[[str, str], None] | None = None) -> list[str]:
    """Each service once (guards/values.merge_repeats' rule); `on_repeat(value, id)` for a value naming a
    service already given (its name and its id, say), so the caller can say it was merged."""
    out: list[str] = []
    for n, i in enumerate(ids):
        if i not in out:
            out.append(i)
        elif on_repeat is not None and values is not None and values[n] != values[ids.index(i)]:
            on_repeat(values[n], i)  # a literal repeat was already said where it was typed
    return out


def as_summary(summary: dict | Summary) -> Summary:
    return summary if isinstance(summary, Summary) else Summary.parse(summary)


def resolve(get_summary: Callable[[], dict | Summary], owner_id: str, values: list[str],
            on_repeat: Callable[[str, str], None] | None = None) -> list[str]:
    """Service ids for `values` (ids or names of `owner_id`'s services), for a hook's scope.

    When every value looks like an id, they are kept as they are and nothing is read. Otherwise /v2/summary
    is read once; an id-looking value that is not a known id or name is kept too (it may be an id the
    summary does not show), an unknown name is refused with the owner's services listed.
    """
    if all(looks_like_id(v) for v in values):
        return list(values)
    owner = owner_in(get_summary(), owner_id)
    out = []
    for value in values:
        known = _by_id(owner, value)
        found = known.id if known is not None and value == known.id else _by_name(owner, value)
        if found is None:
            if known is not None or looks_like_id(value):
                found = value
            else:
                raise unknown_service(owner, value)
        out.append(found)
    return _dedupe(out, values, on_repeat)


def check(summary: dict | Summary, owner_id: str, values: list[str],
          on_repeat: Callable[[str, str], None] | None = None) -> list[str]:
    """Like resolve, but every value must be one of the owner's services: ids are checked too.

    For the default deployment e-mails, where a scope matching nothing silently stops them.
    """
    owner = owner_in(summary, owner_id)
    out = []
    for value in values:
        known = _by_id(owner, value)
        found = value if known is not None else _by_name(owner, value)
        if found is None:
            raise unknown_service(owner, value)
        out.append(found)
    return _dedupe(out, values, on_repeat)


def names(summary: dict | Summary, owner_id: str) -> dict[str, str]:
    """id → name for the owner's services (add-ons under their real id too), for messages."""
    out: dict[str, str] = {}
    for s in owner_in(summary, owner_id).services:
        if s.name:
            out[s.id] = s.name
            if s.real_id:
                out[s.real_id] = s.name
    return out


def describe(ids: list[str], known: dict[str, str] | None) -> str:
    """`web (app_…), app_…` for messages: the name where it is known, then the id."""
    known = known or {}
    return ", ".join(f"{known[i]} ({i})" if i in known else str(i) for i in ids)
