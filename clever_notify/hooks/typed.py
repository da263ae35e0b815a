"""Hooks as typed objects for the Python API: `Webhook` and `EmailHook`, read from the API's JSON.

Every field the API gave is kept in `raw`, known or not: a field the API adds tomorrow is still there, and
whatever the tool writes back is built from `raw` (hooks/update.py), never from these attributes.
`events`/`services` are None when the hook has no restriction (all events, every service of the owner).
No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS, HookKind, kind_of


def _texts(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not value:
        return None
    return tuple(str(v) for v in value)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class WebhookUrl:
    url: str
    format: str


@dataclass(frozen=True)
class Recipient:
    """Who an e-mail notification goes to: `email` (target: addresses), `userid` (target: user_…) or
    `organisation` (the whole team, no target); a type this tool does not know is kept as given."""

    type: str
    target: str | None = None


@dataclass(frozen=True)
class Failure:
    """A recent delivery failure the API keeps on a webhook."""

    url: str | None
    status: int | None
    network_failure: str | None
    created_at: Any
    raw: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Webhook:
    id: str | None
    name: str | None
    owner_id: str | None
    urls: tuple[WebhookUrl, ...]
    events: tuple[str, ...] | None
    services: tuple[str, ...] | None
    state: str
    failures: tuple[Failure, ...]
    created_at: Any
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    kind = WEBHOOKS

    @property
    def enabled(self) -> bool:
        return self.state == "ENABLED"

    @classmethod
    def from_api(cls, raw: dict) -> Webhook:
        urls = tuple(WebhookUrl(str(u.get("url")), str(u.get("format") or "raw"))
                     for u in raw.get("urls") or [] if isinstance(u, dict) and u.get("url"))
        failures = tuple(
            Failure(_text(f.get("url")), f.get("status") if isinstance(f.get("status"), int) else None,
                    _text(f.get("networkFailure")), f.get("createdAt"), f)
            for f in raw.get("failures") or [] if isinstance(f, dict))
        state = raw.get("state")
        return cls(_text(raw.get("id")), _text(raw.get("name")), _text(raw.get("ownerId")), urls,
                   _texts(raw.get("events")), _texts(raw.get("scope")),
                   state.upper() if isinstance(state, str) and state else "ENABLED", failures, raw.get("createdAt"),
                   dict(raw))


@dataclass(frozen=True)
class EmailHook:
    id: str | None
    name: str | None
    owner_id: str | None
    notified: tuple[Recipient, ...]  # empty: the whole team (the API's default)
    events: tuple[str, ...] | None
    services: tuple[str, ...] | None
    created_at: Any
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    kind = EMAILHOOKS

    @classmethod
    def from_api(cls, raw: dict) -> EmailHook:
        notified = tuple(Recipient(str(n.get("type")), _text(n.get("target")))
                         for n in raw.get("notified") or [] if isinstance(n, dict))
        return cls(_text(raw.get("id")), _text(raw.get("name")), _text(raw.get("ownerId")), notified,
                   _texts(raw.get("events")), _texts(raw.get("scope")), raw.get("createdAt"), dict(raw))


Hook = Webhook | EmailHook


def from_api(kind: HookKind | str, raw: dict) -> Hook:
    return (Webhook if kind_of(kind) == WEBHOOKS else EmailHook).from_api(raw)
