"""`clever events listen`: follow the API's event socket; print, filter and forward each event."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.hooks import catalog


def _say(line: str) -> None:
    from clever_notify.guards.sanitise import for_terminal

    click.echo(for_terminal(line), err=True)


@click.command("listen", context_settings=CONTEXT_SETTINGS)
@p.org_option
@click.option("--all-owners", is_flag=True,
              help="Events of your own account and of every organisation you belong to (instead of one owner).")
@click.option("--event", "events", type=p.EVENTS, multiple=True, metavar="EVENT[,EVENT…]",
              help="Only these events (comma-separated, repeatable; meta-events stand for theirs; see "
                   "`clever events`). Default: all events.")
@click.option("--service", "services", type=p.SERVICES, multiple=True, metavar="SERVICE[,SERVICE…]",
              help="Only events about these applications/add-ons of the owner, by id or name (comma-separated, "
                   "repeatable).")
@click.option("--forward-to", "forward_to", metavar="URL",
              help="POST each event shown to this URL (a receiver on this machine) and print its answer.")
@click.option("--format", "fmt", type=p.FORMAT, default=catalog.DEFAULT_WEBHOOK_FORMAT, show_default=True,
              help=f"Body of each forwarded request, as a webhook of that format gets it: "
                   f"{', '.join(catalog.WEBHOOK_FORMATS)}.")
@click.option("--allow-remote-forward", is_flag=True,
              help="Allow a --forward-to URL that is not on this machine.")
@click.option("--secret", envvar="CLEVER_LISTEN_SECRET", metavar="SECRET", show_envvar=True,
              help="Sign forwarded requests with this secret instead of the kept one (the environment variable "
                   "keeps it out of the process list).")
@click.option("--print-secret", is_flag=True,
              help="Print the signing secret (the kept one, made on first use) and exit: for a receiver's "
                   "configuration.")
@click.option("--max-events", type=click.IntRange(min=1), metavar="N",
              help="Stop after N matching events (and their deliveries). Default: until Ctrl-C.")
@p.json_option
@click.pass_context
def listen_command(ctx, org, all_owners, events, services, forward_to, fmt, allow_remote_forward, secret,
                   print_secret, max_events, as_json):
    """Follow the events of an owner as they happen; optionally forward each to a local receiver.

    Connects to the API's event socket (the one the console uses), then prints one line
    per event: time, event, owner, service, state (or one JSON object per line with
    --json). The owner is --org, else the one of the linked application, else your own
    account; --all-owners takes every owner. Reconnects by itself (saying so on stderr);
    Ctrl-C stops it.

    With --forward-to, each event shown is also POSTed to URL with the body a webhook of
    --format would receive, and the answer's status and latency are printed. Each
    request carries the header X-Clever-Notify-Signature: sha256=<HMAC-SHA256 of the
    body, hex>, keyed with the signing secret printed at start, so your receiver can
    check where a request came from. A receiver's failure is reported and the stream
    goes on.

    Against `clever sandbox serve`, `clever sandbox emit` produces the events: no
    account needed.

    \b
    Examples:
      clever events listen --org Acme
      clever events listen --all-owners --event META_DEPLOYMENT_RESULT --json
      clever events listen --org Acme --service web --forward-to http://127.0.0.1:8000/hook
      clever events listen --org Acme --forward-to http://localhost:3000/slack --format slack
      export LISTEN_SECRET="$(clever events listen --print-secret)"
    """
    import sys

    from clever_notify.cli.runtime import runtime
    from clever_notify.config import listen_secret
    from clever_notify.operations import listen as job
    from clever_notify.output.listen import Printer

    if print_secret:
        if forward_to or as_json or max_events:
            raise click.UsageError("--print-secret prints the signing secret and exits: give it alone", ctx=ctx)
        click.echo(listen_secret.check_given(secret) if secret is not None else listen_secret.load_or_create()[0])
        return
    if fmt != catalog.DEFAULT_WEBHOOK_FORMAT and not forward_to:
        raise click.UsageError("--format only applies with --forward-to", ctx=ctx)
    if all_owners and org is not None:
        raise click.UsageError("--all-owners takes every owner: it cannot be combined with --org", ctx=ctx)
    services = p.flatten(services)
    if all_owners and services:
        raise click.UsageError("--service names services of one owner: give --org (or none) instead of "
                               "--all-owners", ctx=ctx)
    forward, shown = None, ""
    if forward_to:
        if secret is None:
            kept, created = listen_secret.load_or_create()
            shown = f"secret {kept} ({'new, kept' if created else 'kept'} in {listen_secret.default_path()})"
        else:
            shown = "the secret given with --secret/CLEVER_LISTEN_SECRET"
        forward = job.forwarding(forward_to, fmt=fmt, secret=secret, allow_remote=allow_remote_forward)
    session = runtime(ctx).session
    socket = job.open_socket(session, say=_say)  # API_HOST checked before anything is sent
    sub = job.subscribe(session, org, all_owners=all_owners, events=p.flatten(events), services=services)
    _say(f"Listening to {sub.description} ({socket.url}); Ctrl-C stops.")
    if forward is not None:
        _say(f"Forwarding each event to {forward.url} ({forward.format}), signed in X-Clever-Notify-Signature "
             f"with {shown}.")
    printer = Printer(sys.stdout, as_json=as_json)
    for event in job.listen(socket, sub.filter, sub.names, forward=forward, on_forwarded=printer.delivery,
                            max_events=max_events):
        printer.event(event)
