"""Saving a plan (`plan --out PLANFILE`) and making one ready to apply (`apply PLANFILE`).

    save(session, planned, "plan.json", file="notifications.yml")   # planned: operations/notifications.plan
    saved = read_plan_file("plan.json")     # None: not a saved plan (a notifications file)
    fresh = fresh_plan(session, saved)      # StalePlan unless every hook touched is as read; then
    operations.notifications.apply(session, fresh)   # sends exactly the saved requests

Applying a saved plan sends exactly the requests it holds, after reading again the lists of the owners and
kinds it touches (one request per pair) and checking each hook it updates or deletes against the fingerprint
of the hook as the plan read it, each create against a hook of the same name appearing, and each `${VAR}`
against the digest of the value the plan saw. Any difference: StalePlan (exit 1), nothing sent.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from clever_notify.api.bounded_reads import read_each
from clever_notify.errors import InputError
from clever_notify.guards.masks import Mask
from clever_notify.hooks.plan import Plan
from clever_notify.notifications_file import saved_plan
from clever_notify.notifications_file.saved_plan import SavedPlan


def read_saved_plan(name: str, text: str) -> SavedPlan | None:
    """The saved plan in `text`, or None when `text` is not one (a notifications file, YAML or JSON)."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None  # the notifications file's reader says what is wrong with it
    if not saved_plan.looks_saved(data):
        return None
    return saved_plan.read(data, name)


@dataclass
class FreshPlan:
    """A saved plan checked against the API now, ready for operations/notifications.apply (as a Planned is)."""

    saved: SavedPlan
    plan: Plan
    mask: Mask
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    prune: bool = False


def read_plan_file(path: str | os.PathLike) -> SavedPlan | None:
    """The saved plan in the file at `path`, or None when it holds something else (a notifications file)."""
    from pathlib import Path

    from clever_notify.config.files import read_regular
    from clever_notify.notifications_file.source import MAX_FILE_BYTES

    try:
        text = read_regular(Path(path), MAX_FILE_BYTES).decode("utf-8-sig")
    except (OSError, ValueError):
        return None  # the notifications file's reader says what is wrong with it
    return read_saved_plan(str(path), text)


def save(session, planned, path: str | os.PathLike, *, file: str) -> None:
    """Write `planned` (operations/notifications.plan's answer) to `path`, created beside it then renamed."""
    from pathlib import Path

    from clever_notify.config.files import replace_file

    text = saved_plan.to_text(planned.plan, planned.wanted.document.variables, api_host=session.settings.api_host,
                              file=file, prune=planned.prune, service_names=planned.names)
    try:
        replace_file(Path(path), text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def fresh_plan(session, saved: SavedPlan) -> FreshPlan:
    """The saved plan ready to send. InputError when it was made against another API or a variable is unset
    (exit 2); StalePlan when anything it touches changed (exit 1). Nothing is sent."""
    api_host = session.settings.api_host
    if saved.api_host.rstrip("/") != api_host.rstrip("/"):
        raise InputError(f"{saved.name} was planned against {saved.api_host}, not {api_host}: apply it there, or "
                         "plan again; nothing was sent")
    values = saved.check_variables(session.env)
    plan = saved.plan(values)
    pairs = saved.touched()
    client = session.client
    outcomes = read_each(pairs, lambda pair: client.list_hooks(pair[1], pair[0]), max_workers=session.readers)
    lists = {}
    for pair, outcome in zip(pairs, outcomes, strict=True):
        if outcome.error is not None:
            raise outcome.error
        lists[pair] = outcome.value
    saved.check_fresh(lists)
    # the lists just checked are the ones the writes start from (the executor tells what a create made by id)
    plan.listed = {(kind, owner_id): hooks for (owner_id, kind), hooks in lists.items()}
    return FreshPlan(saved, plan, Mask(values), saved.service_names, saved.prune)
