"""The `audit:` section of a notifications file, for `clever notifications audit --file FILE`.

Only that section is checked here: an audit needs neither the hooks nor the ${VAR}s their URLs read (a CI
job that audits often has no webhook secrets), and `plan` checks the rest. Read as plan reads the file:
bounded, from a regular file only, YAML or JSON by the name's ending.
"""

from __future__ import annotations

from collections.abc import Mapping

from clever_notify.notifications_file import rules
from clever_notify.notifications_file.desired import FileInvalid, read_document
from clever_notify.notifications_file.source import Problem


def read_ignore(source: str, env: Mapping[str, str]) -> list[str]:
    """The entries of `audit.ignore` (normalised: `rule` or `rule:what`); [] when the file has no such section.
    FileInvalid (exit 2) with every problem of that section located."""
    _, doc = read_document(source, env, stdin_hint=False)
    if not isinstance(doc.data, dict) or doc.data.get("audit") is None:
        return []
    problems: list[Problem] = []
    section = rules.check(rules.AUDIT, doc.data["audit"], ("audit",), doc, problems, [])
    if problems:
        raise FileInvalid(source, problems)
    return list(section.get("ignore") or [])
