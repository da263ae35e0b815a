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

from clever_notify.api.bounded_reads import MAX_READERS, read_each
from clever_notify.errors import ApiError, CleverNotifyError, InputError, NotFound
from clever_notify.hooks import audit_rules as ar
from clever_notify.hooks import health
from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS, HookKind

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
    def errors(self) -> int:
        return sum(f.severity == ar.ERROR for f in self.findings)

    @property
    def hooks(self) -> int:
        return sum(len(o.webhooks) + len(o.emailhooks) for o in self.audited)

    @property
    def applications(self) -> int:
        return sum(s.is_app for o in self.audited for s in o.owner.services)


def known_owners(summary: dict) -> list[ar.Owner]:
    """Your account, then every organisation of /v2/summary (each id once), with applications and add-ons."""
    from clever_notify.owners.sweep import owners_of

    entries = {}
    user = summary.get("user")
    for entry in [user, *(summary.get("organisations") or [])]:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            entries.setdefault(entry["id"], entry)
    out = []
    for owner in owners_of(summary):  # its checks and order: what every --all-owners command reads
        entry = entries.get(owner.id, {})
        services = []
        for key, is_app in (("applications", True), ("addons", False)):
            items = entry.get(key)
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
                    real = item.get("realId") if isinstance(item.get("realId"), str) else None
                    services.append(ar.Service(item["id"], str(item.get("name") or ""), is_app, real))
        out.append(ar.Owner(owner.id, owner.name, owner.is_user, tuple(services)))
    return out


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


def run(client, *, owners: Iterable[str] | None = None, now_ms: int | None = None,
        window_ms: int = health.DEFAULT_WINDOW_MS, ignore: Iterable[ar.Ignore] = (),
        workers: int = MAX_READERS, on_done: Callable[[], None] | None = None) -> AuditResult:
    """Audit the owners named (every owner when none is), reading each one's two lists once."""
    import time

    from clever_notify.guards.ids import is_well_formed_id

    summary = client.get_summary()
    known = known_owners(summary)
    chosen = choose(known, owners)
    bad = next((o.id for o in chosen if not is_well_formed_id(o.id)), None)
    if bad is not None:  # the API's answer, not the user's input
        raise ApiError(f"unexpected answer from the API for /v2/summary: the owner id {bad[:80]!r} cannot go in "
                       "a URL path; nothing was audited.")
    jobs = [(o, kind) for o in chosen for kind in KINDS]
    malformed: dict[tuple[str, str], list] = {(o.id, kind.path): [] for o, kind in jobs}
    outcomes = read_each(
        jobs, lambda job: client.list_hooks(job[1], job[0].id, malformed=malformed[(job[0].id, job[1].path)]),
        max_workers=workers, on_done=(lambda _i, _o: on_done()) if on_done else None)
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
                                               window_ms=window_ms, ignore=ignore)
    return result


def _with_owner(hooks: list[dict] | None, owner: ar.Owner) -> list[dict]:
    hooks = list(hooks or [])
    for hook in hooks:
        if hook.get("ownerId") is None:
            hook["ownerId"] = owner.id
    return hooks
