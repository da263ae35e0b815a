"""/v2/summary read into typed owners and services, once: the only place that looks inside its JSON.

    summary = Summary.parse(client.get_summary())
    summary.user                      -> Owner (your account)        ApiError when the answer has none
    summary.organisations             -> (Owner, …), each id once     ApiError when there is no list
    summary.owners()                  -> your account, then every organisation (what --all-owners reads)
    summary.owner(owner_id)           -> Owner with its services      NotFound when it is not yours
    summary.organisation_id(name)     -> the id of the one organisation with that name

The API's answer is kept in `raw`. What is missing or of a wrong shape is skipped where it can be (an
organisation without a string id cannot be addressed), and is an ApiError where a command needs it.
No I/O here: reading is the client's job (api/client.py caches one answer per command).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from clever_notify.errors import ApiError, InputError, NotFound

WHERE = "unexpected answer from the API for /v2/summary"


@dataclass(frozen=True)
class Service:
    """An application or add-on of an owner."""

    id: str
    name: str
    real_id: str | None = None  # an add-on's provider-side id, also accepted where an id is expected
    kind: str = "application"  # "application" | "addon"


@dataclass(frozen=True)
class Owner:
    """Your account or one of your organisations, with its applications and add-ons."""

    id: str
    name: str | None
    services: tuple[Service, ...] = ()
    is_user: bool = False
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})" if self.name else self.id

    @property
    def shown_name(self) -> str:
        """The name to print: the owner's, else `your account` or its id."""
        return self.name or ("your account" if self.is_user else self.id)


@dataclass(frozen=True)
class _Listed:
    """An organisation entry as listed, before any check: what a name lookup must see (duplicates included)."""

    name: Any
    id: Any


def _services(entry: dict) -> tuple[Service, ...]:
    out = []
    for key, kind in (("applications", "application"), ("addons", "addon")):
        items = entry.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
                real = item.get("realId") if isinstance(item.get("realId"), str) else None
                out.append(Service(item["id"], str(item.get("name") or ""), real, kind))
    return tuple(out)


def _owner(entry: dict, *, is_user: bool) -> Owner:
    name = entry.get("name") if isinstance(entry.get("name"), str) else None
    return Owner(entry["id"], name, _services(entry), is_user, entry)


@dataclass(frozen=True)
class Summary:
    """Your account and organisations as /v2/summary lists them."""

    raw: dict = field(repr=False)
    user_or_none: Owner | None
    organisations_or_none: tuple[Owner, ...] | None  # None: the answer had no `organisations` list
    listed: tuple[_Listed, ...] = field(default=(), repr=False)
    # Organisation entries no request can address (not an object, or no id string): (index, what is wrong).
    skipped: tuple[tuple[int, str], ...] = ()

    @classmethod
    def parse(cls, raw: Any) -> Summary:
        if not isinstance(raw, dict):
            raise ApiError(f"{WHERE}: not an object.")
        user = raw.get("user")
        user_owner = _owner(user, is_user=True) if isinstance(user, dict) and isinstance(user.get("id"), str) else None
        entries = raw.get("organisations")
        if not isinstance(entries, list):
            return cls(raw, user_owner, None)
        seen = {user_owner.id} if user_owner else set()
        organisations = []
        skipped = []
        for index, entry in enumerate(entries):
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                if entry["id"] not in seen:
                    seen.add(entry["id"])
                    organisations.append(_owner(entry, is_user=False))
            else:
                skipped.append((index, _why_skipped(entry)))
        listed = tuple(_Listed(e.get("name"), e.get("id")) for e in entries if isinstance(e, dict))
        return cls(raw, user_owner, tuple(organisations), listed, tuple(skipped))

    def skipped_note(self) -> str | None:
        """One sentence naming the organisations every `--all-owners` command skips, or None."""
        if not self.skipped:
            return None
        items = "; ".join(f"organisations[{i}] {why}" for i, why in self.skipped[:5])
        more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
        count = len(self.skipped)
        return (f"Note: {WHERE}: {count} organisation{'s' if count != 1 else ''} without an id string, skipped "
                f"(their hooks are not read): {items}{more}.")

    @property
    def user(self) -> Owner:
        if self.user_or_none is None:
            raise ApiError(f"{WHERE}: no `user` with an `id`.")
        return self.user_or_none

    @property
    def organisations(self) -> tuple[Owner, ...]:
        if self.organisations_or_none is None:
            raise ApiError(f"{WHERE}: no `organisations` list.")
        return self.organisations_or_none

    def owners(self) -> list[Owner]:
        """Your account first, then the organisations in the API's order, each once."""
        return [self.user, *self.organisations]

    def find(self, owner_id: str) -> Owner | None:
        return self._by_id.get(owner_id)

    @cached_property
    def _by_id(self) -> dict[str, Owner]:  # a file of thousands of owners looks each one up at once
        found: dict[str, Owner] = {}
        for owner in (self.user_or_none, *(self.organisations_or_none or ())):
            if owner is not None:
                found.setdefault(owner.id, owner)
        return found

    def knows(self, owner_id: str) -> bool:
        return self.find(owner_id) is not None

    def owner(self, owner_id: str) -> Owner:
        """The owner with its services; NotFound when it is neither your account nor one of your organisations."""
        found = self.find(owner_id)
        if found is None:
            raise NotFound(
                f"{owner_id} is not among your account and organisations, so its applications and add-ons cannot "
                "be looked up: pass service ids (app_…, addon_…)"
            )
        return found

    def organisation_names(self) -> list[tuple[str, str]]:
        """(name, id) of every organisation entry with both as strings, as listed (for the name cache)."""
        return [(e.name, e.id) for e in self.listed if isinstance(e.name, str) and isinstance(e.id, str)]

    def organisation_id(self, name: str) -> str:
        """The id of the one organisation called `name` (names match exactly, as clever-tools matches them)."""
        self.organisations  # noqa: B018 - raises when the answer has no list
        found = [e for e in self.listed if e.name == name]
        if not found:
            names = sorted({str(e.name) for e in self.listed if e.name})
            raise NotFound(f"organisation {name!r} not found among yours{_closest(name, names)}")
        if len(found) > 1:
            ids = ", ".join(str(e.id) for e in found)
            raise InputError(f"ambiguous organisation name {name!r}: several organisations have it ({ids}); "
                             "pass the id")
        org_id = found[0].id
        if not isinstance(org_id, str) or not org_id.strip():
            # Never stringified into an id: what a write would then address is not what the API named.
            raise ApiError(f"{WHERE}: organisation {name!r} has no id string; nothing was sent.")
        return org_id


def _why_skipped(entry: Any) -> str:
    if not isinstance(entry, dict):
        return "is not an object"
    name = entry.get("name")
    named = f" ({name[:80]!r})" if isinstance(name, str) and name else ""
    value = entry.get("id")
    if value is None:
        return f"has no id{named}"
    kind = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__)
    return f"has {kind} for its id{named}"


def _closest(name: str, names: list[str]) -> str:
    """"; did you mean …?" for a near miss (names are matched exactly, as clever-tools does), else the list."""
    import difflib

    by_lower = {n.lower(): n for n in names}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)
    if close:
        return f"; did you mean {' or '.join(repr(by_lower[c]) for c in close)}? (names are case-sensitive)"
    if names:
        return f"; yours are: {', '.join(repr(n) for n in names[:10])}{' …' if len(names) > 10 else ''}"
    return " (you belong to no organisation; pass an id, orga_…)"
