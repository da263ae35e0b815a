"""The `audit:` section of a notifications file, for `clever notifications audit --file FILE`.

Only that section is checked here: an audit needs neither the hooks nor the ${VAR}s their URLs read (a CI
job that audits often has no webhook secrets), and `plan` checks the rest. Read as plan reads the file:
bounded, from a regular file only, YAML or JSON by the name's ending.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path as FilePath

from clever_notify.errors import InputError
from clever_notify.notifications_file import rules
from clever_notify.notifications_file.desired import FileInvalid
from clever_notify.notifications_file.source import MAX_FILE_BYTES, FileProblems, Problem, parse


def read_ignore(source: str, env: Mapping[str, str]) -> list[str]:
    """The entries of `audit.ignore` (normalised: `rule` or `rule:what`); [] when the file has no such section.
    FileInvalid (exit 2) with every problem of that section located."""
    from clever_notify.config.files import NotARegularFile, TooBig, read_regular

    try:
        raw = read_regular(FilePath(source), MAX_FILE_BYTES)
    except TooBig:
        raise FileInvalid(source, [Problem((), None, "the file is too large")]) from None
    except NotARegularFile:
        raise InputError(f"cannot read {source}: not a regular file (a folder, FIFO or device)") from None
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileInvalid(source, [Problem((), None, "not UTF-8 text")]) from None
    try:
        doc = parse(text, json_file=source.lower().endswith(".json"), env=env)
    except FileProblems as exc:
        raise FileInvalid(source, exc.problems) from None
    if not isinstance(doc.data, dict) or doc.data.get("audit") is None:
        return []
    problems: list[Problem] = []
    section = rules.check(rules.AUDIT, doc.data["audit"], ("audit",), doc, problems, [])
    if problems:
        raise FileInvalid(source, problems)
    return list(section.get("ignore") or [])
