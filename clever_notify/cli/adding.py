"""Adding a hook, shared by `clever webhooks add` and `clever notify-email add`: same owner and scope rules."""

from __future__ import annotations

import click

from clever_notify.errors import InputError


def require_org_for_services(org: str | None, services: list[str]) -> None:
    # clever-tools refuses this too: without --org the owner would come from a guess (linked app or self),
    # and a scope naming another owner's services would be silently meaningless.
    if services and org is None:
        raise InputError("--org is required when using --service")


def hook_scope(services: list[str], app_id: str | None) -> list[str] | None:
    """--service wins; else the linked application (clever-tools scopes to it); else no scope (all services)."""
    return services or ([app_id] if app_id else None)


def report_created(created: dict, as_json: bool, message: str) -> None:
    """The created hook as JSON, or the message on stderr and the bare id on stdout (for `$(…)` in scripts)."""
    if as_json:
        from clever_notify import render

        click.echo(render.to_json(created))
        return
    click.echo(message, err=True)
    click.echo(created.get("id", ""))
