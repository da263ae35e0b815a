"""A hook's values as a user or a file gives them, checked: a webhook URL, a notification target.

Shared by the CLI's parameter types (cli/params.py) and the notifications file (ascode/): no click here.
InputError (exit 2) says what is wrong; nothing has been sent.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from clever_notify.errors import InputError
from clever_notify.hosts import is_loopback_host

EMAIL_RE = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
USER_ID_RE = re.compile(r"^user_[A-Za-z0-9-]+$")

# One DNS label: letters (IDN included), digits, `_` and inner `-`.
_LABEL_RE = re.compile(r"^(?!-)[\w-]{1,63}(?<!-)$")


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    return all(_LABEL_RE.match(label) for label in labels)


def check_webhook_url(value: str) -> tuple[str, str | None]:
    """(url, warning or None); InputError when it is not an absolute http(s) URL with a host."""
    url = value.strip()
    if not url:
        raise InputError("empty webhook URL")
    if any(ch.isspace() for ch in url):
        raise InputError(f"webhook URL contains a space: {value!r}")
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a bracketed host that is not an IPv6 address
        raise InputError(f"invalid webhook URL {value!r}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        # example.org/hook, or example.org:8080/hook (which urlsplit reads as scheme "example.org")
        if url.startswith("//"):
            raise InputError(f"webhook URL must be absolute: did you mean https:{url}?")
        if "://" not in url and (not scheme or "." in scheme or scheme == "localhost"):
            raise InputError(f"webhook URL must be absolute: did you mean https://{url}?")
        raise InputError(f"webhook URL must start with https:// (or http://), got {value!r}")
    host = parts.hostname
    if not host:
        raise InputError(f"webhook URL has no host: {value!r}")
    if not _valid_host(host):
        raise InputError(f"webhook URL has an invalid host {host!r}: {value!r}")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise InputError(f"webhook URL has an invalid port: {value!r}")
    warning = None
    if scheme == "http" and not is_loopback_host(host):
        warning = f"warning: {url} is plain http; payloads would travel unencrypted."
    return url, warning


def parse_notify_target(value: str) -> dict:
    """One notification target (a --notify value) as the API's `notified` entry."""
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
