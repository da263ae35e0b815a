"""Hooks of one kind (webhooks or e-mail notifications): list, get, add, update, remove.

Each function takes a Session (operations/session.py), chooses the owner by the command line's rules, and
returns what happened as data; the command line prints it (cli/), the Python API wraps it in typed objects
(facade.py). Every `dry_run` runs the same code over a recording transport: reads go out, writes are recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clever_notify.errors import InputError, NotFound
from clever_notify.hooks.kinds import HookKind

if TYPE_CHECKING:
    from clever_notify.operations.session import Session
    from clever_notify.owners.resolve import Target
    from clever_notify.owners.summary import Owner
    from clever_notify.owners.sweep import OwnerHooks


# --- reading -----------------------------------------------------------------------------------------


def in_scope(hook: dict, app_id: str | None) -> bool:
    """clever-tools' linked-app filter: hooks with no scope, or a scope naming the app."""
    if app_id is None:
        return True
    scope = hook.get("scope")
    return not scope or app_id in scope


@dataclass
class Listing:
    """One owner's hooks as a listing shows them; `malformed`: the items of a wrong shape, left out."""

    target: Target
    hooks: list[dict]
    malformed: list = field(default_factory=list)


def list_hooks(session: Session, kind: HookKind, *, owner: str | None = None, list_all: bool = False,
               linked_app_filter: bool = True) -> Listing:
    """The owner's hooks; without `owner`, the linked application chooses it and (with `linked_app_filter`)
    only the hooks that apply to that application are kept; `list_all` ignores the linked application.
    Read-only: a hook of a wrong shape is set aside in `malformed`, not fatal."""
    target = session.owner(owner, use_linked_app=not list_all)
    malformed: list = []
    hooks = session.client.list_hooks(kind, target.owner_id, malformed=malformed)
    if linked_app_filter:
        hooks = [h for h in hooks if in_scope(h, target.app_id)]
    return Listing(target, hooks, malformed)


def every_owner(session: Session) -> list[Owner]:
    """Your account, then every organisation you belong to (one /v2/summary, which refreshes the name cache)."""
    owners = session.all_owners()  # says once which organisations cannot be read
    session.remember_names(session.summary())
    return owners


def list_every_owner(session: Session, kind: HookKind, *, owners: list[Owner] | None = None,
                     on_done: Callable[[OwnerHooks], None] | None = None) -> list[OwnerHooks]:
    """Every owner's hooks (your account first, or `owners` as every_owner gave them), read concurrently; an
    owner that cannot be read keeps its error in its result and the others go on. Each hook carries its
    `ownerId`. Read-only: a hook of a wrong shape is set aside in its owner's `malformed`."""
    from clever_notify.owners import sweep

    owners = every_owner(session) if owners is None else owners
    malformed: dict[str, list] = {owner.id: [] for owner in owners}
    results = sweep.read_all(
        owners, lambda owner_id: session.client.list_hooks(kind, owner_id, malformed=malformed[owner_id]),
        on_done=on_done)
    for result in results:
        result.malformed = malformed[result.owner.id]
        for hook in result.hooks:
            if hook.get("ownerId") is None:
                hook["ownerId"] = result.owner.id
    return results


def unread_error(results: list[OwnerHooks], kind: HookKind):
    """The error to end with when some owners could not be read (None when all were)."""
    from clever_notify.errors import ApiError

    failed = [r for r in results if r.error is not None]
    if not failed:
        return None
    return ApiError(f"could not read the {kind.nouns} of {len(failed)} of {len(results)} owners (see above); "
                    "what was read is shown.")


@dataclass
class Found:
    target: Target
    hook: dict
    listed: list[dict]  # the owner's whole list as read


def get_hook(session: Session, kind: HookKind, hook_id: str, *, owner: str | None = None,
             for_write: bool = False) -> Found:
    """One hook by id. The API has no GET for one hook: the owner's list is read and searched (NotFound).
    `for_write`: it is read to be changed, so an owner name is resolved afresh (never from the cache)."""
    from clever_notify.hooks.update import find_hook

    target = session.owner(owner, use_linked_app=True, for_write=for_write)
    listed = session.client.list_hooks(kind, target.owner_id)
    return Found(target, find_hook(listed, kind, hook_id, target.owner_id), listed)


# --- writing -----------------------------------------------------------------------------------------


def said_twice(session: Session):
    """For a service named twice under two spellings (its name and its id): sent once, and the user told."""
    return lambda value, service_id: session.client.tell(
        f"Note: the service {value} is {service_id}, already given under another spelling; it is sent once."
        if value != service_id else
        f"Note: the service {value} is already given under its name; it is sent once.")


def require_owner_for_services(owner: str | None, services: list[str] | None) -> None:
    # clever-tools refuses this too: without an owner it would come from a guess (linked app or self), and a
    # scope naming another owner's services would be silently meaningless.
    if services and owner is None:
        raise InputError("--org is required when using --service")


def hook_scope(services: list[str], app_id: str | None) -> list[str] | None:
    """Services win; else the linked application (clever-tools scopes to it); else no scope (all services)."""
    return services or ([app_id] if app_id else None)


@dataclass
class Written:
    """What a write did, or with `dry_run` would do: `hook` is the created or updated hook as the API answered
    (as it would be sent, in a dry run), `requests` the changes sent (or that would be)."""

    target: Target
    hook: dict
    dry_run: bool
    requests: list[dict]
    before: dict | None = None  # update: the hook as read
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # update: (field, old, new) in words
    unchanged: bool = False  # update: the hook already had these settings, nothing was sent

    @property
    def owner_id(self) -> str:
        return self.target.owner_id


def add_hook(session: Session, kind: HookKind, *, owner: str | None, fields: dict[str, Any],
             services: list[str] | None = None, events: list[str] | None = None, dry_run: bool = False) -> Written:
    """Create a hook with clever-tools' body ({name, <fields>, scope, events}): `fields` are the kind's own
    (`urls` or `notified`); services by id or name (an owner is then required); scoped to the linked
    application when the owner was left out and no service is given."""
    require_owner_for_services(owner, services)
    target = session.owner(owner, use_linked_app=owner is None, for_write=True)
    services = list(services or [])
    if services:
        from clever_notify.owners.services import resolve

        services = resolve(session.summary, target.owner_id, services, on_repeat=said_twice(session))
    # Keys in clever-tools' order; absent lists go as explicit nulls, as clever-tools 4.11 sends them.
    body = {**fields, "scope": hook_scope(services, target.app_id), "events": events or None}
    from clever_notify.writes import steps
    from clever_notify.writes.executor import run

    client = session.recording_client(dry_run=dry_run)
    # No list is read first: `add` sends no more requests than clever-tools (writes/confirm.py says what
    # that means after an ambiguous failure).
    [result] = run(client, [steps.create(kind, target.owner_id, body)]).results
    if dry_run:
        return Written(target, {**body, "ownerId": target.owner_id}, True, client.transport.changes)
    return Written(target, result.hook, False, client.transport.changes)


@dataclass
class Update:
    """The fields to change; None leaves a field as it is, ALL (hooks/update.py) drops a restriction."""

    name: str | None = None
    urls: list[str] | None = None  # webhooks: replaces the URLs; a kept URL keeps its entry
    format: str | None = None  # webhooks: the body format of every URL, kept ones too
    notified: list | None = None  # e-mail notifications: replaces the recipients
    events: Any = None  # a list, or ALL
    services: Any = None  # ids or names, or ALL

    def nothing(self) -> bool:
        return all(v is None for v in (self.name, self.urls, self.format, self.notified, self.events, self.services))

    def changes(self, hook: dict) -> dict[str, Any]:
        from clever_notify.hooks.update import merged_notified, new_urls

        changes: dict[str, Any] = {}
        if self.name is not None:
            changes["name"] = self.name
        if self.urls is not None or self.format:
            changes["urls"] = new_urls(hook.get("urls"), self.urls, self.format)
        if self.notified:
            # a recipient that stays keeps its entry as read (`verified`, a type this tool does not know)
            changes["notified"] = merged_notified(hook.get("notified"), list(self.notified))
        if self.events is not None:
            changes["events"] = self.events
        if self.services is not None:
            changes["scope"] = self.services
        return changes


def update_hook(session: Session, kind: HookKind, hook_id: str, update: Update, *, owner: str | None = None,
                dry_run: bool = False) -> Written:
    """Change a hook in place: read it, apply `update`, send it back whole (a field this tool does not know is
    sent back as read). Nothing is sent when nothing would change: then `requests` is empty."""
    from clever_notify.hooks.update import diff, sent_back, update_body
    from clever_notify.writes import steps
    from clever_notify.writes.executor import run

    if update.nothing():
        raise InputError("nothing to update: give at least one field to change")
    found = get_hook(session, kind, hook_id, owner=owner, for_write=True)
    target, hook = found.target, found.hook
    changes = update.changes(hook)
    if isinstance(changes.get("scope"), list):
        from clever_notify.owners.services import resolve

        changes["scope"] = resolve(session.summary, target.owner_id, changes["scope"], on_repeat=said_twice(session))
    old, new = sent_back(kind, hook), update_body(kind, hook, changes)
    if old == new:
        return Written(target, hook, dry_run, [], before=hook, unchanged=True)
    changed = diff(kind, old, new, target.owner_id)
    client = session.recording_client(dry_run=dry_run)
    try:
        [result] = run(client, [steps.update(kind, target.owner_id, hook_id, new)],
                       listed={(kind, target.owner_id): found.listed}).results
        answer = result.hook
    except NotFound:
        raise NotFound(f"{kind.noun} {hook_id} not found for {target.owner_id}: it was removed after it was read; "
                       "nothing was changed") from None
    after = {**hook, **new} if dry_run or not answer else answer
    return Written(target, after, dry_run, client.transport.changes, before=hook, changed=changed)


def remove_hook(session: Session, kind: HookKind, hook_id: str, *, owner: str | None = None,
                dry_run: bool = False) -> Written:
    """Delete a hook. A dry run reads the owner's list first (a wrong id fails as the real run would) and
    sends nothing; `hook` is then the hook as read ({"id"} only after a real run, which reads nothing)."""
    target = session.owner(owner, use_linked_app=True, for_write=True)
    hook: dict = {"id": hook_id, "ownerId": target.owner_id}
    if dry_run:
        from clever_notify.hooks.update import find_hook

        hook = find_hook(session.client.list_hooks(kind, target.owner_id), kind, hook_id, target.owner_id)
    from clever_notify.writes import steps
    from clever_notify.writes.executor import run

    client = session.recording_client(dry_run=dry_run)
    # No list given: a 404 is "not found" (exit 4), the user named a hook this run never saw listed.
    run(client, [steps.delete(kind, target.owner_id, hook_id)])
    return Written(target, hook, dry_run, client.transport.changes)
