"""Is the write just sent there? The owner's list, read back, compared with what was sent.

A listed hook is "the one sent" when every compared field of the field table matches (hooks/fields.py
`fingerprint`: order-insensitive lists, empty meaning "all"). A create is told apart from an older hook just
like it by ids, never by clocks: a match whose id was listed before the write (`before`) is that older twin;
a match whose id was not is the hook just created, however the API dates it. Without `before` (`add` reads no
list before its POST, to send no more requests than clever-tools), any match is taken as the hook sent: a
second one would double every delivery, so nothing is sent again.
"""

from __future__ import annotations

from collections.abc import Collection

from clever_notify.hooks import fields


def same_hook(sent: dict, listed: dict) -> bool:
    return isinstance(listed, dict) and fields.fingerprint(sent) == fields.fingerprint(listed)


def state_stored(sent: dict, shown: dict) -> bool:
    """A `state` sent is a `state` shown (in any case); a body without one asks nothing of it."""
    if "state" not in sent:
        return True
    want, got = sent.get("state"), shown.get("state")
    return isinstance(want, str) and isinstance(got, str) and want.upper() == got.upper()


def shows(sent: dict, shown: dict) -> bool:
    """Whether `shown` (an answer or a listed hook) holds what `sent` asked: the compared fields and `state`."""
    return same_hook(sent, shown) and state_stored(sent, shown)


def find_sent(sent: dict, hooks: list[dict], before: Collection[str] | None = None) -> dict | None:
    """The listed hook matching what was sent and not listed before the write; the last listed if several."""
    matches = [h for h in hooks if same_hook(sent, h) and (before is None or h.get("id") not in before)]
    return matches[-1] if matches else None


def find_updated(hook_id: str, sent: dict, hooks: list[dict], with_state: bool = True) -> dict | None:
    """The hook `hook_id` as listed, if it now shows what the PUT sent (its `state` too, `with_state`)."""
    current = [h for h in hooks if isinstance(h, dict) and h.get("id") == hook_id]
    if not current or not same_hook(sent, current[0]):
        return None
    return current[0] if not with_state or state_stored(sent, current[0]) else None


def listed(hook_id: str, hooks: list[dict]) -> dict | None:
    return next((h for h in hooks if isinstance(h, dict) and h.get("id") == hook_id), None)
