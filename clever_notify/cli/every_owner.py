"""`--all-owners` for the listings and `webhooks check`: read every owner's hooks, with progress on a terminal.

One /v2/summary, then one list per owner (clever_notify.all_owners). An owner that cannot be read is
reported on stderr as it happens and the others go on; the caller decides the exit code with
`unread_error`.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

import click

from clever_notify.cli.runtime import Runtime

PROGRESS_MIN_OWNERS = 6  # below this, a progress bar would flash for nothing


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

    console = Console(file=stream)
    with Progress(TextColumn(f"Reading the {noun} of every owner"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("owners", total=total)
        yield lambda _result: bar.advance(task)


def read_every_owner(rt: Runtime, kind: str, noun: str) -> list:
    """Every owner's hooks (all_owners.OwnerHooks, the user first); each hook carries its `ownerId`."""
    from clever_notify import all_owners, render

    summary = rt.client.get_summary()
    owners = all_owners.owners_of(summary)
    if not rt.sandbox:
        rt.org_cache.store(summary["organisations"])  # read anyway: later `--org NAME` costs no request
    with progress(len(owners), noun) as advance:
        results = all_owners.read_all(owners, lambda owner_id: rt.client.list_hooks(kind, owner_id),
                                      on_done=advance)
    for result in results:
        if result.error is not None:
            click.echo(render.printable(rt.scrub(
                f"Error: cannot read the {noun} of {result.owner.name} ({result.owner.id}): {result.error}")),
                err=True)
        for hook in result.hooks:
            if hook.get("ownerId") is None:
                hook["ownerId"] = result.owner.id
    return results


def unread_error(results: list, noun: str):
    """The error to end with when some owners could not be read (None when all were)."""
    from clever_notify.errors import ApiError

    failed = [r for r in results if r.error is not None]
    if not failed:
        return None
    return ApiError(f"could not read the {noun} of {len(failed)} of {len(results)} owners (see above); "
                    "what was read is shown.")


def owner_label(owner) -> str:
    return f"{owner.name} ({owner.id})"
