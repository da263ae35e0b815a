"""A whole hook in words, from the field table: `show`'s block, the listings' JSON and their human blocks.

    from clever_notify.hooks.describe import show_block, summary, listing_block

    show_block(kind, hook, owner_id) → (title, [(label, words), …])   every field of the kind that has words
    summary(kind, hook)              → the object clever-tools 4.11 prints per hook with `-F json`
    listing_block(kind, hook, owner) → (title, [(label, words), …])   the human listing (same words as show)

The result goes to render.Output.blocks / render.to_json. No click, no I/O.
"""

from __future__ import annotations

from typing import Any

from clever_notify.hooks import words
from clever_notify.hooks.fields import ABSENT, fields_of
from clever_notify.hooks.kinds import HookKind, kind_of


def show_block(kind: HookKind | str, hook: dict, owner_id: str) -> tuple[str, list]:
    """The title (the name) and `label: value` lines of `show`, in the table's show order."""
    owner = str(hook.get("ownerId") or owner_id)
    title = words.clean(hook.get("name")) if hook.get("name") else f"(unnamed {kind_of(kind).noun})"
    shown = sorted((f for f in fields_of(kind) if f.show_at is not None), key=lambda f: f.show_at)
    return title, [(f.label, f.show(hook.get(f.key), owner)) for f in shown]


def summary(kind: HookKind | str, hook: dict) -> dict:
    """clever-tools' `-F json` object: keys in its order, an absent key left out, a null kept."""
    out: dict[str, Any] = {}
    for f in fields_of(kind):
        if f.summary_key is not None:
            value = f.summarise(hook)
            if value is not ABSENT:
                out[f.summary_key] = value
    return out


def listing_block(kind: HookKind | str, hook: dict, owner_id: str | None = None) -> tuple[str, list]:
    """One hook of the human listing: a few of `show`'s lines, in the same words (hooks/words.py).

    From the hook as read, not from clever-tools' JSON object: that one says `services: [ownerId]` for a hook
    on every service, which reads like a scope."""
    owner = str(hook.get("ownerId") or owner_id or "")
    title = words.clean(hook.get("name") or hook.get("id"))
    return title, [(f.list_label, f.list_words(hook.get(f.key), owner)) for f in fields_of(kind) if f.list_label]
