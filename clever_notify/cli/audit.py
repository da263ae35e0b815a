"""`clever notifications audit`: is every application covered, and is every hook sound? Exit 5 on a finding."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS
from clever_notify.cli import params as p
from clever_notify.errors import InputError

AUDIT_FORMATS = click.Choice(["human", "json", "junit"], case_sensitive=False)


class IgnoreList(p.CommaList):
    """RULE[:WHAT][,…]: rules of hooks/audit_rules.py, checked before any request."""

    name = "rule"

    def parse(self, items: list[str], typed: str) -> list:
        from clever_notify.hooks.audit_rules import parse_ignore

        return [parse_ignore(item) for item in items if item]

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        from clever_notify.hooks.audit_rules import RULE_IDS

        head, _, last = incomplete.rpartition(",")
        prefix = head + "," if head else ""
        return [CompletionItem(prefix + r) for r in RULE_IDS if r.startswith(last.strip().lower())]


def _rules_help() -> str:
    from clever_notify.hooks.audit_rules import RULES

    return "\n".join(f"  {r.id:<18} {r.finds}" for r in RULES)


HELP = """Audit hooks: is every application covered, and can every hook work?

Exit 0 when nothing is found, 5 when something is (1 API error, 3 not logged in,
4 unknown --org). Reads one /v2/summary and each owner's two lists, nothing per
hook: 1 + owners x 2 requests. Without --org it audits every owner, as
--all-owners does: coverage is about all of them. A finding names its rule, owner,
hook or service, says what is wrong in one sentence, and gives the command that
fixes it where one exists (run it as printed).

\b
Rules (docs/audit.md says why each matters):
{rules}

\b
--ignore RULE or RULE:WHAT (WHAT: an owner, hook or service, by name or id) leaves
findings out; so does the `audit: {{ignore: […]}}` section of the notifications
file given with --file (only that section is read). -F json: a list of findings;
-F junit: a JUnit XML report for GitLab or Jenkins (a test suite per rule).

\b
Examples:
  clever notifications audit
  clever notifications audit --org Acme --org self
  clever notifications audit --ignore plain-http,duplicate-hook:"Shop releases"
  clever notifications audit --file notifications.yml -F junit > audit.xml
  clever notifications audit -F json | jq -r '.[].fix // empty'
"""


def _help() -> str:
    return HELP.format(rules=_rules_help())


class _AuditCommand(click.Command):
    """Its help lists the rules: read when the help is shown, so that loading the command line (for any
    command) does not load the rules."""

    @property
    def help(self) -> str:
        return _help()

    @help.setter
    def help(self, value) -> None:
        pass


@click.command("audit", cls=_AuditCommand, context_settings=CONTEXT_SETTINGS)
@click.option("-o", "--org", "--owner", "orgs", multiple=True, metavar="ORG", callback=p.no_empty_org,
              help="An owner to audit: organisation name or id, or `self` (repeatable). Default: every owner.")
@click.option("--all-owners", is_flag=True, help="Audit your own account and every organisation (the default).")
@click.option("--ignore", "ignore", type=IgnoreList(), multiple=True, metavar="RULE[:WHAT][,…]",
              help="Leave out these findings: a rule, or a rule and an owner, hook or service (repeatable).")
@click.option("--file", "nac_file", metavar="FILE",
              help="A notifications file whose `audit: {ignore: […]}` section lists more findings to leave out.")
@click.option("--since", "window_ms", type=p.DURATION, default="24h", show_default=True, metavar="DURATION",
              help="How recent a delivery failure makes a webhook unhealthy (as `webhooks check --since`).")
@click.option("-F", "--format", "output_format", type=AUDIT_FORMATS, default=None,
              help="Output format: human (the default), json, or junit (JUnit XML).")
@p.json_option
@click.pass_context
def audit_command(ctx, orgs, all_owners, ignore, nac_file, window_ms, output_format, as_json):
    import os
    import time

    from clever_notify.cli.malformed_hooks import report
    from clever_notify.cli.runtime import runtime
    from clever_notify.errors import ApiError, Unhealthy
    from clever_notify.hooks.audit_rules import parse_ignore
    from clever_notify.operations import audit
    from clever_notify.output import audit as words
    from clever_notify.output import render

    if orgs and all_owners:
        raise click.UsageError("--org and --all-owners cannot be used together", ctx=ctx)
    if as_json and output_format and output_format.lower() != "json":
        raise click.UsageError(f"--json and -F {output_format} contradict each other: give one", ctx=ctx)
    output = "json" if as_json else (output_format or "human").lower()
    ignores = [i for chunk in ignore for i in chunk]
    if nac_file:
        from clever_notify.notifications_file.audit_section import read_ignore

        ignores += [parse_ignore(entry) for entry in read_ignore(nac_file, os.environ)]
    rt = runtime(ctx)
    started = time.monotonic()
    result = _run(rt, audit, list(orgs), window_ms, ignores)
    duration = time.monotonic() - started

    def command(argv: tuple[str, ...]) -> str:
        return rt.command_line(*argv)

    if output == "json":
        click.echo(render.to_json(words.as_json(result.findings, command)))
    elif output == "junit":
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        click.echo(words.junit(result, command=command, timestamp=stamp, hostname=_host(rt),
                               duration_s=duration), nl=False)
    else:
        out = rt.out()
        for line in words.human(result.findings, command):
            out.line(line)
    for owner, error in result.unread:
        click.echo(render.printable(rt.scrub(f"Error: cannot read the hooks of {owner.label}: {error}")), err=True)
    for owner, kind, items in result.malformed:
        report(rt, kind, owner.label, items)
        click.echo(render.printable(f"{owner.label}: uncovered-app is not checked there (a {kind.noun} could not "
                                    "be read)."), err=True)
    click.echo(render.printable(words.summary(result, ignored=len(result.ignored))), err=True)
    if result.findings:
        # Definite news beats an incomplete read: 5 even if an owner could not be read.
        raise Unhealthy(f"the audit found {words.counts(result.findings)}.")
    if result.unread or result.malformed:
        owners = len({o.id for o, _ in result.unread} | {o.id for o, _, _ in result.malformed})
        raise ApiError(f"could not read every hook of {owners} owner{'s' if owners != 1 else ''} (see above); "
                       "nothing was found in what was read.")


def _run(rt, audit, owners, window_ms, ignores):
    """The audit, with a progress bar on a terminal when there are many owners (an owner is done when both its
    lists are)."""
    from clever_notify.cli.all_owners import progress

    count = len(owners) if owners else len(rt.session.summary().owners())  # the summary is read once
    with progress(count, "hooks") as advance:
        lists = iter(range(2 * count))

        def done():
            if next(lists, 0) % 2:
                advance(None)

        return audit.audit(rt.session, owners, ignore=ignores, since=window_ms, on_done=done)


def _host(rt) -> str:
    """Where the audit read from, for the JUnit report's `hostname`: the API's host, `sandbox` in the sandbox."""
    if rt.sandbox:
        return "sandbox"
    try:
        from clever_notify.guards.urls import parse_api_host

        return parse_api_host(rt.session.settings.api_host).host
    except InputError:
        return "localhost"
