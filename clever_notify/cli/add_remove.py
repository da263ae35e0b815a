"""Adding and removing a hook, shared by `clever webhooks` and `clever notify-email`: same owner and scope rules.

`add` differs by kind only in its own field's arguments (URLs or recipients), so each group declares its
`add` and calls add_hook(); `remove` is the same command for both, built by remove_command(kind, help).
"""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.guards.sanitise import for_terminal
from clever_notify.hooks.kinds import HookKind


def add_hook(
    ctx: click.Context,
    kind: HookKind,
    *,
    org: str | None,
    services: list[str],
    events: list[str],
    fields: dict,
    as_json: bool,
) -> None:
    """Run operations/hooks.add_hook and report the new hook; an option combination it refuses is a usage error."""
    from clever_notify.cli.runtime import runtime
    from clever_notify.errors import InputError
    from clever_notify.operations import hooks

    try:
        hooks.require_owner_for_services(org, services)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    done = hooks.add_hook(runtime(ctx).session, kind, owner=org, fields=fields, services=services, events=events)
    report_created(done.hook, as_json, f'The {kind.noun} "{fields["name"]}" has been added to {done.owner_id}.')


def report_created(created: dict, as_json: bool, message: str) -> None:
    """The created hook as JSON, or the message on stderr and the bare id on stdout (for `$(…)` in scripts)."""
    if as_json:
        from clever_notify.output import render

        click.echo(render.to_json(created))
        return
    click.echo(message, err=True)
    click.echo(for_terminal(created.get("id", "")))  # the API's answer: one line, whatever it holds


def remove_command(kind: HookKind, help: str) -> click.Command:
    """`remove ID`: delete at --org, else the linked application's owner, else the user's own account.

    A dry run reads the owner's list (so a wrong id fails as the real run would, exit 4) and sends nothing.
    """

    @click.command("remove", help=help, context_settings=CONTEXT_SETTINGS)
    @click.argument("hook_id", metavar="ID", type=p.HOOK_ID)
    @p.org_option
    @click.option("--dry-run", is_flag=True, help="Check that it exists and print the request; send nothing.")
    @p.output_format_option
    @click.pass_context
    def remove(ctx, hook_id, org, dry_run, output):
        from clever_notify.cli.runtime import runtime
        from clever_notify.operations.hooks import remove_hook
        from clever_notify.output import render

        done = remove_hook(runtime(ctx).session, kind, hook_id, owner=org, dry_run=dry_run)
        requests = done.requests
        if output == "json":
            click.echo(render.to_json({"id": hook_id, "ownerId": done.owner_id, "dryRun": dry_run,
                                       "requests": requests}))
        elif dry_run:
            from clever_notify.output.plan import requests_text

            click.echo(requests_text(requests))
        if dry_run:
            name = f' "{done.hook["name"]}"' if done.hook.get("name") else ""
            click.echo(render.printable(f"Would remove the {kind.noun} {hook_id}{name}. Dry run: nothing was sent."),
                       err=True)
        else:
            click.echo(f"The {kind.noun} {hook_id} has been removed.", err=True)

    return remove
