"""One write, counted as done only when the API shows it done.

    create(client, kind, owner_id, body, before=ids | None)   -> the created hook as the API shows it
    update(client, kind, owner_id, hook_id, body)             -> the hook as the API shows it ({} after an
                                                                 empty answer to an update that sets no state)
    delete(client, kind, owner_id, hook_id, listed=True)      -> "deleted" | "gone"

The client sends and raises (AmbiguousOutcome when no answer says whether the API applied a POST/PUT, ApiError
with status 500 when the API says it failed but may have committed anyway); what that means is decided here:

- A 2xx whose body is not what was asked (an error object, the hook unchanged, a `state` not stored, a create
  answered without an id) is checked by reading the owner's list back; not shown there = NotApplied (exit 1).
  An update that changes `state` is always read back: whether the API stores it is not documented, and an
  answer echoing it proves nothing. An empty answer (204, or `{}`) to any other update is taken as applied.
- After an ambiguous failure (a timeout, a lost connection, a gateway's 502/503/504) the list is read: the
  write found there is confirmed; not found, it is sent once more; never more than two sends. A 500 is
  confirmed the same way but never sent again (the API said it failed). A create is recognised by ids listed
  before the write (writes/confirm.py), never by clocks.
- A DELETE answered 404: for a hook this run listed, the list is read back; not listed = already gone, the
  step is done; still listed = NotApplied. For a hook never listed (`remove ID`), 404 is NotFound (exit 4).
  A DELETE answered 2xx with a body other than an empty one is checked the same way.

Notices (a write confirmed after an ambiguous failure) go to `client.tell`; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from clever_notify.api.transport import AmbiguousOutcome
from clever_notify.errors import ApiError, CleverNotifyError, NetworkError, NotApplied, NotFound, StateKept
from clever_notify.hooks.kinds import HookKind, kind_of
from clever_notify.writes import confirm

MAX_QUOTED = 150


def is_dry(client) -> bool:
    return getattr(getattr(client, "transport", None), "sending", True) is False


def _tell(client, line: str) -> None:
    tell = getattr(client, "tell", None)
    if tell is not None:
        tell(line)


def _said(client, answer: Any) -> str:
    """What a 2xx answer that is not the hook asked for says, for a message: its own words, else its shape."""
    if isinstance(answer, dict):
        words = next((answer[k] for k in ("message", "error") if isinstance(answer.get(k), str)), "")
        if words.strip():
            redact = getattr(getattr(client, "transport", None), "redact", lambda t: t)
            return f"it said: {redact(' '.join(words.split()))[:MAX_QUOTED]}"
        return "a JSON object that is not the hook asked for"
    if answer is None:
        return "an empty body"
    return f"a JSON {type(answer).__name__}"


def _relist(client, kind: HookKind, owner_id: str, what: str, reason: str) -> list[dict]:
    """The owner's list read back; `what` is "<noun> <name> was <done>"."""
    try:
        return client.list_hooks(kind, owner_id)
    except CleverNotifyError as check_error:
        done = what.rsplit(" ", 1)[-1]
        raise NetworkError(
            f"{reason}, and checking whether the {what} failed too ({str(check_error).rstrip('.')}): it may or "
            f"may not be {done}; list the {kind.nouns} before trying again."
        ) from None


def create(client, kind: HookKind | str, owner_id: str, body: dict, *, before: Collection[str] | None = None) -> dict:
    kind = kind_of(kind)
    name = body.get("name")
    what = f"{kind.noun} {name!r} was created"
    last: Exception | None = None
    for sends in (1, 2):
        try:
            answer = client.create_hook(kind, owner_id, body)
        except AmbiguousOutcome as failure:
            last = failure
        except ApiError as failure:
            if failure.status != 500:
                raise
            found = _quiet_find(client, kind, owner_id, lambda hooks: confirm.find_sent(body, hooks, before))
            if found is None:
                raise
            _tell(client, f"Note: the API answered 500, yet the listing shows the {kind.noun} {name!r} created "
                          f"(id {found.get('id')}).")
            return found
        else:
            if is_dry(client) or _has_id(answer):
                return answer
            hooks = _relist(client, kind, owner_id, what, f"the API answered the create with {_said(client, answer)}")
            found = confirm.find_sent(body, hooks, before)
            if found is None:
                raise NotApplied(
                    f"the API answered the create of the {kind.noun} {name!r} with no hook id "
                    f"({_said(client, answer)}), and the listing does not show it: not created."
                )
            _tell(client, f"Note: the API answered the create of the {kind.noun} {name!r} with no hook id; the "
                          f"listing shows it created (id {found.get('id')}).")
            return found
        reason = last.reason
        found = confirm.find_sent(body, _relist(client, kind, owner_id, what, reason), before)
        if found is not None:
            # without `before` (add), a hook just like it is taken as the one sent: a second would double
            # every delivery
            _tell(client, f"Note: {reason}, an ambiguous failure; the listing confirms the {what} "
                          f"(id {found.get('id')}): not sent again.")
            return found
        if sends == 1:
            _tell(client, f"Note: the {kind.noun} {name!r} was not created after an ambiguous failure; "
                          "sending it once more.")
    raise NetworkError(
        f"the {kind.noun} {name!r} was not created: two tries failed ambiguously (last: {last.reason}) and the "
        "listing does not show it. Try again later."
    )


def update(client, kind: HookKind | str, owner_id: str, hook_id: str, body: dict, *,
           before: dict | None = None) -> dict:
    """`before`: the hook as read before the update; when the body changes its `state`, the change is
    always read back (whether the API stores a state is not documented: an echo of it proves nothing)."""
    kind = kind_of(kind)
    sets_state = isinstance(before, dict) and "state" in body and not confirm.state_stored(body, before)
    name = body.get("name")
    what = f"{kind.noun} {name!r} was updated"
    last: Exception | None = None
    for sends in (1, 2):
        try:
            answer = client.update_hook(kind, owner_id, hook_id, body)
        except AmbiguousOutcome as failure:
            last = failure
        except ApiError as failure:
            if failure.status != 500:
                raise
            found = _quiet_find(client, kind, owner_id,
                                lambda hooks: confirm.find_updated(hook_id, body, hooks, sets_state))
            if found is None:
                raise
            _tell(client, f"Note: the API answered 500, yet the listing shows the {kind.noun} {name!r} updated "
                          f"(id {hook_id}).")
            return found
        else:
            if is_dry(client):
                return answer if isinstance(answer, dict) else {}
            if sets_state:
                return _read_back_update(client, kind, owner_id, hook_id, body, answer, what)
            if isinstance(answer, dict) and confirm.same_hook(body, answer) and answer.get("id", hook_id) == hook_id:
                return answer
            if answer in (None, "", {}):
                return {}  # 204, an empty 200 or `{}` to a plain edit: the API says nothing more
            return _read_back_update(client, kind, owner_id, hook_id, body, answer, what, check_state=False)
        reason = last.reason
        found = confirm.find_updated(hook_id, body, _relist(client, kind, owner_id, what, reason), sets_state)
        if found is not None:
            _tell(client, f"Note: {reason}, an ambiguous failure; the listing confirms the {what} (id {hook_id}).")
            return found
        if sends == 1:
            _tell(client, f"Note: the {kind.noun} {name!r} was not updated after an ambiguous failure; "
                          "sending it once more.")
    raise NetworkError(
        f"the {kind.noun} {name!r} was not updated: two tries failed ambiguously (last: {last.reason}) and the "
        "listing does not show it. Try again later."
    )


def _read_back_update(client, kind: HookKind, owner_id: str, hook_id: str, body: dict, answer: Any,
                      what: str, check_state: bool = True) -> dict:
    said = "an empty body" if answer in (None, "") else _said(client, answer)
    if isinstance(answer, dict) and confirm.same_hook(body, answer):
        said = f"the state {answer.get('state')!r}" if answer.get("state") else "the hook without its state"
    hooks = _relist(client, kind, owner_id, what, f"the API answered the update with {said}")
    current = confirm.listed(hook_id, hooks)
    if current is None:
        raise ApiError(f"{kind.noun} {hook_id} is no longer listed after its update: it was removed meanwhile.")
    if confirm.same_hook(body, current) and (not check_state or confirm.state_stored(body, current)):
        return current
    if confirm.same_hook(body, current):  # every field but the state
        raise StateKept(f"the API kept {kind.noun} {hook_id} {str(current.get('state') or 'ENABLED').upper()} "
                         f"after an update to {body.get('state')} (it answered with {said}); not applied.")
    raise NotApplied(f"the API answered the update of {kind.noun} {hook_id} with {said}, and the listing shows "
                     "it unchanged: not applied.")


def delete(client, kind: HookKind | str, owner_id: str, hook_id: str, *, listed: bool = True) -> str:
    """"deleted", or "gone" when the API answered 404 and its list, read back, no longer shows the hook."""
    kind = kind_of(kind)
    try:
        answer = client.delete_hook(kind, owner_id, hook_id)
    except NotFound:
        if not listed:
            raise
        hooks = _relist(client, kind, owner_id, f"{kind.noun} {hook_id} is gone", "the API answered the delete 404")
        if confirm.listed(hook_id, hooks) is not None:
            raise NotApplied(f"the API answered 404 to the delete of {kind.noun} {hook_id}, yet still lists it: "
                             "not deleted.") from None
        return "gone"
    if is_dry(client) or answer in (None, "", {}, []):
        return "deleted"
    hooks = _relist(client, kind, owner_id, f"{kind.noun} {hook_id} was deleted",
                    f"the API answered the delete with {_said(client, answer)}")
    if confirm.listed(hook_id, hooks) is not None:
        raise NotApplied(f"the API answered the delete of {kind.noun} {hook_id} with {_said(client, answer)}, and "
                         "still lists it: not deleted.")
    return "deleted"


def _has_id(answer: Any) -> bool:
    hook_id = answer.get("id") if isinstance(answer, dict) else None
    return isinstance(hook_id, str) and bool(hook_id.strip())


def _quiet_find(client, kind: HookKind, owner_id: str, lookup) -> dict | None:
    try:
        return lookup(client.list_hooks(kind, owner_id))
    except CleverNotifyError:
        return None
