"""A notifications file checked against the format's rules: the desired hooks per owner, or every problem located."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FilePath

from clever_notify import catalog
from clever_notify.ascode import rules
from clever_notify.ascode.source import (
    MAX_FILE_BYTES,
    Document,
    FileProblems,
    Path,
    Problem,
    format_path,
    parse,
)
from clever_notify.errors import InputError
from clever_notify.hooks.plan import EMAILHOOKS, WEBHOOKS, Wanted

SECTIONS = {"webhooks": WEBHOOKS, "emails": EMAILHOOKS}  # the file's words → the API's kinds
SECTION_OF = {v: k for k, v in SECTIONS.items()}


@dataclass
class OwnerSection:
    key: str  # as the file writes it: a name, an id, or `self`
    path: Path
    line: int | None
    hooks: dict[str, list[Wanted]]  # only the kinds the file has a section for
    services: dict[Path, str] = field(default_factory=dict)  # each service as written, by its path


@dataclass
class DesiredFile:
    name: str  # the file's name, for messages
    document: Document
    owners: list[OwnerSection]
    warnings: list[Problem]

    @property
    def variables(self) -> dict[str, str]:
        return self.document.variables

    def refuse(self, problems: list[Problem]) -> FileInvalid:
        return FileInvalid(self.name, problems)


class FileInvalid(InputError):
    """Raised when the notifications file breaks its rules, or names what does not exist; nothing was written."""

    def __init__(self, file_name: str, problems: list[Problem]):
        self.file_name = file_name
        self.problems = sorted(problems, key=lambda p: (p.line or 0, format_path(p.path)))
        count = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        lines = "".join(f"\n  {p.located(file_name)}" for p in self.problems)
        super().__init__(f"{file_name}: {count}, nothing was sent:{lines}")

    def as_json(self) -> list[dict]:
        return [{"path": format_path(p.path), "line": p.line, "message": p.message} for p in self.problems]


def read(source: str, env: Mapping[str, str], *, text: str | None = None) -> DesiredFile:
    """Read and check the file `source` (`-` for stdin when `text` is given); FileInvalid on any problem."""
    name = "<stdin>" if source == "-" else source
    if text is None:
        try:
            raw = FilePath(source).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
        if len(raw) > MAX_FILE_BYTES:
            raise FileInvalid(name, [Problem((), None, "the file is too large")])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileInvalid(name, [Problem((), None, "not UTF-8 text")]) from None
    try:
        doc = parse(text, json_file=name.lower().endswith(".json"), env=env)
    except FileProblems as exc:
        raise FileInvalid(name, exc.problems) from None
    return check(doc, name)


def check(doc: Document, name: str) -> DesiredFile:
    problems: list[Problem] = []
    warnings: list[Problem] = []
    data = rules.check(rules.FILE, doc.data, (), doc, problems, warnings)
    if problems:
        raise FileInvalid(name, problems)
    owners = []
    for key, section in data["owners"].items():
        path = ("owners", key)
        owner = OwnerSection(key, path, doc.key_line(path), {})
        for word, kind in SECTIONS.items():
            if word in section:
                owner.hooks[kind] = [_wanted(kind, hook, path + (word, i), owner)
                                     for i, hook in enumerate(section[word])]
                _unique(owner.hooks[kind], kind, doc, problems)
        owners.append(owner)
    if problems:
        raise FileInvalid(name, problems)
    return DesiredFile(name, doc, owners, warnings)


def _wanted(kind: str, hook: dict, path: Path, owner: OwnerSection) -> Wanted:
    fields: dict = {"name": hook.get("name")}
    if kind == WEBHOOKS:
        fields["urls"] = _dedupe([{"format": u.get("format", catalog.DEFAULT_WEBHOOK_FORMAT), "url": u["url"]}
                                  for u in hook["urls"]])
    else:
        notify = hook.get("notify")
        fields["notified"] = None if notify is None else _dedupe([_target(t) for t in notify])
    fields["events"] = _dedupe(hook["events"]) if "events" in hook else None
    fields["scope"] = None
    for i, service in enumerate(hook.get("services") or []):
        owner.services[path + ("services", i)] = service
    return Wanted(kind, hook.get("name"), hook.get("id"), fields, where=path)


def _target(value: str) -> dict:
    if value.lower() == "organisation":
        return {"type": "organisation"}
    if "@" in value:
        return {"type": "email", "target": value}
    return {"type": "userid", "target": value}


def _dedupe(items: list) -> list:
    out: list = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _unique(hooks: list[Wanted], kind: str, doc: Document, problems: list[Problem]) -> None:
    """No id twice; no name twice, unless every hook with that name carries its id."""
    first_id: dict[str, Path] = {}
    named: dict[str, list[Wanted]] = {}
    for w in hooks:
        if w.id is not None:
            if w.id in first_id:
                problems.append(Problem(w.where + ("id",), doc.line(w.where + ("id",)),
                                        f"id {w.id} also at {format_path(first_id[w.id])}"))
            first_id.setdefault(w.id, w.where)
        if w.name is not None:
            named.setdefault(w.name, []).append(w)
    noun = "webhook" if kind == WEBHOOKS else "e-mail notification"
    for name, same in named.items():
        if len(same) > 1 and any(w.id is None for w in same):
            for w in same[1:]:
                problems.append(Problem(w.where + ("name",), doc.line(w.where + ("name",)),
                                        f"another {noun} of this owner is named {name!r} "
                                        f"({format_path(same[0].where)}); names identify hooks: make them differ, "
                                        "or give each its `id:`"))
