"""Read-only listings (`clever webhooks`, `clever notify-email`, `webhooks check`) and a hook of a wrong shape.

Everything that writes refuses a list holding one (api/client.py: what is changed must be what the API
holds). A listing changes nothing, so it shows every well-formed hook, then names each malformed one on
stderr and ends with exit 1: the good hooks stay visible and a script still notices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from clever_notify.cli.runtime import Runtime
    from clever_notify.errors import CleverNotifyError
    from clever_notify.hooks.kinds import HookKind


def report(rt: Runtime, kind: HookKind, owner: str, malformed: list) -> None:
    """One line on stderr per malformed item: its place in the list, its id when it has one, what is wrong."""
    from clever_notify.output import render

    for item in malformed:
        click.echo(render.printable(rt.scrub(f"Error: a {kind.noun} of {owner} is not shown: {item}.")), err=True)


def ending_error(kind: HookKind, count: int, unread: CleverNotifyError | None = None) -> CleverNotifyError | None:
    """The error a listing ends with: owners that could not be read (`unread`) and/or `count` malformed hooks."""
    from clever_notify.errors import ApiError

    if not count:
        return unread
    shown = (f"{count} {kind.noun if count == 1 else kind.nouns} listed by the API "
             f"{'was' if count == 1 else 'were'} of an unexpected shape and not shown (see above)")
    if unread is None:
        return ApiError(f"{shown}; every other one is shown.")
    return ApiError(f"{str(unread).rstrip('.')}; and {shown}.")
