"""`clever notify-email`: list, add, remove, show, update, default.

Assembled like `clever webhooks` (cli/hook_group.py): only `add`'s arguments and `default` are its own.
"""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.add_remove import add_hook
from clever_notify.cli.hook_group import hook_group
from clever_notify.cli.notify_email_default import default
from clever_notify.hooks.kinds import EMAILHOOKS

KIND = EMAILHOOKS


@click.command("add", context_settings=CONTEXT_SETTINGS)
@click.argument("name", type=p.NAME)
@click.option(
    "--notify", "notify", type=p.NOTIFY, multiple=True, required=True,
    metavar="EMAIL|USER_ID|organisation[,…]",
    help="Who gets the e-mails: an e-mail address, a user id (user_…) or `organisation` for the whole "
         "team (comma-separated, repeatable).",
)
@p.event_option
@p.service_option
@p.org_option
@p.output_format_option
@click.pass_context
def add(ctx, name, notify, events, services, org, output):
    """Add an e-mail notification.

    Without --org, the notification is added to the owner of the application linked
    in .clever.json and restricted to it (or to your own account when none is linked).
    Prints the new notification's id.

    \b
    Examples:
      clever notify-email add "deploys" --notify ops@example.org --event META_DEPLOYMENT_RESULT
      clever notify-email add "team" --notify organisation,user_8c0b3c7a-9d3c-4d5a-8f5e-2a1f2b3c4d5e --event DEPLOYMENT_FAIL
      clever notify-email add "prod" --notify a@example.org --notify b@example.org --org Acme --service web
    """  # noqa: E501 - examples are whole command lines
    add_hook(
        ctx, KIND, org=org, services=p.merged(services, "service"), events=p.merged(events, "event"),
        as_json=output == "json", fields={"name": name, "notified": p.merged(notify, "recipient", p.shown_target)},
    )


GROUP_HELP = """List e-mail notifications, or manage them with a sub-command.

    Without --org, the application linked in .clever.json chooses the owner and only
    the notifications that apply to it are listed; with no linked application, your
    own account's are listed.

    \b
    Examples:
      clever notify-email
      clever notify-email --org Acme -F json
      clever notify-email --all-owners
      clever notify-email add --notify ops@example.org,organisation "deploys" --event META_DEPLOYMENT_RESULT
      clever notify-email default --org Acme --only app_…
      clever notify-email default --org Acme --disable
    """

REMOVE_HELP = """Remove an e-mail notification.

    Without --org, the notification is looked for at the owner of the linked
    application, or in your own account when no application is linked.

    \b
    Examples:
      clever notify-email remove 0b5c7e2a-4d3c
      clever notify-email remove 0b5c7e2a-4d3c --org Acme
      clever notify-email remove 0b5c7e2a-4d3c --org Acme --dry-run
    """

notify_email = hook_group(KIND, help=GROUP_HELP, add=add, remove_help=REMOVE_HELP, extra=[default])
