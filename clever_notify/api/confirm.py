"""After a POST/PUT failed ambiguously (a timeout, a lost connection, a gateway's 502): was it applied?

The client lists the owner's hooks and looks for the one it sent, compared field by field as the field
table says (hooks/fields.py `compare`: order-insensitive lists, empty meaning "all"). Found: the write
is confirmed; not found: it is sent once more; never more than two sends, so no hook is created twice.
Notices for the user go through the `notice` callback the CLI supplies: nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clever_notify.errors import ApiError, CleverNotifyError, NetworkError
from clever_notify.guards.timestamps import epoch_ms
from clever_notify.hooks import fields
from clever_notify.hooks.kinds import HookKind

# A create's own hook is dated by the API no earlier than the API's time when our POST went out, which the
# client reads from the API's Date header (whole seconds) and our monotonic clock: slack for the rounding.
DATE_SLACK_S = 2.0


def same_hook(sent: dict, listed: dict) -> bool:
    return isinstance(listed, dict) and fields.fingerprint(sent) == fields.fingerprint(listed)


def created_ms(hook: dict) -> float | None:
    """createdAt in epoch milliseconds (the API gives a number or an ISO string); None if unreadable."""
    return epoch_ms(hook.get("createdAt"))


def find_sent(sent: dict, hooks: list[dict], *, not_before_ms: float | None = None) -> dict | None:
    """The listed hook matching what was sent; the newest one if several do (createdAt, then list order).

    With `not_before_ms`, a match created earlier than that is an older twin, not the hook just sent."""
    matches = [h for h in hooks if same_hook(sent, h)]
    if not_before_ms is not None:
        matches = [h for h in matches if (created_ms(h) is None or created_ms(h) >= not_before_ms)]
    if not matches:
        return None
    return max(enumerate(matches), key=lambda ih: (str(ih[1].get("createdAt") or ""), ih[0]))[1]


def updated(hook_id: str, body: dict) -> Callable[[list[dict]], dict | None]:
    """The lookup confirming a PUT: the hook `hook_id` as listed, if it now matches `body`."""

    def lookup(hooks: list[dict]) -> dict | None:
        current = [h for h in hooks if h.get("id") == hook_id]
        return current[0] if current and same_hook(body, current[0]) else None

    return lookup


def confirm_or_resend(
    send: Callable[[], Any],
    list_hooks: Callable[[], list[dict]],
    lookup: Callable[[list[dict]], dict | None],
    *,
    kind: HookKind,
    name: Any,
    done: str,
    notice: Callable[[str], None],
    ambiguous: type[Exception],
) -> Any:
    """Send a POST/PUT; after an `ambiguous` failure, list the owner's hooks and send again only if the
    change is not there. Two sends at most.

    A 500 may also come after the API committed the change: the listing is read, and a change found there
    is confirmed; but a 500 is never sent again (the API said it failed, and would likely fail again)."""
    noun = kind.noun
    for sends in (1, 2):
        try:
            return send()
        except ambiguous as failure:
            last = failure
        except ApiError as failure:
            if failure.status != 500:
                raise
            try:
                found = lookup(list_hooks())
            except CleverNotifyError:
                found = None
            if found is None:
                raise
            notice(f"Note: the API answered 500, yet the listing shows the {noun} {name!r} {done} "
                   f"(id {found.get('id')}).")
            return found
        try:
            found = lookup(list_hooks())
        except CleverNotifyError as check_error:
            raise NetworkError(
                f"{last.reason}, and checking whether the {noun} {name!r} was {done} failed too "
                f"({str(check_error).rstrip('.')}): it may or may not be {done}; list the {noun}s before "
                "trying again."
            ) from None
        if found is not None:
            notice(
                f"Note: {last.reason}, an ambiguous failure; the listing confirms the {noun} {name!r} "
                f"was {done} (id {found.get('id')})."
            )
            return found
        if sends == 1:
            notice(f"Note: the {noun} {name!r} was not {done} after an ambiguous failure; sending it once more.")
    raise NetworkError(
        f"the {noun} {name!r} was not {done}: two tries failed ambiguously (last: {last.reason}) and the "
        "listing does not show it. Try again later."
    )
