"""Checks a hook body the way the API would, before anything is stored.

Each check raises BadBody with a message naming the field, so a client sees what to fix.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from clever_notify.hooks import catalog

MAX_NAME = 256
MAX_LIST = 100
EMAIL_RE = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
STATES = ("ENABLED", "DISABLED")


class BadBody(ValueError):
    """Raised when a request body is not acceptable; its message goes back to the client in a 400."""


def _name(body: dict) -> str | None:
    name = body.get("name")
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise BadBody("`name` must be a non-empty string")
    if len(name) > MAX_NAME:
        raise BadBody(f"`name` must be at most {MAX_NAME} characters")
    return name


def _string_list(body: dict, key: str) -> list | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise BadBody(f"`{key}` must be a list of non-empty strings")
    if len(value) > MAX_LIST:
        raise BadBody(f"`{key}` has more than {MAX_LIST} entries")
    return value


def _events(body: dict) -> list | None:
    events = _string_list(body, "events")
    for event in events or []:
        if event not in catalog.ALL_EVENT_NAMES:
            raise BadBody(f"unknown event type {event!r} in `events`")
    return events


def _url(value) -> str:
    if not isinstance(value, str):
        raise BadBody("`urls[].url` must be a string")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise BadBody(f"invalid URL {value!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise BadBody(f"invalid URL {value!r}: an absolute http(s) URL is required")
    return value


def _urls(body: dict) -> list:
    urls = body.get("urls")
    if not isinstance(urls, list) or not urls:
        raise BadBody("`urls` must be a non-empty list of {format, url} objects")
    if len(urls) > MAX_LIST:
        raise BadBody(f"`urls` has more than {MAX_LIST} entries")
    out = []
    for entry in urls:
        if not isinstance(entry, dict):
            raise BadBody("`urls` must be a non-empty list of {format, url} objects")
        fmt = entry.get("format")
        if fmt not in catalog.WEBHOOK_FORMATS:
            raise BadBody(f"unknown webhook format {fmt!r}; expected one of {', '.join(catalog.WEBHOOK_FORMATS)}")
        out.append({"format": fmt, "url": _url(entry.get("url"))})
    return out


def _notified(body: dict) -> list | None:
    notified = body.get("notified")
    if notified is None:
        return None
    if not isinstance(notified, list) or len(notified) > MAX_LIST:
        raise BadBody("`notified` must be a list of {type, target} objects")
    out = []
    for entry in notified:
        kind = entry.get("type") if isinstance(entry, dict) else None
        target = entry.get("target") if isinstance(entry, dict) else None
        if kind == "email":
            addresses = [a.strip() for a in target.split(",")] if isinstance(target, str) else []
            if not addresses or not all(EMAIL_RE.match(a) for a in addresses):
                raise BadBody(f"invalid e-mail target {target!r} in `notified`")
            out.append({"type": "email", "target": target})
        elif kind == "userid":
            if not isinstance(target, str) or not target.startswith("user_"):
                raise BadBody(f"invalid user id {target!r} in `notified`")
            out.append({"type": "userid", "target": target})
        elif kind == "organisation":
            out.append({"type": "organisation"})
        else:
            raise BadBody("each `notified` entry needs a type: email, userid or organisation")
    return out


def _state(body: dict) -> str | None:
    state = body.get("state")
    if state is not None and state not in STATES:
        raise BadBody(f"`state` must be one of {', '.join(STATES)}")
    return state


def hook_body(kind: str, body) -> dict:
    """The fields we store for a webhook or e-mail hook; BadBody when `body` is unacceptable."""
    if not isinstance(body, dict):
        raise BadBody("the body must be a JSON object")
    out = {"name": _name(body), "events": _events(body), "scope": _string_list(body, "scope")}
    if kind == "webhooks":
        out["urls"] = _urls(body)
        out["state"] = _state(body)
    else:
        out["notified"] = _notified(body)
    return out
