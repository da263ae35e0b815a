"""Which owner (user or organisation) a command acts on, resolved as clever-tools does."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clever_notify.api.client import ApiClient
from clever_notify.config.settings import LinkedApp
from clever_notify.errors import ApiError
from clever_notify.owners.summary import Summary

if TYPE_CHECKING:
    from clever_notify.owners.cache import OrgCache

OWNER_ID_RE = re.compile(
    r"^(user_|orga_)[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.IGNORECASE
)


@dataclass(frozen=True)
class Target:
    owner_id: str
    app_id: str | None = None  # set when a linked app chose the owner: lists filter on it, adds scope to it


def is_owner_id(value: str) -> bool:
    return bool(OWNER_ID_RE.fullmatch(value))  # not .match: `$` lets a trailing newline through


def resolve_org(client: ApiClient, org: str, cache: OrgCache | None = None, *, for_write: bool = False) -> str:
    """An organisation id as given, or the id of the one organisation with that name.

    For a read, the name is looked up in the cache first; a miss (or a cached ambiguity, which may have
    been resolved since, or an entry too old) asks /v2/summary, whose answer refreshes the cache. For a
    write, /v2/summary is always asked: a cached name never decides where a change goes.
    """
    if is_owner_id(org):
        return org
    if cache is not None and not for_write:
        cached = cache.lookup(org)
        if cached is not None and len(cached) == 1:
            return cached[0]
    summary = Summary.parse(client.get_summary())
    if cache is not None:
        cache.store(summary.organisation_names())
    return summary.organisation_id(org)


def self_id(client: ApiClient) -> str:
    me = client.get_self()
    if not isinstance(me.get("id"), str):
        raise ApiError("unexpected answer from the API for /v2/self: no `id`.")
    return me["id"]


def resolve(
    client: ApiClient,
    org: str | None,
    *,
    use_linked_app: bool,
    linked_app: Callable[[], LinkedApp | None],
    cache: OrgCache | None = None,
    for_write: bool = False,
) -> Target:
    """--org wins; else the linked app (when the command allows it); else the user's own account."""
    if org is not None:
        return Target(resolve_org(client, org, cache, for_write=for_write))
    if use_linked_app:
        app = linked_app()
        if app is not None:
            return Target(app.org_id or self_id(client), app.app_id)
    return Target(self_id(client))
