"""A change as data: the steps of a plan, before anything is sent.

    create(kind, owner_id, body)                 POST a new hook
    update(kind, owner_id, hook_id, body)        PUT the hook back whole (hooks/update.py `update_body`)
    delete(kind, owner_id, hook_id)              DELETE it
    replace(kind, owner_id, old_id, body)        a hook like `body` standing instead of `old_id`: a copy
                                                 already listed is reused, else it is created; then the old
                                                 one is deleted (create first, delete last: never a gap)

An update may say what to do `otherwise`, when the API answers yet does not apply it (enable: a state the
API keeps → replace the webhook by an enabled copy). The executor (writes/executor.py) runs every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as _evolve
from typing import Any

from clever_notify.hooks.kinds import HookKind

CREATE, UPDATE, DELETE, REPLACE = "create", "update", "delete", "replace"
PHASE = {CREATE: 0, REPLACE: 0, UPDATE: 1, DELETE: 2}  # creates → updates → deletes


@dataclass(frozen=True)
class Step:
    op: str
    kind: HookKind
    owner_id: str
    hook_id: str | None = None  # update, delete: the hook; replace: the one replaced
    body: dict | None = None  # create, update: what is sent; replace: the copy's creation body
    name: str | None = None
    owner: str | None = None  # the owner as the user named it, for words
    copy_state: str | None = None  # replace: a listed copy is reused only when it shows this state
    otherwise: Step | None = None  # update: run instead when the API answers yet does not apply it
    action: Any = None  # the plan Action this step stands for (apply), for its renderer

    def with_(self, **changes) -> Step:
        return _evolve(self, **changes)


def _name(body: dict | None, name: str | None) -> str | None:
    return name if name is not None else (body or {}).get("name")


def create(kind: HookKind, owner_id: str, body: dict, **more) -> Step:
    return Step(CREATE, kind, owner_id, body=body, name=_name(body, more.pop("name", None)), **more)


def update(kind: HookKind, owner_id: str, hook_id: str, body: dict, **more) -> Step:
    return Step(UPDATE, kind, owner_id, hook_id=hook_id, body=body, name=_name(body, more.pop("name", None)), **more)


def delete(kind: HookKind, owner_id: str, hook_id: str, **more) -> Step:
    return Step(DELETE, kind, owner_id, hook_id=hook_id, **more)


def replace(kind: HookKind, owner_id: str, old_id: str, body: dict, **more) -> Step:
    return Step(REPLACE, kind, owner_id, hook_id=old_id, body=body, name=_name(body, more.pop("name", None)), **more)


def ordered(steps: list[Step]) -> list[Step]:
    """Creates (and replacements' copies) first, then updates, then deletes; the given order within each."""
    return sorted(steps, key=lambda s: PHASE[s.op])
