"""`clever events`: the event catalog (embedded, or the API's with --live); `listen` is in events_listen.py."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS, Group
from clever_notify.cli import params as p
from clever_notify.cli.events_listen import listen_command
from clever_notify.guards.sanitise import for_terminal
from clever_notify.hooks import catalog


def human_lines(doc: dict) -> list[str]:
    """Events grouped by family in the catalog's order, then the meta-events with their expansions."""
    groups: dict[str, list[str]] = {family: [] for family in catalog.EVENT_FAMILIES}
    for event in doc["events"]:
        family = catalog.family_of(event)
        group = family if family in catalog.EVENT_FAMILIES else "Not in this tool's catalog"
        groups.setdefault(group, []).append(event)
    lines = ["Events (for --event; case-insensitive):"]
    for family, events in groups.items():
        if events:
            lines.append(f"  {family}:")
            lines.extend(f"    {event}" for event in events)
    lines.append("")
    lines.append("Meta-events (each stands for several events):")
    width = max((len(m) for m in doc["meta_events"]), default=0)
    for meta, expansion in doc["meta_events"].items():
        lines.append(f"  {meta.ljust(width)} = {', '.join(expansion)}")
    return lines


@click.group("events", cls=Group, invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@p.output_format_option
@click.option(
    "--live", is_flag=True,
    help="Read the catalog from the API (/v2/notifications/info/events) and report how it differs from this tool's.",
)
@click.pass_context
def events(ctx, output, live):
    """List the events and meta-events a hook can subscribe to; `listen` streams them live.

    Without a sub-command, prints the catalog embedded in this tool, the one --event is
    checked against (no request, no credentials needed). With --live, prints the
    API's catalog instead and reports on stderr each difference with the embedded one.

    `clever events listen` follows the events as they happen, and can forward each one
    to a receiver on this machine.

    \b
    Examples:
      clever events
      clever events -F json
      clever events --live
      clever events listen --org Acme --forward-to http://127.0.0.1:8000/hook
    """
    if ctx.invoked_subcommand is not None:
        if live or output != "human":
            raise click.UsageError("-F/--json/--live are options of the catalog listing; give them after the "
                                   "sub-command if it has them", ctx=ctx)
        return
    if live:
        from clever_notify.cli.runtime import runtime
        from clever_notify.operations.catalog import live_catalog

        doc = live_catalog(runtime(ctx).session)
    else:
        doc = catalog.as_api_document()
    if output == "json":
        from clever_notify.output import render

        # Keys in camelCase as everywhere in this tool's JSON (the API itself writes `meta_events`).
        click.echo(render.to_json({"events": doc["events"], "metaEvents": doc["meta_events"]}))
    else:
        # Names may come from the API (--live): each line is escaped on its own, so none can start a line.
        click.echo("\n".join(for_terminal(line) for line in human_lines(doc)))
    if live:
        diffs = catalog.differences(doc)
        if not diffs:
            click.echo("The API's catalog matches this tool's.", err=True)
        else:
            click.echo(f"The API's catalog differs from this tool's ({len(diffs)}):", err=True)
            for line in diffs:
                click.echo(f"  {for_terminal(line)}", err=True)


events.add_command(listen_command)
