"""`clever webhooks check`: one line per webhook, ok / failing / disabled with the evidence; exit 5 if one is not ok."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.all_owners import all_owners_option, refuse_with_org
from clever_notify.cli.malformed_hooks import ending_error, report
from clever_notify.cli.runtime import runtime
from clever_notify.hooks.kinds import WEBHOOKS


@click.command("check", context_settings=CONTEXT_SETTINGS)
@p.org_option
@all_owners_option("Check the webhooks")
@click.option("--since", "window_ms", type=p.DURATION, default="24h", show_default=True, metavar="DURATION",
              help="How far back a delivery failure makes a webhook `failing` (90s, 30m, 24h, 7d); older ones are "
                   "shown but do not count.")
@p.output_format_option
@click.pass_context
def check_command(ctx, org, all_owners, window_ms, output):
    """Check that webhooks still work: exit 0 when all are healthy, 5 when one is not.

    One line per webhook: `ok`, `failing` (a delivery failed within --since),
    `disabled` (the platform stopped calling it, usually after repeated failures) or
    `unknown` (a state this tool does not know, such as PAUSED: not known to work), with
    the evidence: number of failures, the last status or network failure, and when.
    The owner is chosen as for `clever webhooks remove`, or every owner with
    --all-owners. Meant for cron and CI: the lines go to stdout, the summary to stderr.
    A webhook the API lists in a wrong shape is named on stderr and makes
    the exit 1 (5 still wins).
    A disabled webhook comes back with `clever webhooks enable ID`.

    \b
    Examples:
      clever webhooks check
      clever webhooks check --org Acme
      clever webhooks check --all-owners --since 2h
      clever webhooks check --all-owners -F json > webhooks-health.json
    """
    import time

    from clever_notify.errors import Unhealthy
    from clever_notify.hooks import health

    refuse_with_org(ctx, org, all_owners)
    rt = runtime(ctx)
    now_ms = int(time.time() * 1000)
    groups, malformed, error = _read(rt, org, all_owners)
    rows = [(owner, hook, health.classify(hook, now_ms=now_ms, window_ms=window_ms))
            for owner, hooks in groups for hook in hooks]

    if output == "json":
        from clever_notify.output import render

        click.echo(render.to_json([health.as_json(hook, h, owner_id) for (_, owner_id), hook, h in rows]))
    else:
        out = rt.out()
        for (label, _), hook, h in rows:
            where = f"{label}: " if all_owners else ""
            out.line(f"{h.status:<8} {where}{hook.get('name') or '(no name)'} ({hook.get('id')})  "
                     f"{health.evidence(h, now_ms)}")
    for owner, items in malformed:
        report(rt, WEBHOOKS, owner, items)
    error = ending_error(WEBHOOKS, sum(len(items) for _, items in malformed), error)

    counts = {status: sum(h.status == status for *_, h in rows)
              for status in health.STATUSES}
    owners = f" of {len(groups)} owners" if all_owners else ""
    click.echo(f"Checked {len(rows)} webhook{'s' if len(rows) != 1 else ''}{owners}: {counts[health.OK]} ok, "
               f"{counts[health.FAILING]} failing, {counts[health.DISABLED]} disabled"
               + (f", {counts[health.UNKNOWN]} in an unknown state" if counts[health.UNKNOWN] else "") + ".",
               err=True)
    for (_, owner_id), hook, h in rows:
        if h.status == health.DISABLED:
            # With --all-owners the owner must be named; else the owner as the user chose it.
            words = ["webhooks", "enable", str(hook.get("id"))] + (["--org", str(owner_id)] if all_owners else [])
            hint = rt.command_line(*words, owner=not all_owners)
            click.echo(_printable(f"Revive {hook.get('name') or hook.get('id')} with: {hint}"), err=True)
    unhealthy = len(rows) - counts[health.OK]
    if unhealthy:
        # Definite news about a webhook beats an incomplete read: exit 5 even if an owner could not be read.
        unknown = f", {counts[health.UNKNOWN]} in an unknown state" if counts[health.UNKNOWN] else ""
        raise Unhealthy(f"{unhealthy} of {len(rows)} webhooks {'is' if unhealthy == 1 else 'are'} not healthy "
                        f"({counts[health.FAILING]} failing, {counts[health.DISABLED]} disabled{unknown}).")
    if error is not None:
        raise error


def _read(rt, org: str | None, all_owners: bool):
    """[((owner label, owner id), hooks)] in owner order, [(owner label, malformed items)], and the error to end
    with if an owner was unreadable. Read-only: a webhook of a wrong shape is reported, not the list refused."""
    if all_owners:
        from clever_notify.cli.all_owners import owner_label, read_every_owner, unread_error

        results = read_every_owner(rt, WEBHOOKS)
        return ([((owner_label(r.owner), r.owner.id), r.hooks) for r in results],
                [(owner_label(r.owner), r.malformed) for r in results], unread_error(results, WEBHOOKS))
    target = rt.target(org, use_linked_app=True)
    label = org or target.owner_id
    malformed: list = []
    hooks = rt.client.list_hooks(WEBHOOKS, target.owner_id, malformed=malformed)
    return [((label, target.owner_id), hooks)], [(label, malformed)], None


def _printable(text) -> str:
    from clever_notify.output.render import printable

    return printable(str(text))
