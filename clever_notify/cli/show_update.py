"""`show` and `update`, written once for both kinds of hook (webhooks and e-mail notifications).

The groups in cli/webhooks.py and cli/notify_email.py add the commands these factories build from a
HookKind. What `show` prints, the body `update` sends and its `field: old → new` lines all come from the
field table (hooks/fields.py); this module only declares the options and turns them into changes.
"""

from __future__ import annotations

import functools

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.runtime import runtime
from clever_notify.hooks import catalog
from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS, HookKind

SHOW_HELP = {
    WEBHOOKS: """Show every field of a webhook, with its recent delivery failures.

    Events are listed with the expansion of meta-events; -F json prints the webhook
    exactly as the API gave it. Without --org, the webhook is looked for at the owner of
    the linked application, or in your own account when no application is linked.

    \b
    Examples:
      clever webhooks show 6e9f1a2c-0b1d
      clever webhooks show 6e9f1a2c-0b1d --org Acme -F json
    """,
    EMAILHOOKS: """Show every field of an e-mail notification, with who receives it.

    Events are listed with the expansion of meta-events; -F json prints the notification
    exactly as the API gave it. Without --org, it is looked for at the owner of the
    linked application, or in your own account when no application is linked.

    \b
    Examples:
      clever notify-email show 6e9f1a2c-0b1d
      clever notify-email show 6e9f1a2c-0b1d --org Acme -F json
    """,
}

UPDATE_HELP = {
    WEBHOOKS: """Change a webhook in place: only the fields named are changed.

    Reads the webhook, applies the changes and sends it back whole; prints each changed
    field as `field: old → new`. --url replaces the list of URLs (repeat it for several);
    --format applies to every URL, kept ones too. --dry-run prints the request instead
    of sending it. The owner is chosen as for `clever webhooks remove`.

    \b
    Examples:
      clever webhooks update 6e9f1a2c-0b1d --name "prod deploys"
      clever webhooks update 6e9f1a2c-0b1d --url https://example.org/a --url https://example.org/b
      clever webhooks update 6e9f1a2c-0b1d --format slack --event META_DEPLOYMENT_RESULT
      clever webhooks update 6e9f1a2c-0b1d --all-events --all-services --org Acme --dry-run
    """,
    EMAILHOOKS: """Change an e-mail notification in place: only the fields named are changed.

    Reads the notification, applies the changes and sends it back whole; prints each
    changed field as `field: old → new`. --notify replaces the list of recipients.
    --dry-run prints the request instead of sending it. The owner is chosen as for
    `clever notify-email remove`.

    \b
    Examples:
      clever notify-email update 6e9f1a2c-0b1d --notify ops@example.org,user_8c0b3c7a-9d3c-4d5a-8f5e-2a1f2b3c4d5e
      clever notify-email update 6e9f1a2c-0b1d --event META_DEPLOYMENT_RESULT --all-services
      clever notify-email update 6e9f1a2c-0b1d --name "deploys" --org Acme --dry-run
    """,
}


def show_command(kind: HookKind) -> click.Command:
    @click.command("show", help=SHOW_HELP[kind], context_settings=CONTEXT_SETTINGS)
    @click.argument("hook_id", metavar="ID", type=p.HOOK_ID)
    @p.org_option
    @p.output_format_option
    @click.pass_context
    def show(ctx, hook_id, org, output):
        from clever_notify.hooks.describe import show_block
        from clever_notify.operations.hooks import get_hook
        from clever_notify.output import render

        rt = runtime(ctx)
        found = get_hook(rt.session, kind, hook_id, owner=org)
        if output == "json":
            click.echo(render.to_json(found.hook))
            return
        rt.out().blocks([show_block(kind, found.hook, found.target.owner_id)])

    return show


def _kind_options(kind: HookKind):
    """--url/--format for webhooks, --notify for e-mail notifications."""
    if kind == WEBHOOKS:
        return [
            click.option("--url", "urls", type=p.URL, multiple=True, metavar="URL",
                         help="Replace the URLs with these (repeat for several)."),
            click.option("--format", "fmt", type=p.FORMAT, default=None,
                         help=f"Body format for every URL: {', '.join(catalog.WEBHOOK_FORMATS)}."),
        ]
    return [
        click.option("--notify", "notify", type=p.NOTIFY, multiple=True, metavar="TARGET[,TARGET…]",
                     help="Replace the recipients: e-mail addresses, user ids (user_…) or `organisation`."),
    ]


def _update(given: dict):
    """The options as an operations Update: lists merged, --all-* as ALL (hooks/update.py)."""
    from clever_notify.hooks.update import ALL
    from clever_notify.operations.hooks import Update

    def listed(key: str, what: str, shown=str):
        return p.merged(given[key], what, shown) if given.get(key) else None

    return Update(
        name=given.get("name"),
        urls=listed("urls", "URL"),
        format=given.get("fmt"),
        notified=listed("notify", "recipient", p.shown_target),
        events=ALL if given["all_events"] else listed("events", "event"),
        services=ALL if given["all_services"] else listed("services", "service"),
    )


def _check_usage(ctx: click.Context, given: dict) -> None:
    """Refused before any request: contradictory options, or nothing to change."""
    if given["events"] and given["all_events"]:
        raise click.UsageError("--event and --all-events cannot be used together")
    if given["services"] and given["all_services"]:
        raise click.UsageError("--service and --all-services cannot be used together")
    if not any(given.values()):
        options = [opt for param in ctx.command.params if isinstance(param, click.Option) and param.name in given
                   for opt in param.opts if opt.startswith("--")]
        raise click.UsageError(f"nothing to update: give at least one of {', '.join(options)}")


def update_command(kind: HookKind) -> click.Command:
    def update(ctx, hook_id, org, dry_run, **given):
        from clever_notify.operations.hooks import update_hook
        from clever_notify.output import render

        as_json = given.pop("as_json", False) or given.pop("output", "human") == "json"
        _check_usage(ctx, given)
        done = update_hook(runtime(ctx).session, kind, hook_id, _update(given), owner=org, dry_run=dry_run)
        if done.unchanged:
            click.echo(f"Nothing to change: the {kind.noun} {hook_id} already has these settings.", err=True)
            if as_json and not dry_run:  # scripts get the hook either way
                click.echo(render.to_json(done.hook))
            return
        if dry_run:
            if as_json:  # one shape for every dry run: remove's and default's too
                click.echo(render.to_json({"id": hook_id, "ownerId": done.owner_id, "dryRun": True,
                                           "requests": done.requests}))
            if not as_json:
                from clever_notify.output.plan import requests_text

                click.echo(requests_text(done.requests))
            for field, before, after in done.changed:
                click.echo(f"would change {field}: {before} → {after}", err=True)
            click.echo("Dry run: nothing was sent.", err=True)
            return
        if as_json:
            click.echo(render.to_json(done.hook))
        else:
            for field, before, after in done.changed:
                click.echo(f"{field}: {before} → {after}")
        click.echo(f"The {kind.noun} {hook_id} has been updated.", err=True)

    decorators = [
        click.command("update", help=UPDATE_HELP[kind], context_settings=CONTEXT_SETTINGS),
        click.argument("hook_id", metavar="ID", type=p.HOOK_ID),
        click.option("--name", type=p.NAME, default=None, help="New name."),
        *_kind_options(kind),
        click.option("--event", "events", type=p.EVENTS, multiple=True, metavar="EVENT[,EVENT…]",
                     help="Only these events from now on (comma-separated, repeatable; see `clever events`)."),
        click.option("--all-events", is_flag=True, help="Every event from now on (drops the event list)."),
        click.option("--service", "services", type=p.SERVICES, multiple=True, metavar="SERVICE[,SERVICE…]",
                     help="Only these applications/add-ons of the owner from now on, by id or name "
                          "(comma-separated, repeatable)."),
        click.option("--all-services", is_flag=True, help="Every service of the owner from now on (drops the scope)."),
        p.org_option,
        click.option("--dry-run", is_flag=True, help="Print the request (method, path, JSON body); send nothing."),
        # -F is the output format wherever --format is not the body format (webhooks' --format is).
        (functools.partial(p.json_option, help=f"Print the updated {kind.noun} as JSON.") if kind == WEBHOOKS
         else p.output_format_option),
        click.pass_context,
    ]
    command = update
    for decorate in reversed(decorators):
        command = decorate(command)
    return command
