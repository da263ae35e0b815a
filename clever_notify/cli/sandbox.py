"""`clever sandbox`: serve the local API emulator, emit events to real receivers, read the outbox, reset."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS, Group
from clever_notify.cli import params as p
from clever_notify.cli.runtime import runtime
from clever_notify.guards.sanitise import for_terminal

DEFAULT_PORT = 8765


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
def sandbox():
    """A local sandbox of the Clever Cloud API: try every command without an account.

    State lives in a SQLite file (CLEVER_SANDBOX_DB, else the user data folder), seeded on
    first use with an organisation "Acme" (applications web and worker, add-on db).
    `clever --sandbox …` uses it in-process; `clever sandbox serve` puts it on HTTP for
    any client, clever-tools included.

    \b
    Examples:
      clever sandbox reset
      clever sandbox serve --port 8765
      clever sandbox emit DEPLOYMENT_FAIL --org Acme --service web
      clever sandbox outbox
    """


def _store():
    from clever_notify.sandbox.store import Store

    return Store()


@sandbox.command(context_settings=CONTEXT_SETTINGS)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--allow-remote", is_flag=True,
              help="Allow a non-loopback --host. The sandbox accepts any credentials: only on a trusted network.")
@click.option("--log-requests", is_flag=True, help="Log each request to stderr.")
def serve(host, port, allow_remote, log_requests):
    """Serve the sandbox API over HTTP until Ctrl-C (or SIGTERM).

    Prints the variables to export so that this tool, or clever-tools, talks to it.
    The printed token and secret are fixed sandbox values, not credentials.

    It also serves the API's event socket (/v2/events/event-socket): every event that
    `clever sandbox emit` records, from any process, reaches `clever events listen`
    and any other client of that socket. Heartbeats every CLEVER_SANDBOX_HEARTBEAT_MS
    (5000 unless set).

    \b
    Examples:
      clever sandbox serve
      clever sandbox serve --port 0
      clever sandbox serve --port 9000 > sandbox.env &
      sleep 1; eval "$(head -n 1 sandbox.env)"; clever webhooks --org Acme
    """
    from clever_notify.guards.urls import is_loopback_host

    if not is_loopback_host(host) and not allow_remote:
        raise click.UsageError(f"--host {host} is not a loopback address; the sandbox has no real authentication. "
                         "Pass --allow-remote to listen there anyway.")
    from clever_notify.sandbox.serve import serve_forever

    serve_forever(_store(), host, port, log_requests=log_requests)


@sandbox.command(context_settings=CONTEXT_SETTINGS)
def reset():
    """Restore the seed state: hooks, failures, events and outbox are emptied.

    Owner and service ids are kept; the default deployment e-mail notifications come back.

    \b
    Examples:
      clever sandbox reset
    """
    store = _store()
    store.reset()
    click.echo(f"Sandbox reset ({store.path}).", err=True)


# Hidden: a tool for benchmarks and tests, not something a user trying the sandbox needs to see.
@sandbox.command(context_settings=CONTEXT_SETTINGS, hidden=True)
@click.option("--orgs", "count", required=True, type=click.IntRange(0, 10_000),
              help='How many organisations "Org 001" … "Org NNN" the sandbox should hold.')
@p.output_format_option
def seed(count, output):
    """Add organisations "Org 001" … "Org NNN" (applications web and worker, the default
    deployment e-mails), for benchmarks over many owners. Those already there are kept, so
    re-running adds nothing. Prints the id and name of each organisation added.

    \b
    Examples:
      clever sandbox seed --orgs 50
      CLEVER_SANDBOX_DB=bench.db clever sandbox seed --orgs 50 --json
    """
    from clever_notify.output import render

    store = _store()
    added = store.seed_organisations(count)
    if output == "json":
        click.echo(render.to_json(added))
    else:
        for org in added:
            click.echo(f"{org['id']}  {org['name']}")
    click.echo(f"Added {len(added)} organisations; the sandbox ({store.path}) holds Org 001 … Org {count:03d}."
               if count else "Nothing to add.", err=True)


@sandbox.command(context_settings=CONTEXT_SETTINGS)
@p.output_format_option
def outbox(output):
    """Show the e-mails the sandbox "sent" for e-mail notifications.

    \b
    Examples:
      clever sandbox outbox
      clever sandbox outbox -F json
    """
    from clever_notify.output import render

    mails = _store().outbox()
    if output == "json":
        click.echo(render.to_json(mails))
        return
    if not mails:
        hint = runtime().command_line("sandbox", "emit", "DEPLOYMENT_FAIL", "--org", "Acme")
        click.echo(f"The outbox is empty. Emit an event: {hint}", err=True)
        return
    for i, mail in enumerate(mails):
        if i:
            click.echo("")
        # Addresses and hook names were sent by whatever client used the sandbox: one line each.
        click.echo(for_terminal(f"To: {', '.join(mail['to'])}"))
        click.echo(for_terminal(f"Subject: {mail['subject']}"))
        click.echo("")
        click.echo(mail["body"].rstrip())


@sandbox.command(context_settings=CONTEXT_SETTINGS)
@click.argument("event", type=p.CONCRETE_EVENT)
@p.org_option
@click.option("--service", metavar="ID|NAME", help="The application or add-on the event is about (id or name).")
@p.output_format_option
@click.pass_context
def emit(ctx, event, org, service, output):
    """Emit EVENT in the sandbox and deliver it like the platform would.

    Every matching webhook of the owner (your sandbox account without --org) gets an
    HTTP POST in its format; matching e-mail notifications go to the outbox. Prints
    one line per URL with its status and latency; exits 1 if any delivery failed.
    Each delivery gives up after CLEVER_TIMEOUT seconds (default 10), its whole answer included.

    As the platform does, a webhook that failed CLEVER_SANDBOX_DISABLE_AFTER deliveries
    in a row (5 unless set, 0 never; the platform's own number is not published) is
    DISABLED and receives nothing more, until an update sets it ENABLED again
    (`clever webhooks enable ID`).

    \b
    Examples:
      clever sandbox emit DEPLOYMENT_SUCCESS --org Acme --service web
      clever sandbox emit DEPLOYMENT_FAIL --org Acme -F json
    """
    from clever_notify.config.settings import delivery_timeout
    from clever_notify.output import render
    from clever_notify.sandbox.emit import emit as do_emit

    # The owner and the service are found as every other command finds them (through the API, here the
    # in-process sandbox), so a wrong name fails with the same exit code and message as `webhooks add`.
    rt = runtime(ctx)
    rt.sandbox = True
    owner_id = rt.session.owner(org, use_linked_app=False).owner_id
    service_id = None
    if service is not None:
        [service_id] = rt.session.service_ids(owner_id, [service])
    report = do_emit(_store(), event, org=owner_id, service=service_id, timeout=delivery_timeout())
    if output == "json":
        click.echo(render.to_json(report.to_dict()))
    else:
        if not report.deliveries:
            click.echo(f"{event}: no webhook matched.", err=True)
        for d in report.deliveries:
            status = str(d["status"]) if d["status"] is not None else "---"
            tail = f"  ({d['error']})" if d["error"] else ""
            click.echo(f"{'ok  ' if d['ok'] else 'FAIL'} {status} {d['latencyMs']:>8.1f} ms  "
                       f"{d['format']:<8} {for_terminal(d['url'] + tail)}")
        for m in report.emails:
            click.echo(for_terminal(f"mail {', '.join(m['to'])}: {m['subject']}"))
    owner_id = (report.event.get("data") or {}).get("ownerId")
    for hook in report.disabled:
        # --sandbox always: the webhook lives in the sandbox's database, whatever this command was run with.
        words = ["webhooks", "enable", hook["hookId"]] + (rt.owner_args(owner_id) if owner_id else [])
        hint = rt.command_line(*words)  # rt.sandbox is set above
        click.echo(for_terminal(
            f"Webhook {hook['hookName'] or hook['hookId']} ({hook['hookId']}) is now DISABLED after failing "
            f"too many deliveries in a row; revive it with: {hint}"), err=True)
    if not report.ok:
        failed = sum(not d["ok"] for d in report.deliveries)
        click.echo(f"Error: {failed} of {len(report.deliveries)} deliveries failed (recorded in the hooks' failures).",
                   err=True)
        click.get_current_context().exit(1)
