"""A plan in words (for people) and as JSON (for scripts), with every value read from `${VAR}` shown as `${VAR}`."""

from __future__ import annotations

from typing import Any

from clever_notify.api.client import hooks_path
from clever_notify.guards.masks import Mask
from clever_notify.hooks.fields import fields_of
from clever_notify.hooks.kinds import KINDS, HookKind
from clever_notify.hooks.plan import PLAN_FORMAT_VERSION, Action, Plan
from clever_notify.notifications_file.desired import SECTION_OF
from clever_notify.output.render import printable


def noun(kind: HookKind, count: int = 1) -> str:
    return kind.noun if count == 1 else kind.nouns


def request_path(action: Action) -> str:
    return hooks_path(action.kind, action.owner_id, None if action.op == "create" else str(action.hook_id))


def request_method(action: Action) -> str:
    return {"create": "POST", "update": "PUT", "delete": "DELETE"}[action.op]


def hide_urls_replaced_by_variables(plan: Plan, variable_paths) -> None:
    """An update's old URLs are shown as `scheme://host/…` when the file reads that hook's URLs from `${VAR}`:
    a URL kept out of the file because it holds a token is replaced by one that holds a token too, and a
    plan is printed in CI logs. `variable_paths`: the file paths of values written with `${…}`."""
    import dataclasses

    for action in plan.actions:
        if action.op != "update" or action.where is None:
            continue
        secret = any(p[:len(action.where) + 1] == (*action.where, "urls") for p in variable_paths)
        if secret:
            action.changes = [dataclasses.replace(c, old=_hidden_urls(c.old)) if c.field == "urls" else c
                              for c in action.changes]


def _hidden_urls(urls: Any) -> Any:
    from urllib.parse import urlsplit

    def hidden(url: Any) -> Any:
        try:
            parts = urlsplit(str(url))
            return f"{parts.scheme}://{parts.hostname}/…" if parts.scheme and parts.hostname else "…"
        except ValueError:
            return "…"

    if not isinstance(urls, list):
        return urls
    return [{**u, "url": hidden(u.get("url"))} if isinstance(u, dict) else u for u in urls]


# --- words ---------------------------------------------------------------------------------------


def _field(kind: HookKind, key: str):
    return next(f for f in fields_of(kind) if f.key == key)


def label(kind: HookKind, key: str) -> str:
    return _field(kind, key).label


def describe(kind: HookKind, key: str, value: Any, owner_id: str, service_names: dict[str, str]) -> str:
    """A field's value in the words `update` uses (the field table's); services also by name where known."""
    shown = _field(kind, key).change(value, owner_id)
    if key == "scope":
        shown = [f"{service_names[s]} ({s})" if s in service_names else s for s in shown]
    return ", ".join(shown)


def title(action: Action, mask: Mask) -> str:
    name = f'"{mask.text(action.name)}"' if action.name is not None else "(unnamed)"
    hook_id = f" (id {action.hook_id})" if action.hook_id else ""
    return printable(f"{noun(action.kind)} {name}{hook_id}")


def step_words(action: Action, mask: Mask, *, done: bool) -> str:
    """`created webhook "x" at Acme` / `create webhook "x" at Acme`, for progress and failure reports."""
    verb = {"create": "created", "update": "updated", "delete": "deleted"}[action.op] if done else action.op
    return f"{verb} {title(action, mask)} at {printable(action.owner)}"


def human(plan: Plan, mask: Mask, service_names: dict[str, dict[str, str]], *, prune: bool) -> str:
    lines: list[str] = []
    marks = {"create": "+", "update": "~", "delete": "-"}
    for owner in plan.owners:
        actions = [a for a in plan.actions if a.owner_id == owner.owner_id]
        names = service_names.get(owner.owner_id, {})
        lines.append(printable(f"{owner.owner} ({owner.owner_id})" if owner.owner != owner.owner_id else owner.owner))
        for a in actions:
            lines.append(f"  {marks[a.op]} {a.op} {title(a, mask)}")
            for change in a.changes:
                word = label(a.kind, change.field)
                new = mask.text(describe(a.kind, change.field, change.new, a.owner_id, names))
                if a.op == "create":
                    lines.append(printable(f"      {word}: {new}"))
                else:
                    old = mask.text(describe(a.kind, change.field, change.old, a.owner_id, names))
                    lines.append(printable(f"      {word}: {old} → {new}"))
        counts = []
        unchanged = sum(owner.unchanged.values())
        if unchanged:
            counts.append(f"{unchanged} unchanged")
        for kind in KINDS:
            n = owner.unmanaged[kind]
            if not n:
                continue
            if kind in owner.managed:
                counts.append(f"{n} {noun(kind, n)} not in the file (kept; --prune deletes them)")
            else:
                counts.append(f"{n} {noun(kind, n)} not managed (no `{SECTION_OF[kind]}:` section)")
        if not actions and not counts:
            counts.append("no hooks")
        if counts:
            lines.append("  " + "; ".join(counts))
    lines.append("")
    lines.append(summary(plan))
    return "\n".join(lines)


def summary(plan: Plan) -> str:
    tail = f"{plan.unchanged} unchanged, {plan.unmanaged} not in the file"
    if not plan.changes:
        return f"No changes: the API matches the file ({tail})."
    return (f"Plan: {plan.count('create')} to create, {plan.count('update')} to update, "
            f"{plan.count('delete')} to delete ({tail}).")


# --- JSON ----------------------------------------------------------------------------------------


def action_json(action: Action, mask: Mask) -> dict:
    out: dict = {
        "action": action.op, "kind": action.kind.path, "owner": action.owner, "ownerId": action.owner_id,
        "name": action.name, "id": action.hook_id,
        "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in action.changes],
        "request": {"method": request_method(action), "path": request_path(action)},
    }
    if action.body is not None:
        out["request"]["body"] = action.body
    return mask.value(out)


FORMAT_VERSION = PLAN_FORMAT_VERSION


def plan_json(plan: Plan, mask: Mask) -> dict:
    return {
        "formatVersion": FORMAT_VERSION,
        "changes": plan.changes,
        "create": plan.count("create"), "update": plan.count("update"), "delete": plan.count("delete"),
        "unchanged": plan.unchanged, "unmanaged": plan.unmanaged,
        "actions": [action_json(a, mask) for a in plan.actions],
        "owners": [{"owner": o.owner, "ownerId": o.owner_id, "managed": [k.path for k in o.managed],
                    "unchanged": {k.path: n for k, n in o.unchanged.items()},
                    "unmanaged": {k.path: n for k, n in o.unmanaged.items()}} for o in plan.owners],
    }

