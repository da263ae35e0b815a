"""Listing hooks, shared by `clever webhooks` and `clever notify-email` (same owner rules, same filter)."""

from __future__ import annotations

import shlex
from collections.abc import Callable

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
    add_hint: str,
) -> None:
    from clever_notify import render

    target = rt.target(org, use_linked_app=not list_all)
    hooks = rt.client.list_hooks(kind, target.owner_id)
    summaries = [summarize(h) for h in hooks if render.in_scope(h, target.app_id)]
    if output == "json":
        click.echo(render.to_json(summaries))
        return
    out = rt.out()
    if not summaries:
        who = target.owner_id if org in (None, target.owner_id) else f"{org} ({target.owner_id})"
        out.line(f"No {noun} for {who}.")
        # The hint must work when pasted: same sandbox, same owner.
        if rt.sandbox:
            add_hint = add_hint.replace("clever ", "clever --sandbox ", 1)
        if org is not None:
            add_hint += f" --org {shlex.quote(org)}"
        out.line(f"Add one with: {add_hint}")
        return
    out.blocks(block(s) for s in summaries)
