"""`clever webhooks`: list, add, remove (show, update and test are added at the end)."""

from __future__ import annotations

import click

from clever_notify import catalog
from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.every_owner import all_owners_option, refuse_with_org
from clever_notify.cli.hook_flows import add_hook, remove_hook
from clever_notify.cli.listing import list_hooks, only_for_listing
from clever_notify.cli.runtime import runtime

KIND = "webhooks"


@click.group(
    invoke_without_command=True, context_settings=CONTEXT_SETTINGS,
    # Said explicitly: click 8.4 and 8.5 word the usage line differently, and docs/ must not depend on it.
    subcommand_metavar="[COMMAND] [ARGS]...",
)
@p.org_option
@click.option("--list-all", is_flag=True, help="List every webhook of the owner, ignoring the linked application.")
@all_owners_option("List the webhooks")
@p.output_format_option
@click.pass_context
def webhooks(ctx, org, list_all, all_owners, output):
    """List webhooks, or manage them with a sub-command.

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
    if ctx.invoked_subcommand is not None:
        only_for_listing(ctx, list_all, output, all_owners)
        return
    refuse_with_org(ctx, org, all_owners, list_all)
    import time

    from clever_notify import health, render

    now_ms = int(time.time() * 1000)
    list_hooks(
        runtime(ctx), KIND, org=org, list_all=list_all, output=output, all_owners=all_owners,
        summarize=render.webhook_summary, block=render.webhook_block,
        annotate=lambda hook, block: health.marked_block(hook, block, now_ms=now_ms),
        noun="webhooks", add_hint="clever webhooks add NAME URL --event META_DEPLOYMENT_RESULT",
    )


@webhooks.command("add", context_settings=CONTEXT_SETTINGS)
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
    """
    add_hook(
        ctx, KIND, org=org, services=p.flatten(services), events=p.flatten(events), as_json=as_json,
        fields={"name": name, "urls": [{"format": fmt, "url": url} for url in urls]}, noun="webhook",
    )


@webhooks.command("remove", context_settings=CONTEXT_SETTINGS)
@click.argument("hook_id", metavar="ID", type=p.HOOK_ID)
@p.org_option
@click.pass_context
def remove(ctx, hook_id, org):
    """Remove a webhook.

    Without --org, the webhook is looked for at the owner of the linked application,
    or in your own account when no application is linked.

    \b
    Examples:
      clever webhooks remove 6e9f1a2c-…
      clever webhooks remove 6e9f1a2c-… --org Acme
    """
    remove_hook(ctx, KIND, hook_id, org=org, noun="webhook")


# show/update are shared with `clever notify-email` (cli/hook_edit.py); test lives in cli/sample_delivery.py.
from clever_notify.cli.hook_edit import show_command, update_command  # noqa: E402
from clever_notify.cli.sample_delivery import webhook_test_command  # noqa: E402
from clever_notify.cli.webhooks_check import check_command  # noqa: E402

webhooks.add_command(show_command(KIND))
webhooks.add_command(update_command(KIND))
webhooks.add_command(webhook_test_command)
webhooks.add_command(check_command)
