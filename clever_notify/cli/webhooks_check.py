"""`clever webhooks check`: one line per webhook, ok / failing / disabled with the evidence; exit 5 if one is not ok."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.all_owners import all_owners_option, progress, refuse_with_org
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
    from clever_notify.errors import Unhealthy
    from clever_notify.hooks import health
    from clever_notify.operations.health import check

    refuse_with_org(ctx, org, all_owners)
    rt = runtime(ctx)
    report_ = check(rt.session, owner=org, all_owners=all_owners, window_ms=window_ms,
                    on_owners=lambda owners: progress(len(owners), WEBHOOKS.nouns))
    for label, why in report_.unread:
        click.echo(_printable(rt.scrub(f"Error: cannot read the {WEBHOOKS.nouns} of {label}: {why}")), err=True)
    rows, now_ms = report_.rows, report_.now_ms

    if output == "json":
        from clever_notify.output import render

        click.echo(render.to_json([health.as_json(r.hook, r.health, r.owner_id) for r in rows]))
    else:
        out = rt.out()
        for r in rows:
            where = f"{r.label}: " if all_owners else ""
            out.line(f"{r.health.status:<8} {where}{r.hook.get('name') or '(no name)'} ({r.hook.get('id')})  "
                     f"{health.evidence(r.health, now_ms)}")
    for owner, items in report_.malformed:
        report(rt, WEBHOOKS, owner, items)
    error = ending_error(WEBHOOKS, sum(len(items) for _, items in report_.malformed), report_.error)

    counts = {status: report_.count(status) for status in health.STATUSES}
    owners = f" of {report_.owners} owners" if all_owners else ""
    unknown = f", {counts[health.UNKNOWN]} in an unknown state" if counts[health.UNKNOWN] else ""
    click.echo(f"Checked {len(rows)} webhook{'s' if len(rows) != 1 else ''}{owners}: {counts[health.OK]} ok, "
               f"{counts[health.FAILING]} failing, {counts[health.DISABLED]} disabled{unknown}.", err=True)
    for r in rows:
        if r.health.status == health.DISABLED:
            # With --all-owners the owner must be named; else the owner as the user chose it.
            words = ["webhooks", "enable", str(r.hook.get("id"))] + (["--org", str(r.owner_id)] if all_owners else [])
            hint = rt.command_line(*words, owner=not all_owners)
            click.echo(_printable(f"Revive {r.hook.get('name') or r.hook.get('id')} with: {hint}"), err=True)
    unhealthy = report_.unhealthy
    if unhealthy:
        # Definite news about a webhook beats an incomplete read: exit 5 even if an owner could not be read.
        raise Unhealthy(f"{unhealthy} of {len(rows)} webhooks {'is' if unhealthy == 1 else 'are'} not healthy "
                        f"({counts[health.FAILING]} failing, {counts[health.DISABLED]} disabled{unknown}).")
    if error is not None:
        raise error


def _printable(text) -> str:
    from clever_notify.output.render import printable

    return printable(str(text))
