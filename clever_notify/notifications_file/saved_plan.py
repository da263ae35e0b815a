"""A plan saved by `plan --out PLANFILE`, for `apply PLANFILE` to send exactly what was reviewed.

    text = to_text(plan, variables, api_host=…, file=…, prune=…, service_names=…)
    saved = read(text, name)                     # SavedPlan; InputError when it is not one this tool can apply
    values = saved.check_variables(os.environ)   # ${VAR} values, each checked against what the plan saw
    plan = saved.plan(values)                    # the actions, with their bodies as they will be sent

The file is JSON, versioned (`formatVersion`), and holds no secret in clear:
- A request body is written in the notifications file's own notation: a value read from `${VAR}` is written
  `${VAR}`, a literal `$` is written `$$`; apply expands it again from the environment.
- Each variable's value is kept only as an HMAC-SHA256 keyed with a random salt stored beside it: apply refuses
  when a variable now holds another value than the one the plan saw.
- Each hook the plan updates or deletes is kept as a fingerprint of what an update would send back (the hook
  as read minus what the API owns: id, owner, creation time, failures), keyed with the same salt; a create keeps
  the name it needs free. Apply reads the lists again and refuses if any of them changed (StalePlan).
The plan's other keys (counts, changes, owners) are the same as `plan -F json`, for people and scripts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clever_notify.api.client import hooks_path
from clever_notify.errors import InputError, StalePlan
from clever_notify.guards.ids import is_well_formed_id
from clever_notify.guards.masks import SHORT_VALUE
from clever_notify.hooks.kinds import KINDS, WEBHOOKS, HookKind
from clever_notify.hooks.plan import PLAN_FORMAT_VERSION, SETTABLE_STATES, Action, Change, OwnerCounts, Plan
from clever_notify.hooks.update import sent_back
from clever_notify.notifications_file.source import expand

MARK = "clever-notify saved plan"  # the value of `savedPlan`: what tells a saved plan from a notifications file
METHODS = {"create": "POST", "update": "PUT", "delete": "DELETE"}
STALE = "the plan is stale: plan again"


# --- secrets kept out: the file's notation, keyed digests --------------------------------------------------


def digest(salt: str, label: str, value: str) -> str:
    return hmac.new(bytes.fromhex(salt), f"{label}\0{value}".encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


def fingerprint(salt: str, kind: HookKind, hook: dict) -> str:
    """What an update would send back of `hook` (unknown keys and state included), keyed so that a URL's token
    cannot be guessed from it."""
    text = json.dumps(sent_back(kind, hook), sort_keys=True, ensure_ascii=True, default=str)
    return digest(salt, "hook", text)


class _Notation:
    """Values written as the notifications file writes them: `${VAR}` for a variable's value, `$$` for `$`."""

    def __init__(self, variables: Mapping[str, str]):
        # A value as the file used it (source.expand drops the whitespace around it); the longest values first,
        # so that one holding another is replaced whole.
        self.pairs = sorted(((v.strip().replace("$", "$$"), f"${{{k}}}") for k, v in variables.items()
                             if v.strip()), key=lambda p: -len(p[0]))

    def write(self, value: Any) -> Any:
        if isinstance(value, str):
            text = value.replace("$", "$$")
            for written, var in self.pairs:
                if text == written:
                    return var
                if len(written) >= SHORT_VALUE:
                    text = text.replace(written, var)
            return text
        if isinstance(value, list):
            return [self.write(v) for v in value]
        if isinstance(value, dict):
            return {k: self.write(v) for k, v in value.items()}
        return value


def _read_notation(value: Any, env: Mapping[str, str], problems: list[str]) -> Any:
    if isinstance(value, str):
        return expand(value, env, {}, problems.append) if "$" in value else value
    if isinstance(value, list):
        return [_read_notation(v, env, problems) for v in value]
    if isinstance(value, dict):
        return {k: _read_notation(v, env, problems) for k, v in value.items()}
    return value


# --- writing ---------------------------------------------------------------------------------------


def to_text(plan: Plan, variables: Mapping[str, str], *, api_host: str, file: str, prune: bool,
            service_names: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The saved plan as JSON text. ValueError if a body could not be written back exactly (never expected)."""
    from datetime import datetime, timezone

    from clever_notify.guards.masks import Mask

    salt = secrets.token_hex(16)
    notation = _Notation(variables)
    mask = Mask(dict(variables))
    actions = []
    for a in plan.actions:
        entry: dict = {"action": a.op, "kind": a.kind.path, "owner": mask.text(a.owner), "ownerId": a.owner_id,
                       "name": None if a.name is None else mask.text(a.name), "id": a.hook_id,
                       "changes": [{"field": c.field, "old": mask.value(c.old), "new": mask.value(c.new)}
                                   for c in a.changes],
                       "request": {"method": METHODS[a.op], "path": hooks_path(a.kind, a.owner_id, a.hook_id)}}
        if a.body is not None:
            written = notation.write(a.body)
            if _read_notation(written, variables, []) != a.body:
                raise ValueError(f"the body for {a.op} {a.name!r} cannot be saved exactly")
            entry["request"]["body"] = written
        if a.state is not None:
            entry["state"] = {"old": a.state.old, "new": a.state.new}
        if a.before is not None:
            entry["readAs"] = fingerprint(salt, a.kind, a.before)
        actions.append(entry)
    owners = [{"owner": mask.text(o.owner), "ownerId": o.owner_id, "managed": [k.path for k in o.managed],
               "unchanged": {k.path: n for k, n in o.unchanged.items()},
               "unmanaged": {k.path: n for k, n in o.unmanaged.items()}} for o in plan.owners]
    shown = _service_names_shown(plan, service_names or {})
    doc = {
        "formatVersion": PLAN_FORMAT_VERSION, "savedPlan": MARK,
        "createdAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "apiHost": api_host, "file": file, "prune": prune,
        "changes": plan.changes, "create": plan.count("create"), "update": plan.count("update"),
        "delete": plan.count("delete"), "unchanged": plan.unchanged, "unmanaged": plan.unmanaged,
        "actions": actions, "owners": owners,
        "serviceNames": {o: {i: mask.text(n) for i, n in names.items()} for o, names in shown.items()},
        "variables": {"salt": salt, "digests": {k: digest(salt, k, v.strip()) for k, v in sorted(variables.items())}},
    }
    return json.dumps(doc, indent=2, ensure_ascii=True) + "\n"


def _service_names_shown(plan: Plan, names: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for a in plan.actions:
        for c in a.changes:
            if c.field == "scope":
                for s in (c.old or []) + (c.new or []):
                    if isinstance(s, str) and s in names.get(a.owner_id, {}):
                        out.setdefault(a.owner_id, {})[s] = names[a.owner_id][s]
    return out


# --- reading ---------------------------------------------------------------------------------------


def looks_saved(data: Any) -> bool:
    return isinstance(data, dict) and data.get("savedPlan") == MARK


@dataclass
class SavedAction:
    op: str
    kind: HookKind
    owner: str
    owner_id: str
    name: str | None
    hook_id: str | None
    changes: list[Change]
    body: Any  # in the file's notation
    state: Change | None
    read_as: str | None  # the fingerprint of the hook as the plan read it (update, delete)


@dataclass
class SavedPlan:
    name: str  # the plan file's name, for messages
    api_host: str
    prune: bool
    salt: str
    digests: dict[str, str]
    actions: list[SavedAction]
    owners: list[OwnerCounts]
    service_names: dict[str, dict[str, str]] = field(default_factory=dict)

    def check_variables(self, env: Mapping[str, str]) -> dict[str, str]:
        """The values of the variables the plan used, from `env`: an unset one is bad input (exit 2), one that
        holds another value than the plan saw makes the plan stale (exit 1)."""
        unset = [k for k in self.digests if k not in env]
        if unset:
            raise InputError(f"{self.name}: the plan was made with {_names(unset)} set: set "
                             f"{'it' if len(unset) == 1 else 'them'} as when planning; nothing was sent")
        # the value as the file uses it (source.expand drops surrounding whitespace): a CI secret set with and
        # without a trailing newline is one value
        changed = [k for k, d in self.digests.items()
                   if not hmac.compare_digest(digest(self.salt, k, env[k].strip()), d)]
        if changed:
            raise StalePlan(f"{STALE}: {_names(changed)} now {'holds' if len(changed) == 1 else 'hold'} another "
                            f"value than when {self.name} was made; nothing was sent")
        return {k: env[k] for k in self.digests}

    def plan(self, values: Mapping[str, str]) -> Plan:
        """The plan to send: each body expanded from `values`, with the hooks as read kept as fingerprints."""
        actions = []
        for a in self.actions:
            problems: list[str] = []
            body = None if a.body is None else _read_notation(a.body, values, problems)
            if problems:
                raise _invalid(self.name, f"the body for {a.op} {a.name!r}: {problems[0]}")
            actions.append(Action(a.op, a.kind, a.owner, a.owner_id, a.name, a.hook_id, body,
                                  a.changes if a.state is None else [c for c in a.changes if c.field != "state"]
                                  + [a.state]))
        return Plan(actions, self.owners, [])

    def check_fresh(self, lists: Mapping[tuple[str, HookKind], list[dict]]) -> None:
        """StalePlan when a hook the plan touches is no longer as it was read: changed, gone, or (for a create)
        a hook of that name appeared. `lists`: (owner id, kind) → the hooks listed now, for every pair touched."""
        stale: list[str] = []
        for a in self.actions:
            hooks = [h for h in lists[(a.owner_id, a.kind)] if isinstance(h, dict)]
            what = f"{a.kind.noun} {a.name!r}" + (f" (id {a.hook_id})" if a.hook_id else "") + f" at {a.owner}"
            if a.op == "create":
                if any(h.get("name") == a.name for h in hooks):
                    stale.append(f"a {a.kind.noun} named {a.name!r} now exists at {a.owner}")
                continue
            now = next((h for h in hooks if h.get("id") == a.hook_id), None)
            if now is None:
                stale.append(f"{what} is gone")
            elif not hmac.compare_digest(fingerprint(self.salt, a.kind, now), a.read_as or ""):
                stale.append(f"{what} changed")
        if stale:
            more = f" (and {len(stale) - 5} more)" if len(stale) > 5 else ""
            raise StalePlan(f"{STALE}: since {self.name} was made, {'; '.join(stale[:5])}{more}. Nothing was sent.")

    def touched(self) -> list[tuple[str, HookKind]]:
        return list(dict.fromkeys((a.owner_id, a.kind) for a in self.actions))


def _names(names: list[str]) -> str:
    return ", ".join(f"${{{n}}}" for n in names)


def _invalid(name: str, why: str) -> InputError:
    return InputError(f"{name}: not a plan this tool can apply: {why}; nothing was sent")


def read(data: Any, name: str) -> SavedPlan:
    """A saved plan from its parsed JSON; InputError (exit 2, nothing sent) when it is malformed or newer."""
    from clever_notify.guards.sanitise import for_terminal
    from clever_notify.hooks.kinds import kind_of

    def need(cond: bool, why: str) -> None:
        if not cond:
            raise _invalid(name, for_terminal(why))

    need(looks_saved(data), f"`savedPlan` is not {MARK!r}")
    version = data.get("formatVersion")
    need(isinstance(version, int) and not isinstance(version, bool), "no `formatVersion`")
    if version > PLAN_FORMAT_VERSION:
        raise InputError(f"{name}: the plan is of format {version}, made by a newer clever-notify; apply it with "
                         "that version, or plan again with this one; nothing was sent")
    need(version == PLAN_FORMAT_VERSION, f"unknown formatVersion {version!r}")
    variables = data.get("variables")
    need(isinstance(variables, dict) and isinstance(variables.get("salt"), str)
         and isinstance(variables.get("digests"), dict), "no `variables` with a salt and digests")
    try:
        bytes.fromhex(variables["salt"])
    except ValueError:
        need(False, "the salt is not hexadecimal")
    digests = variables["digests"]
    need(all(isinstance(k, str) and isinstance(v, str) for k, v in digests.items()), "a digest is not text")
    need(isinstance(data.get("apiHost"), str), "no `apiHost`")
    need(isinstance(data.get("prune"), bool), "no `prune`")
    raw_actions = data.get("actions")
    need(isinstance(raw_actions, list), "no `actions` list")
    actions: list[SavedAction] = []
    for n, raw in enumerate(raw_actions):
        where = f"actions[{n}]"
        need(isinstance(raw, dict) and raw.get("action") in METHODS, f"{where}: no known `action`")
        op = raw["action"]
        try:
            kind = kind_of(raw.get("kind"))
        except (ValueError, KeyError, TypeError):
            need(False, f"{where}: unknown `kind`")
        owner_id, hook_id = raw.get("ownerId"), raw.get("id")
        need(is_well_formed_id(owner_id), f"{where}: `ownerId` cannot go in a URL path")
        need((hook_id is None) == (op == "create") and (hook_id is None or is_well_formed_id(hook_id)),
             f"{where}: `id` is {'not expected' if op == 'create' else 'missing or cannot go in a URL path'}")
        request = raw.get("request")
        need(isinstance(request, dict) and request.get("method") == METHODS[op]
             and request.get("path") == hooks_path(kind, owner_id, hook_id),
             f"{where}: `request` does not match the action (edited by hand?)")
        body = request.get("body")
        need((body is None) == (op == "delete") and (body is None or isinstance(body, dict)),
             f"{where}: `request.body` is {'not expected' if op == 'delete' else 'missing'}")
        read_as = raw.get("readAs")
        need(op == "create" or isinstance(read_as, str), f"{where}: no `readAs` fingerprint")
        state = raw.get("state")
        need(state is None or (kind == WEBHOOKS and op != "delete" and isinstance(state, dict)
                               and state.get("new") in SETTABLE_STATES),
             f"{where}: `state` is not {{old, new}} of a webhook, new being one of {', '.join(SETTABLE_STATES)}")
        changes = raw.get("changes") if isinstance(raw.get("changes"), list) else []
        actions.append(SavedAction(
            op, kind, str(raw.get("owner") or owner_id), owner_id,
            raw.get("name") if isinstance(raw.get("name"), str) else None, hook_id,
            [Change(str(c.get("field")), c.get("old"), c.get("new")) for c in changes if isinstance(c, dict)],
            body, None if state is None else Change("state", state.get("old"), state["new"]), read_as))
    owners = []
    for raw in data.get("owners") if isinstance(data.get("owners"), list) else []:
        if not isinstance(raw, dict) or not isinstance(raw.get("ownerId"), str):
            continue
        counts = {key: {k: _count(raw.get(key), k.path) for k in KINDS} for key in ("unchanged", "unmanaged")}
        managed = tuple(k for k in KINDS if k.path in (raw.get("managed") or []))
        owners.append(OwnerCounts(str(raw.get("owner") or raw["ownerId"]), raw["ownerId"], counts["unchanged"],
                                  counts["unmanaged"], managed))
    for a in actions:  # every owner of an action is shown, even if the file lost its counts
        if not any(o.owner_id == a.owner_id for o in owners):
            owners.append(OwnerCounts(a.owner, a.owner_id, {k: 0 for k in KINDS}, {k: 0 for k in KINDS}, ()))
    names = data.get("serviceNames") if isinstance(data.get("serviceNames"), dict) else {}
    names = {str(o): {str(i): str(v) for i, v in m.items()} for o, m in names.items() if isinstance(m, dict)}
    return SavedPlan(name, data["apiHost"], data["prune"], variables["salt"], dict(digests), actions, owners, names)


def _count(value: Any, key: str) -> int:
    n = value.get(key) if isinstance(value, dict) else 0
    return n if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else 0
