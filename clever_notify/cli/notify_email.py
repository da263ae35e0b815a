"""`clever notify-email`: e-mail notifications."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.every_owner import all_owners_option, refuse_with_org
from clever_notify.cli.hook_flows import add_hook, remove_hook
from clever_notify.cli.listing import list_hooks, only_for_listing
from clever_notify.cli.notify_email_default import default
from clever_notify.cli.runtime import runtime

KIND = "emailhooks"


# add and remove are defined before the group and attached through `commands=` below, so that
# sub-commands written as `@notify_email.command` can keep going at the end of this file.
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
@click.option(
    "--json", "as_json", is_flag=True, help="Print the created e-mail notification as JSON instead of its id."
)
@click.pass_context
def add(ctx, name, notify, events, services, org, as_json):
    """Add an e-mail notification.

    Without --org, the notification is added to the owner of the application linked
    in .clever.json and restricted to it (or to your own account when none is linked).
    Prints the new notification's id.

    \b
    Examples:
      clever notify-email add "deploys" --notify ops@example.org --event META_DEPLOYMENT_RESULT
      clever notify-email add "team" --notify organisation,user_8c0b3c7a-9d3c-4d5a-8f5e-2a1f2b3c4d5e --event DEPLOYMENT_FAIL
      clever notify-email add "prod" --notify a@example.org --notify b@example.org --org Acme --service web
    """
    add_hook(
        ctx, KIND, org=org, services=p.flatten(services), events=p.flatten(events), as_json=as_json,
        fields={"name": name, "notified": p.flatten(notify)}, noun="e-mail notification",
    )


@click.command("remove", context_settings=CONTEXT_SETTINGS)
@click.argument("hook_id", metavar="ID", type=p.HOOK_ID)
@p.org_option
@click.pass_context
def remove(ctx, hook_id, org):
    """Remove an e-mail notification.

    Without --org, the notification is looked for at the owner of the linked
    application, or in your own account when no application is linked.

    \b
    Examples:
      clever notify-email remove 0b5c7e2a-…
      clever notify-email remove 0b5c7e2a-… --org Acme
    """
    remove_hook(ctx, KIND, hook_id, org=org, noun="e-mail notification")


@click.group(
    "notify-email", invoke_without_command=True, context_settings=CONTEXT_SETTINGS,
    # Said explicitly: click 8.4 and 8.5 word the usage line differently, and docs/ must not depend on it.
    subcommand_metavar="[COMMAND] [ARGS]...", commands=[add, remove, default],
)
@p.org_option
@click.option("--list-all", is_flag=True, help="List every e-mail notification of the owner, ignoring the linked application.")
@all_owners_option("List the e-mail notifications")
@p.output_format_option
@click.pass_context
def notify_email(ctx, org, list_all, all_owners, output):
    """List e-mail notifications, or manage them with a sub-command.

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
    if ctx.invoked_subcommand is not None:
        only_for_listing(ctx, list_all, output, all_owners)
        return
    refuse_with_org(ctx, org, all_owners, list_all)
    from clever_notify import render

    list_hooks(
        runtime(ctx), KIND, org=org, list_all=list_all, output=output, all_owners=all_owners,
        summarize=render.emailhook_summary, block=render.emailhook_block,
        noun="e-mail notifications", add_hint="clever notify-email add --notify you@example.org NAME",
    )


# show/update are shared with `clever webhooks` (cli/hook_edit.py).
from clever_notify.cli.hook_edit import show_command, update_command  # noqa: E402

notify_email.add_command(show_command(KIND))
notify_email.add_command(update_command(KIND))
