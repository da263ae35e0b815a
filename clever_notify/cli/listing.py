"""Listing hooks, shared by `clever webhooks` and `clever notify-email` (same owner rules, same filter)."""

from __future__ import annotations

from typing import Callable

import click

from clever_notify.cli.runtime import Runtime


def only_for_listing(ctx: click.Context, list_all: bool, output: str) -> None:
    """--list-all and -F belong to the listing; before a sub-command they would be silently ignored."""
    if list_all or output != "human":
        flag = "--list-all" if list_all else "-F/--format"
        raise click.UsageError(
            f"{flag} applies to the listing (`{ctx.command_path} {flag.split('/')[0]} …`), "
            f"not to `{ctx.invoked_subcommand}`; put the sub-command's own options after its name.",
            ctx=ctx,
        )


def list_hooks(
    rt: Runtime,
    kind: str,
    *,
    org: str | None,
    list_all: bool,
    output: str,
    summarize: Callable[[dict], dict],
    block: Callable[[dict], tuple],
    noun: str,
    add_hint: tuple[str, ...],
) -> None:
    from clever_notify import render

    target = rt.target(org, use_linked_app=not list_all)
    hooks = rt.client.list_hooks(kind, target.owner_id)
    summaries = [summarize(h) for h in hooks if render.in_scope(h, target.app_id)]
    if output == "json":
        click.echo(render.to_json(summaries))
        return
    if not summaries:
        # A message, not data: `OUT=$(clever webhooks)` captures nothing when there is nothing.
        who = target.owner_id if org in (None, target.owner_id) else f"{org} ({target.owner_id})"
        click.echo(render.printable(f"No {noun} for {who}."), err=True)
        click.echo(render.printable(f"Add one with: {rt.command_line(*add_hint, owner=True)}"), err=True)
        return
    rt.out().blocks(block(s) for s in summaries)
