"""`clever events listen`: follow the API's event socket; print, filter and forward each event."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.hooks import catalog


def _say(line: str) -> None:
    from clever_notify.guards.sanitise import for_terminal

    click.echo(for_terminal(line), err=True)


def _secret(given: str | None) -> tuple[str, str]:
    """(secret, how it is shown in the start line): a given secret is never echoed; the kept one is, once."""
    from clever_notify.config import listen_secret

    if given is not None:
        return listen_secret.check_given(given), "the secret given with --secret/CLEVER_LISTEN_SECRET"
    secret, created = listen_secret.load_or_create()
    where = listen_secret.default_path()
    return secret, f"secret {secret} ({'new, kept' if created else 'kept'} in {where})"


def _forward_url(value: str, allow_remote: bool) -> str:
    from clever_notify.errors import InputError
    from clever_notify.guards.urls import check_webhook_host
    from clever_notify.guards.values import check_webhook_url

    try:
        url, _warning = check_webhook_url(value)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="--forward-to") from None
    if not check_webhook_host(url).is_loopback and not allow_remote:
        raise click.BadParameter(
            "every event of the stream would be sent to another machine; --forward-to takes a receiver on this "
            "one (127.0.0.1, ::1, localhost). Add --allow-remote-forward to send them there anyway.",
            param_hint="--forward-to")
    return url


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
    from clever_notify.errors import InputError

    if print_secret:
        if forward_to or as_json or max_events:
            raise click.UsageError("--print-secret prints the signing secret and exits: give it alone", ctx=ctx)
        click.echo(_secret(secret)[0])
        return
    if all_owners and org is not None:
        raise click.UsageError("--all-owners takes every owner: it cannot be combined with --org", ctx=ctx)
    services = p.flatten(services)
    if all_owners and services:
        raise click.UsageError("--service names services of one owner: give --org (or none) instead of "
                               "--all-owners", ctx=ctx)
    if fmt != catalog.DEFAULT_WEBHOOK_FORMAT and not forward_to:
        raise click.UsageError("--format only applies with --forward-to", ctx=ctx)
    url = _forward_url(forward_to, allow_remote_forward) if forward_to else None
    rt = runtime(ctx)
    if rt.sandbox:
        raise InputError("`events listen` needs a sandbox it can connect to: run `clever sandbox serve` in another "
                         "terminal and export the line it prints (instead of --sandbox / CLEVER_SANDBOX)")

    from clever_notify.api.event_socket import EventSocket
    from clever_notify.config import settings as config
    from clever_notify.operations import listen as job
    from clever_notify.output.listen import Printer
    from clever_notify.owners import services as owned

    settings = rt.session.settings
    settings.require_credentials()  # exit 3 before anything is read
    socket = EventSocket(settings, timeout=settings.timeout[1], say=_say)  # checks API_HOST (exit 2)
    signing = _secret(secret) if url else None
    wanted = catalog.expand(p.flatten(events)) if events else None

    summary = rt.session.summary()  # once: owner and service names, a service's owner
    names = job.Names.from_summary(summary)
    if all_owners:
        owners, whose = None, "every owner"
        service_ids = None
    else:
        owner_id = rt.session.owner(org, use_linked_app=True).owner_id
        owners = frozenset({owner_id})
        label = names.owners.get(owner_id)
        whose = f"{label} ({owner_id})" if label else owner_id
        service_ids = frozenset(owned.resolve(lambda: summary, owner_id, services)) if services else None
    filt = job.Filter(owners=owners, events=frozenset(wanted) if wanted is not None else None, services=service_ids)

    what = [f"events of {whose}"]
    if wanted is not None:
        what.append(f"only {', '.join(sorted(wanted))}")
    if service_ids is not None:
        what.append(f"about {owned.describe(sorted(service_ids), names.services)}")
    _say(f"Listening to {'; '.join(what)} ({socket.url}); Ctrl-C stops.")
    forward = None
    if url:
        secret_value, shown = signing
        forward = job.Forward(url=url, format=fmt, secret=secret_value,
                              timeout=config.delivery_timeout())
        _say(f"Forwarding each event to {url} ({fmt}), signed in X-Clever-Notify-Signature with {shown}.")

    printer = Printer(sys.stdout, as_json=as_json)
    for event in job.listen(socket, filt, names, forward=forward, on_forwarded=printer.delivery,
                            max_events=max_events):
        printer.event(event)
