"""Listing hooks, shared by `clever webhooks` and `clever notify-email` (same owner rules, same filter)."""

from __future__ import annotations

from typing import Callable

import click

from clever_notify.cli.runtime import Runtime


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
        out.line(f"No {noun} for {target.owner_id}.")
        out.line(f"Add one with: {add_hint}")
        return
    out.blocks(block(s) for s in summaries)
