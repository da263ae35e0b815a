"""The notification catalog: events, meta-events and webhook formats.

This is the only module that spells event names. Validation, completion, help,
`clever events`, the sandbox and the generated docs all read it.
"""

from __future__ import annotations

import difflib

from clever_notify.errors import InputError

# Families in the order the documentation page lists them.
EVENT_FAMILIES: dict[str, tuple[str, ...]] = {
    "Account": ("ACCOUNT_CREATION", "ACCOUNT_DELETION", "ACCOUNT_EDITION"),
    "Add-on": ("ADDON_CREATION", "ADDON_DELETION"),
    "Application": (
        "APPLICATION_CREATION",
        "APPLICATION_DELETION",
        "APPLICATION_EDITION",
        "APPLICATION_REDEPLOY",
        "APPLICATION_STOP",
    ),
    "Deployment": (
        "DEPLOYMENT_ACTION_BEGIN",
        "DEPLOYMENT_ACTION_END",
        "DEPLOYMENT_FAIL",
        "DEPLOYMENT_SUCCESS",
        "GIT_PUSH",
    ),
    "Organisation": (
        "ORGANISATION_CREATION",
        "ORGANISATION_DELETION",
        "ORGANISATION_EDITION",
        "ORGANISATION_USER_ADDITION",
    ),
    "Others": ("CLEVER_TOOLS_REQUEST", "CREDITS_ADDED"),
}

EVENTS: tuple[str, ...] = tuple(e for family in EVENT_FAMILIES.values() for e in family)

META_EVENTS: dict[str, tuple[str, ...]] = {
    "META_SERVICE_LIFECYCLE": (
        "APPLICATION_STOP",
        "DEPLOYMENT_ACTION_BEGIN",
        "DEPLOYMENT_FAIL",
        "DEPLOYMENT_SUCCESS",
    ),
    "META_DEPLOYMENT_RESULT": ("DEPLOYMENT_FAIL", "DEPLOYMENT_SUCCESS"),
    "META_SERVICE_MANAGEMENT": (
        "ADDON_CREATION",
        "ADDON_DELETION",
        "APPLICATION_CREATION",
        "APPLICATION_EDITION",
        "APPLICATION_DELETION",
    ),
    "META_CREDITS": ("CREDITS_ADDED",),
}

ALL_EVENT_NAMES: tuple[str, ...] = EVENTS + tuple(META_EVENTS)

WEBHOOK_FORMATS: tuple[str, ...] = ("raw", "slack", "gitter", "flowdock")
DEFAULT_WEBHOOK_FORMAT = "raw"

DEFAULT_EMAIL_HOOK_NAME = "Default deployment result e-mails"
DEFAULT_EMAIL_HOOK_EVENTS: tuple[str, ...] = ("META_DEPLOYMENT_RESULT",)

# What `clever webhooks test` sends when no --event is given.
DEFAULT_TEST_EVENT = "DEPLOYMENT_SUCCESS"


def family_of(event: str) -> str:
    for family, events in EVENT_FAMILIES.items():
        if event in events:
            return family
    return "Meta" if event in META_EVENTS else "Unknown"


def expand(events: list[str] | tuple[str, ...] | None) -> set[str] | None:
    """Concrete events a hook with this `events` list fires for; None means every event."""
    if not events:
        return None
    out: set[str] = set()
    for name in events:
        out.update(META_EVENTS.get(name, (name,)))
    return out


def matches(hook_events: list[str] | None, event: str) -> bool:
    expanded = expand(hook_events)
    return expanded is None or event in expanded


def suggest(name: str, candidates: tuple[str, ...] = ALL_EVENT_NAMES) -> list[str]:
    """Closest valid names for a mistyped one, best first."""
    upper = name.upper()
    close = difflib.get_close_matches(upper, candidates, n=3, cutoff=0.6)
    # A prefix typo (DEPLOY_FAIL, DEPLOYMENT) often scores low with difflib alone.
    for cand in candidates:
        if cand not in close and (cand.startswith(upper) or upper.startswith(cand)) and len(upper) >= 4:
            close.append(cand)
    return close[:3]


def normalize_event(name: str) -> str:
    """One event name, case-insensitive, returned upper-case; InputError with suggestions if unknown."""
    upper = name.strip().upper()
    if upper in ALL_EVENT_NAMES:
        return upper
    if not upper:
        raise InputError("empty event name; run `clever events` to list them")
    hints = suggest(upper)
    tail = f"; did you mean {' or '.join(hints)}?" if hints else "; run `clever events` to list them"
    raise InputError(f"unknown event {name.strip()}{tail}")


def normalize_events(names: list[str] | tuple[str, ...]) -> list[str]:
    """Validate a list of event names, upper-case them and drop duplicates, keeping the first order."""
    out: list[str] = []
    for name in names:
        event = normalize_event(name)
        if event not in out:
            out.append(event)
    return out


def normalize_format(name: str) -> str:
    lower = name.strip().lower()
    if lower in WEBHOOK_FORMATS:
        return lower
    raise InputError(f"unknown webhook format {name!r}; choose one of: {', '.join(WEBHOOK_FORMATS)}")


def as_api_document() -> dict:
    """The catalog in the shape of the API's /v2/notifications/info/events."""
    return {"events": list(EVENTS), "meta_events": {k: list(v) for k, v in META_EVENTS.items()}}
