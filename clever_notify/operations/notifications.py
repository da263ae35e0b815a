"""Notifications as code: read a notifications file, plan it against the API, apply the plan, export the API.

    wanted = read_file("notifications.yml")                  # FileInvalid (exit 2) with every problem located
    planned = plan(session, wanted, prune=True)             # reads each owner's two lists, sends no change
    steps = apply(session, planned, on_step=print_step)     # creates, then updates, then deletes
    exported = export(session, owners=["Acme", "self"])     # the API's hooks as a file's document

The file's format is notifications_file/; the comparison is hooks/plan.py (pure data); the words are
output/plan.py; the writes go through writes/. No click and no printing: the command line
(cli/notifications.py) and the Python API (facade.py) report what these return.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clever_notify.guards.masks import Mask
    from clever_notify.hooks.plan import Plan
    from clever_notify.notifications_file.desired import DesiredFile
    from clever_notify.notifications_file.export import ExportOwner, Placeholder
    from clever_notify.operations.session import Session


# --- plan --------------------------------------------------------------------------------------------


def read_file(file: str | os.PathLike, env: Mapping[str, str] | None = None, *, text: str | None = None) -> DesiredFile:
    """The checked file (or `text`, read from stdin by the caller): FileInvalid with every problem located."""
    from clever_notify.notifications_file import desired
    from clever_notify.notifications_file.source import collector_paused

    with collector_paused():
        return desired.read(str(file), os.environ if env is None else env, text=text)


@dataclass
class Planned:
    """A plan and what it was made from: the file (its mask hides the values read from ${VAR}) and the
    owners' service names (id → name) for the words."""

    wanted: DesiredFile
    plan: Plan
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    prune: bool = False

    @property
    def mask(self) -> Mask:
        return self.wanted.document.mask()

    @property
    def changes(self) -> bool:
        return bool(self.plan.changes)

    def as_json(self) -> dict:
        """The plan as `notifications plan -F json` prints it (values read from ${VAR} shown as ${VAR})."""
        from clever_notify.output.plan import plan_json

        return plan_json(self.plan, self.mask)

    def __str__(self) -> str:
        """The plan in words, as `notifications plan` prints it."""
        from clever_notify.output.plan import human

        return human(self.plan, self.mask, self.names, prune=self.prune)


def plan(session: Session, wanted: DesiredFile, *, prune: bool = False) -> Planned:
    """Resolve the file's owners and services, read each owner's two lists, compare. Sends no change.
    A name that matches nothing, or a hook the plan cannot act on, is a located problem (FileInvalid)."""
    from clever_notify.hooks.plan import make_plan
    from clever_notify.notifications_file.remote import owner_inputs
    from clever_notify.notifications_file.source import Problem, collector_paused
    from clever_notify.output.plan import hide_urls_replaced_by_variables

    mask = wanted.document.mask()
    if mask:  # an API message quoting a ${VAR}'s value (a URL with its token) is masked before it is cut
        session.client.transport.hide(mask.text)
    with collector_paused():
        inputs, resolved = owner_inputs(session.client, wanted, workers=session.readers)
        made = make_plan(inputs, prune=prune)
    ids_fit_in_paths(made)
    hide_urls_replaced_by_variables(made, wanted.document.expanded)
    if made.refusals:
        doc = wanted.document
        raise wanted.refuse([Problem(where, doc.line(where), why) for where, why in made.refusals])
    return Planned(wanted, made, {r.owner_id: r.service_names for r in resolved}, prune)


def ids_fit_in_paths(made: Plan) -> None:
    """A hook the plan changes must have an id that can go in a URL path: the API's fault otherwise (exit 1),
    found before anything is sent, not half-way through an apply (listings still show such a hook)."""
    from clever_notify.errors import ApiError
    from clever_notify.guards.ids import is_well_formed_id
    from clever_notify.guards.sanitise import for_terminal

    for action in made.actions:
        if action.hook_id is not None and not is_well_formed_id(action.hook_id):
            raise ApiError(for_terminal(
                f"unexpected answer from the API: the {action.kind.noun} {action.name!r} at {action.owner} has "
                f"the id {action.hook_id[:80]!r}, which cannot go in a URL path; nothing was sent."))


# --- apply -------------------------------------------------------------------------------------------


@dataclass
class Applied:
    """The steps run (each with its status), and the changes sent (or, in a dry run, that would be)."""

    steps: list
    requests: list[dict]
    dry_run: bool


def apply(session: Session, planned: Planned, *, dry_run: bool = False,
          on_step: Callable[[int, int, Any], None] | None = None, finish: str = "") -> Applied:
    """Run the plan: creates, then updates, then deletes; `on_step(n, total, step)` as each one is done.
    The first failure stops it (WriteFailed: what was done, what was not, and `finish`, the command that
    finishes the job; running it again converges)."""
    from functools import partial

    from clever_notify.operations.webhook_state import set_state
    from clever_notify.writes.executor import execute

    # One recording transport serves every dry run: the same code runs, its changes are recorded, not sent.
    client = session.recording_client(dry_run=True) if dry_run else session.client

    def report(n: int, total: int, step) -> None:
        if dry_run:
            step.status = "dryRun"
        if on_step is not None:
            on_step(n, total, step)

    # a webhook's state changes as `webhooks enable|disable` changes it
    steps = execute(client, planned.plan, planned.mask, report, partial(set_state, dry_run=dry_run), finish=finish)
    return Applied(steps, client.transport.changes if dry_run else [], dry_run)


# --- export ------------------------------------------------------------------------------------------


@dataclass
class Exported:
    owners: list[ExportOwner]
    document: dict
    placeholders: list[Placeholder]

    @property
    def hook_count(self) -> int:
        return sum(len(h) for o in self.owners for h in o.hooks.values())

    def text(self, *, as_json: bool = False) -> str:
        from clever_notify.notifications_file import export

        return export.to_json(self.document) if as_json else export.to_yaml(self.document)


def export(session: Session, owners: list[str] | None = None, *, all_owners: bool = False,
           url_placeholders: bool = False) -> Exported:
    """The hooks of `owners` (names, ids or `self`; left out: the linked application's owner, else yours),
    or of every owner, as a notifications file's document."""
    from clever_notify.errors import InputError
    from clever_notify.notifications_file import export as export_file
    from clever_notify.notifications_file.remote import read_hooks

    if owners and all_owners:
        raise InputError("--org and --all-owners cannot be used together")
    chosen = export_owners(session, list(owners or []), all_owners)
    state = read_hooks(session.client, [o.owner_id for o in chosen], session.readers)
    for o in chosen:
        o.hooks = state[o.owner_id]
    document, placeholders = export_file.document(chosen, placeholders=url_placeholders)
    return Exported(chosen, document, placeholders)


def export_owners(session: Session, orgs: list[str], all_owners: bool) -> list[ExportOwner]:
    """The owners to export, each with the key the file names it by (`self`, else its id), its name, and the
    service names it can use."""
    from clever_notify.errors import ApiError
    from clever_notify.guards.ids import is_well_formed_id
    from clever_notify.guards.sanitise import for_terminal
    from clever_notify.notifications_file.export import ExportOwner, unique_service_names
    from clever_notify.owners.resolve import is_owner_id

    summary = session.summary()
    user_id = summary.user_or_none.id if summary.user_or_none else None
    if all_owners:  # the owners as the `--all-owners` listings take them
        ids = [o.id for o in session.all_owners()]
        bad = next((i for i in ids if not is_well_formed_id(i)), None)
        if bad is not None:  # the API's answer, not the user's input: exit 1, as the listings say it
            raise ApiError(for_terminal(f"unexpected answer from the API for /v2/summary: the owner id {bad[:80]!r} "
                                        "cannot go in a URL path; nothing was exported."))
    elif orgs:
        ids = []
        for org in orgs:
            owner_id = str(user_id) if org == "self" else org if is_owner_id(org) else summary.organisation_id(org)
            if owner_id not in ids:
                ids.append(owner_id)
    else:
        ids = [session.owner(None, use_linked_app=True).owner_id]
    out = []
    for owner_id in ids:
        # By id, never by a name another owner could take; its name beside it, checked by plan (and `self`
        # for your own account, with its id: applied with another account's credentials, plan refuses it).
        key = "self" if owner_id == user_id else owner_id
        entry = summary.find(owner_id)  # by id, at once: --all-owners may export thousands
        name = entry.raw.get("name") if entry else None
        owned = entry.services if entry else ()
        out.append(ExportOwner(key, owner_id, {}, unique_service_names(owned), owned,
                               name if isinstance(name, str) else None))
    return out


def write_file(path: str | os.PathLike, text: str) -> None:
    """Created beside it, then renamed: a link planted at that name is replaced, not written through."""
    from clever_notify.config.files import replace_file
    from clever_notify.errors import InputError

    try:
        replace_file(Path(path), text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
