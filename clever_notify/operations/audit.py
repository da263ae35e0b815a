"""`clever notifications audit` as a job: one /v2/summary, one list per owner and kind, then the rules.

Requests: exactly 1 + owners x 2 (the sweep `--all-owners` does, for both kinds at once), never one per
hook: every rule reads what those lists hold (hooks/audit_rules.py). The owners to audit are chosen in
the summary already read, so naming them costs nothing either.

An owner whose lists cannot both be read is left out of the audit and reported (its error kept); one
with a hook of a wrong shape is audited, except for uncovered-app (that hook may be the one covering).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from clever_notify.api.bounded_reads import MAX_READERS, read_each
from clever_notify.errors import ApiError, CleverNotifyError, InputError, NotFound
from clever_notify.hooks import audit_rules as ar
from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS, HookKind

if TYPE_CHECKING:
    from clever_notify.operations.session import Session
    from clever_notify.owners.summary import Summary

KINDS: tuple[HookKind, ...] = (WEBHOOKS, EMAILHOOKS)


@dataclass
class AuditResult:
    findings: list[ar.Finding]
    ignored: list[ar.Finding]
    audited: list[ar.OwnerHooks]  # the owners whose lists were read, in the order chosen
    unread: list[tuple[ar.Owner, CleverNotifyError]] = field(default_factory=list)
    malformed: list[tuple[ar.Owner, HookKind, list]] = field(default_factory=list)  # (owner, kind, [Malformed])
    requests: int = 0  # the reads this audit sent

    @property
    def ok(self) -> bool:
        """Nothing found, and every owner read whole."""
        return not self.findings and not self.unread and not self.malformed

    @property
    def errors(self) -> int:
        return sum(f.severity == ar.ERROR for f in self.findings)

    @property
    def hooks(self) -> int:
        return sum(len(o.webhooks) + len(o.emailhooks) for o in self.audited)

    @property
    def applications(self) -> int:
        return sum(s.is_app for o in self.audited for s in o.owner.services)


def known_owners(summary: Summary) -> list[ar.Owner]:
    """Your account, then every organisation of /v2/summary (each id once), with applications and add-ons."""
    return [ar.Owner(o.id, o.shown_name, o.is_user,
                     tuple(ar.Service(s.id, s.name, s.kind == "application", s.real_id) for s in o.services))
            for o in summary.owners()]


def choose(owners: list[ar.Owner], wanted: Iterable[str] | None) -> list[ar.Owner]:
    """The owners named (an id, an organisation's name, or `self`), each once, in the order given; every owner
    when none is named. Looked up in the summary already read: no request."""
    if not wanted:
        return list(owners)
    out: list[ar.Owner] = []
    for name in wanted:
        if name == "self":
            found = [owners[0]]
        else:
            found = [o for o in owners if o.id == name] or [o for o in owners[1:] if o.name == name]
        if not found:
            raise NotFound(f"organisation {name!r} not found among your account and organisations")
        if len(found) > 1:
            ids = ", ".join(o.id for o in found)
            raise InputError(f"ambiguous organisation name {name!r}: several organisations have it ({ids}); "
                             "pass the id")
        if found[0] not in out:
            out.append(found[0])
    return out


def audit(session: Session, owners: str | Iterable[str] | None = None, *,
          ignore: Iterable[str | ar.Ignore] = (), since: timedelta | str | int = "24h",
          now_ms: int | None = None, on_done: Callable[[], None] | None = None) -> AuditResult:
    """Audit the owners named (a name, an id or `self`; every owner when none is), reading each one's two lists
    once: `result.findings` (worst owner first), `result.ignored`, `result.ok`. `ignore`: `RULE` or
    `RULE:WHAT` entries (InputError for an unknown rule, before any request); `since`: how recent a delivery
    failure makes a webhook unhealthy (a timedelta, milliseconds, or `90s`, `30m`, `24h`, `7d`)."""
    import time

    from clever_notify.guards.ids import is_well_formed_id

    ignores = [i if isinstance(i, ar.Ignore) else ar.parse_ignore(str(i)) for i in ignore]
    window_ms = window(since)
    wanted = [owners] if isinstance(owners, str) else list(owners or [])
    client = session.client
    if not wanted:
        session.all_owners()  # every owner: says once which organisations of the summary cannot be read
    known = known_owners(session.summary())
    chosen = choose(known, wanted)
    bad = next((o.id for o in chosen if not is_well_formed_id(o.id)), None)
    if bad is not None:  # the API's answer, not the user's input
        raise ApiError(f"unexpected answer from the API for /v2/summary: the owner id {bad[:80]!r} cannot go in "
                       "a URL path; nothing was audited.")
    jobs = [(o, kind) for o in chosen for kind in KINDS]
    malformed: dict[tuple[str, str], list] = {(o.id, kind.path): [] for o, kind in jobs}
    outcomes = read_each(
        jobs, lambda job: client.list_hooks(job[1], job[0].id, malformed=malformed[(job[0].id, job[1].path)]),
        max_workers=1 if session.in_process else MAX_READERS,  # in-process: no latency to hide
        on_done=(lambda _i, _o: on_done()) if on_done else None)
    result = AuditResult([], [], [], requests=1 + len(jobs))
    for n, o in enumerate(chosen):
        web, mail = outcomes[2 * n], outcomes[2 * n + 1]
        bad_items = [(o, kind, malformed[(o.id, kind.path)]) for kind in KINDS if malformed[(o.id, kind.path)]]
        result.malformed += bad_items
        error = web.error or mail.error
        if error is not None:
            result.unread.append((o, error))
            continue
        result.audited.append(ar.OwnerHooks(o, _with_owner(web.value, o), _with_owner(mail.value, o),
                                            complete=not bad_items))
    now = int(time.time() * 1000) if now_ms is None else now_ms
    result.findings, result.ignored = ar.audit(result.audited, known={o.id: o for o in known}, now_ms=now,
                                               window_ms=window_ms, ignore=ignores)
    return result


_UNITS_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def window(since: timedelta | str | int) -> int:
    """`since` in milliseconds; InputError for anything but a positive duration."""
    import re

    if isinstance(since, timedelta):
        ms = int(since.total_seconds() * 1000)
    elif isinstance(since, int) and not isinstance(since, bool):
        ms = since
    else:
        match = re.fullmatch(r"\s*(\d{1,7})\s*([smhd])\s*", str(since).lower())
        if match is None:
            raise InputError(f"{since!r} is not a duration: a whole number and a unit, e.g. 90s, 30m, 24h or 7d")
        ms = int(match[1]) * _UNITS_MS[match[2]]
    if ms <= 0:
        raise InputError(f"{since!r}: the window must be longer than nothing")
    return ms


def _with_owner(hooks: list[dict] | None, owner: ar.Owner) -> list[dict]:
    hooks = list(hooks or [])
    for hook in hooks:
        if hook.get("ownerId") is None:
            hook["ownerId"] = owner.id
    return hooks
