"""click parameter types: every user value is checked at parse time, before any request (the checks a file
shares live in values.py; these types wrap them as usage errors)."""

from __future__ import annotations

import functools

import click

from clever_notify.errors import InputError
from clever_notify.guards.values import (
    check_hook_id,
    check_name,
    check_owner,
    check_services,
    check_webhook_url,
    duration_ms,
    parse_notify_target,
)
from clever_notify.hooks import catalog


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


def merged(values, what: str, shown=str) -> list:
    """`flatten` for what the user asks a hook to hold (URLs, recipients, events, services): a value given
    twice is sent once, and a note on stderr says so (guards/values.merge_repeats: the one rule, also the
    notifications file's)."""
    from clever_notify.guards.values import merge_repeats

    items: list = []
    for chunk in values or ():
        items.extend(chunk if isinstance(chunk, list) else [chunk])
    kept, repeated = merge_repeats(items)
    for item in repeated:
        click.echo(f"Note: the {what} {shown(item)} is given more than once; it is sent once.", err=True)
    return kept


def shown_target(target: dict) -> str:
    """A recipient as typed: an address, a user id, or `organisation`."""
    return str(target.get("target") or target.get("type"))


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
            return catalog.concrete_event(value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(e) for e in catalog.EVENTS if e.startswith(incomplete.upper())]


class ServiceList(CommaList):
    """SERVICE[,SERVICE…]: application or add-on ids or names (services.py resolves names); none empty."""

    name = "service"

    def parse(self, items: list[str], typed: str) -> list:
        return check_services(items, typed)


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


class NotifyTargets(CommaList):
    """TARGET[,TARGET…]: e-mail addresses, user ids or `organisation`."""

    name = "target"

    def parse(self, items: list[str], typed: str) -> list:
        return [parse_notify_target(v) for v in items]


class HookName(click.ParamType):
    name = "name"

    def convert(self, value, param, ctx):
        try:
            return check_name(value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)


class HookId(click.ParamType):
    name = "id"

    def convert(self, value, param, ctx):
        try:
            return check_hook_id(value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)


class Seconds(click.ParamType):
    name = "seconds"

    def convert(self, value, param, ctx):
        from clever_notify.config.settings import seconds

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

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        try:
            return duration_ms(value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)


DURATION = Duration()

OUTPUT_FORMAT = click.Choice(["human", "json"], case_sensitive=False)


def no_empty_org(ctx, param, value):
    """An --org given empty (`--org ''`, `--org "$UNSET"`) is a usage error, not a name to look up."""
    for one in value if isinstance(value, tuple) else (value,):
        try:
            check_owner(one)
        except InputError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None
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
        help="Organisation to target, by id (orga_…) or name if unambiguous; `self` for your own account.",
    )(f)


def output_format_option(f=None, *, also: tuple[str, ...] = ()):
    """`-F/--format human|json` (clever-tools' switch) and `--json`, given to the command as `output`.
    `also`: formats a command adds (`notifications plan`: markdown), as `@output_format_option(also=(…,))`."""
    if f is None:
        return functools.partial(output_format_option, also=also)
    choices = click.Choice(["human", "json", *also], case_sensitive=False) if also else OUTPUT_FORMAT
    named = ", ".join(["human (the default)", "json", *also])

    @functools.wraps(f)
    def merged(*args, **kwargs):
        fmt, as_json = kwargs.pop("output_format"), kwargs.pop("output_json")
        if as_json and fmt == "human":
            raise click.UsageError("--json and -F human contradict each other: give one")
        kwargs["output"] = "json" if as_json else (fmt or "human").lower()
        return f(*args, **kwargs)

    merged = json_option(merged, dest="output_json", help="Print JSON: the same as -F json.")
    return click.option(
        "-F", "--format", "output_format", type=choices, default=None,
        help=f"Output format: {named.rsplit(', ', 1)[0]} or {named.rsplit(', ', 1)[1]}.",
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
