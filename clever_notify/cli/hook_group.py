"""One builder for both hook command groups (`clever webhooks`, `clever notify-email`).

Called without a sub-command a group lists the owner's hooks (same owner rules, same linked-app filter,
clever-tools' JSON from hooks/describe.py); its sub-commands are the shared add/remove/show/update plus
whatever the kind adds (`webhooks test`, `notify-email default`).
"""

from __future__ import annotations

import shlex

import click

from clever_notify.cli import CONTEXT_SETTINGS, Group
from clever_notify.cli import params as p
from clever_notify.cli.add_remove import remove_command
from clever_notify.cli.all_owners import Annotate, all_owners_option, list_every_owner, refuse_with_org
from clever_notify.cli.malformed_hooks import ending_error, report
from clever_notify.cli.runtime import Runtime, runtime
from clever_notify.cli.show_update import show_command, update_command
from clever_notify.hooks.kinds import HookKind


def hook_group(
    kind: HookKind, *, help: str, add: click.Command, remove_help: str, extra: list[click.Command],
    annotate: Annotate | None = None,
) -> click.Group:
    """The group: list, then `add` (the kind's own arguments), the shared remove/show/update, and `extra`.
    `annotate()` may give a function adding to a hook's human block what the JSON shape leaves out."""
    commands = [add, remove_command(kind, remove_help), show_command(kind), update_command(kind), *extra]
    list_all_help = (f"Ignore the linked application: list every {kind.noun} of --org, or of your own account "
                     "without --org.")

    @click.group(
        kind.command, cls=Group, help=help, invoke_without_command=True, context_settings=CONTEXT_SETTINGS,
        # Said explicitly: click 8.4 and 8.5 word the usage line differently, and docs/ must not depend on it.
        subcommand_metavar="[COMMAND] [ARGS]...", commands=commands,
    )
    @p.org_option
    @click.option("--list-all", is_flag=True, help=list_all_help)
    @all_owners_option(f"List the {kind.nouns}")
    @p.output_format_option
    @click.pass_context
    def group(ctx, org, list_all, all_owners, output):
        if ctx.invoked_subcommand is not None:
            only_for_listing(ctx, list_all, output, all_owners)
            return
        refuse_with_org(ctx, org, all_owners, list_all)
        mark = annotate() if annotate is not None else None
        if all_owners:
            list_every_owner(runtime(ctx), kind, output=output, annotate=mark)
        else:
            list_hooks(runtime(ctx), kind, org=org, list_all=list_all, output=output, annotate=mark)

    return group


def only_for_listing(ctx: click.Context, list_all: bool, output: str, all_owners: bool = False) -> None:
    """--list-all, --all-owners and -F belong to the listing; before a sub-command they would be silently ignored."""
    if list_all or output != "human" or all_owners:
        flag = "--list-all" if list_all else "--all-owners" if all_owners else "-F/--format"
        raise click.UsageError(
            f"{flag} applies to the listing (`{ctx.command_path} {flag.split('/')[0]} …`), "
            f"not to `{ctx.invoked_subcommand}`; put the sub-command's own options after its name.",
            ctx=ctx,
        )


def list_hooks(rt: Runtime, kind: HookKind, *, org: str | None, list_all: bool, output: str,
               annotate: Annotate | None = None) -> None:
    from clever_notify.cli.all_owners import human_blocks
    from clever_notify.hooks.describe import summary
    from clever_notify.operations.hooks import list_hooks as read
    from clever_notify.output import render

    listing = read(rt.session, kind, owner=org, list_all=list_all)
    target, hooks, malformed = listing.target, listing.hooks, listing.malformed  # malformed: shown around
    who = target.owner_id if org in (None, target.owner_id) else f"{org} ({target.owner_id})"
    if output == "json":
        click.echo(render.to_json([summary(kind, h) for h in hooks]))
    elif hooks:
        rt.out().blocks(human_blocks(kind, hooks, annotate, target.owner_id))
    elif not malformed:
        # A message, not data: `OUT=$(clever webhooks)` captures nothing when there is nothing.
        click.echo(render.printable(f"No {kind.nouns} for {who}."), err=True)
        hint = rt.command_line(*shlex.split(kind.add_hint)[1:], owner=True)  # same program, sandbox, owner
        click.echo(render.printable(f"Add one with: {hint}"), err=True)
    report(rt, kind, who, malformed)
    error = ending_error(kind, len(malformed))
    if error is not None:
        raise error
