"""`--all-owners` for the listings and `webhooks check`: read every owner's hooks, with progress on a terminal.

One /v2/summary, then one list per owner (clever_notify.owners.sweep). An owner that cannot be read is
reported on stderr as it happens and the others go on; the caller decides the exit code with
`unread_error`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from clever_notify.cli.malformed_hooks import ending_error, report
from clever_notify.cli.runtime import Runtime

if TYPE_CHECKING:
    from clever_notify.hooks.kinds import HookKind

PROGRESS_MIN_OWNERS = 6  # below this, a progress bar would flash for nothing

# (hook as read, its block in the listing) → the block to print: how a kind adds what its JSON leaves out
Annotate = Callable[[dict, tuple], tuple]


def all_owners_option(what: str):
    def decorate(f):
        return click.option(
            "--all-owners", is_flag=True,
            help=f"{what} of your own account and of every organisation you belong to, grouped by owner "
                 "(one /v2/summary, then the owners read in parallel).",
        )(f)

    return decorate


def refuse_with_org(ctx: click.Context, org: str | None, all_owners: bool, list_all: bool = False) -> None:
    if all_owners and (org is not None or list_all):
        other = "--org" if org is not None else "--list-all"
        raise click.UsageError(f"--all-owners reads every owner: it cannot be combined with {other}.", ctx=ctx)


@contextmanager
def progress(total: int, noun: str, stream=None) -> Iterator[Callable[[object], None]]:
    """A callback advancing a progress bar on stderr, shown only on a terminal and for enough owners."""
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    if total < PROGRESS_MIN_OWNERS or not (isatty and isatty()):
        yield lambda _result: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from clever_notify.guards.sanitise import unguarded

    # The bar is rich's drawing (cursor moves, colours) and holds only our own words: it writes to the real
    # terminal, not through the guard that would escape its control sequences. Nothing else may reach that
    # stream unguarded: no redirection of stdout/stderr into rich while the bar shows (what is printed
    # meanwhile still goes through the guard).
    console = Console(file=unguarded(stream))
    with Progress(TextColumn(f"Reading the {noun} of every owner"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True, redirect_stdout=False, redirect_stderr=False) as bar:
        task = bar.add_task("owners", total=total)
        yield lambda _result: bar.advance(task)


def read_every_owner(rt: Runtime, kind: HookKind) -> list:
    """Every owner's hooks (operations/hooks.list_every_owner), with a progress bar; each unreadable owner
    named on stderr."""
    from clever_notify.operations.hooks import every_owner, list_every_owner
    from clever_notify.output import render

    owners = every_owner(rt.session)
    with progress(len(owners), kind.nouns) as advance:
        results = list_every_owner(rt.session, kind, owners=owners, on_done=advance)
    for result in results:
        if result.error is not None:
            click.echo(render.printable(rt.scrub(
                f"Error: cannot read the {kind.nouns} of {result.owner.shown_name} ({result.owner.id}): "
                f"{result.error}")), err=True)
    return results


def owner_label(owner) -> str:
    return f"{owner.shown_name} ({owner.id})"


def human_blocks(kind: HookKind, hooks: list[dict], annotate: Annotate | None,
                 owner_id: str | None = None) -> list[tuple]:
    """The listing's blocks (hooks/describe.py), each passed through `annotate` when given."""
    from clever_notify.hooks.describe import listing_block

    blocks = [(hook, listing_block(kind, hook, owner_id)) for hook in hooks]
    return [annotate(hook, block) if annotate else block for hook, block in blocks]


def list_every_owner(rt: Runtime, kind: HookKind, *, output: str, annotate: Annotate | None) -> None:
    """Grouped by owner, the user first; JSON: one flat list of clever-tools' items, each with its ownerId."""
    from clever_notify.hooks.describe import summary
    from clever_notify.output import render

    results = read_every_owner(rt, kind)
    if output == "json":
        click.echo(render.to_json([summary(kind, h) for r in results for h in r.hooks]))
    else:
        out = rt.out()
        empty = [r for r in results if not r.hooks and r.error is None and not r.malformed]
        shown = 0
        for r in results:
            if not r.hooks:
                continue
            if shown:
                out.line()
            out.line(f"{owner_label(r.owner)}: {len(r.hooks)} {kind.nouns if len(r.hooks) != 1 else kind.noun}")
            out.blocks(human_blocks(kind, r.hooks, annotate, r.owner.id))
            shown += 1
        if empty:
            names = ", ".join(r.owner.shown_name for r in empty[:5]) + (" …" if len(empty) > 5 else "")
            # A message, not data, as the one-owner listing's "No webhooks for …".
            click.echo(render.printable(
                f"No {kind.nouns} for {len(empty)} owner{'s' if len(empty) != 1 else ''}: {names}"), err=True)
    report_malformed(rt, kind, results)
    from clever_notify.operations.hooks import unread_error

    error = ending_error(kind, sum(len(r.malformed) for r in results), unread_error(results, kind))
    if error is not None:
        raise error


def report_malformed(rt: Runtime, kind: HookKind, results: list) -> None:
    for r in results:
        report(rt, kind, owner_label(r.owner), r.malformed)
