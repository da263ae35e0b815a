"""Desired hooks (a file) against actual hooks (the API) → the ordered actions that make the API match.

Pure data: no I/O, no click. A hook is identified by (owner, kind, name), or by its `id` when the file gives
one (to rename in place, or to tell apart two hooks sharing a name). Actions come out in the order they are
to be sent: every create, then every update, then every delete, so a replaced hook never leaves a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clever_notify import catalog

WEBHOOKS = "webhooks"
EMAILHOOKS = "emailhooks"
KINDS = (WEBHOOKS, EMAILHOOKS)
READ_ONLY = ("id", "ownerId", "createdAt", "failures")  # never sent back in a PUT


@dataclass(frozen=True)
class Wanted:
    """One hook of the file, its fields in the API's words (`scope` holds service ids)."""

    kind: str
    name: str | None
    id: str | None
    fields: dict  # name, urls | notified, events, scope; None = "all" (or, for notified, the whole team)
    where: Any = None  # where the file says it, handed back in refusals


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass
class Action:
    op: str  # "create" | "update" | "delete"
    kind: str
    owner: str  # the owner as the file names it
    owner_id: str
    name: str | None
    hook_id: str | None  # None for a create
    body: dict | None = None  # POST or PUT body; None for a delete
    changes: list[Change] = field(default_factory=list)
    where: Any = None


@dataclass
class OwnerInput:
    owner: str
    owner_id: str
    wanted: dict[str, list[Wanted]]  # only the kinds the file has a section for
    actual: dict[str, list[dict]]  # both kinds, as listed by the API


@dataclass
class OwnerCounts:
    owner: str
    owner_id: str
    unchanged: dict[str, int]
    unmanaged: dict[str, int]  # at the API, not in the file, not deleted
    managed: tuple[str, ...]  # kinds with a section in the file (the only ones --prune touches)


@dataclass
class Plan:
    actions: list[Action]
    owners: list[OwnerCounts]
    refusals: list[tuple[Any, str]]  # (where in the file, why): a plan with refusals must not be applied

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


# --- the fields compared ---------------------------------------------------------------------------


def _split_notified(entries: Any) -> frozenset | None:
    """One element per recipient: the API may hold several addresses in one `email` entry ("a@x,b@x")."""
    if entries is None:
        return None
    out = set()
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        kind = str(entry.get("type", "")).lower()
        target = entry.get("target")
        if kind == "email" and isinstance(target, str):
            out.update(("email", a.strip()) for a in target.split(",") if a.strip())
        else:
            out.add((kind, target if kind != "organisation" else None))
    return frozenset(out)


def comparable(key: str, value: Any) -> Any:
    """A field's value as compared: lists are sets, an empty list or null means "all"."""
    if key == "urls":
        return frozenset(
            (u.get("url"), str(u.get("format") or catalog.DEFAULT_WEBHOOK_FORMAT).lower())
            for u in value or [] if isinstance(u, dict)
        )
    if key == "notified":
        return _split_notified(value)
    if key in ("events", "scope"):
        return frozenset(value) if value else None
    return value if value not in ("", None) else None


def field_changes(wanted: Wanted, hook: dict) -> list[Change]:
    return [
        Change(key, hook.get(key), value)
        for key, value in wanted.fields.items()
        if comparable(key, value) != comparable(key, hook.get(key))
    ]


def create_body(wanted: Wanted) -> dict:
    """The POST body, keys in clever-tools' order; an absent scope/events goes as null, as clever-tools sends it."""
    own = "urls" if wanted.kind == WEBHOOKS else "notified"
    body: dict = {"name": wanted.fields.get("name")}
    if wanted.fields.get(own) is not None:
        body[own] = wanted.fields[own]
    body["scope"] = wanted.fields.get("scope") or None
    body["events"] = wanted.fields.get("events") or None
    return body


def put_body(hook: dict, changes: list[Change]) -> dict:
    """The hook as read, minus its read-only fields, with the changed fields replaced (an "all" is left out)."""
    body = {k: v for k, v in hook.items() if k not in READ_ONLY}
    for change in changes:
        if change.new is None:
            body.pop(change.field, None)
        else:
            body[change.field] = change.new
    return body


# --- matching --------------------------------------------------------------------------------------


def make_plan(owners: list[OwnerInput], *, prune: bool) -> Plan:
    creates: list[Action] = []
    updates: list[Action] = []
    deletes: list[Action] = []
    counts: list[OwnerCounts] = []
    refusals: list[tuple[Any, str]] = []
    for owner in owners:
        unchanged = {k: 0 for k in KINDS}
        unmanaged = {k: 0 for k in KINDS}
        for kind in KINDS:
            actual = [h for h in owner.actual.get(kind) or [] if isinstance(h, dict)]
            if kind not in owner.wanted:
                unmanaged[kind] = len(actual)
                continue
            claimed: set[int] = set()
            for wanted, hook in _match(owner, kind, owner.wanted[kind], actual, claimed, refusals):
                if hook is None:
                    creates.append(Action("create", kind, owner.owner, owner.owner_id, wanted.name, None,
                                          create_body(wanted), _creation(wanted), wanted.where))
                    continue
                changes = field_changes(wanted, hook)
                if changes:
                    updates.append(Action("update", kind, owner.owner, owner.owner_id, hook.get("name"),
                                          hook.get("id"), put_body(hook, changes), changes, wanted.where))
                else:
                    unchanged[kind] += 1
            for i, hook in enumerate(actual):
                if i in claimed:
                    continue
                if prune:
                    deletes.append(Action("delete", kind, owner.owner, owner.owner_id, hook.get("name"),
                                          hook.get("id")))
                else:
                    unmanaged[kind] += 1
        counts.append(OwnerCounts(owner.owner, owner.owner_id, unchanged, unmanaged, tuple(owner.wanted)))
    return Plan(creates + updates + deletes, counts, refusals)


def _creation(wanted: Wanted) -> list[Change]:
    return [Change(k, None, v) for k, v in wanted.fields.items() if v is not None and k != "name"]


def _match(owner: OwnerInput, kind: str, wanted: list[Wanted], actual: list[dict], claimed: set[int],
           refusals: list) -> list[tuple[Wanted, dict | None]]:
    """Each wanted hook with the listed hook it stands for (None: to create). Ids are matched first, so a
    renamed hook is not also taken by its new name; a name held by several listed hooks is refused."""
    noun = "webhook" if kind == WEBHOOKS else "e-mail notification"
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
    for w in pending:
        same = [i for i, h in enumerate(actual) if i not in claimed and h.get("name") == w.name]
        if len(same) > 1:
            ids = ", ".join(str(actual[i].get("id")) for i in same)
            why = f"{len(same)} {noun}s named {w.name!r} at {owner.owner}: {ids}; add `id:` to say which one this is"
            refusals.append((w.where, why))
            claimed.update(same)  # neither is unmanaged: the file names them, it just cannot say which
            continue
        if same:
            claimed.add(same[0])
        out.append((w, actual[same[0]] if same else None))
    return out
