"""Is what the API answered a hook we can act on? Checked before anything is decided from it.

A hook of the wrong shape (a string where a list belongs, an object for `notified`, a numeric id, a URL
entry without its url) is refused, never "repaired": a repair would send back, or copy, or delete a
different hook than the one the API holds. The API's own JSON never holds NaN or Infinity; those are
refused where answers are parsed (api.py).
"""

from __future__ import annotations

from typing import Any, Callable

from clever_notify.errors import ApiError

# Each check returns what is wrong with a value that is present and not null, or None when it is fine.
Check = Callable[[Any], "str | None"]


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"is {_what(value)}, expected a string"


def _texts(value: Any) -> str | None:
    if not isinstance(value, list):
        return f"is {_what(value)}, expected a list of strings"
    bad = [item for item in value if not isinstance(item, str)]
    return f"holds {_what(bad[0])}, expected strings only" if bad else None


def _objects_with(required: str, optional: tuple[str, ...] = ()) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return f"is {_what(value)}, expected a list of objects"
        for n, item in enumerate(value):
            if not isinstance(item, dict):
                return f"item {n} is {_what(item)}, expected an object"
            if not isinstance(item.get(required), str) or not item[required]:
                return f"item {n} has no `{required}` string"
            for key in optional:
                if item.get(key) is not None and not isinstance(item[key], str):
                    return f"item {n}: `{key}` is {_what(item[key])}, expected a string"
        return None

    return check


def _moment(value: Any) -> str | None:
    if isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return None
    return f"is {_what(value)}, expected a date"


def _list(value: Any) -> str | None:
    return None if isinstance(value, list) else f"is {_what(value)}, expected a list"


def _what(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
             float: "a number"}
    return names.get(type(value), type(value).__name__)


# key → (kinds having it, check). Keys not listed here are kept as read and never looked at.
SHAPES: dict[str, tuple[tuple[str, ...], Check]] = {
    "name": (("webhooks", "emailhooks"), _text),
    "ownerId": (("webhooks", "emailhooks"), _text),
    "events": (("webhooks", "emailhooks"), _texts),
    "scope": (("webhooks", "emailhooks"), _texts),
    "createdAt": (("webhooks", "emailhooks"), _moment),
    "urls": (("webhooks",), _objects_with("url", ("format",))),
    "state": (("webhooks",), _text),
    "failures": (("webhooks",), _list),
    "notified": (("emailhooks",), _objects_with("type", ("target",))),
}


def problem(kind: str, hook: Any) -> str | None:
    """What makes `hook` unusable as a hook of `kind`, in words; None when it is fine."""
    if not isinstance(hook, dict):
        return f"is {_what(hook)}, expected a hook object"
    hook_id = hook.get("id")
    if not isinstance(hook_id, str) or not hook_id:
        return "has no id" if hook_id is None else f"has an id that is {_what(hook_id)}, not a string"
    for key, (kinds, check) in SHAPES.items():
        if kind in kinds and hook.get(key) is not None:
            wrong = check(hook[key])
            if wrong:
                return f"({hook_id[:60]!r}): `{key}` {wrong}"
    return None


def checked_list(kind: str, value: Any, what: str) -> list[dict]:
    """`value` if it is a list of well-formed hooks of `kind`; ApiError (exit 1) naming the first fault."""
    if not isinstance(value, list):
        raise ApiError(f"unexpected answer from the API for {what}: {_what(value)}, expected a JSON list of hooks; "
                       "nothing was changed.")
    for n, hook in enumerate(value):
        wrong = problem(kind, hook)
        if wrong:
            raise ApiError(f"unexpected answer from the API for {what}: hook {n} {wrong}; "
                           "refusing to act on it, nothing was changed.")
    return value
