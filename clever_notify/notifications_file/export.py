"""The API's hooks written as a notifications file: same state, same bytes.

Keys in a fixed order, hooks sorted by name, every list sorted, services by name when the owner has one
service of that name (else by id). An `id:` is written only where a name cannot identify the hook (no name,
or a name two hooks share). A plan of the exported file against the same state shows no change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clever_notify.hooks import catalog
from clever_notify.hooks.kinds import KINDS, WEBHOOKS, HookKind
from clever_notify.hooks.plan import ENABLED, state_of
from clever_notify.notifications_file.desired import SECTION_OF

HEADER = ("# Clever Cloud notifications (clever-notify). `clever notifications plan FILE` compares this file\n"
          "# with the API, `clever notifications apply FILE` makes the API match it.\n")


@dataclass
class ExportOwner:
    key: str  # how the file names the owner: `self`, its name, or its id when the name is not unique
    owner_id: str
    hooks: dict[HookKind, list[dict]]
    service_names: dict[str, str] = field(default_factory=dict)  # id → name, unique names only


@dataclass
class Placeholder:
    variable: str
    owner: str
    hook: str
    url: str


def unique_service_names(services) -> dict[str, str]:
    """id → name for the services a name identifies: no other service of the owner has it, and it does not
    look like an id (it would be read back as one). An add-on's real id stays as it is: its name reads back
    as the add-on's other id."""
    from clever_notify.owners.services import looks_like_id

    counts: dict[str, int] = {}
    for s in services:
        if s.name:
            counts[s.name] = counts.get(s.name, 0) + 1
    return {s.id: s.name for s in services if s.name and counts[s.name] == 1 and not looks_like_id(s.name)}


def document(owners: list[ExportOwner], *, placeholders: bool = False) -> tuple[dict, list[Placeholder]]:
    used: list[Placeholder] = []
    out: dict = {}
    for owner in sorted(owners, key=lambda o: (o.key != "self", o.key)):
        section: dict = {}
        for kind in KINDS:
            hooks = sorted(owner.hooks.get(kind) or [], key=_hook_order)
            names = [h.get("name") for h in hooks]
            section[SECTION_OF[kind]] = [
                _hook(kind, h, owner, needs_id=not h.get("name") or names.count(h.get("name")) > 1,
                      placeholders=used if placeholders else None)
                for h in hooks
            ]
        out[owner.key] = section
    return {"version": 1, "owners": out}, used


def _hook_order(hook: dict) -> tuple:
    return (hook.get("name") is None, str(hook.get("name") or ""), str(hook.get("id") or ""))


def _literal(value) -> str:
    """A value as the file writes it: a `$` would start a variable, so it is doubled (`$$` reads back as `$`)."""
    return str(value).replace("$", "$$")


def _hook(kind: HookKind, hook: dict, owner: ExportOwner, *, needs_id: bool, placeholders: list | None) -> dict:
    out: dict = {}
    if needs_id:
        out["id"] = _literal(hook.get("id"))
    if hook.get("name"):
        out["name"] = _literal(hook["name"])
    if kind == WEBHOOKS and state_of(hook) != ENABLED:  # written only when not the default
        out["state"] = _literal(state_of(hook))
    if kind == WEBHOOKS:
        urls = sorted({(str(u.get("url")), str(u.get("format") or catalog.DEFAULT_WEBHOOK_FORMAT).lower())
                       for u in hook.get("urls") or [] if isinstance(u, dict) and u.get("url")})
        out["urls"] = []
        for i, (url, fmt) in enumerate(urls):
            if placeholders is not None:
                written = _placeholder(placeholders, owner.key, hook, i if len(urls) > 1 else None, url)
            else:
                written = _literal(url)
            out["urls"].append({"url": written, "format": fmt})
    elif hook.get("notified") is not None:
        out["notify"] = sorted(_literal(t) for t in _targets(hook["notified"]))
    if hook.get("events"):
        out["events"] = sorted({_literal(e) for e in hook["events"]})
    if hook.get("scope"):
        out["services"] = sorted({_literal(owner.service_names.get(s, s)) for s in hook["scope"]})
    return out


def _targets(notified) -> set[str]:
    out = set()
    for entry in notified if isinstance(notified, list) else []:
        if not isinstance(entry, dict):
            continue
        kind, target = str(entry.get("type", "")).lower(), entry.get("target")
        if kind == "organisation":
            out.add("organisation")
        elif kind == "email" and isinstance(target, str):
            out.update(a.strip() for a in target.split(",") if a.strip())
        elif isinstance(target, str) and target:
            out.add(target)
    return out


def _placeholder(used: list[Placeholder], owner: str, hook: dict, index: int | None, url: str) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "_", str(hook.get("name") or hook.get("id") or "")).strip("_").upper() or "HOOK"
    name = f"WEBHOOK_URL_{base}" + (f"_{index + 1}" if index is not None else "")
    taken = {p.variable for p in used}
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    used.append(Placeholder(candidate, owner, str(hook.get("name") or hook.get("id")), url))
    return f"${{{candidate}}}"


def to_yaml(data: dict) -> str:
    """YAML in which no control, bidi, zero-width or separator character is written raw: the file is reviewed
    and read in terminals, where those would reorder or hide text. A text holding one is double-quoted and
    the character written as a YAML escape (`\\u202e`); anything else non-ASCII stays as it is."""
    import yaml

    from clever_notify.guards.sanitise import is_unsafe

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, value: str):
        quoted = any(is_unsafe(ch) for ch in value) if not value.isprintable() else False
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if quoted else None)

    Dumper.add_representer(str, text)
    out = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                    width=1_000_000, indent=2)
    if out.replace("\n", "").isprintable():  # the usual file: nothing to look at character by character
        return HEADER + out
    # Left raw only inside the double-quoted texts chosen above, where the escape is valid YAML.
    return HEADER + "".join(_yaml_escape(ch) if is_unsafe(ch, keep_newlines=True) else ch for ch in out)


def _yaml_escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def to_json(data: dict) -> str:
    from clever_notify.guards.sanitise import json_for_terminal

    return json_for_terminal(data, indent=2) + "\n"  # the same characters as `\\uXXXX`, as for YAML
