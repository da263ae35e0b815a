"""`clever webhooks enable|disable ID`: change a webhook's state (operations/webhook_state.py)."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.runtime import runtime

HELP = {
    "ENABLED": """Turn a webhook back on: the platform calls it again.

    The platform disables a webhook that keeps failing; this sends it back with its
    state set to ENABLED and every other field as it is. If the API keeps it disabled
    anyway, the webhook is created again with the same fields (the new one first, then
    the old one is deleted) and the new id is printed. Prints the id of the enabled
    webhook; does nothing when it is already enabled. --dry-run prints the update and
    sends nothing. The owner is chosen as for `clever webhooks remove`.

    \b
    Examples:
      clever webhooks enable 6e9f1a2c-0b1d --org Acme
      clever webhooks enable 6e9f1a2c-0b1d --org Acme --dry-run
      NEW_ID=$(clever webhooks enable 6e9f1a2c-0b1d --org Acme)
    """,
    "DISABLED": """Turn a webhook off without removing it: the platform stops calling it.

    Sends the webhook back with its state set to DISABLED and every other field as it
    is; `clever webhooks enable ID` turns it on again. Prints its id; does nothing when
    it is already disabled. --dry-run prints the update and sends nothing. The owner is
    chosen as for `clever webhooks remove`.

    \b
    Examples:
      clever webhooks disable 6e9f1a2c-0b1d --org Acme
      clever webhooks disable 6e9f1a2c-0b1d --org Acme --dry-run -F json
    """,
}


def state_command(state: str) -> click.Command:
    name = "enable" if state == "ENABLED" else "disable"

    @click.command(name, help=HELP[state], context_settings=CONTEXT_SETTINGS)
    @click.argument("hook_id", metavar="ID", type=p.HOOK_ID)
    @p.org_option
    @click.option("--dry-run", is_flag=True, help="Print the request (method, path, JSON body); send nothing.")
    @p.output_format_option
    @click.pass_context
    def command(ctx, hook_id, org, dry_run, output):
        """JSON: {id, ownerId, state, changed, recreated, replacedId?, dryRun, requests}."""
        from clever_notify.operations.webhook_state import change_state
        from clever_notify.output import render

        rt = runtime(ctx)
        def remove_hint(owner_id: str) -> str:
            return rt.command_line("webhooks", "remove", hook_id, *rt.owner_args(owner_id))

        done = change_state(rt.session, hook_id, state, owner=org, dry_run=dry_run, remove_hint=remove_hint)
        owner, hook, outcome = done.owner_id, done.hook, done.outcome
        word = state.lower()
        label = render.printable(f"{hook.get('name') or '(unnamed)'} ({hook_id})")
        if output == "json":
            click.echo(render.to_json({**outcome.as_json(owner), "dryRun": dry_run,
                                       "requests": done.requests}))
        elif dry_run:
            from clever_notify.output.plan import requests_text

            click.echo(requests_text(done.requests))
        else:
            click.echo(outcome.hook_id)
        if dry_run:
            if not outcome.changed:
                click.echo(f"The webhook {label} is already {word}: no request would be sent.", err=True)
            elif outcome.reused:
                click.echo(f"The enabled copy {outcome.hook_id} of the webhook {label}, made by an earlier run, would "
                           "be kept, and the old, disabled one removed.", err=True)
            elif state == "ENABLED":
                click.echo("If the API kept it disabled after this update, the webhook would be created again with "
                           "the same fields, then the old one deleted.", err=True)
            click.echo("Dry run: nothing was sent.", err=True)
            return
        if not outcome.changed:
            click.echo(f"The webhook {label} is already {word}; nothing was sent.", err=True)
        elif outcome.replaced_id and outcome.reused:
            click.echo(f"The enabled copy {outcome.hook_id} of the webhook {label}, made by an earlier run, is kept; "
                       "the old, disabled one was removed.", err=True)
        elif outcome.replaced_id:
            click.echo(f"The API kept the webhook {label} disabled: it was created again as {outcome.hook_id} "
                       f"(same name, URLs, events and services) and the old one was removed.", err=True)
        else:
            click.echo(f"The webhook {label} is {word}.", err=True)

    return command


enable_command = state_command("ENABLED")
disable_command = state_command("DISABLED")
