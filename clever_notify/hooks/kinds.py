"""The two kinds of notification hook, and what differs between them.

    from clever_notify.hooks.kinds import WEBHOOKS, EMAILHOOKS, KINDS, kind_of

    WEBHOOKS.path       "webhooks"   (the API path segment: /v2/notifications/<path>/<ownerId>)
    WEBHOOKS.noun       "webhook"    (in messages: "The webhook h1 has been removed.")
    WEBHOOKS.command    "webhooks"   (the command group: `clever webhooks …`)
    WEBHOOKS.own_field  "urls"       (the field only this kind has; "notified" for e-mail hooks)

Its rows of the field table: hooks.fields.fields_of(WEBHOOKS).

kind_of() accepts a HookKind or its path segment, for callers that hold the API's own spelling.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class HookKind:
    """One of the two kinds (KINDS): each exists once, so a kind is equal only to itself. Kinds key the dicts of
    every plan and listing (hundreds of thousands of lookups for 20,000 hooks): the identity's hash is the
    interpreter's own, with no call. A copy or a pickle of a kind is the kind itself."""

    path: str
    noun: str
    nouns: str
    command: str
    own_field: str
    add_hint: str  # the command that adds one, suggested under an empty listing

    def __str__(self) -> str:
        return self.path

    def __reduce__(self):
        return kind_of, (self.path,)


WEBHOOKS = HookKind(
    path="webhooks", noun="webhook", nouns="webhooks", command="webhooks", own_field="urls",
    add_hint="clever webhooks add NAME URL --event META_DEPLOYMENT_RESULT",
)
EMAILHOOKS = HookKind(
    path="emailhooks", noun="e-mail notification", nouns="e-mail notifications", command="notify-email",
    own_field="notified", add_hint="clever notify-email add --notify you@example.org NAME",
)
KINDS = (WEBHOOKS, EMAILHOOKS)


def kind_of(value: HookKind | str) -> HookKind:
    """The HookKind itself, or the one whose API path segment is `value`; ValueError otherwise."""
    if isinstance(value, HookKind):
        return value
    for kind in KINDS:
        if kind.path == value:
            return kind
    raise ValueError(f"not a hook kind: {value!r}")
