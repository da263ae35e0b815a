"""Listing hooks, shared by `clever webhooks` and `clever notify-email` (same owner rules, same filter)."""

from __future__ import annotations

import shlex
from typing import Callable

import click

from clever_notify.cli.runtime import Runtime


def only_for_listing(ctx: click.Context, list_all: bool, output: str, all_owners: bool = False) -> None:
    """--list-all, --all-owners and -F belong to the listing; before a sub-command they would be silently ignored."""
    if list_all or output != "human" or all_owners:
        flag = "--list-all" if list_all else "--all-owners" if all_owners else "-F/--format"
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
    annotate: Callable[[dict, tuple], tuple] | None = None,
    all_owners: bool = False,
) -> None:
    """`annotate(hook, block)` may add to a hook's human block what the JSON shape leaves out (its health)."""
    from clever_notify import render

    if all_owners:
        _list_every_owner(rt, kind, output=output, summarize=summarize, block=block, noun=noun, annotate=annotate)
        return
    target = rt.target(org, use_linked_app=not list_all)
    hooks = [h for h in rt.client.list_hooks(kind, target.owner_id) if render.in_scope(h, target.app_id)]
    if output == "json":
        click.echo(render.to_json([summarize(h) for h in hooks]))
        return
    out = rt.out()
    if not hooks:
        who = target.owner_id if org in (None, target.owner_id) else f"{org} ({target.owner_id})"
        out.line(f"No {noun} for {who}.")
        # The hint must work when pasted: same sandbox, same owner.
        if rt.sandbox:
            add_hint = add_hint.replace("clever ", "clever --sandbox ", 1)
        if org is not None:
            add_hint += f" --org {shlex.quote(org)}"
        out.line(f"Add one with: {add_hint}")
        return
    out.blocks(_blocks(hooks, summarize, block, annotate))


def _blocks(hooks: list[dict], summarize, block, annotate) -> list[tuple]:
    if annotate is None:
        return [block(summarize(h)) for h in hooks]
    return [annotate(h, block(summarize(h))) for h in hooks]


def _list_every_owner(rt: Runtime, kind: str, *, output: str, summarize, block, noun: str, annotate) -> None:
    """Grouped by owner, the user first; JSON: one flat list whose items carry their ownerId."""
    from clever_notify import render
    from clever_notify.cli.every_owner import owner_label, read_every_owner, unread_error

    results = read_every_owner(rt, kind, noun)
    if output == "json":
        click.echo(render.to_json([summarize(h) for r in results for h in r.hooks]))
    else:
        out = rt.out()
        empty = [r for r in results if not r.hooks and r.error is None]
        shown = 0
        for r in results:
            if not r.hooks:
                continue
            if shown:
                out.line()
            out.line(f"{owner_label(r.owner)}: {len(r.hooks)} {noun if len(r.hooks) != 1 else noun[:-1]}")
            out.blocks(_blocks(r.hooks, summarize, block, annotate))
            shown += 1
        if empty:
            if shown:
                out.line()
            names = ", ".join(r.owner.name for r in empty[:5]) + (" …" if len(empty) > 5 else "")
            out.line(f"No {noun} for {len(empty)} owner{'s' if len(empty) != 1 else ''}: {names}")
    error = unread_error(results, noun)
    if error is not None:
        raise error
