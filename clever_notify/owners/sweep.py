"""`--all-owners`: your own account and every organisation of /v2/summary, their hooks read concurrently.

One /v2/summary gives every owner (the user included, so no /v2/self), then one list per owner read by
bounded_reads (at most MAX_WORKERS at once, whatever the number of organisations). An owner whose list
fails does not stop the others; its error is kept in its result for the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from clever_notify.api.bounded_reads import MAX_READERS, Outcome, read_each
from clever_notify.errors import CleverNotifyError
from clever_notify.owners.summary import Owner, Summary

MAX_WORKERS = MAX_READERS


@dataclass
class OwnerHooks:
    owner: Owner
    hooks: list[dict] = field(default_factory=list)
    error: CleverNotifyError | None = None
    malformed: list = field(default_factory=list)  # items of a wrong shape, when the caller asked to keep them


def owners_of(summary: dict | Summary) -> list[Owner]:
    """The user first, then the organisations in the API's order; an owner listed twice is read once."""
    return (summary if isinstance(summary, Summary) else Summary.parse(summary)).owners()


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
