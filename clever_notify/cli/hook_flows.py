"""Adding and removing a hook, shared by `clever webhooks` and `clever notify-email`: same owner and scope rules."""

from __future__ import annotations

import click



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
    kind: str,
    *,
    org: str | None,
    services: list[str],
    events: list[str],
    fields: dict,
    as_json: bool,
    noun: str,
) -> None:
    """Resolve the owner, send clever-tools' body ({name, <fields>, scope, events}) and report the new hook."""
    from clever_notify.cli.runtime import runtime

    require_org_for_services(org, services)
    rt = runtime(ctx)
    target = rt.target(org, use_linked_app=org is None)
    if services:
        from clever_notify.services import resolve

        services = resolve(rt.client.get_summary, target.owner_id, services)
    # Keys in clever-tools' order; absent lists go as explicit nulls, as clever-tools 4.11 sends them.
    body = {**fields, "scope": hook_scope(services, target.app_id), "events": events or None}
    created = rt.client.create_hook(kind, target.owner_id, body)
    report_created(created, as_json, f'The {noun} "{fields["name"]}" has been added to {target.owner_id}.')


def report_created(created: dict, as_json: bool, message: str) -> None:
    """The created hook as JSON, or the message on stderr and the bare id on stdout (for `$(…)` in scripts)."""
    if as_json:
        from clever_notify import render

        click.echo(render.to_json(created))
        return
    click.echo(message, err=True)
    click.echo(created.get("id", ""))


def remove_hook(
    ctx: click.Context, kind: str, hook_id: str, *, org: str | None, noun: str, dry_run: bool = False,
    as_json: bool = False,
) -> None:
    """Delete at --org, else the linked application's owner, else the user's own account.

    A dry run reads the owner's list (so a wrong id fails as the real run would, exit 4) and sends nothing.
    """
    from clever_notify import render
    from clever_notify.cli.runtime import runtime
    from clever_notify.hook_changes import find_hook, hook_path

    rt = runtime(ctx)
    target = rt.target(org, use_linked_app=True)
    request = {"method": "DELETE", "path": hook_path(kind, target.owner_id, hook_id)}
    if dry_run:
        hook = find_hook(rt.client.list_hooks(kind, target.owner_id), kind, hook_id, target.owner_id)
        name = f' "{hook["name"]}"' if hook.get("name") else ""
        click.echo(render.printable(f"Would remove the {noun} {hook_id}{name}. Dry run: nothing was sent."), err=True)
    else:
        rt.client.delete_hook(kind, target.owner_id, hook_id)
        click.echo(f"The {noun} {hook_id} has been removed.", err=True)
    if as_json:
        click.echo(render.to_json({"id": hook_id, "ownerId": target.owner_id, "dryRun": dry_run, "requests": [request]}))
    elif dry_run:
        click.echo(f"{request['method']} {request['path']}")
