"""The API's hooks written as a notifications file: same state, same bytes.

Owners by id (your own account as `self` with its `id:`), each with its `name:` (plan checks both). Keys in a
fixed order, hooks sorted by name, every list sorted, services by name when the owner has one
service of that name (else by id). An `id:` is written only where a name cannot identify the hook (no name,
a blank one, or a name two hooks share). A plan of the exported file against the same state shows no change,
whatever the API holds: a value that would not read back as itself is written in the form that does (a
recipient of a type this tool does not know as `{type, target}`, a scope entry that is no service's id or
name as `{id: …}`), and a URL, a name or a format is written as held.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from clever_notify.hooks import catalog
from clever_notify.hooks.kinds import KINDS, WEBHOOKS, HookKind
from clever_notify.hooks.plan import ENABLED, state_of
from clever_notify.notifications_file.desired import SECTION_OF

_SURROGATE = re.compile("[\ud800-\udfff]")

HEADER = ("# Clever Cloud notifications (clever-notify). `clever notifications plan FILE` compares this file\n"
          "# with the API, `clever notifications apply FILE` makes the API match it.\n")


@dataclass
class ExportOwner:
    key: str  # how the file names the owner: `self` for your own account, else its id
    owner_id: str
    hooks: dict[HookKind, list[dict]]
    service_names: dict[str, str] = field(default_factory=dict)  # id → name, unique names only
    services: tuple = ()  # the owner's services (owners.services.Service), to know what a text reads back as
    name: str | None = None  # written as `name:`, which plan checks against the id's name at the API


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
    return {s.id: s.name for s in services
            if s.name and counts[s.name] == 1 and not looks_like_id(s.name) and _clean_service_text(s.name)}


def _clean_service_text(text: str) -> bool:
    """What the file's `services` rule reads back unchanged: no space at either end, no tab or line break."""
    return bool(text) and text == text.strip() and not any(ch.isspace() and ch != " " for ch in text)


def document(owners: list[ExportOwner], *, placeholders: bool = False) -> tuple[dict, list[Placeholder]]:
    used: list[Placeholder] = []
    out: dict = {}
    for owner in sorted(owners, key=lambda o: (o.key != "self", o.name or "", o.key)):
        section: dict = {}
        # Who the file is for, checked by plan: an owner by id with its name, and `self` with your account's id,
        # so the file applied with another account's credentials (a CI bot's) is refused, not written there.
        if owner.key == "self":
            section["id"] = owner.owner_id
        if isinstance(owner.name, str) and owner.name.strip():
            section["name"] = _literal(owner.name)
        for kind in KINDS:
            hooks = sorted(owner.hooks.get(kind) or [], key=_hook_order)
            counts: dict = {}
            for h in hooks:
                counts[h.get("name")] = counts.get(h.get("name"), 0) + 1
            section[SECTION_OF[kind]] = [
                _hook(kind, h, owner, needs_id=not _identifying(h.get("name")) or counts[h.get("name")] > 1,
                      placeholders=used if placeholders else None)
                for h in hooks
            ]
        out[owner.key] = section
    return {"version": 1, "owners": out}, used


def _identifying(name) -> bool:
    return isinstance(name, str) and bool(name.strip())


def _hook_order(hook: dict) -> tuple:
    return (hook.get("name") is None, str(hook.get("name") or ""), str(hook.get("id") or ""))


def _literal(value) -> str:
    """A value as the file writes it: a `$` would start a variable, so it is doubled (`$$` reads back as `$`)."""
    return str(value).replace("$", "$$")


def _hook(kind: HookKind, hook: dict, owner: ExportOwner, *, needs_id: bool, placeholders: list | None) -> dict:
    out: dict = {}
    if needs_id:
        out["id"] = _literal(hook.get("id"))
    if isinstance(hook.get("name"), str):  # as held, blank too (then with its id)
        out["name"] = _literal(hook["name"])
    if kind == WEBHOOKS and state_of(hook) != ENABLED:  # written only when not the default
        out["state"] = _literal(state_of(hook))
    if kind == WEBHOOKS:
        urls = sorted({(str(u.get("url")), str(u.get("format") or catalog.DEFAULT_WEBHOOK_FORMAT).lower())
                       for u in hook.get("urls") or [] if isinstance(u, dict) and u.get("url")})
        out["urls"] = []
        for i, (url, fmt) in enumerate(urls):
            if placeholders is not None:
                written = _placeholder(placeholders, owner, hook, i if len(urls) > 1 else None, url)
            else:
                written = _literal(url)
            out["urls"].append({"url": written, "format": fmt})
    elif isinstance(hook.get("notified"), list):  # `[]` too: an empty list is not the whole team
        out["notify"] = sorted(_recipients(hook["notified"]), key=_text_first)
    if hook.get("events"):
        out["events"] = sorted({_literal(e) for e in hook["events"]})
    if hook.get("scope"):
        entries = {_scope_entry(owner, s) for s in hook["scope"] if isinstance(s, str)}
        out["services"] = [json.loads(e) if e.startswith("{") else e for e in sorted(entries, key=_text_first)]
    return out


def _text_first(value) -> tuple:
    """Texts sorted, then mappings by their JSON: one fixed order for a list holding both."""
    return (0, value) if isinstance(value, str) else (1, json.dumps(value, sort_keys=True, ensure_ascii=False))


def _scope_entry(owner: ExportOwner, entry: str) -> str:
    """A scope entry as the file writes it: the service's name where it identifies it, the entry itself where
    it reads back as itself, else `{id: …}` (e.g. a name stored in the scope, or a service name with a tab).
    Answered as text; a mapping as its JSON, so entries can go in a set."""
    if entry in owner.service_names:
        return _literal(owner.service_names[entry])
    if _reads_back_as_itself(owner, entry):
        return _literal(entry)
    return json.dumps({"id": _literal(entry)}, ensure_ascii=False)


def _reads_back_as_itself(owner: ExportOwner, entry: str) -> bool:
    """Whether `services: [entry]` resolves to `entry` (owners/services.py resolve): an id of the owner, or a
    value that looks like an id and that no service of the owner is named."""
    from clever_notify.owners.services import looks_like_id

    if not _clean_service_text(entry):
        return False
    if any(entry == s.id for s in owner.services):
        return True  # an id is looked up as an id before any name
    return looks_like_id(entry) and not any(s.name == entry for s in owner.services)


def _recipients(notified: list) -> list:
    """Each recipient in the file's words: an address, a user id or `organisation` where that text reads
    back as the same recipient, else `{type, target}` exactly as held (a type this tool does not know, a
    target its rules would refuse); never rewritten into another type."""
    from clever_notify.errors import InputError
    from clever_notify.guards.values import parse_notify_target

    texts: set[str] = set()
    mappings: list[dict] = []
    for entry in notified:
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str) or not entry["type"]:
            continue
        kind, target = entry["type"].lower(), entry.get("target")
        if kind == "organisation":
            texts.add("organisation")
            continue
        parts = [a.strip() for a in target.split(",") if a.strip()] if kind == "email" and isinstance(target, str) \
            else [target]
        try:
            readable = all(isinstance(p, str) and parse_notify_target(p) == {"type": kind, "target": p}
                           for p in parts) and bool(parts)
        except InputError:
            readable = False
        if readable:
            texts.update(_literal(p) for p in parts)
            continue
        mapping = {"type": _literal(entry["type"])}
        if target is not None:
            mapping["target"] = _literal(target)
        if mapping not in mappings:
            mappings.append(mapping)
    return [*texts, *mappings]


def placeholder_name(owner_id: str, hook: dict, index: int | None = None) -> str:
    """The variable a webhook's URL is written as: `WEBHOOK_URL_<NAME>_<digest>`, where the digest is of the
    owner's and the hook's ids. It depends on that hook alone: adding `deploy+prod` never renames the variable
    of `deploy-prod`, whose name reads the same in a variable."""
    base = re.sub(r"[^A-Za-z0-9]+", "_", str(hook.get("name") or "")).strip("_").upper()[:40].strip("_") or "HOOK"
    digest = hashlib.sha256(f"{owner_id}\0{hook.get('id')}".encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"WEBHOOK_URL_{base}_{digest.upper()}" + (f"_{index + 1}" if index is not None else "")


def _placeholder(used: list[Placeholder], owner: ExportOwner, hook: dict, index: int | None, url: str) -> str:
    name = placeholder_name(owner.owner_id, hook, index)
    used.append(Placeholder(name, owner.name or owner.key, str(hook.get("name") or hook.get("id")), url))
    return f"${{{name}}}"


def to_yaml(data: dict) -> str:
    """YAML in which no control, bidi, zero-width or separator character is written raw: the file is reviewed
    and read in terminals, where those would reorder or hide text. A text holding one is double-quoted and
    the character written as a YAML escape (`\\u202e`); anything else non-ASCII stays as it is."""
    import yaml

    from clever_notify.guards.sanitise import is_unsafe

    where = _lone_surrogate(data, ())
    if where is not None:
        from clever_notify.errors import InputError
        from clever_notify.notifications_file.source import format_path

        path, ch = where
        raise InputError(f"cannot write this state as YAML: {format_path(path)} holds a lone surrogate "
                         f"(U+{ord(ch):04X}), a character YAML cannot hold; export it as JSON instead "
                         "(-F json, or an output file ending in .json), which can")

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


def _lone_surrogate(value, path: tuple) -> tuple[tuple, str] | None:
    """The path of the first text holding a lone surrogate (U+D800…U+DFFF, which the API's JSON can carry
    as `\\ud800`), and that character; None when there is none."""
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        return (path, found.group()) if found else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _lone_surrogate(key, path + (key,)) if isinstance(key, str) else None
        found = found or _lone_surrogate(item, path + (key,))
        if found:
            return found
    return None


def _yaml_escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def to_json(data: dict) -> str:
    from clever_notify.guards.sanitise import json_for_terminal

    return json_for_terminal(data, indent=2) + "\n"  # the same characters as `\\uXXXX`, as for YAML
