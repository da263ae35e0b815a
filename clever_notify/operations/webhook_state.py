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

from clever_notify.hooks.kinds import WEBHOOKS
from clever_notify.hooks.update import update_body

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
    """Make `hook` (as read from the list) be in `state`, as steps run by the one executor (writes/executor.py).

    `listed` is the owner's list `hook` was read from. ENABLED: an enabled copy there (same fields, another
    id: left by a run that stopped before deleting the old webhook) stands in for it, and the old one is
    only deleted; otherwise the state is updated, and if the API keeps it disabled, the webhook is replaced
    by an enabled copy (create first, delete last). Running `enable` again converges: never a second copy.
    DISABLED refused → an error, since a webhook cannot be created disabled. With dry_run, `client` records
    instead of sending (whether the API would keep it disabled cannot be known without sending).
    `remove_hint` is the command that deletes the old webhook, quoted if its deletion fails."""
    from clever_notify.writes import steps as s
    from clever_notify.writes.executor import run

    if state not in (ENABLED, DISABLED):
        raise ValueError(f"state must be {ENABLED} or {DISABLED}")
    hook_id = str(hook.get("id"))
    if state_of(hook) == state:
        return Outcome(hook_id, state, changed=False)
    update = s.update(WEBHOOKS, owner_id, hook_id, update_body(WEBHOOKS, hook, {"state": state}))
    copy = s.replace(WEBHOOKS, owner_id, hook_id, creation_body(hook), copy_state=ENABLED)
    if state == ENABLED and _enabled_copy(hook, list(listed)) is not None:
        plan = [copy]
    else:
        plan = [update.with_(otherwise=copy if state == ENABLED else None)]
    words = _StateWords(hook_id, state, state_of(hook), remove_hint)
    result = run(client, plan, listed={(WEBHOOKS, owner_id): list(listed)}, words=words).results[0]
    outcome = Outcome(hook_id, state)
    replaced = result if result.step.op == s.REPLACE else result.instead
    if result.step.op == s.UPDATE:
        outcome.steps.append(f"updated {hook_id}: state {state_of(hook)} → {state}")
    if replaced is not None:
        outcome.replaced_id, outcome.hook_id = hook_id, str(replaced.hook_id)
        outcome.reused = replaced.reused_id is not None
        if outcome.reused:
            outcome.steps.append(f"its enabled copy {replaced.reused_id} is there already")
        else:
            outcome.steps += [f"the API kept {hook_id} {DISABLED}: re-creating it with the same fields",
                              f"created {replaced.created_id}"]
        outcome.steps.append(f"deleted {hook_id}")
    return outcome


def _enabled_copy(hook: dict, listed: list[dict]) -> dict | None:
    from clever_notify.writes.confirm import same_hook

    body = creation_body(hook)
    copies = [h for h in listed if h.get("id") != hook.get("id") and state_of(h) == ENABLED and same_hook(body, h)]
    return copies[-1] if copies else None


class _StateWords:
    """enable/disable's failures, in its own words: which webhooks exist now and the command that finishes."""

    def __init__(self, hook_id: str, state: str, before: str, remove_hint: str):
        self.hook_id, self.state, self.before, self.hint = hook_id, state, before, remove_hint

    def failed(self, outcome, result) -> str:
        from clever_notify.errors import StateKept
        from clever_notify.writes.executor import CopyInOtherState

        old, cause = self.hook_id, result.cause
        copy = result if result.step.op == "replace" else result.instead
        said = (result.error or "").rstrip(".")
        if isinstance(cause, CopyInOtherState):
            return f"{said}. Remove the old one with: {self.hint}"
        if copy is None:  # the update itself
            if isinstance(cause, StateKept):  # only a disable gets here: an enable is replaced instead
                return (f"the API kept webhook {old} {self.before} after an update to {DISABLED}; nothing else "
                        f"was changed. Remove it instead if it must stop: {self.hint}").rstrip(": ")
            return said + "."
        if not copy.copied:
            return (f"the API kept webhook {old} {DISABLED} after the update, and creating it anew failed: {said}. "
                    "The old webhook is unchanged (still disabled).")
        return (f"webhook {old} was re-created as {copy.hook_id} (enabled), but deleting the old, disabled one "
                f"failed: {said}. Remove it with: {self.hint}")

    def interrupted(self, outcome, result) -> str:
        copy = result if result.step.op == "replace" else result.instead
        made = ""
        if copy is not None and copy.hook_id != self.hook_id:
            made = f" Its enabled copy {copy.hook_id} exists."
        return (f"Interrupted while changing webhook {self.hook_id} to {self.state}: it may or may not be done.{made} "
                f"Run the command again to finish: it converges.")


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
