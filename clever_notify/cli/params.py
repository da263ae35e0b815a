"""click parameter types: every user value is checked here, at parse time, before any request."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import click

from clever_notify import catalog
from clever_notify.errors import InputError

EMAIL_RE = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
USER_ID_RE = re.compile(r"^user_[A-Za-z0-9-]+$")


def split_commas(value: str) -> list[str]:
    return [part.strip() for part in value.split(",")]


def flatten(values) -> list:
    """Merge the lists of a repeatable comma-separated option, dropping duplicates, keeping order."""
    out: list = []
    for chunk in values or ():
        for item in chunk:
            if item not in out:
                out.append(item)
    return out


class EventList(click.ParamType):
    """EVENT[,EVENT…]: case-insensitive, checked against the catalog, returned upper-case."""

    name = "event"

    def convert(self, value, param, ctx):
        if isinstance(value, list):
            return value
        try:
            return catalog.normalize_events(split_commas(value))
        except InputError as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        head, _, last = incomplete.rpartition(",")
        prefix = head + "," if head else ""
        return [
            CompletionItem(prefix + name)
            for name in catalog.ALL_EVENT_NAMES
            if name.startswith(last.upper())
        ]


class ServiceList(click.ParamType):
    """ID[,ID…]: application or add-on ids; no empty id, no space inside one."""

    name = "service"

    def convert(self, value, param, ctx):
        if isinstance(value, list):
            return value
        ids = split_commas(value)
        for service_id in ids:
            if not service_id:
                self.fail(f"empty service id in {value!r}", param, ctx)
            if any(ch.isspace() for ch in service_id):
                self.fail(f"service id {service_id!r} contains a space", param, ctx)
        return ids


class WebhookFormat(click.ParamType):
    name = "format"

    def convert(self, value, param, ctx):
        try:
            return catalog.normalize_format(value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(f) for f in catalog.WEBHOOK_FORMATS if f.startswith(incomplete.lower())]


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_webhook_url(value: str) -> tuple[str, str | None]:
    """(url, warning or None); InputError when it is not an absolute http(s) URL with a host."""
    url = value.strip()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise InputError(f"invalid URL {value!r}") from None
    del port
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(f"webhook URL must start with https:// (or http://), got {value!r}")
    if not parts.hostname:
        raise InputError(f"webhook URL has no host: {value!r}")
    if any(ch.isspace() for ch in url):
        raise InputError(f"webhook URL contains a space: {value!r}")
    warning = None
    if parts.scheme.lower() == "http" and not is_loopback_host(parts.hostname):
        warning = f"warning: {url} is plain http; payloads will travel unencrypted."
    return url, warning


class WebhookUrl(click.ParamType):
    name = "url"

    def convert(self, value, param, ctx):
        try:
            url, warning = check_webhook_url(value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)
        if warning:
            click.echo(warning, err=True)
        return url


def parse_notify_target(value: str) -> dict:
    """One --notify value as the API's `notified` entry."""
    target = value.strip()
    if target.lower() == "organisation":
        return {"type": "organisation"}
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


class NotifyTargets(click.ParamType):
    """TARGET[,TARGET…]: e-mail addresses, user ids or `organisation`."""

    name = "target"

    def convert(self, value, param, ctx):
        if isinstance(value, list):
            return value
        try:
            return [parse_notify_target(v) for v in split_commas(value)]
        except InputError as exc:
            self.fail(str(exc), param, ctx)


class HookName(click.ParamType):
    name = "name"

    def convert(self, value, param, ctx):
        if not value or not value.strip():
            self.fail("the name must not be empty", param, ctx)
        return value


class HookId(click.ParamType):
    name = "id"

    def convert(self, value, param, ctx):
        value = value.strip()
        if not value or "/" in value or any(ch.isspace() for ch in value):
            self.fail(f"invalid hook id {value!r}", param, ctx)
        return value


EVENTS = EventList()
SERVICES = ServiceList()
FORMAT = WebhookFormat()
URL = WebhookUrl()
NOTIFY = NotifyTargets()
NAME = HookName()
HOOK_ID = HookId()

OUTPUT_FORMAT = click.Choice(["human", "json"], case_sensitive=False)


def org_option(f):
    return click.option(
        "-o", "--org", "--owner", "org", metavar="ORG",
        help="Organisation to target, by id (orga_…) or name if unambiguous.",
    )(f)


def output_format_option(f):
    return click.option(
        "-F", "--format", "output", type=OUTPUT_FORMAT, default="human", show_default=True,
        help="Output format.",
    )(f)


def event_option(f):
    return click.option(
        "--event", "events", type=EVENTS, multiple=True, metavar="EVENT[,EVENT…]",
        help="Only these events (comma-separated, repeatable; see `clever events`). Default: all events.",
    )(f)


def service_option(f):
    return click.option(
        "--service", "services", type=SERVICES, multiple=True, metavar="ID[,ID…]",
        help="Only these applications/add-ons (comma-separated, repeatable; requires --org).",
    )(f)
