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


def require_org_for_services(org: str | None, services: list[str]) -> None:
    # clever-tools refuses this too: without --org the owner would come from a guess (linked app or self),
    # and a scope naming another owner's services would be silently meaningless.
    if services and org is None:
        raise click.UsageError("--org is required when using --service")


def hook_scope(services: list[str], app_id: str | None) -> list[str] | None:
    """--service wins; else the linked application (clever-tools scopes to it); else no scope (all services)."""
    return services or ([app_id] if app_id else None)


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
    """Resolve the owner, send clever-tools' body ({name, <fields>, scope, events}) and report the new hook."""
    from clever_notify.cli.runtime import runtime

    require_org_for_services(org, services)
    rt = runtime(ctx)
    target = rt.target(org, use_linked_app=org is None, for_write=True)
    if services:
        from clever_notify.owners.services import resolve

        services = resolve(rt.client.get_summary, target.owner_id, services)
    # Keys in clever-tools' order; absent lists go as explicit nulls, as clever-tools 4.11 sends them.
    body = {**fields, "scope": hook_scope(services, target.app_id), "events": events or None}
    from clever_notify.writes import verified

    created = verified.create(rt.client, kind, target.owner_id, body)
    report_created(created, as_json, f'The {kind.noun} "{fields["name"]}" has been added to {target.owner_id}.')


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
        from clever_notify.output import render

        rt = runtime(ctx)
        target = rt.target(org, use_linked_app=True, for_write=True)
        if dry_run:
            from clever_notify.hooks.update import find_hook

            hook = find_hook(rt.client.list_hooks(kind, target.owner_id), kind, hook_id, target.owner_id)
        client = rt.recording_client(dry_run=dry_run)
        from clever_notify.writes import verified

        verified.delete(client, kind, target.owner_id, hook_id, listed=False)
        requests = client.transport.changes
        if output == "json":
            click.echo(render.to_json({"id": hook_id, "ownerId": target.owner_id, "dryRun": dry_run,
                                       "requests": requests}))
        elif dry_run:
            for request in requests:
                click.echo(f"{request['method']} {request['path']}")
        if dry_run:
            name = f' "{hook["name"]}"' if hook.get("name") else ""
            click.echo(render.printable(f"Would remove the {kind.noun} {hook_id}{name}. Dry run: nothing was sent."),
                       err=True)
        else:
            click.echo(f"The {kind.noun} {hook_id} has been removed.", err=True)

    return remove
