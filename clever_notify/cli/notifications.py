"""`clever notifications export|plan|apply|schema`: the hooks of one or more owners as a reviewed file."""

from __future__ import annotations

import os
import sys

import click

from clever_notify.cli import CONTEXT_SETTINGS, Group
from clever_notify.cli import params as p
from clever_notify.cli.runtime import runtime
from clever_notify.errors import CleverNotifyError, ExitCode, InputError

_format_options = p.output_format_option  # -F human|json and --json, given as `output`


def _hint(rt, command: str) -> str:
    """A command to paste: the same program, and in sandbox mode --sandbox, so it acts where this one did."""
    import shlex

    return rt.command_line(*shlex.split(command))


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS, subcommand_metavar="COMMAND [ARGS]...")
def notifications():
    """Notifications as code: keep every hook in a reviewed file, plan and apply it.

    \b
    `export` writes the hooks of owners as a file; `plan FILE` shows what applying
    it would change (exit codes for CI with --detailed-exitcode); `apply FILE` makes
    the API match the file, and a second apply sends nothing; `schema` prints the
    file's JSON Schema for editors.

    \b
    Examples:
      clever notifications export --org Acme --output notifications.yml
      clever notifications plan notifications.yml
      clever notifications plan notifications.yml --detailed-exitcode
      clever notifications apply notifications.yml --prune --yes
      clever notifications schema > notifications.schema.json
    """


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


def _load(rt, file: str, output_json: bool):
    """The checked file, the plan's inputs and the plan; every problem of the file refused with exit 2."""
    from clever_notify.notifications_file import desired as desired_file
    from clever_notify.notifications_file.remote import owner_inputs
    from clever_notify.notifications_file.source import MAX_FILE_BYTES

    text = None
    if file == "-":
        text = sys.stdin.read(MAX_FILE_BYTES + 1)  # one more than allowed: the reader says it is too large
    try:
        wanted = desired_file.read(file, os.environ, text=text)
    except desired_file.FileInvalid as exc:
        _print_problems(exc, output_json)
        raise
    for warning in wanted.warnings:
        click.echo(warning.located(wanted.name).replace(": warning: ", ": "), err=True)
    return wanted, owner_inputs, desired_file


def _print_problems(exc, output_json: bool) -> None:
    if output_json:
        from clever_notify.output import render

        click.echo(render.to_json({"valid": False, "problems": exc.as_json()}))


def _readers(rt) -> int:
    """Concurrent list reads: the in-process sandbox answers without latency, so threads would only contend."""
    from clever_notify.api.bounded_reads import MAX_READERS

    return 1 if rt.sandbox else MAX_READERS


def _plan(rt, file: str, prune: bool, output_json: bool):
    from clever_notify.hooks.plan import make_plan
    from clever_notify.notifications_file.source import Problem

    wanted, owner_inputs, desired_file = _load(rt, file, output_json)
    try:
        inputs, resolved = owner_inputs(rt.client, wanted, workers=_readers(rt))
        plan = make_plan(inputs, prune=prune)
        _ids_fit_in_paths(plan)
        from clever_notify.output.plan import hide_urls_replaced_by_variables

        hide_urls_replaced_by_variables(plan, wanted.document.expanded)
        if plan.refusals:
            doc = wanted.document
            raise wanted.refuse([Problem(where, doc.line(where), why) for where, why in plan.refusals])
    except desired_file.FileInvalid as exc:
        _print_problems(exc, output_json)
        raise
    names = {r.owner_id: r.service_names for r in resolved}
    return wanted, plan, names


def _ids_fit_in_paths(plan) -> None:
    """A hook the plan changes must have an id that can go in a URL path: the API's fault otherwise (exit 1),
    found before anything is sent, not half-way through an apply (listings still show such a hook)."""
    from clever_notify.errors import ApiError
    from clever_notify.guards.ids import is_well_formed_id
    from clever_notify.output.render import printable

    for action in plan.actions:
        if action.hook_id is not None and not is_well_formed_id(action.hook_id):
            raise ApiError(printable(
                f"unexpected answer from the API: the {action.kind.noun} {action.name!r} at {action.owner} has "
                f"the id {action.hook_id[:80]!r}, which cannot go in a URL path; nothing was sent."))


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
        wanted, plan, names = _plan(rt, file, prune, output_json)
    except CleverNotifyError as exc:
        if detailed_exitcode:
            exc.exit_code = ExitCode.API  # 2 means "changes" here: every error is 1
        raise
    mask = wanted.document.mask()
    if out is not None:
        _save_plan(rt, out, file, wanted, plan, names, prune, detailed_exitcode)
    if output_json:
        click.echo(render.to_json(words.plan_json(plan, mask)))
    elif output == "markdown":
        from clever_notify.output.plan_markdown import plan_markdown

        click.echo(plan_markdown(plan, mask, names, prune=prune), nl=False)
    else:
        click.echo(words.human(plan, mask, names, prune=prune))
        if plan.changes:
            prune_flag = " --prune" if prune else ""
            again = _quote(out) if out is not None else f"{_quote(file)}{prune_flag}"
            click.echo(f"To apply it: {_hint(rt, f'notifications apply {again}')}", err=True)
    if detailed_exitcode and plan.changes:
        ctx.exit(2)


def _save_plan(rt, out: str, file: str, wanted, plan, names, prune: bool, detailed_exitcode: bool) -> None:
    from clever_notify.operations.saved_plans import save

    try:
        save(out, plan, wanted.document.variables, api_host=rt.client.settings.api_host, file=file, prune=prune,
             service_names=names)
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
    from clever_notify.output import plan as words
    from clever_notify.output import render
    from clever_notify.writes.executor import ApplyFailed, done_line, execute

    output_json = output == "json"
    rt = runtime(ctx)
    saved = _saved_plan(file)
    if saved is not None:  # exactly what was reviewed, if nothing it touches changed since
        from clever_notify.operations.saved_plans import fresh_plan

        if prune:
            raise click.UsageError("a saved plan says itself whether it deletes: give --prune to `plan --out`")
        plan, mask = fresh_plan(rt.client, saved, os.environ, _readers(rt))
        names, prune, yes = saved.service_names, saved.prune, True  # its review was the confirmation
    else:
        wanted, plan, names = _plan(rt, file, prune, output_json)
        mask = wanted.document.mask()
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
    # One recording transport serves every --dry-run: the same code runs, its changes are recorded, not sent.
    client = rt.recording_client(dry_run=True) if dry_run else rt.client

    def report(n, total, step):
        if dry_run:
            step.status = "dryRun"
            click.echo(f"would {words.step_words(step.action, mask, done=False)}", err=True)
        else:
            click.echo(done_line(n, total, step, mask), err=True)

    from functools import partial

    from clever_notify.operations.webhook_state import set_state

    try:  # a webhook's state changes as `webhooks enable|disable` changes it
        steps = execute(client, plan, mask, report, partial(set_state, dry_run=dry_run))
    except ApplyFailed as exc:
        if output_json:
            click.echo(render.to_json(_apply_json(plan, exc.steps, mask, dry_run)))
        raise
    if output_json:
        click.echo(render.to_json(_apply_json(plan, steps, mask, dry_run)))
    elif dry_run:
        for request in client.transport.changes:
            click.echo(f"\n{request['method']} {request['path']}")
            if "body" in request:
                click.echo(render.to_json(mask.value(request["body"])))
    if dry_run:
        click.echo("Dry run: nothing was sent.", err=True)
    else:
        click.echo(f"Applied: {plan.count('create')} created, {plan.count('update')} updated, "
                   f"{plan.count('delete')} deleted.", err=True)


def _saved_plan(file: str):
    """The saved plan FILE holds, or None for a notifications file (whose reader reports any problem)."""
    if file == "-":
        return None
    from pathlib import Path

    from clever_notify.config.files import read_regular
    from clever_notify.notifications_file.source import MAX_FILE_BYTES
    from clever_notify.operations.saved_plans import read_saved_plan

    try:
        text = read_regular(Path(file), MAX_FILE_BYTES).decode("utf-8-sig")
    except (OSError, ValueError):
        return None
    return read_saved_plan(file, text)


def _apply_json(plan, steps, mask, dry_run: bool) -> dict:
    from clever_notify.output import plan as words

    out = {**words.plan_json(plan, mask), "dryRun": dry_run}
    out["steps"] = [{**words.action_json(s.action, mask), "status": s.status, "createdId": s.created_id,
                     "error": s.error} for s in steps]
    return out


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
    own account. Hooks are sorted by name and every list is sorted; services are
    written by name when the owner has one service of that name. `plan` of the
    exported file against the same state shows no change. -F json (or a FILE ending
    in .json) writes JSON instead of YAML.

    \b
    Examples:
      clever notifications export --output notifications.yml
      clever notifications export -o Acme -o self --output notifications.yml
      clever notifications export --all-owners --url-placeholders --output notifications.yml
    """
    from clever_notify.notifications_file import export

    if orgs and all_owners:
        raise click.UsageError("--org and --all-owners cannot be used together")
    rt = runtime(ctx)
    owners = _export_owners(rt, list(orgs), all_owners)
    from clever_notify.notifications_file.remote import read_hooks

    state = read_hooks(rt.client, [o.owner_id for o in owners], _readers(rt))
    for o in owners:
        o.hooks = state[o.owner_id]
    data, placeholders = export.document(owners, placeholders=url_placeholders)
    as_json_file = output == "json" or (output_file or "").lower().endswith(".json")
    text = export.to_json(data) if as_json_file else export.to_yaml(data)
    if output_file:
        from pathlib import Path

        from clever_notify.config.files import replace_file

        try:  # created beside it, then renamed: a link planted at that name is replaced, not written through
            replace_file(Path(output_file), text.encode("utf-8"))
        except OSError as exc:
            raise InputError(f"cannot write {output_file}: {exc.strerror or exc}") from None
        count = sum(len(h) for o in owners for h in o.hooks.values())
        click.echo(f"Wrote {output_file}: {count} hook{'s' if count != 1 else ''} of {len(owners)} "
                   f"owner{'s' if len(owners) != 1 else ''}.", err=True)
    else:
        click.echo(text, nl=False)
    if placeholders:
        click.echo("Set these variables (each holds the URL of the webhook named) before plan or apply:", err=True)
        from clever_notify.output.render import printable

        for ph in placeholders:
            click.echo(printable(f"  {ph.variable}  ({ph.owner}: {ph.hook})"), err=True)


def _export_owners(rt, orgs: list[str], all_owners: bool):
    from clever_notify.notifications_file.export import ExportOwner, unique_service_names
    from clever_notify.owners import resolve as owner_ids
    from clever_notify.owners import services

    client = rt.client
    summary = client.get_summary()
    user = summary.get("user") if isinstance(summary.get("user"), dict) else {}
    first: dict[str, dict] = {}  # organisations with a string id, each once (a name is unique among these)
    for o in summary.get("organisations") or []:
        if isinstance(o, dict) and isinstance(o.get("id"), str):
            first.setdefault(o["id"], o)
    organisations = list(first.values())
    if all_owners:  # the owners as the `--all-owners` listings take them
        from clever_notify.owners.sweep import owners_of

        ids = [o.id for o in owners_of(summary)]
        from clever_notify.errors import ApiError
        from clever_notify.guards.ids import is_well_formed_id
        from clever_notify.output.render import printable

        bad = next((i for i in ids if not is_well_formed_id(i)), None)
        if bad is not None:  # the API's answer, not the user's input: exit 1, as the listings say it
            raise ApiError(printable(f"unexpected answer from the API for /v2/summary: the owner id {bad[:80]!r} "
                                     "cannot go in a URL path; nothing was exported."))
    elif orgs:
        ids = []
        for org in orgs:
            owner_id = str(user.get("id")) if org == "self" else owner_ids.resolve_org(client, org)
            if owner_id not in ids:
                ids.append(owner_id)
    else:
        ids = [rt.target(None, use_linked_app=True).owner_id]
    name_count: dict[str, int] = {}
    for o in organisations:
        name_count[str(o.get("name"))] = name_count.get(str(o.get("name")), 0) + 1
    out = []
    for owner_id in ids:
        if owner_id == user.get("id"):
            key = "self"
        else:
            entry = next((o for o in organisations if o["id"] == owner_id), None)
            name = entry.get("name") if entry else None
            # A name that is unique and cannot be mistaken for an id or `self` identifies the owner in the file.
            usable = isinstance(name, str) and name.strip() and name_count.get(name) == 1 and name != "self" \
                and not owner_ids.is_owner_id(name) and "$" not in name
            key = name if usable else owner_id
        try:
            owned = services.owner_in(summary, owner_id).services
        except CleverNotifyError:
            owned = ()
        out.append(ExportOwner(key, owner_id, {}, unique_service_names(owned)))
    return out
