"""`clever notify-email default`: show, restrict, disable or restore the "Default deployment result e-mails"."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.runtime import runtime
from clever_notify.guards.sanitise import for_terminal
from clever_notify.hooks import catalog

NAME = catalog.DEFAULT_EMAIL_HOOK_NAME
_EVENTS = ", ".join(catalog.DEFAULT_EMAIL_HOOK_EVENTS)


@click.command("default", context_settings=CONTEXT_SETTINGS)
@p.org_option
@click.option(
    "--only", "only", type=p.SERVICES, multiple=True, metavar="SERVICE[,SERVICE…]",
    help="Send those e-mails only for these applications/add-ons of the owner, by id or name "
         "(comma-separated, repeatable; each is checked first). A restricted copy is created first, "
         "then the old hook is deleted.",
)
@click.option("--disable", is_flag=True, help="Delete the hook: no more deployment result e-mails.")
@click.option(
    "--restore", is_flag=True,
    help=f"Recreate the hook for every service ({_EVENTS}, whole team) if it is absent; "
         "if it exists restricted, say how to widen it.",
)
@click.option("--dry-run", is_flag=True, help="Print the requests that would change something; send none of them.")
@p.output_format_option
@click.pass_context
def default(ctx, org, only, disable, restore, dry_run, output):
    """Show or change the default deployment result e-mails.

    Each user and organisation starts with an e-mail notification named
    "Default deployment result e-mails" that tells the whole team about every
    deployment's success or failure. Without an option, show whether it exists,
    and for which services, events and recipients.

    Without --org, the owner is the linked application's, else your own account.
    When several hooks have that name, every one of them is shown or changed.
    --only takes ids or names of the owner's applications and add-ons; each is
    checked against the owner's services before anything is changed.

    \b
    Examples:
      clever notify-email default --org Acme
      clever notify-email default --org Acme --only web,worker --dry-run
      clever notify-email default --org Acme --only app_…
      clever notify-email default --disable
      clever notify-email default --restore -F json
    """
    services = p.merged(only, "service")
    modes = [flag for flag, on in (("--only", bool(services)), ("--disable", disable), ("--restore", restore)) if on]
    if len(modes) > 1:
        raise click.UsageError(f"{' and '.join(modes)} cannot be used together: choose one")
    from clever_notify.operations import default_emails as de

    rt = runtime(ctx)
    defaults = de.read_defaults(rt.session, owner=org, only=services, for_write=bool(modes), dry_run=dry_run)
    found = defaults.found
    if len(found) > 1:
        ids = for_terminal(", ".join(str(h.get("id")) for h in found))
        doing = "acting on" if modes else "showing"
        click.echo(f'note: {len(found)} hooks are named "{NAME}" at {defaults.owner_id} ({ids}); {doing} all of them.',
                   err=True)
    if not modes:
        if dry_run:
            click.echo("note: --dry-run changes nothing without --only, --disable or --restore.", err=True)
        _show(rt, defaults.owner_id, found, output)
        return
    action = "only" if services else "disable" if disable else "restore"
    outcome = de.change_defaults(rt.session, defaults, action=action, command_line=rt.command_line)
    _report(outcome, defaults.requests, output)


def _report(outcome, changes: list[dict], output: str) -> None:
    """Data on stdout (the ids created, or the requests a dry run would send), the story on stderr."""
    from clever_notify.output import render

    if output == "json":
        click.echo(render.to_json(outcome.as_json(changes)))
        return
    for line in outcome.lines:
        click.echo(render.printable(line), err=True)
    if outcome.dry_run:
        if not changes:
            click.echo("Dry run: no request would be sent.", err=True)
            return
        from clever_notify.output.plan import requests_text

        click.echo("Dry run: nothing was sent. The requests would be:", err=True)
        click.echo(requests_text(changes))
        return
    for created in outcome.created:  # like `add`: the new ids, for `NEW=$(clever notify-email default …)`
        click.echo(for_terminal(created.get("id", "")))


def _show(rt, owner_id: str, found: list[dict], output: str) -> None:
    from clever_notify.hooks.describe import listing_block, summary
    from clever_notify.hooks.kinds import EMAILHOOKS
    from clever_notify.output import render

    if output == "json":
        click.echo(render.to_json([summary(EMAILHOOKS, h) for h in found]))
        return
    if not found:
        click.echo(f'No "{NAME}" hook at {owner_id}: nobody gets deployment result e-mails from it.', err=True)
        hint = rt.command_line("notify-email", "default", "--restore", owner=True)
        click.echo(render.printable(f"Restore it with: {hint}"), err=True)
        return
    rt.out().blocks(listing_block(EMAILHOOKS, h, owner_id) for h in found)
