"""Saving a plan (`plan --out PLANFILE`) and making one ready to apply (`apply PLANFILE`).

    saved = read_saved_plan(path, text)            # None: not a saved plan (a notifications file)
    plan, mask = fresh_plan(client, saved, os.environ)   # StalePlan unless every hook touched is as read

Applying a saved plan sends exactly the requests it holds, after reading again the lists of the owners and
kinds it touches (one request per pair) and checking each hook it updates or deletes against the fingerprint
of the hook as the plan read it, each create against a hook of the same name appearing, and each `${VAR}`
against the digest of the value the plan saw. Any difference: StalePlan (exit 1), nothing sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from clever_notify.api.bounded_reads import MAX_READERS, read_each
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


def save(path: str, plan: Plan, variables: Mapping[str, str], *, api_host: str, file: str, prune: bool,
         service_names: Mapping[str, Mapping[str, str]]) -> None:
    """Write the saved plan to `path` (created beside it, then renamed over it)."""
    from pathlib import Path

    from clever_notify.config.files import replace_file

    text = saved_plan.to_text(plan, variables, api_host=api_host, file=file, prune=prune,
                              service_names=service_names)
    try:
        replace_file(Path(path), text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def fresh_plan(client, saved: SavedPlan, env: Mapping[str, str], workers: int = MAX_READERS) -> tuple[Plan, Mask]:
    """The saved plan ready to send, and the mask of its variables. InputError when it was made against another
    API or a variable is unset (exit 2); StalePlan when anything it touches changed (exit 1). Nothing is sent."""
    api_host = client.settings.api_host
    if saved.api_host.rstrip("/") != api_host.rstrip("/"):
        raise InputError(f"{saved.name} was planned against {saved.api_host}, not {api_host}: apply it there, or "
                         "plan again; nothing was sent")
    values = saved.check_variables(env)
    plan = saved.plan(values)
    pairs = saved.touched()
    outcomes = read_each(pairs, lambda pair: client.list_hooks(pair[1], pair[0]), max_workers=workers)
    lists = {}
    for pair, outcome in zip(pairs, outcomes, strict=True):
        if outcome.error is not None:
            raise outcome.error
        lists[pair] = outcome.value
    saved.check_fresh(lists)
    # the lists just checked are the ones the writes start from (the executor tells what a create made by id)
    plan.listed = {(kind, owner_id): hooks for (owner_id, kind), hooks in lists.items()}
    return plan, Mask(values)
