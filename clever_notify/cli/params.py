"""click parameter types: every user value is checked here, at parse time, before any request."""

from __future__ import annotations

import functools
import re

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


class CommaList(click.ParamType):
    """A comma-separated value checked item by item: `parse` raises InputError, shown as a usage error."""

    def convert(self, value, param, ctx):
        if isinstance(value, list):  # already converted (a default, or click calling again)
            return value
        try:
            return self.parse(split_commas(value), value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)

    def parse(self, items: list[str], typed: str) -> list:
        raise NotImplementedError


class EventList(CommaList):
    """EVENT[,EVENT…]: case-insensitive, checked against the catalog, returned upper-case."""

    name = "event"

    def parse(self, items: list[str], typed: str) -> list:
        return catalog.normalize_events(items)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        # Complete the last name of a comma list (DEPLOYMENT_FAIL,GIT_ → DEPLOYMENT_FAIL,GIT_PUSH),
        # case-insensitively, without offering a name that is already in the list.
        head, _, last = incomplete.rpartition(",")
        prefix = head + "," if head else ""
        typed = {part.strip().upper() for part in head.split(",")} if head else set()
        return [
            CompletionItem(prefix + name)
            for name in catalog.ALL_EVENT_NAMES
            if name.startswith(last.strip().upper()) and name not in typed
        ]


class ConcreteEvent(click.ParamType):
    """One catalog event the platform actually sends (tests, sandbox emits); a meta-event is refused, naming its
    members."""

    name = "event"

    def convert(self, value, param, ctx):
        try:
            event = catalog.normalize_event(value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)
        members = catalog.META_EVENTS.get(event)
        if members:
            self.fail(f"{event} is a meta-event; use one of the events it stands for: {', '.join(members)}", param, ctx)
        return event

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(e) for e in catalog.EVENTS if e.startswith(incomplete.upper())]


class ServiceList(CommaList):
    """SERVICE[,SERVICE…]: application or add-on ids or names (services.py resolves names); none empty."""

    name = "service"

    def parse(self, items: list[str], typed: str) -> list:
        for service_id in items:
            if not service_id:
                raise InputError(f"empty service id in {typed!r}")
            # A plain space is allowed: an application's name may have some ("My App"); services.py refuses
            # any value that is neither id-looking nor one of the owner's names. Tabs and line breaks are typos.
            if any(ch.isspace() and ch != " " for ch in service_id):
                raise InputError(f"service {service_id!r} contains a tab or line break")
        return items


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
    from clever_notify.api.api_host import check_webhook_host  # here: `--help` must not load the api package

    parsed = check_webhook_host(url)
    warning = None
    if parsed.scheme == "http" and not parsed.is_loopback:
        warning = f"warning: {url} is plain http; payloads would travel unencrypted."
    return url, warning


class WebhookUrl(click.ParamType):
    name = "url"

    def convert(self, value, param, ctx):
        try:
            url, warning = check_webhook_url(value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)
        # Shell completion parses the command line too: no warning in the middle of a prompt.
        if warning and not (ctx is not None and ctx.resilient_parsing):
            click.echo(warning, err=True)
        return url


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


class NotifyTargets(CommaList):
    """TARGET[,TARGET…]: e-mail addresses, user ids or `organisation`."""

    name = "target"

    def parse(self, items: list[str], typed: str) -> list:
        return [parse_notify_target(v) for v in items]


class HookName(click.ParamType):
    name = "name"

    def convert(self, value, param, ctx):
        if not value or not value.strip():
            self.fail("the name must not be empty", param, ctx)
        return value


class HookId(click.ParamType):
    name = "id"

    def convert(self, value, param, ctx):
        from clever_notify.ids import is_well_formed_id

        value = value.strip()
        # `.`, `..`, `/`, `%2e`, `?`, `#` would address another resource once in a URL path.
        if not is_well_formed_id(value):
            self.fail(f"invalid hook id {value!r}: an id has only letters, digits, `_` and `-`", param, ctx)
        return value


class Seconds(click.ParamType):
    name = "seconds"

    def convert(self, value, param, ctx):
        from clever_notify.config import seconds

        if isinstance(value, float):
            return value
        try:
            return seconds(str(value), "the timeout")
        except InputError as exc:  # ConfigError is one: same words, click's usage error
            self.fail(str(exc), param, ctx)


EVENTS = EventList()
CONCRETE_EVENT = ConcreteEvent()
SERVICES = ServiceList()
FORMAT = WebhookFormat()
URL = WebhookUrl()
NOTIFY = NotifyTargets()
NAME = HookName()
HOOK_ID = HookId()
SECONDS = Seconds()

class Duration(click.ParamType):
    """`90s`, `30m`, `24h`, `7d`: converted to milliseconds."""

    name = "duration"
    UNITS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
    MAX_MS = 3650 * 86_400_000

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        text = str(value).strip().lower()
        match = re.fullmatch(r"(\d{1,7})\s*([smhd])", text)
        if match is None:
            self.fail(f"{value!r} is not a duration: a whole number and a unit, e.g. 90s, 30m, 24h or 7d", param, ctx)
        ms = int(match[1]) * self.UNITS[match[2]]
        if ms > self.MAX_MS:
            self.fail(f"{value!r} is longer than ten years", param, ctx)
        return ms


DURATION = Duration()

OUTPUT_FORMAT = click.Choice(["human", "json"], case_sensitive=False)


def no_empty_org(ctx, param, value):
    """An --org given empty (`--org ''`, `--org "$UNSET"`) is a usage error, not a name to look up."""
    for one in value if isinstance(value, tuple) else (value,):
        if one is not None and not one.strip():
            raise click.BadParameter("an organisation id (orga_…) or name is required, not an empty value",
                                     ctx, param)
    return value


def _org_from_group(ctx, param, value):
    # `clever webhooks --org Acme add …` puts --org on the group: the sub-command must honour it, not
    # silently act on another owner.
    if value is None and ctx.parent is not None:
        return ctx.parent.params.get("org")
    return no_empty_org(ctx, param, value)


def org_option(f):
    return click.option(
        "-o", "--org", "--owner", "org", metavar="ORG", callback=_org_from_group,
        help="Organisation to target, by id (orga_…) or name if unambiguous.",
    )(f)


def output_format_option(f):
    """`-F/--format human|json` (clever-tools' switch) and `--json`, given to the command as `output`."""

    @functools.wraps(f)
    def merged(*args, **kwargs):
        fmt, as_json = kwargs.pop("output_format"), kwargs.pop("output_json")
        if as_json and fmt == "human":
            raise click.UsageError("--json and -F human contradict each other: give one")
        kwargs["output"] = "json" if as_json else (fmt or "human").lower()
        return f(*args, **kwargs)

    merged = json_option(merged, dest="output_json", help="Print JSON: the same as -F json.")
    return click.option(
        "-F", "--format", "output_format", type=OUTPUT_FORMAT, default=None,
        help="Output format: human (the default) or json.",
    )(merged)


def json_option(f, dest: str = "as_json", help: str = "Print JSON for scripts."):
    """`--json`: the switch every command that prints data accepts (-F json too where -F is the output format)."""
    return click.option("--json", dest, is_flag=True, help=help)(f)


def event_option(f):
    return click.option(
        "--event", "events", type=EVENTS, multiple=True, metavar="EVENT[,EVENT…]",
        help="Only these events (comma-separated, repeatable; see `clever events`). Default: all events.",
    )(f)


def service_option(f):
    return click.option(
        "--service", "services", type=SERVICES, multiple=True, metavar="SERVICE[,SERVICE…]",
        help="Only these applications/add-ons of the --org owner, by id or name (comma-separated, repeatable; "
             "requires --org).",
    )(f)
