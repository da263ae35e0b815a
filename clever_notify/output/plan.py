"""A plan in words (for people) and as JSON (for scripts), with every value read from `${VAR}` shown as `${VAR}`."""

from __future__ import annotations

from typing import Any

from clever_notify.api.client import hooks_path
from clever_notify.guards.masks import Mask
from clever_notify.hooks.fields import fields_of
from clever_notify.hooks.kinds import KINDS, HookKind
from clever_notify.hooks.plan import PLAN_FORMAT_VERSION, Action, Plan
from clever_notify.notifications_file.desired import SECTION_OF
from clever_notify.output.render import printable, to_json


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


def change_lines(action: Action, mask: Mask, service_names: dict[str, str]) -> list[str]:
    """Each field an action changes, in words: `label: new` for a create, `label: old → new` otherwise."""
    lines = []
    for change in action.changes:
        word = label(action.kind, change.field)
        new = mask.text(describe(action.kind, change.field, change.new, action.owner_id, service_names))
        if action.op == "create":
            lines.append(f"{word}: {new}")
        else:
            old = mask.text(describe(action.kind, change.field, change.old, action.owner_id, service_names))
            lines.append(f"{word}: {old} → {new}")
    return lines


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
            lines += [printable(f"      {line}") for line in change_lines(a, mask, names)]
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



# --- what a change sends and did: the one layout of every command that writes -------------------------------
# apply, add, update, remove, enable/disable and `notify-email default` print their dry runs and their steps
# here, so a dry run reads the same whichever command made it.


def requests_text(requests: list[dict], mask: Mask | None = None) -> str:
    """The requests a dry run would send: `METHOD path`, its JSON body below it (indented by 2), a blank line
    between two requests. Values read from `${VAR}` are shown as `${VAR}` when a mask is given."""
    blocks = []
    for request in requests:
        lines = [printable(f"{request['method']} {request['path']}")]
        if "body" in request:
            lines.append(to_json(mask.value(request["body"]) if mask is not None else request["body"]))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def result_words(result, mask: Mask, *, done: bool) -> str:
    """A step of the executor in words: `created webhook "x" at Acme` (its plan's words when it has one)."""
    if result.action is not None:
        return step_words(result.action, mask, done=done)
    step = result.step
    verb = {"create": "created", "update": "updated", "delete": "deleted", "replace": "replaced"}[step.op] \
        if done else step.op
    name = f' "{mask.text(step.name)}"' if step.name is not None else ""
    hook_id = f" (id {step.hook_id})" if step.hook_id else ""
    return printable(f"{verb} {step.kind.noun}{name}{hook_id} at {step.owner or step.owner_id}")


def done_line(n: int, total: int, result, mask: Mask) -> str:
    """A step as it is done: `[2/5] updated webhook "x" (id h1) at Acme`, with the id a create made."""
    made = f" (id {result.created_id})" if result.created_id else ""
    return f"[{n}/{total}] {result_words(result, mask, done=True)}{made}"


def result_json(result, mask: Mask) -> dict:
    """A step's outcome for scripts: the action as a plan shows it, then status, createdId, error."""
    if result.action is not None:
        base = action_json(result.action, mask)
    else:
        step = result.step
        method = {"create": "POST", "update": "PUT", "delete": "DELETE", "replace": "POST"}[step.op]
        base = mask.value({"action": step.op, "kind": step.kind.path, "owner": step.owner or step.owner_id,
                           "ownerId": step.owner_id, "name": step.name, "id": step.hook_id,
                           "request": {"method": method,
                                       "path": hooks_path(step.kind, step.owner_id,
                                                          None if step.op in ("create", "replace") else step.hook_id),
                                       **({"body": step.body} if step.body is not None else {})}})
    error = mask.text(result.error) if result.error else None
    return {**base, "status": result.status, "createdId": result.created_id, "error": error}


def applied_json(plan: Plan, results: list, mask: Mask, dry_run: bool) -> dict:
    """apply's JSON: the plan, then each step's outcome."""
    return {**plan_json(plan, mask), "dryRun": dry_run, "steps": [result_json(r, mask) for r in results]}
