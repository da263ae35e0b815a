"""`clever notify-email`: e-mail notifications."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.listing import list_hooks
from clever_notify.cli.runtime import runtime

KIND = "emailhooks"


@click.group("notify-email", invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@p.org_option
@click.option("--list-all", is_flag=True, help="List every e-mail notification of the owner, ignoring the linked application.")
@p.output_format_option
@click.pass_context
def notify_email(ctx, org, list_all, output):
    """List e-mail notifications, or manage them with a sub-command.

    Without --org, the application linked in .clever.json chooses the owner and only
    the notifications that apply to it are listed; with no linked application, your
    own account's are listed.

    \b
    Examples:
      clever notify-email
      clever notify-email --org Acme -F json
    """
    if ctx.invoked_subcommand is not None:
        return
    from clever_notify import render

    list_hooks(
        runtime(ctx), KIND, org=org, list_all=list_all, output=output,
        summarize=render.emailhook_summary, block=render.emailhook_block,
        noun="e-mail notifications", add_hint="clever notify-email add --notify you@example.org NAME",
    )


# show/update are shared with `clever webhooks` (cli/hook_edit.py).
from clever_notify.cli.hook_edit import show_command, update_command  # noqa: E402

notify_email.add_command(show_command(KIND))
notify_email.add_command(update_command(KIND))
