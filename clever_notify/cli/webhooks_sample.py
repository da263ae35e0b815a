"""`clever webhooks test`: POST a sample event from this machine to a webhook's URLs, and report (the job is
operations/sample_event.py; named `_sample` so that no tool takes this module for a test).

The platform is never asked to send anything: with ID the only API call reads the hook; with
--url there is no API call at all, so it works without credentials.
"""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.cli.runtime import runtime
from clever_notify.hooks import catalog


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
    from clever_notify.operations import sample_event
    from clever_notify.output import render

    if hook_id and urls:
        raise click.UsageError("give either a webhook ID or --url, not both")
    if not hook_id and not urls:
        raise click.UsageError("give a webhook ID, or --url URL to test an address directly")
    if hook_id and fmt:
        raise click.UsageError("--format only applies with --url: a webhook's URLs are tested in their own formats")
    if urls and org:
        raise click.UsageError("--org only applies with a webhook ID")

    if hook_id:
        run = sample_event.send_to_webhook(runtime(ctx).session, hook_id, event=event, owner=org, timeout=timeout)
        for note in run.notes:
            click.echo(note, err=True)
    else:
        run = sample_event.send_to_urls(list(urls), fmt=fmt, event=event, timeout=timeout)

    if as_json:
        click.echo(render.to_json({"event": run.event, "deliveries": [r.to_dict() for r in run.deliveries]}))
    else:
        for result in run.deliveries:
            click.echo(_line(result))
    error = sample_event.failure(run, event)
    if error is not None:
        raise error
    click.echo(f"All {len(run.deliveries)} URL(s) accepted the {event} sample.", err=True)
