"""The checks of user values that do not depend on where the value came from.

The command line (cli/params.py wraps them as click types), the Python API (facade.py) and the notifications
file (notifications_file/rules.py) read names, ids, services, durations, webhook URLs and notification targets
with these same functions, so all accept and refuse the same values with the same words. Nothing here imports
click or the network stack.
"""

from __future__ import annotations

import re

from clever_notify.errors import InputError

EMAIL_RE = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
USER_ID_RE = re.compile(r"^user_[A-Za-z0-9-]+$")
# What str.isspace calls whitespace (the same table, tests/test_url_checks.py compares every code point), found
# without a Python step per character: a file's 20,000 URLs are each checked.
WHITESPACE_RE = re.compile(r"\s")
# The usual webhook URL, which check_webhook_url accepts as written and without a warning: https, a host name of
# DNS labels whose last one starts with a letter (so never read as an IPv4 number), no userinfo, no port, then
# visible ASCII without a backslash. Matched at once instead of read step by step; any other text takes the
# steps (tests/test_url_checks.py checks the steps accept every text this matches).
PLAIN_HTTPS_URL_RE = re.compile(r"https://(?:(?!-)[A-Za-z0-9_-]{1,63}(?<!-)\.)*[A-Za-z][A-Za-z0-9_-]{0,62}(?<!-)\.?"
                                r"(?:[/?#][!-\[\]-~]*)?")


def check_webhook_url(value: str) -> tuple[str, str | None]:
    """(url, warning or None); InputError when it is not an absolute http(s) URL with a host.

    The host is read by the same strict parser as API_HOST (transport.parse_url), so the plain-http
    warning is about the host that will be called, and a URL that parsers read differently is refused.
    """
    if isinstance(value, str) and PLAIN_HTTPS_URL_RE.fullmatch(value):
        return value, None
    url = value.strip()
    if not url:
        raise InputError("empty webhook URL")
    # (a value that is not a text fails here as it always has: not with re's TypeError)
    if WHITESPACE_RE.search(url) if isinstance(url, str) else any(ch.isspace() for ch in url):
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
    urls = _urls()
    scheme, host, _, _ = urls.webhook_url_parts(url)  # check_webhook_host's reading
    warning = None
    if scheme == "http" and not urls.is_loopback_host(host):
        warning = f"warning: {url} is plain http; payloads would travel unencrypted."
    return url, warning


_URLS = None


def _urls():
    """guards/urls, imported when first needed (`--help` must not load ipaddress), then kept: an import
    statement per URL checked would cost as much as the check."""
    global _URLS
    if _URLS is None:
        from clever_notify.guards import urls

        _URLS = urls
    return _URLS


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


def check_name(value: str) -> str:
    """A hook's name: anything but empty or blank."""
    if not isinstance(value, str) or not value.strip():
        raise InputError("the name must not be empty")
    return value


def check_hook_id(value: str) -> str:
    """A hook id, stripped; `.`, `..`, `/`, `%2e`, `?`, `#` would address another resource once in a URL path."""
    from clever_notify.guards.ids import is_well_formed_id

    value = str(value).strip()
    if not is_well_formed_id(value):
        raise InputError(f"invalid hook id {value!r}: an id has only letters, digits, `_` and `-`")
    return value


def check_owner(value: str | None) -> str | None:
    """An owner given empty (`--org ''`, `--org "$UNSET"`) is a mistake, not a name to look up."""
    if value is not None and not str(value).strip():
        raise InputError("an organisation id (orga_…) or name is required, not an empty value")
    return value


def check_services(items: list[str], typed: str) -> list[str]:
    """Service ids or names (owners/services.py resolves names): none empty. A plain space is allowed (an
    application's name may have some, "My App"); tabs and line breaks are typos."""
    for service in items:
        if not service:
            raise InputError(f"empty service id in {typed!r}")
        if any(ch.isspace() and ch != " " for ch in service):
            raise InputError(f"service {service!r} contains a tab or line break")
    return items


DURATION_UNITS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
MAX_DURATION_MS = 3650 * 86_400_000


def duration_ms(value: str) -> int:
    """`90s`, `30m`, `24h`, `7d` in milliseconds; at most ten years."""
    text = str(value).strip().lower()
    match = re.fullmatch(r"(\d{1,7})\s*([smhd])", text)
    if match is None:
        raise InputError(f"{value!r} is not a duration: a whole number and a unit, e.g. 90s, 30m, 24h or 7d")
    ms = int(match[1]) * DURATION_UNITS[match[2]]
    if ms > MAX_DURATION_MS:
        raise InputError(f"{value!r} is longer than ten years")
    return ms
