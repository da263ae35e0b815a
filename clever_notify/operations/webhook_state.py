"""Turning a webhook on or off: an update of `state` that keeps every other field, and, when the API keeps
a webhook disabled whatever the update says, its re-creation.

    outcome = set_state(client, owner_id, hook_as_read, "ENABLED", remove_hint=…)

The PUT body is hooks.update.update_body with only `state` changed, so no field is lost. Whether the
API lets a PUT change `state` is not documented: the answer (or, for an empty answer, the list read
again) says what happened. `ENABLED` refused → the webhook is created again with the same fields (a new
one starts enabled), then the old one is deleted: create first, delete last, so a failure leaves a
working webhook, never none. `DISABLED` refused → an error, since a webhook cannot be created disabled.
No click, no printing: the CLI reports the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from clever_notify.errors import ApiError, CleverNotifyError
from clever_notify.hooks.kinds import WEBHOOKS
from clever_notify.hooks.update import update_body
from clever_notify.operations.default_emails import ChangeFailed  # the same kind of failure: a step of a replacement

ENABLED = "ENABLED"
DISABLED = "DISABLED"


class Client(Protocol):
    def list_hooks(self, kind: Any, owner_id: str) -> list[dict]: ...
    def update_hook(self, kind: Any, owner_id: str, hook_id: str, body: dict) -> dict: ...
    def create_hook(self, kind: Any, owner_id: str, body: dict) -> dict: ...
    def delete_hook(self, kind: Any, owner_id: str, hook_id: str) -> None: ...


@dataclass
class Outcome:
    hook_id: str  # the webhook now in that state: the same one, or its re-creation
    state: str
    changed: bool = True  # False when it already was in that state (nothing sent)
    replaced_id: str | None = None  # the old id, when it was re-created
    reused: bool = False  # the re-creation was already there (an earlier run stopped before deleting the old)
    steps: list[str] = field(default_factory=list)  # what was done, in words, for the user

    def as_json(self, owner_id: str) -> dict:
        doc = {"id": self.hook_id, "ownerId": owner_id, "state": self.state, "changed": self.changed,
               "recreated": self.replaced_id is not None}
        if self.replaced_id is not None:
            doc["replacedId"] = self.replaced_id
            doc["reused"] = self.reused
        return doc


def state_of(hook: dict) -> str:
    """The API's state in capitals; a webhook that does not say is taken as enabled (it still fires)."""
    state = hook.get("state")
    return state.upper() if isinstance(state, str) and state else ENABLED


def creation_body(hook: dict) -> dict:
    """The same webhook to create anew: every field as read but what the API owns and `state` (a new one
    is enabled, and a create body has no documented `state`)."""
    body = update_body(WEBHOOKS, hook)
    body.pop("state", None)
    return body


def set_state(client: Client, owner_id: str, hook: dict, state: str, *, dry_run: bool = False,
              remove_hint: str = "", listed: list[dict] = ()) -> Outcome:
    """Make `hook` (as read from the list) be in `state`. With dry_run, `client` records instead of sending
    and only the update is planned (whether the API would keep it disabled cannot be known without sending).
    `remove_hint` is the command that deletes the old webhook, quoted if its deletion fails. `listed` is the
    owner's list `hook` was read from: an enabled copy there, left by a run that stopped before deleting the
    old webhook, is used instead of creating another one, so running `enable` again converges."""
    if state not in (ENABLED, DISABLED):
        raise ValueError(f"state must be {ENABLED} or {DISABLED}")
    hook_id = str(hook.get("id"))
    if state_of(hook) == state:
        return Outcome(hook_id, state, changed=False)
    body = update_body(WEBHOOKS, hook, {"state": state})
    answer = client.update_hook(WEBHOOKS, owner_id, hook_id, body)
    outcome = Outcome(hook_id, state, steps=[f"updated {hook_id}: state {state_of(hook)} → {state}"])
    if dry_run:
        return outcome
    after = _state_after(client, owner_id, hook_id, answer)
    if after == state:
        return outcome
    if state == DISABLED:
        raise ApiError(f"the API kept webhook {hook_id} {after} after an update to {DISABLED}; nothing else was "
                       f"changed. Remove it instead if it must stop: {remove_hint}".rstrip(": "))
    return _recreate(client, owner_id, hook, outcome, remove_hint, listed)


def _state_after(client: Client, owner_id: str, hook_id: str, answer: dict) -> str:
    if isinstance(answer, dict) and answer.get("state"):
        return state_of(answer)
    # An empty answer (204) says nothing: the list does.
    for listed in client.list_hooks(WEBHOOKS, owner_id):
        if listed.get("id") == hook_id:
            return state_of(listed)
    raise ApiError(f"webhook {hook_id} is no longer listed after its update: it was removed meanwhile.")


def _enabled_copy(hook: dict, listed: list[dict]) -> dict | None:
    from clever_notify.api.confirm import same_hook

    body = creation_body(hook)
    copies = [h for h in listed if h.get("id") != hook.get("id") and state_of(h) == ENABLED and same_hook(body, h)]
    return copies[-1] if copies else None


def _recreate(client: Client, owner_id: str, hook: dict, outcome: Outcome, remove_hint: str,
              listed: list[dict]) -> Outcome:
    old_id = outcome.hook_id
    copy = _enabled_copy(hook, listed)
    if copy is not None:
        outcome.steps.append(f"the API kept {old_id} {DISABLED}: its enabled copy {copy.get('id')} is there already")
        created, outcome.reused = copy, True
    else:
        outcome.steps.append(f"the API kept {old_id} {DISABLED}: re-creating it with the same fields")
        try:
            created = client.create_hook(WEBHOOKS, owner_id, creation_body(hook))
        except CleverNotifyError as exc:
            raise ChangeFailed(f"the API kept webhook {old_id} {DISABLED} after the update, and creating it anew "
                               f"failed: {exc}. The old webhook is unchanged (still disabled).",
                               exc.exit_code) from None
    new_id = str(created.get("id"))
    outcome.replaced_id, outcome.hook_id = old_id, new_id
    if state_of(created) != ENABLED:
        raise ApiError(f"webhook {old_id} was re-created as {new_id}, but the API reports the new one "
                       f"{state_of(created)} too; both are kept. Remove the old one with: {remove_hint}")
    if not outcome.reused:
        outcome.steps.append(f"created {new_id}")
    try:
        client.delete_hook(WEBHOOKS, owner_id, old_id)
    except CleverNotifyError as exc:
        raise ChangeFailed(f"webhook {old_id} was re-created as {new_id} (enabled), but deleting the old, disabled "
                           f"one failed: {exc}. Remove it with: {remove_hint}", exc.exit_code) from None
    outcome.steps.append(f"deleted {old_id}")
    return outcome


# --- the job as the command line and the Python API run it ----------------------------------------------


@dataclass
class StateChange:
    """`enable`/`disable` of one webhook: the owner, the webhook as read, what was done, the changes sent."""

    target: Any
    hook: dict
    outcome: Outcome
    requests: list[dict]
    dry_run: bool

    @property
    def owner_id(self) -> str:
        return self.target.owner_id


def change_state(session: Any, hook_id: str, state: str, *, owner: str | None = None, dry_run: bool = False,
                 remove_hint=None) -> StateChange:
    """Read the owner's whole list (an earlier run may have left an enabled copy), then set_state.
    `remove_hint(owner_id)` gives the command that removes the old webhook if its deletion fails."""
    from clever_notify.operations.hooks import get_hook

    found = get_hook(session, WEBHOOKS, hook_id, owner=owner, for_write=True)
    owner_id = found.target.owner_id
    client = session.recording_client(dry_run=dry_run)
    hint = remove_hint(owner_id) if remove_hint else f"clever webhooks remove {hook_id} --org {owner_id}"
    outcome = set_state(client, owner_id, found.hook, state, dry_run=dry_run, remove_hint=hint, listed=found.listed)
    return StateChange(found.target, found.hook, outcome, client.transport.changes, dry_run)
