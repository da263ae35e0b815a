"""`webhooks check`: is each webhook still working? ok, failing (a recent delivery failure) or disabled.

Classified by hooks/health.py from what the API keeps (`state`, `failures`). Read-only: a webhook the API
lists in a wrong shape is set aside (`malformed`), an owner that cannot be read is kept in `error`; the
caller decides how to end (a webhook not healthy wins over an incomplete read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from clever_notify.hooks.health import DEFAULT_WINDOW_MS, DISABLED, FAILING, OK, UNKNOWN, Health
from clever_notify.hooks.kinds import WEBHOOKS

if TYPE_CHECKING:
    from clever_notify.errors import CleverNotifyError
    from clever_notify.operations.session import Session


@dataclass(frozen=True)
class Checked:
    label: str  # the owner as the user named it (or `name (id)` with every owner)
    owner_id: str
    hook: dict
    health: Health


@dataclass
class HealthReport:
    rows: list[Checked]
    owners: int
    malformed: list[tuple[str, list]] = field(default_factory=list)  # (owner label, items of a wrong shape)
    error: CleverNotifyError | None = None  # some owners could not be read
    now_ms: int = 0
    unread: list[tuple[str, CleverNotifyError]] = field(default_factory=list)  # (owner label, why)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.health.status == status)

    @property
    def unhealthy(self) -> int:
        """Every webhook not known to work: failing, disabled, or in a state this tool does not know."""
        return sum(1 for r in self.rows if r.health.status != OK)

    @property
    def healthy(self) -> bool:
        return self.unhealthy == 0


def check(session: Session, *, owner: str | None = None, all_owners: bool = False,
          window_ms: int = DEFAULT_WINDOW_MS, now_ms: int | None = None, on_owners=None) -> HealthReport:
    """Every webhook of the owner (chosen as `remove` chooses it), or of every owner, classified.
    `on_owners(owners)` is a context manager giving the per-owner progress callback (the CLI's bar)."""
    import time

    from clever_notify.errors import InputError
    from clever_notify.hooks import health

    if all_owners and owner is not None:
        raise InputError("--all-owners reads every owner: it cannot be combined with --org.")
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if all_owners:
        from clever_notify.operations.hooks import every_owner, list_every_owner, unread_error

        owners = every_owner(session)
        if on_owners is None:
            results = list_every_owner(session, WEBHOOKS, owners=owners)
        else:
            with on_owners(owners) as advance:
                results = list_every_owner(session, WEBHOOKS, owners=owners, on_done=advance)
        groups = [((f"{r.owner.shown_name} ({r.owner.id})", r.owner.id), r.hooks) for r in results]
        malformed = [(f"{r.owner.shown_name} ({r.owner.id})", r.malformed) for r in results]
        error = unread_error(results, WEBHOOKS)
        unread = [(f"{r.owner.shown_name} ({r.owner.id})", r.error) for r in results if r.error is not None]
    else:
        from clever_notify.operations.hooks import list_hooks

        # The owner as `remove` chooses it: the linked application's, and all of its webhooks.
        listing = list_hooks(session, WEBHOOKS, owner=owner, linked_app_filter=False)
        label = owner or listing.target.owner_id
        groups = [((label, listing.target.owner_id), listing.hooks)]
        malformed, error, unread = [(label, listing.malformed)], None, []
    rows = [Checked(label, owner_id, hook, health.classify(hook, now_ms=now_ms, window_ms=window_ms))
            for (label, owner_id), hooks in groups for hook in hooks]
    return HealthReport(rows, len(groups), malformed, error, now_ms, unread)


__all__ = ["DISABLED", "FAILING", "OK", "UNKNOWN", "Checked", "HealthReport", "check"]
