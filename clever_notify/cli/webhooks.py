"""`clever webhooks`: list, add, remove, show, update, test, check, enable, disable.

Assembled like `clever notify-email` (cli/hook_group.py): only `add`'s arguments and `test` are its own.
"""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.add_remove import add_hook
from clever_notify.cli.hook_group import hook_group
from clever_notify.cli.webhooks_check import check_command
from clever_notify.cli.webhooks_sample import webhook_test_command
from clever_notify.cli.webhooks_state import disable_command, enable_command
from clever_notify.hooks import catalog
from clever_notify.hooks.kinds import WEBHOOKS

KIND = WEBHOOKS


@click.command("add", context_settings=CONTEXT_SETTINGS)
@click.argument("name", type=p.NAME)
@click.argument("urls", metavar="URL [URL…]", nargs=-1, required=True, type=p.URL)
@click.option(
    "--format", "fmt", type=p.FORMAT, default=catalog.DEFAULT_WEBHOOK_FORMAT, show_default=True,
    help=f"Body format sent to the URLs: {', '.join(catalog.WEBHOOK_FORMATS)}.",
)
@p.event_option
@p.service_option
@p.org_option
@click.option("--json", "as_json", is_flag=True, help="Print the created webhook as JSON instead of its id.")
@click.pass_context
def add(ctx, name, urls, fmt, events, services, org, as_json):
    """Register a webhook called when events happen.

    Without --org, the webhook is added to the owner of the application linked in
    .clever.json and restricted to it (or to your own account when none is linked).
    Prints the new webhook's id.

    \b
    Examples:
      clever webhooks add "deployment results on Slack" https://hooks.slack.com/services/xxxxxx/yyyyyy/zzzzzzzzzzzzz --format slack --event META_DEPLOYMENT_RESULT
      clever webhooks add "The application failed to deploy" https://hooks.slack.com/services/xxxxxx/ --format slack --event DEPLOYMENT_FAIL
      clever webhooks add "credits added" https://hooks.slack.com/services/xxxxxx/yyyyyy/zzzzzzzzzzzzz --format raw --event META_CREDITS
      clever webhooks add "prod deploys" https://example.org/hook --org Acme --service web,app_… --event META_DEPLOYMENT_RESULT
      clever webhooks add "two receivers" https://a.example.org/hook https://b.example.org/hook --format raw
    """  # noqa: E501 - examples are whole command lines
    add_hook(
        ctx, KIND, org=org, services=p.merged(services, "service"), events=p.merged(events, "event"),
        as_json=as_json, fields={"name": name, "urls": [{"format": fmt, "url": url} for url in p.merged(urls, "URL")]},
    )


GROUP_HELP = """List webhooks, or manage them with a sub-command.

    Without --org, the application linked in .clever.json chooses the owner and only
    the webhooks that apply to it are listed; with no linked application, your own
    account's webhooks are listed. A webhook the platform disabled is marked
    [DISABLED], one with recent delivery failures [failing], with the count, the last
    status (or network failure) and when; -F json keeps clever-tools' shape.

    \b
    Examples:
      clever webhooks
      clever webhooks --org Acme -F json
      clever webhooks --list-all
      clever webhooks --all-owners
      clever webhooks check --all-owners
    """

REMOVE_HELP = """Remove a webhook.

    Without --org, the webhook is looked for at the owner of the linked application,
    or in your own account when no application is linked.

    \b
    Examples:
      clever webhooks remove 6e9f1a2c-0b1d
      clever webhooks remove 6e9f1a2c-0b1d --org Acme
      clever webhooks remove 6e9f1a2c-0b1d --org Acme --dry-run
    """


def _health_marks():
    from clever_notify.hooks import health

    return health.listing_marker()


webhooks = hook_group(KIND, help=GROUP_HELP, add=add, remove_help=REMOVE_HELP,
                      extra=[webhook_test_command, check_command, enable_command, disable_command],
                      annotate=_health_marks)
