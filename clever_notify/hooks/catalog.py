"""The notification catalog: events, meta-events and webhook formats.

This is the only module that spells event names. Validation, completion, help,
`clever events`, the sandbox and the generated docs all read it.
"""

from __future__ import annotations

import re

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


_SEPARATORS = re.compile(r"[\s.-]+")


def _similarity(typed: str, cand: str) -> float:
    """How close a typed name is to a valid one: difflib's ratio plus a bonus for the usual typos.

    difflib alone ranks DEPLOYMENT_ACTION_END close to DEPLOYMENT_FAILED and misses abbreviations
    (APP_STOP, DEPLOY_FAIL) and fragments (FAIL); the bonuses put the intended name first.
    """
    import difflib  # only on the error path: keeps every start free of it

    ratio = difflib.SequenceMatcher(None, typed, cand).ratio()
    typed_words, cand_words = typed.split("_"), cand.split("_")
    bonus = 0.0
    if len(typed) >= 4 and (cand.startswith(typed) or typed.startswith(cand)):
        bonus = 0.25  # a truncated or over-long name: DEPLOYMENT_SUCCES, DEPLOYMENT_FAILED
    elif len(typed_words) == len(cand_words) and all(
            c.startswith(t) and t for t, c in zip(typed_words, cand_words, strict=True)):
        bonus = 0.2  # each word abbreviated: APP_STOP, DEPLOY_FAIL
    elif len(typed) >= 4 and typed in cand_words:
        bonus = 0.3  # one word of the name: FAIL, SUCCESS
    elif len(typed) >= 4 and any(w.startswith(typed) for w in cand_words):
        bonus = 0.2  # the start of one word: CREDIT
    return ratio + bonus


def suggest(name: str, candidates: tuple[str, ...] = ALL_EVENT_NAMES) -> list[str]:
    """Closest valid names for a mistyped one, best first; only those nearly as close as the best."""
    typed = _SEPARATORS.sub("_", name.strip().upper()).strip("_")
    if not typed:
        return []
    if typed in candidates:  # git-push, deployment.fail: only the separators were wrong
        return [typed]
    scored = sorted(((_similarity(typed, c), i, c) for i, c in enumerate(candidates)), key=lambda t: (-t[0], t[1]))
    best = scored[0][0]
    if best < 0.6:
        return []
    return [c for score, _, c in scored if score >= best - 0.1][:3]


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def normalize_event(name: str) -> str:
    """One event name, case-insensitive, returned upper-case; InputError with suggestions if unknown."""
    upper = name.strip().upper()
    if upper in ALL_EVENT_NAMES:
        return upper
    if not upper:
        raise InputError("empty event name; run `clever events` to list them")
    if upper == "ALL":  # clever-tools prints ["ALL"] for hooks without events, so people try it
        raise InputError("ALL is not an event name: leave --event out to be notified of every event")
    hints = suggest(upper)
    tail = f"; did you mean {_either(hints)}?" if hints else "; run `clever events` to list them"
    raise InputError(f"unknown event {name.strip()}{tail}")


def concrete_event(name: str) -> str:
    """One event the platform actually sends (a sample, an emitted event): a meta-event is refused, naming
    its members."""
    event = normalize_event(name)
    members = META_EVENTS.get(event)
    if members:
        raise InputError(f"{event} is a meta-event; use one of the events it stands for: {', '.join(members)}")
    return event


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


def as_api_answer() -> dict:
    """What the API answers on /v2/notifications/info/events, as its official client reads it:
    `meta_events` is a list of {"key", "events"} objects (the sandbox answers this)."""
    return {"events": list(EVENTS), "meta_events": [{"key": k, "events": list(v)} for k, v in META_EVENTS.items()]}


def names_in_api_answer(document: dict) -> set[str]:
    """Every event and meta-event name of the API's /v2/notifications/info/events answer, upper-case.
    `meta_events` is read in both shapes the API has used: a list of {key, events}, or a map name → events."""
    names = {e.upper() for e in document.get("events") or [] if isinstance(e, str)}
    metas = document.get("meta_events") or []
    if isinstance(metas, dict):
        names.update(k.upper() for k in metas if isinstance(k, str))
    elif isinstance(metas, list):
        names.update(m["key"].upper() for m in metas if isinstance(m, dict) and isinstance(m.get("key"), str))
    return names


def differences(document: dict) -> list[str]:
    """How an events document (the API's /v2/notifications/info/events) differs from this catalog.

    One line per difference, in a stable order; empty when they agree. The order of a meta-event's
    expansion is not significant, so only its contents are compared.
    """
    live_events = list(document.get("events") or [])
    live_metas = {k: list(v or []) for k, v in (document.get("meta_events") or {}).items()}
    out = [f"event {e} is on the API but not in this tool's catalog" for e in live_events if e not in EVENTS]
    out += [f"event {e} is in this tool's catalog but not on the API" for e in EVENTS if e not in live_events]
    for meta in sorted(set(live_metas) | set(META_EVENTS)):
        if meta not in META_EVENTS:
            out.append(f"meta-event {meta} is on the API but not in this tool's catalog")
        elif meta not in live_metas:
            out.append(f"meta-event {meta} is in this tool's catalog but not on the API")
        else:
            added = [e for e in live_metas[meta] if e not in META_EVENTS[meta]]
            removed = [e for e in META_EVENTS[meta] if e not in live_metas[meta]]
            if added:
                out.append(f"meta-event {meta} also expands to {', '.join(added)} on the API")
            if removed:
                out.append(f"meta-event {meta} no longer expands to {', '.join(removed)} on the API")
    return out
