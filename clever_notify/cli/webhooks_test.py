"""`clever webhooks test`: POST a sample event from this machine to a webhook's URLs, and report.

The platform is never asked to send anything: with ID the only API call reads the hook; with
--url there is no API call at all, so it works without credentials.
"""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.runtime import runtime
from clever_notify.errors import CleverNotifyError, InputError
from clever_notify.guards.sanitise import for_terminal
from clever_notify.hooks import catalog

# The sample's owner and application when no hook gives them (--url): obviously made up, well formed.
SAMPLE_OWNER = "orga_00000000-0000-4000-8000-000000000000"
SAMPLE_APP = "app_00000000-0000-4000-8000-000000000000"


def _deliver(targets: list[tuple[str, str]], event: dict, timeout: float) -> list:
    from clever_notify.delivery import post as delivery

    results = []
    for url, fmt in targets:
        if fmt not in catalog.WEBHOOK_FORMATS:
            # A format the API knows and we do not: say so rather than send a guess.
            results.append(delivery.Delivery(url, fmt, None, 0.0, error=f"unknown format {fmt!r}, not sent"))
            continue
        try:  # a URL read from the API goes through the same parser as one typed with --url
            p.check_webhook_url(str(url))
        except InputError as exc:
            results.append(delivery.Delivery(str(url), fmt, None, 0.0, error=f"not sent: {exc}"))
            continue
        results.append(delivery.post(url, fmt, event, timeout=timeout))
    return results


def _line(result) -> str:
    from clever_notify.hooks.words import clean

    where = f"{result.url} ({result.format})"
    if result.status is None:
        return f"FAILED {where}: network failure ({result.error}) after {result.latency_ms:.0f} ms"
    verdict = "ok" if result.ok else "FAILED"
    answer = result.error if result.error else (clean(result.body_start, 120) or "(empty)")
    return f"{verdict} {where}: HTTP {result.status} in {result.latency_ms:.0f} ms; answer: {answer}"


@click.command("test", context_settings=CONTEXT_SETTINGS)
@click.argument("hook_id", metavar="[ID]", required=False, type=p.HOOK_ID)
@click.option("--url", "urls", type=p.URL, multiple=True, metavar="URL",
              help="Test this URL instead of a webhook's (repeatable); needs no credentials.")
@click.option("--format", "fmt", type=p.FORMAT, default=None,
              help=f"Body format for --url: {', '.join(catalog.WEBHOOK_FORMATS)}. Default: raw.")
@click.option("--event", type=p.CONCRETE_EVENT, default=catalog.DEFAULT_TEST_EVENT, show_default=True,
              help="Event of the sample (a concrete event, not a meta-event; see `clever events`).")
@p.org_option
@click.option("--timeout", type=p.SECONDS, default=None, metavar="SECONDS",
              help="Give up on a URL after this long, its whole answer included "
                   "(default: CLEVER_TIMEOUT, else 10).")
@click.option("--json", "as_json", is_flag=True, help="Print the sample event and each delivery's result as JSON.")
@click.pass_context
def webhook_test_command(ctx, hook_id, urls, fmt, event, org, timeout, as_json):
    """Send a sample event to a webhook's URLs from this machine and report each answer.

    The sample is rendered in each URL's own format and POSTed from here, not by Clever
    Cloud: it checks the receiving end (URL, format, firewall) without waiting for a real
    event. Prints the HTTP status, latency and start of the answer of every URL; exits
    with 1 if any of them failed. With ID the API is only read; with --url it is not
    called at all.

    \b
    Examples:
      clever webhooks test 6e9f1a2c-0b1d
      clever webhooks test 6e9f1a2c-0b1d --event DEPLOYMENT_FAIL --org Acme
      clever webhooks test --url https://hooks.slack.com/services/xxxxxx/yyyyyy/zzzz --format slack
      clever webhooks test --url http://127.0.0.1:8080/hook --json --timeout 3
    """
    import os

    from clever_notify.config import settings as config
    from clever_notify.delivery import payloads
    from clever_notify.delivery import post as delivery
    from clever_notify.output import render

    if hook_id and urls:
        raise click.UsageError("give either a webhook ID or --url, not both")
    if not hook_id and not urls:
        raise click.UsageError("give a webhook ID, or --url URL to test an address directly")
    if hook_id and fmt:
        raise click.UsageError("--format only applies with --url: a webhook's URLs are tested in their own formats")
    if urls and org:
        raise click.UsageError("--org only applies with a webhook ID")
    if timeout is None:
        timeout = config.clever_timeout(os.environ, delivery.DEFAULT_TIMEOUT)

    if hook_id:
        from clever_notify.cli.show_update import read_hook
        from clever_notify.hooks.kinds import WEBHOOKS

        target, hook = read_hook(runtime(ctx), WEBHOOKS, hook_id, org)
        scope = hook.get("scope") or []
        sample = payloads.make_event(event, owner_id=str(hook.get("ownerId") or target.owner_id),
                                     service_id=str(scope[0]) if scope else None)
        targets = [(u.get("url"), str(u.get("format") or catalog.DEFAULT_WEBHOOK_FORMAT).lower())
                   for u in hook.get("urls") or [] if isinstance(u, dict) and u.get("url")]
        if not targets:
            raise CleverNotifyError(f"webhook {hook_id} has no URL to test")
        if not catalog.matches(hook.get("events"), event):
            click.echo(f"note: webhook {hook_id} does not subscribe to {event}; the platform would not send it.",
                       err=True)
        if hook.get("state") and hook.get("state") != "ENABLED":
            state = for_terminal(hook["state"])
            click.echo(f"note: webhook {hook_id} is {state}; the platform does not call it now.", err=True)
    else:
        sample = payloads.make_event(event, owner_id=SAMPLE_OWNER, service_id=SAMPLE_APP, service_name="my-app")
        targets = [(url, fmt or catalog.DEFAULT_WEBHOOK_FORMAT) for url in p.flatten([[u] for u in urls])]

    results = _deliver(targets, sample, timeout)
    if as_json:
        click.echo(render.to_json({"event": sample, "deliveries": [r.to_dict() for r in results]}))
    else:
        for result in results:
            click.echo(_line(result))
    failed = sum(1 for r in results if not r.ok)
    if failed:
        raise CleverNotifyError(f"{failed} of {len(results)} URL(s) failed the {event} sample")
    click.echo(f"All {len(results)} URL(s) accepted the {event} sample.", err=True)
