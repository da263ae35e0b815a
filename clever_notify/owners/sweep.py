"""`--all-owners`: your own account and every organisation of /v2/summary, their hooks read concurrently.

One /v2/summary gives every owner (the user included, so no /v2/self), then one list per owner read by
bounded_reads (at most MAX_WORKERS at once, whatever the number of organisations). An owner whose list
fails does not stop the others; its error is kept in its result for the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from clever_notify.api.bounded_reads import MAX_READERS, Outcome, read_each
from clever_notify.errors import ApiError, CleverNotifyError

MAX_WORKERS = MAX_READERS


@dataclass(frozen=True)
class Owner:
    id: str
    name: str
    is_user: bool = False


@dataclass
class OwnerHooks:
    owner: Owner
    hooks: list[dict] = field(default_factory=list)
    error: CleverNotifyError | None = None
    malformed: list = field(default_factory=list)  # items of a wrong shape, when the caller asked to keep them


def owners_of(summary: dict) -> list[Owner]:
    """The user first, then the organisations in the API's order; an owner listed twice is read once."""
    if not isinstance(summary, dict):
        raise ApiError("unexpected answer from the API for /v2/summary: not an object.")
    user = summary.get("user")
    organisations = summary.get("organisations")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        raise ApiError("unexpected answer from the API for /v2/summary: no `user` with an `id`.")
    if not isinstance(organisations, list):
        raise ApiError("unexpected answer from the API for /v2/summary: no `organisations` list.")
    owners = [Owner(user["id"], str(user.get("name") or "your account"), is_user=True)]
    seen = {user["id"]}
    for org in organisations:
        if isinstance(org, dict) and isinstance(org.get("id"), str) and org["id"] not in seen:
            seen.add(org["id"])
            owners.append(Owner(org["id"], str(org.get("name") or org["id"])))
    return owners


def read_all(
    owners: list[Owner],
    list_hooks: Callable[[str], list[dict]],
    *,
    max_workers: int = MAX_WORKERS,
    on_done: Callable[[OwnerHooks], None] | None = None,
) -> list[OwnerHooks]:
    """`list_hooks(owner_id)` for every owner, at most `max_workers` at a time; results in the owners' order.

    `on_done` is called in the calling thread as each owner finishes (for a progress display). On Ctrl-C
    the owners not started are cancelled and the interrupt goes on at once, without waiting for the rest.
    """
    results = [OwnerHooks(owner) for owner in owners]

    def finished(index: int, outcome: Outcome) -> None:
        result = results[index]
        result.hooks, result.error = outcome.value if outcome.error is None else [], outcome.error
        if on_done is not None:
            on_done(result)

    read_each([owner.id for owner in owners], list_hooks, max_workers=max_workers, on_done=finished)
    return results
