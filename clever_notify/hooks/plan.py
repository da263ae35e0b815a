"""Desired hooks (a file) against actual hooks (the API) → the ordered actions that make the API match.

Pure data: no I/O, no click. A hook is identified by (owner, kind, name), or by its `id` when the file gives
one (to rename in place, or to tell apart two hooks sharing a name). Actions come out in the order they are
to be sent: every create, then every update, then every delete, so a replaced hook never leaves a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clever_notify.hooks.fields import NOT_SENT, Field, of_rows
from clever_notify.hooks.kinds import KINDS, WEBHOOKS, HookKind
from clever_notify.hooks.update import merged, update_body

ENABLED = "ENABLED"
DISABLED = "DISABLED"
SETTABLE_STATES = (ENABLED, DISABLED)  # what `webhooks enable|disable` (and so apply) can make a webhook
PLAN_FORMAT_VERSION = 1  # of the JSON plan (`plan -F json`, a saved plan): raised when a key changes meaning or goes


@dataclass(frozen=True)
class Wanted:
    """One hook of the file, its fields in the API's words (`scope` holds service ids)."""

    kind: HookKind
    name: str | None
    id: str | None
    fields: dict  # name, urls | notified, events, scope; None = "all" (or, for notified, the whole team);
    # a webhook's `state` when the file manages it (absent from `fields`: the state is left as it is)
    where: Any = None  # where the file says it, handed back in refusals


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass
class Action:
    op: str  # "create" | "update" | "delete"
    kind: HookKind
    owner: str  # the owner as the file names it
    owner_id: str
    name: str | None
    hook_id: str | None  # None for a create
    body: dict | None = None  # POST or PUT body; None for a delete
    changes: list[Change] = field(default_factory=list)
    where: Any = None
    before: dict | None = None  # the hook as read, for an update or a delete (a saved plan checks it is unchanged)

    @property
    def state(self) -> Change | None:
        """The change of a webhook's state, made through the state operation (`webhooks enable|disable`)."""
        return next((c for c in self.changes if c.field == "state"), None)


@dataclass
class OwnerInput:
    owner: str
    owner_id: str
    wanted: dict[HookKind, list[Wanted]]  # only the kinds the file has a section for
    actual: dict[HookKind, list[dict]]  # both kinds, as listed by the API


@dataclass
class OwnerCounts:
    owner: str
    owner_id: str
    unchanged: dict[HookKind, int]
    unmanaged: dict[HookKind, int]  # at the API, not in the file, not deleted
    managed: tuple[HookKind, ...]  # kinds with a section in the file (the only ones --prune touches)


@dataclass
class Plan:
    actions: list[Action]
    owners: list[OwnerCounts]
    refusals: list[tuple[Any, str]]  # (where in the file, why): a plan with refusals must not be applied
    # (kind, owner id) → the hooks listed when the plan was made: the executor tells a hook it creates from an
    # older one like it by these ids (writes/confirm.py)
    listed: dict = field(default_factory=dict)

    @property
    def changes(self) -> bool:
        return bool(self.actions)

    def count(self, op: str) -> int:
        return sum(1 for a in self.actions if a.op == op)

    @property
    def unchanged(self) -> int:
        return sum(sum(o.unchanged.values()) for o in self.owners)

    @property
    def unmanaged(self) -> int:
        return sum(sum(o.unmanaged.values()) for o in self.owners)


# --- the fields compared: the field table's, those a hook's owner edits ----------------------------------


def managed_fields(kind: HookKind) -> tuple[Field, ...]:
    """The fields a file sets (name, urls | notified, scope, events), in the order a body sends them."""
    return of_rows(kind, _managed)


def _managed(rows: tuple[Field, ...]) -> tuple[Field, ...]:
    return tuple(sorted((f for f in rows if f.sent_at is not None), key=lambda f: f.sent_at))


def comparable(field: Field, value: Any) -> Any:
    """A value as the table compares it, once normalised as it would be sent (a URL's missing format is raw)."""
    sent = field.normalise(value)
    sent = None if sent is NOT_SENT else sent
    return field.compare(sent) if field.compare else sent


def state_of(hook: dict) -> str:
    """A webhook's state as the API gives it, in capitals; one that does not say is enabled (it still fires)."""
    state = hook.get("state")
    return state.upper() if isinstance(state, str) and state else ENABLED


def field_changes(wanted: Wanted, hook: dict, managed: tuple[Field, ...] | None = None) -> list[Change]:
    """`managed`: managed_fields(wanted.kind), when the caller compares many hooks of one kind."""
    changes = [
        Change(f.key, hook.get(f.key), wanted.fields[f.key])
        for f in (managed_fields(wanted.kind) if managed is None else managed)
        if f.key in wanted.fields and wanted.fields[f.key] != hook.get(f.key)  # the same value: no change
        and comparable(f, wanted.fields[f.key]) != comparable(f, hook.get(f.key))
    ]
    # Last, as `webhooks enable` sends it: the same PUT, then verified (and re-created if the API keeps it off).
    if wanted.kind is WEBHOOKS and wanted.fields.get("state") is not None and wanted.fields["state"] != state_of(hook):
        changes.append(Change("state", state_of(hook), wanted.fields["state"]))
    return changes


def create_body(wanted: Wanted) -> dict:
    """The POST body: the file's fields as the table sends them (an "all" scope/events is left out). No
    `state`: a new webhook starts enabled; one the file wants disabled is disabled right after (Action.state)."""
    body: dict = {}
    for f in managed_fields(wanted.kind):
        value = f.normalise(wanted.fields.get(f.key))
        if value is not NOT_SENT:
            body[f.key] = value
    return body


def put_body(kind: HookKind, hook: dict, changes: list[Change]) -> dict:
    """The hook as read (unknown fields kept, read-only ones dropped) with only the changed fields replaced,
    a changed list merged into its entries as read (an unchanged URL or recipient keeps its unknown keys)."""
    return update_body(kind, hook, {c.field: merged(c.field, hook.get(c.field), c.new) for c in changes})


# --- matching --------------------------------------------------------------------------------------


def make_plan(owners: list[OwnerInput], *, prune: bool) -> Plan:
    creates: list[Action] = []
    updates: list[Action] = []
    deletes: list[Action] = []
    counts: list[OwnerCounts] = []
    refusals: list[tuple[Any, str]] = []
    listed: dict = {}
    for owner in owners:
        unchanged = {k: 0 for k in KINDS}
        unmanaged = {k: 0 for k in KINDS}
        for kind in KINDS:
            actual = [h for h in owner.actual.get(kind) or [] if isinstance(h, dict)]
            listed[(kind, owner.owner_id)] = actual
            if kind not in owner.wanted:
                unmanaged[kind] = len(actual)
                continue
            claimed: set[int] = set()
            managed = managed_fields(kind)
            same = 0
            for wanted, hook in _match(owner, kind, owner.wanted[kind], actual, claimed, refusals):
                if hook is None:
                    if wanted.fields.get("state") not in (None, *SETTABLE_STATES):
                        refusals.append((wanted.where, _unsettable(kind, None, wanted.fields["state"])))
                        continue
                    creates.append(Action("create", kind, owner.owner, owner.owner_id, wanted.name, None,
                                          create_body(wanted), _creation(wanted), wanted.where))
                    continue
                changes = field_changes(wanted, hook, managed)
                state = next((c for c in changes if c.field == "state"), None) if changes else None
                if state is not None and state.new not in SETTABLE_STATES:
                    refusals.append((wanted.where, _unsettable(kind, hook, state.new)))
                    continue
                if changes:
                    updates.append(Action("update", kind, owner.owner, owner.owner_id, hook.get("name"),
                                          hook.get("id"), put_body(kind, hook, changes), changes, wanted.where,
                                          before=hook))
                else:
                    same += 1
            unchanged[kind] = same
            for i, hook in enumerate(actual):
                if i in claimed:
                    continue
                if prune:
                    deletes.append(Action("delete", kind, owner.owner, owner.owner_id, hook.get("name"),
                                          hook.get("id"), before=hook))
                else:
                    unmanaged[kind] += 1
        counts.append(OwnerCounts(owner.owner, owner.owner_id, unchanged, unmanaged, tuple(owner.wanted)))
    return Plan(creates + updates + deletes, counts, refusals, listed)


def _creation(wanted: Wanted) -> list[Change]:
    return [Change(k, None, v) for k, v in wanted.fields.items()
            if v is not None and k != "name" and not (k == "state" and v == ENABLED)]


def _unsettable(kind: HookKind, hook: dict | None, state: str) -> str:
    now = f"; it is {state_of(hook)} at the API" if hook is not None else ""
    return (f"state {state!r}: the tool can make a {kind.noun} {' or '.join(SETTABLE_STATES)} only{now}; "
            "write one of those, or leave `state` out (enabled)")


def _match(owner: OwnerInput, kind: HookKind, wanted: list[Wanted], actual: list[dict], claimed: set[int],
           refusals: list) -> list[tuple[Wanted, dict | None]]:
    """Each wanted hook with the listed hook it stands for (None: to create). Ids are matched first, so a
    renamed hook is not also taken by its new name; a name held by several listed hooks is refused."""
    noun = kind.noun
    by_id = {h.get("id"): i for i, h in enumerate(actual) if h.get("id") is not None}
    out: list[tuple[Wanted, dict | None]] = []
    pending: list[Wanted] = []
    for w in wanted:
        if w.id is None:
            pending.append(w)
        elif w.id in by_id:
            claimed.add(by_id[w.id])
            out.append((w, actual[by_id[w.id]]))
        else:
            why = f"no {noun} with id {w.id} at {owner.owner} ({owner.owner_id}); remove the `id:` to create it"
            refusals.append((w.where, why))
    by_name: dict[Any, list[int]] = {}
    for i, h in enumerate(actual):
        by_name.setdefault(h.get("name"), []).append(i)
    for w in pending:
        same = [i for i in by_name.get(w.name, ()) if i not in claimed]
        if len(same) > 1:
            ids = ", ".join(str(actual[i].get("id")) for i in same)
            why = (f"{len(same)} {kind.nouns} named {w.name!r} at {owner.owner}: {ids}; "
                   "add `id:` to say which one this is")
            refusals.append((w.where, why))
            claimed.update(same)  # neither is unmanaged: the file names them, it just cannot say which
            continue
        if same:
            claimed.add(same[0])
        out.append((w, actual[same[0]] if same else None))
    return out
