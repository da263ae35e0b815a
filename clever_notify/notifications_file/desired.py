"""A notifications file checked against the format's rules: the desired hooks per owner, or every problem located."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FilePath

from clever_notify.errors import InputError
from clever_notify.hooks import catalog
from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS, HookKind
from clever_notify.hooks.plan import ENABLED, Wanted
from clever_notify.notifications_file import rules
from clever_notify.notifications_file.source import (
    MAX_FILE_BYTES,
    Document,
    FileProblems,
    Path,
    Problem,
    format_path,
    parse,
)

SECTIONS = {"webhooks": WEBHOOKS, "emails": EMAILHOOKS}  # the file's words → the API's kinds
SECTION_OF = {v: k for k, v in SECTIONS.items()}


@dataclass
class OwnerSection:
    key: str  # as the file writes it: a name, an id, or `self`
    path: Path
    document: Document = field(repr=False, compare=False)  # for its line, asked only for a problem
    hooks: dict[HookKind, list[Wanted]] = field(default_factory=dict)  # only the kinds the file has a section for
    services: dict[Path, str] = field(default_factory=dict)  # each service as written, by its path
    scope_as_held: dict[Path, str] = field(default_factory=dict)  # `{id: …}` entries: sent as they are
    owner_id: str | None = None  # `id:`, the owner the file was written for (checked against the key)
    owner_name: str | None = None  # `name:`, the owner's name (checked against the API's)

    @property
    def line(self) -> int | None:
        return self.document.key_line(self.path)


@dataclass
class DesiredFile:
    name: str  # the file's name, for messages
    document: Document
    owners: list[OwnerSection]
    warnings: list[Problem]
    # Events and formats this tool's catalog lacks: the API's own catalog decides (remote.check_catalog).
    unverified: list[rules.Unverified] = field(default_factory=list)

    @property
    def variables(self) -> dict[str, str]:
        return self.document.variables

    def refuse(self, problems: list[Problem]) -> FileInvalid:
        """The problems found once the file was read (an owner, a service, a hook that does not exist)."""
        mask = self.document.mask()
        return FileInvalid(self.name, [p.masked(mask) for p in problems])


class FileInvalid(InputError):
    """Raised when the notifications file breaks its rules, or names what does not exist; nothing was written."""

    def __init__(self, file_name: str, problems: list[Problem]):
        self.file_name = file_name
        self.problems = sorted(problems, key=lambda p: (p.line or 0, format_path(p.path)))
        count = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        lines = "".join(f"\n  {p.located(file_name)}" for p in self.problems)
        super().__init__(f"{file_name}: {count}, nothing was sent:{lines}")

    def message_lines(self) -> list[str]:
        return str(self).split("\n")  # the header, then one line per problem (built just above)

    def as_json(self) -> list[dict]:
        return [{"path": format_path(p.path), "line": p.line, "message": p.message} for p in self.problems]


def read(source: str, env: Mapping[str, str], *, text: str | None = None) -> DesiredFile:
    """Read and check the file `source` (`-` for stdin when `text` is given); FileInvalid on any problem."""
    name, doc = read_document(source, env, text=text)
    checked = check(doc, name)
    doc.data = None  # read into the owners' hooks: a file of 20,000 hooks is not kept twice while it is planned
    return checked


def read_document(source: str, env: Mapping[str, str], *, text: str | None = None,
                  stdin_hint: bool = True) -> tuple[str, Document]:
    """The file `source` read into values (`-` for stdin when `text` is given), not yet checked against the
    rules: its shown name and the Document. FileInvalid for what the file holds, InputError for a file that
    cannot be read. `stdin_hint`: a command that reads `-` says so when given a stream."""
    name = "<stdin>" if source == "-" else source
    if text is None:
        from clever_notify.config.files import NotARegularFile, TooBig, read_regular

        try:  # bounded, and a FIFO or device refused at once: `plan /dev/zero` must neither hang nor fill memory
            raw = read_regular(FilePath(source), MAX_FILE_BYTES)
        except TooBig:
            raise FileInvalid(name, [Problem((), None, "the file is too large")]) from None
        except NotARegularFile:
            hint = "; to read a stream, give - and pipe it in" if stdin_hint else ""
            raise InputError(f"cannot read {source}: not a regular file (a folder, FIFO or device){hint}") from None
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileInvalid(name, [Problem((), None, "not UTF-8 text")]) from None
    try:
        doc = parse(text, json_file=name.lower().endswith(".json"), env=env)
    except FileProblems as exc:
        raise FileInvalid(name, exc.problems) from None
    return name, doc


def check(doc: Document, name: str) -> DesiredFile:
    problems: list[Problem] = []
    warnings: list[Problem] = []
    data = rules.check(rules.FILE, doc.data, (), doc, problems, warnings)
    _unique(doc, problems)  # on the values as read: reported with the other problems, not after they are fixed
    unverified = [p for p in problems if isinstance(p, rules.Unverified) and p.path not in doc.unresolved]
    # A value whose variable is unset was not really read: its own problem says so, the rules' would mislead.
    problems = [p for p in problems if p.path not in doc.unresolved and not isinstance(p, rules.Unverified)]
    if problems or doc.problems:  # refused anyway: an unknown event is named with the rest, unchecked
        problems += unverified
    problems += doc.problems
    warnings = [w for w in warnings if w.path not in doc.unresolved]
    # A message may quote a value read from a variable (a URL with its token): shown as ${VAR}, as plan shows it.
    mask = doc.mask()
    problems = [p.masked(mask) for p in problems]
    warnings = [w.masked(mask) for w in warnings]
    if problems:
        raise FileInvalid(name, problems)
    owners = []
    repeats: list[tuple[Path, str]] = []  # (where, warning): a value a hook's list repeats, in the file's order
    for key, section in data["owners"].items():
        path = ("owners", key)
        owner = OwnerSection(key, path, doc, {}, owner_id=section.get("id"),
                             owner_name=section.get("name"))
        for word, kind in SECTIONS.items():
            if word in section:
                owner.hooks[kind] = [_wanted(kind, hook, path + (word, i), owner, repeats)
                                     for i, hook in enumerate(section[word])]
        owners.append(owner)
    warnings += [Problem(where, doc.line(where), said).masked(mask) for where, said in repeats
                 if where not in doc.unresolved]
    return DesiredFile(name, doc, owners, warnings, unverified)


def _wanted(kind: HookKind, hook: dict, path: Path, owner: OwnerSection, repeats: list[tuple[Path, str]]) -> Wanted:
    """The hook at `path` as the plan wants it; a value its lists repeat (sent once) is added to `repeats`."""
    fields: dict = {"name": hook.get("name")}
    webhook = kind is WEBHOOKS
    if webhook:
        urls = [{"format": u.get("format", catalog.DEFAULT_WEBHOOK_FORMAT), "url": u["url"]} for u in hook["urls"]]
        fields["urls"] = _dedupe(urls)
        if len(fields["urls"]) < len(urls):
            _repeated(path, "urls", hook["urls"], urls, repeats)
    else:
        notify = hook.get("notify")
        targets = None if notify is None else [_target(t) for t in notify]
        fields["notified"] = None if targets is None else _dedupe(targets)
        if targets is not None and len(fields["notified"]) < len(targets):
            _repeated(path, "notify", notify, targets, repeats)
    events = hook.get("events")
    fields["events"] = None if events is None else _dedupe(events)
    if events is not None and len(fields["events"]) < len(events):
        _repeated(path, "events", events, events, repeats)
    if webhook:
        fields["state"] = hook.get("state", ENABLED)  # absent: enabled, so a webhook the platform disabled is drift
    fields["scope"] = None
    services = hook.get("services") or []
    for i, service in enumerate(services):
        if isinstance(service, dict):
            owner.scope_as_held[path + ("services", i)] = service["id"]
        else:
            owner.services[path + ("services", i)] = service
    if len(services) > 1:
        try:
            twice = len(set(services)) < len(services)
        except TypeError:  # an entry as the API holds it (a mapping): compared one by one
            twice = True
        if twice:
            _repeated(path, "services", services, services, repeats)
    return Wanted(kind, hook.get("name"), hook.get("id"), fields, where=path)


def _target(value: str | dict) -> dict:
    if isinstance(value, dict):  # a recipient as the API holds it: its type and target as written
        return {"type": value["type"], **({"target": value["target"]} if "target" in value else {})}
    if value.lower() == "organisation":
        return {"type": "organisation"}
    if "@" in value:
        return {"type": "email", "target": value}
    return {"type": "userid", "target": value}


# What a warning calls a value of each list of a hook where a value given twice is sent once
# (guards/values.merge_repeats' rule), in the order a hook's lists are told.
_LISTS = {"urls": ("URL", lambda u: u.get("url") if isinstance(u, dict) else u),
          "notify": ("recipient", str),
          "events": ("event", str),
          "services": ("service", str)}


def _repeated(path: Path, field_name: str, values: list, compared: list, repeats: list[tuple[Path, str]]) -> None:
    """Each of `values` (the hook's list `field_name`) that is equal, as `compared` has it (an event upper-cased, a
    URL with its format), to one before it: a warning, at its place."""
    from clever_notify.guards.values import merge_repeats

    what, shown = _LISTS[field_name]
    _, repeated = merge_repeats(list(enumerate(compared)), key=lambda iv: iv[1])
    for at, _ in repeated:
        repeats.append((path + (field_name, at),
                        f"warning: the {what} {shown(values[at])} is given more than once; it is sent once"))


def _dedupe(items: list) -> list:
    if len(items) < 2:  # most lists of a hook: one URL, one event
        return list(items)
    out: list = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _unique(doc: Document, problems: list[Problem]) -> None:
    """No id twice for one owner and kind; no name twice, unless every hook with that name carries its id."""
    owners = doc.data.get("owners") if isinstance(doc.data, dict) else None
    for key, section in (owners or {}).items() if isinstance(owners, dict) else ():
        for word, kind in SECTIONS.items():
            hooks = section.get(word) if isinstance(section, dict) else None
            if not isinstance(hooks, list):
                continue
            at = ("owners", key, word)  # a hook's path is at + (index,): made only for a problem
            first_id: dict[str, int] = {}
            named: dict[str, list[tuple[int, bool]]] = {}  # name → (index, given with an id), in file order
            for i, hook in enumerate(hooks):
                if not isinstance(hook, dict):
                    continue
                hook_id, hook_name = hook.get("id"), hook.get("name")
                if isinstance(hook_id, str):
                    if hook_id.strip() in first_id:
                        also = format_path(at + (first_id[hook_id.strip()],))
                        problems.append(Problem(at + (i, "id"), doc.line(at + (i, "id")),
                                                f"id {hook_id.strip()} also at {also}"))
                    first_id.setdefault(hook_id.strip(), i)
                if isinstance(hook_name, str) and hook_name.strip():
                    named.setdefault(hook_name, []).append((i, isinstance(hook_id, str)))
                elif isinstance(hook_name, str) and not isinstance(hook_id, str):
                    problems.append(Problem(at + (i, "name"), doc.line(at + (i, "name")),
                                            "a blank name cannot identify the hook: give its `id:` too "
                                            "(or a name that is not blank)"))
            noun = kind.noun
            for hook_name, same in named.items():
                if len(same) > 1 and not all(has_id for _, has_id in same):
                    first = format_path(at + (same[0][0],))
                    for i, _ in same[1:]:
                        problems.append(Problem(
                            at + (i, "name"), doc.line(at + (i, "name")),
                            f"another {noun} of this owner is named {hook_name!r} ({first}); "
                            "names identify hooks: make them differ, or give each its `id:`"))
