"""The checks of user values that do not depend on where the value came from.

The command line (cli/params.py wraps them as click types) and the notifications file (notifications_file/rules.py)
read webhook URLs and notification targets with these same functions, so both accept and refuse the
same values with the same words. Nothing here imports click or the network stack.
"""

from __future__ import annotations

import re

from clever_notify.errors import InputError

EMAIL_RE = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
USER_ID_RE = re.compile(r"^user_[A-Za-z0-9-]+$")


def check_webhook_url(value: str) -> tuple[str, str | None]:
    """(url, warning or None); InputError when it is not an absolute http(s) URL with a host.

    The host is read by the same strict parser as API_HOST (transport.parse_url), so the plain-http
    warning is about the host that will be called, and a URL that parsers read differently is refused.
    """
    url = value.strip()
    if not url:
        raise InputError("empty webhook URL")
    if any(ch.isspace() for ch in url):
        raise InputError(f"webhook URL contains a space: {value!r}")
    scheme, sep, _ = url.partition("://")
    if not sep and url.partition(":")[0].lower() in ("http", "https"):
        raise InputError(f"webhook URL has no host: {value!r}")
    if not sep or scheme.lower() not in ("http", "https"):
        # example.org/hook, or example.org:8080/hook (which urlsplit reads as scheme "example.org")
        if url.startswith("//"):
            raise InputError(f"webhook URL must be absolute: did you mean https:{url}?")
        head = url.split(":", 1)[0].lower() if ":" in url else ""  # what urlsplit would call the scheme
        if not sep and (not head or "." in head or head == "localhost"):
            raise InputError(f"webhook URL must be absolute: did you mean https://{url}?")
        raise InputError(f"webhook URL must start with https:// (or http://), got {value!r}")
    from clever_notify.guards.urls import check_webhook_host  # here: `--help` must not load the api package

    parsed = check_webhook_host(url)
    warning = None
    if parsed.scheme == "http" and not parsed.is_loopback:
        warning = f"warning: {url} is plain http; payloads would travel unencrypted."
    return url, warning


def parse_notify_target(value: str) -> dict:
    """One --notify value as the API's `notified` entry."""
    target = value.strip()
    if not target:
        raise InputError("empty notification target: use an e-mail address, a user id (user_…) or `organisation`")
    if target.lower() == "organisation":
        return {"type": "organisation"}
    if target.lower() == "organization":  # the API only knows the British spelling
        raise InputError(f"invalid notification target {target!r}; did you mean organisation?")
    # `@` first, as clever-tools does: user_bob@example.org is an address, not a user id.
    if "@" in target:
        if not EMAIL_RE.fullmatch(target):
            raise InputError(f"invalid e-mail address {target!r}")
        return {"type": "email", "target": target}
    if target.startswith("user_"):
        if not USER_ID_RE.fullmatch(target):
            raise InputError(f"invalid user id {target!r}")
        return {"type": "userid", "target": target}
    raise InputError(
        f"invalid notification target {value!r}: use an e-mail address, a user id (user_…) or `organisation`"
    )


def merge_repeats(items: list, key=None) -> tuple[list, list]:
    """`items` with every repeat dropped (the first of equal items kept, in its place), and the repeats.

    The one rule for duplicates in what the user asks for (URLs, recipients, events, services, on the command
    line and in a notifications file): a value given twice is sent once, and the caller says so. Equal means
    equal once checked (`key`): event names upper-cased, a service's name and its id one service."""
    key = key or (lambda item: item)
    kept: list = []
    seen: list = []  # keys may be dicts (a recipient): compared, not hashed
    repeated: list = []
    for item in items:
        k = key(item)
        if k in seen:
            if item not in repeated:
                repeated.append(item)
            continue
        seen.append(k)
        kept.append(item)
    return kept, repeated
