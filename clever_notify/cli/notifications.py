"""`clever notifications export|plan|apply|schema`: the hooks of one or more owners as a reviewed file."""

from __future__ import annotations

import sys

import click

from clever_notify.cli import CONTEXT_SETTINGS, Group, keep_until_exit
from clever_notify.cli import params as p
from clever_notify.cli.runtime import runtime
from clever_notify.errors import CleverNotifyError, ExitCode, InputError

_format_options = p.output_format_option  # -F human|json and --json, given as `output`


def _hint(rt, command: str) -> str:
    """A command to paste: the same program, and in sandbox mode --sandbox, so it acts where this one did."""
    import shlex

    return rt.command_line(*shlex.split(command))


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS, subcommand_metavar="COMMAND [ARGS]...")
@click.pass_context
def notifications(ctx):
    """Notifications as code: keep every hook in a reviewed file, plan and apply it.

    \b
    `export` writes the hooks of owners as a file; `plan FILE` shows what applying
    it would change (exit codes for CI with --detailed-exitcode); `apply FILE` makes
    the API match the file, and a second apply sends nothing; `schema` prints the
    file's JSON Schema for editors; `audit` finds applications no hook covers and
    hooks that cannot work (exit 5), with the commands that fix them.

    \b
    Examples:
      clever notifications export --org Acme --output notifications.yml
      clever notifications plan notifications.yml
      clever notifications plan notifications.yml --detailed-exitcode
      clever notifications apply notifications.yml --prune --yes
      clever notifications schema > notifications.schema.json
      clever notifications audit --file notifications.yml -F junit > audit.xml
    """
    # The cyclic collector paused until the command ends, not only while the file and the plan are built: each
    # time it ran in between (after the file, after the plan) it walked them all to free nothing (a sixth of a
    # 20,000-hook plan). It runs again, as it was, when the command's context closes.
    from clever_notify.notifications_file.source import collector_paused

    ctx.with_resource(collector_paused())


# --- schema --------------------------------------------------------------------------------------


@notifications.command("schema", context_settings=CONTEXT_SETTINGS)
@click.option("--json", "as_json", is_flag=True, help="Accepted for uniformity: the schema is always JSON.")
def schema(as_json):
    """Print the notifications file's JSON Schema, so editors check and complete it.

    \b
    Examples:
      clever notifications schema > notifications.schema.json
      # first line of a YAML file, for editors using yaml-language-server:
      # yaml-language-server: $schema=notifications.schema.json
    """
    from clever_notify.notifications_file.rules import json_schema
    from clever_notify.output import render

    click.echo(render.to_json(json_schema()))


# --- plan ----------------------------------------------------------------------------------------


class _DetailedExitCommand(click.Command):
    """With --detailed-exitcode, 2 means "changes": a usage error must then exit 1, as terraform's does."""

    def parse_args(self, ctx, args):
        detailed = "--detailed-exitcode" in args
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if detailed:
                exc.exit_code = ExitCode.API
            raise


def _plan(rt, file: str, prune: bool, output_json: bool):
    """The checked file and its plan (operations/notifications.py); every problem of the file is refused with
    exit 2, listed on stdout too with -F json."""
    from clever_notify.notifications_file.desired import FileInvalid
    from clever_notify.notifications_file.source import MAX_FILE_BYTES
    from clever_notify.operations import notifications as ops

    text = None
    if file == "-":
        text = sys.stdin.read(MAX_FILE_BYTES + 1)  # one more than allowed: the reader says it is too large
    try:
        wanted = ops.read_file(file, text=text)
    except FileInvalid as exc:
        _print_problems(exc, output_json)
        raise
    _hide(rt, wanted.document.mask())
    for warning in wanted.warnings:
        click.echo(warning.located(wanted.name).replace(": warning: ", ": "), err=True)
    known = len(wanted.warnings)
    try:
        planned = ops.plan(rt.session, wanted, prune=prune)
    except FileInvalid as exc:
        _print_problems(exc, output_json)
        raise
    mask = wanted.document.mask()
    # found with the API's help: an event or format only it knows, a service given by its name and its id
    for warning in wanted.warnings[known:]:
        click.echo(mask.text(warning.located(wanted.name).replace(": warning: ", ": ")), err=True)
    return planned


def _hide(rt, mask, *, in_messages: bool = False) -> None:
    """From here on, whatever prints a ${VAR}'s value (in any spelling, or cut) shows ${VAR}: the command's
    output streams, and with `in_messages` the API's messages before they are cut (operations.plan does that
    for a file; the connection is not made here, so a file's problems come before a settings error)."""
    if not mask:
        return
    from clever_notify.guards.sanitise import hide_in_output

    hide_in_output(mask.text)
    if in_messages:
        rt.session.client.transport.hide(mask.text)


def _print_problems(exc, output_json: bool) -> None:
    if output_json:
        from clever_notify.output import render

        click.echo(render.to_json({"valid": False, "problems": exc.as_json()}))


@notifications.command("plan", cls=_DetailedExitCommand, context_settings=CONTEXT_SETTINGS)
@click.argument("file", metavar="FILE")
@click.option("--prune", is_flag=True,
              help="Also show the deletion of hooks missing from the file (only in the owner/kind sections it has).")
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 0 when nothing would change, 2 when something would, 1 on any error (as terraform).")
@click.option("--out", "out", metavar="PLANFILE",
              help="Also save the plan to PLANFILE (JSON, no secret in clear): `apply PLANFILE` then sends exactly "
                   "these changes, or refuses if anything they touch changed meanwhile.")
@p.output_format_option(also=("markdown",))
@click.pass_context
def plan_command(ctx, file, prune, detailed_exitcode, out, output):
    """Show what `apply FILE` would change; send no change.

    The whole file is checked first (keys, events, formats, URLs, recipients, every
    ${VAR} set, no name twice for one owner and kind) and refused with exit 2 and
    every problem located before any request. Then each owner's two lists are read
    once and each hook is shown as created (+), updated (~, `field: old → new`) or,
    with --prune, deleted (-). A value read from ${VAR} is shown as ${VAR}.
    A webhook the platform disabled is a change (`state: DISABLED → ENABLED`)
    unless the file says `state: DISABLED`. -F markdown prints a review for a
    pull-request comment or a CI job summary: counts first, each owner folded.
    FILE may be `-` (stdin).

    \b
    Examples:
      clever notifications plan notifications.yml
      clever notifications plan notifications.yml --prune -F json
      clever notifications plan notifications.yml -F markdown >> "$GITHUB_STEP_SUMMARY"
      clever notifications plan notifications.yml --out plan.json && clever notifications apply plan.json
      clever notifications plan notifications.yml --detailed-exitcode   # CI: 0 none, 2 changes, 1 error
    """
    from clever_notify.output import plan as words
    from clever_notify.output import render

    output_json = output == "json"
    rt = runtime(ctx)
    try:
        planned = _plan(rt, file, prune, output_json)
    except CleverNotifyError as exc:
        if detailed_exitcode:
            exc.exit_code = ExitCode.API  # 2 means "changes" here: every error is 1
        raise
    keep_until_exit(planned)
    plan, mask, names = planned.plan, planned.mask, planned.names
    if out is not None:
        _save_plan(rt, out, file, planned, detailed_exitcode)
    if output_json:
        click.echo(render.to_json(words.plan_json(plan, mask)))
    elif output == "markdown":
        from clever_notify.output.plan_markdown import plan_markdown

        click.echo(plan_markdown(plan, mask, names, prune=prune), nl=False)
    else:
        click.echo(words.human(plan, mask, names, prune=prune))
        if plan.changes:
            prune_flag = " --prune" if prune else ""
            if out is None and file == "-":  # standard input cannot be read twice: the hint names a file
                click.echo("To apply it, save the file and run: "
                           f"{_hint(rt, f'notifications apply FILE{prune_flag}')}", err=True)
            else:
                again = _quote(out) if out is not None else f"{_quote(file)}{prune_flag}"
                click.echo(f"To apply it: {_hint(rt, f'notifications apply {again}')}", err=True)
    if detailed_exitcode and plan.changes:
        ctx.exit(2)


def _save_plan(rt, out: str, file: str, planned, detailed_exitcode: bool) -> None:
    from clever_notify.operations.saved_plans import save

    try:
        save(rt.session, planned, out, file=file)
    except CleverNotifyError as exc:
        if detailed_exitcode:
            exc.exit_code = ExitCode.API
        raise
    click.echo(f"Saved the plan to {out}: `apply {out}` sends exactly these changes, after checking that "
               "nothing they touch changed.", err=True)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


# --- apply ---------------------------------------------------------------------------------------


def _can_ask() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


@notifications.command("apply", context_settings=CONTEXT_SETTINGS)
@click.argument("file", metavar="FILE")
@click.option("--prune", is_flag=True,
              help="Delete the hooks missing from the file, in the owner/kind sections it has "
                   "(`emails: []` deletes every e-mail notification of that owner; no `emails:` key keeps them).")
@click.option("--dry-run", is_flag=True, help="Read and plan, print the requests apply would send; send none.")
@click.option("--yes", "-y", is_flag=True, help="Delete without asking (needed to delete when not on a terminal).")
@_format_options
@click.pass_context
def apply_command(ctx, file, prune, dry_run, yes, output):
    """Make the API match FILE (or send the saved plan PLANFILE): create, update, delete.

    Checks and plans as `plan` does, then sends the plan's requests in order: every
    create first, then the updates (each hook sent back whole, with only the changed
    fields replaced), then the deletions, so a replaced hook never leaves a gap. Each
    step is reported on stderr as it happens. On a failure it stops, says what was
    done and what was not, and exits 1; running it again converges. A second apply
    of the same file sends no change at all. Deleting asks for confirmation on a
    terminal; elsewhere it needs --yes.

    Given a plan saved by `plan --out PLANFILE`, it sends exactly that plan's
    requests, without asking (the plan was the review), after checking that every
    hook it touches and every ${VAR} it used is as when it was planned; otherwise
    it refuses, sends nothing and exits 1 ("the plan is stale: plan again").

    \b
    Examples:
      clever notifications apply notifications.yml
      clever notifications apply plan.json          # saved by: plan notifications.yml --out plan.json
      clever notifications apply notifications.yml --dry-run
      clever notifications apply notifications.yml --prune --yes -F json
    """
    from clever_notify.operations import notifications as ops
    from clever_notify.output import plan as words
    from clever_notify.output import render
    from clever_notify.writes.outcome import WriteFailed, WriteInterrupted

    output_json = output == "json"
    rt = runtime(ctx)
    saved = _saved_plan(file)
    if saved is not None:  # exactly what was reviewed, if nothing it touches changed since
        from clever_notify.operations.saved_plans import fresh_plan

        if prune:
            raise click.UsageError("a saved plan says itself whether it deletes: give --prune to `plan --out`")
        planned = fresh_plan(rt.session, saved)
        _hide(rt, planned.mask, in_messages=True)
        yes = True  # its review was the confirmation
    else:
        planned = _plan(rt, file, prune, output_json)
    keep_until_exit(planned)
    plan, mask, names, prune = planned.plan, planned.mask, planned.names, planned.prune
    deletes = plan.count("delete")
    if not output_json:
        click.echo(words.human(plan, mask, names, prune=prune))
    if not plan.changes:
        if output_json:
            click.echo(render.to_json({**words.plan_json(plan, mask), "dryRun": dry_run, "steps": []}))
        return
    if deletes and not dry_run and not yes:
        if not _can_ask():
            raise InputError(
                f"the plan deletes {deletes} hook{'s' if deletes != 1 else ''}: pass --yes to confirm "
                "(there is no terminal to ask on); nothing was sent"
            )
        if not click.confirm(f"Delete {deletes} hook{'s' if deletes != 1 else ''} as shown above?", err=True):
            click.echo("Nothing was changed.", err=True)
            ctx.exit(ExitCode.API)

    def report(n, total, step):
        if dry_run:
            click.echo(f"would {words.step_words(step.action, mask, done=False)}", err=True)
        else:
            click.echo(words.done_line(n, total, step, mask), err=True)

    # The command that finishes the job after a failure: this one again (a saved plan would then be stale).
    finish = "" if saved is not None else _hint(rt, f"notifications apply {_quote(file)}{' --prune' if prune else ''}")
    try:
        applied = ops.apply(rt.session, planned, dry_run=dry_run, on_step=report, finish=finish)
    except (WriteFailed, WriteInterrupted) as exc:
        if output_json:
            click.echo(render.to_json(words.applied_json(plan, exc.steps, mask, dry_run)))
        raise
    if output_json:
        click.echo(render.to_json(words.applied_json(plan, applied.steps, mask, dry_run)))
    elif dry_run:
        click.echo("\n" + words.requests_text(applied.requests, mask))
    if dry_run:
        click.echo("Dry run: nothing was sent.", err=True)
    else:
        click.echo(f"Applied: {plan.count('create')} created, {plan.count('update')} updated, "
                   f"{plan.count('delete')} deleted.", err=True)


def _saved_plan(file: str):
    """The saved plan FILE holds, or None for a notifications file (whose reader reports any problem)."""
    from clever_notify.operations.saved_plans import read_plan_file

    return None if file == "-" else read_plan_file(file)


# --- export --------------------------------------------------------------------------------------


FILE_SUFFIXES = (".yml", ".yaml", ".json")


def _export_orgs(ctx, param, value):
    """-o is --org here as everywhere; in 0.1.0 it named the output file. A value that can only be a file
    (`-o notifications.yml`) is refused with the new spelling rather than looked up as an organisation."""
    for one in value or ():
        if one.lower().endswith(FILE_SUFFIXES):
            raise click.BadParameter(
                f"{one!r} looks like a file: -o is --org, as in every command; write the file with --output {one}",
                ctx, param)
    return p.no_empty_org(ctx, param, value)


@notifications.command("export", context_settings=CONTEXT_SETTINGS)
@click.option("-o", "--org", "--owner", "orgs", multiple=True, metavar="ORG", callback=_export_orgs,
              help="An owner to export: organisation name or id, or `self` (repeatable).")
@click.option("--all-owners", is_flag=True, help="Export your own account and every organisation you belong to.")
@click.option("--output", "--output-file", "output_file", metavar="FILE",
              help="Write to FILE (JSON when it ends in .json) instead of stdout.")
@click.option("--url-placeholders", is_flag=True,
              help="Write each webhook URL as ${WEBHOOK_URL_…} (URLs often hold tokens) and list the variables "
                   "to set on stderr.")
@_format_options
@click.pass_context
def export_command(ctx, orgs, all_owners, output_file, url_placeholders, output):
    """Write the hooks of owners as a notifications file: same state, same bytes.

    Without --org or --all-owners, the owner is the linked application's, else your
    own account. Owners are written by id with their name (your account as `self`
    with its id), which plan checks, so a file applied with another account's
    credentials is refused. Hooks are sorted by name and every list is sorted;
    services are written by name when the owner has one service of that name. `plan` of the
    exported file against the same state shows no change. -F json (or a FILE ending
    in .json) writes JSON instead of YAML.

    \b
    Examples:
      clever notifications export --output notifications.yml
      clever notifications export -o Acme -o self --output notifications.yml
      clever notifications export --all-owners --url-placeholders --output notifications.yml
    """
    from clever_notify.operations import notifications as ops

    if orgs and all_owners:
        raise click.UsageError("--org and --all-owners cannot be used together")
    exported = ops.export(runtime(ctx).session, list(orgs), all_owners=all_owners, url_placeholders=url_placeholders)
    as_json_file = output == "json" or (output_file or "").lower().endswith(".json")
    text = exported.text(as_json=as_json_file)
    if output_file:
        ops.write_file(output_file, text)
        count, owners = exported.hook_count, len(exported.owners)
        click.echo(f"Wrote {output_file}: {count} hook{'s' if count != 1 else ''} of {owners} "
                   f"owner{'s' if owners != 1 else ''}.", err=True)
    else:
        click.echo(text, nl=False)
    if exported.placeholders:
        click.echo("Set these variables (each holds the URL of the webhook named) before plan or apply:", err=True)
        from clever_notify.output.render import printable

        for ph in exported.placeholders:
            click.echo(printable(f"  {ph.variable}  ({ph.owner}: {ph.hook})"), err=True)


def _add_audit() -> None:
    from clever_notify.cli.audit import audit_command

    notifications.add_command(audit_command)


_add_audit()
