"""The owner's "Default deployment result e-mails" hook: restrict it to some services, disable it, restore it.

The documentation tells users to delete that hook and add a new one by hand; done in that order, a mistake in
the second step leaves nobody told about failed deployments. Here a replacement is always created before the
hook it replaces is deleted, and when a change stops half-way the error says exactly which hooks exist.

A replacement keeps every field of the hook it replaces (recipients, events, and any field this tool does
not know) except the scope: it is hooks/update.py's body with only `scope` changed.

Run with a client over a RecordingTransport (ApiClient.recording) to get the requests; with send=False it
is a dry run: the same code, nothing changed, and the outcome worded "Would …".
No click here: cli/notify_email_default.py parses the options and prints what this module returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from clever_notify.errors import CleverNotifyError, Interrupted
from clever_notify.hooks import catalog
from clever_notify.hooks.fields import fingerprint
from clever_notify.hooks.kinds import EMAILHOOKS
from clever_notify.hooks.update import update_body
from clever_notify.writes import verified


class ApiClient(Protocol):
    """What these operations need of the API client (api/client.py), which is handed in: this module sits
    below the API layer and does not import it."""

    transport: Any

    def create_hook(self, kind: Any, owner_id: str, body: dict) -> dict: ...

    def delete_hook(self, kind: Any, owner_id: str, hook_id: str) -> None: ...

NAME = catalog.DEFAULT_EMAIL_HOOK_NAME
QUOTED = f'"{NAME}"'


class ChangeFailed(CleverNotifyError):
    """Raised when a step of a change fails; the message says which hooks exist now and what to do."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code  # the failed request's own code: 1 for an API error, 3 for a 401…


@dataclass
class Outcome:
    """What a change did (or, in a dry run, would do)."""

    owner_id: str
    action: str
    dry_run: bool
    found: list[dict]
    created: list[dict] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the human report, in the order things happened

    def as_json(self, requests: list[dict]) -> dict:
        return {
            "ownerId": self.owner_id,
            "action": self.action,
            "dryRun": self.dry_run,
            "found": [h.get("id") for h in self.found],
            "created": self.created,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
            "requests": requests,
        }


def find(hooks: list[dict]) -> list[dict]:
    """Every hook with the default's exact name; the API does not stop an owner from having several.

    A hook without an id could be neither replaced nor deleted (its URL would be made up), so it is left out.
    """
    return [h for h in hooks if h.get("name") == NAME and isinstance(h.get("id"), str) and h["id"]]


def restore_body() -> dict:
    # No `notified`: the API then e-mails the whole team, as the hook every owner starts with does.
    return {"name": NAME, "events": list(catalog.DEFAULT_EMAIL_HOOK_EVENTS)}


def replacement_body(old: dict, services: list[str]) -> dict:
    """`old` as read, minus what the API owns, restricted to `services`: nothing else of it is lost."""
    return update_body(EMAILHOOKS, old, {"scope": list(services)})


def _ids(hooks: list[dict]) -> set:
    """The ids a create is told apart from: every hook of the default's name (the only ones it can match)."""
    return {h.get("id") for h in hooks if isinstance(h, dict)}


def _hook_id(hook: dict) -> str:
    return str(hook.get("id") or "(no id)")


# Builds a command the user can paste: (*words, owner=True) → "clever [--sandbox] notify-email … [--org ORG]".
# The CLI passes one that repeats how the user called the tool; this default names the owner by id.
CommandLine = Callable[..., str]


def _by_id(owner_id: str) -> CommandLine:
    import shlex

    return lambda *words, owner=False: " ".join(
        ["clever", *map(shlex.quote, words)] + (["--org", owner_id] if owner else [])
    )


class _Progress:
    """Tells, when a step fails or is interrupted, what the earlier steps did and which hooks were not reached."""

    def __init__(self, found: list[dict]):
        self.pending = [_hook_id(h) for h in found]
        self.done: list[str] = []
        self.exists: list[str] = []  # hooks this run created
        self.step: str | None = None  # the request in flight, in words

    def finish(self, old_id: str, what: str) -> None:
        self.pending.remove(old_id)
        self.done.append(what)
        self.step = None

    def interrupted(self, rerun: str) -> Interrupted:
        """Ctrl-C between (or during) steps: which hooks exist now, and the command that finishes the job."""
        said = ["Interrupted" + (f" while {self.step}." if self.step else ".")]
        if self.done:
            said.append("Done: " + "; ".join(self.done) + ".")
        if self.exists:
            said.append("Created by this run: " + ", ".join(self.exists) + ".")
        if self.pending:
            said.append("Still there: " + ", ".join(self.pending) + ".")
        said.append(f"Run it again to finish (it picks up where it stopped): {rerun}")
        return Interrupted(" ".join(said))

    def tail(self, current: str) -> str:
        parts = []
        if self.done:
            parts.append("Already done: " + "; ".join(self.done) + ".")
        untouched = [i for i in self.pending if i != current]
        if untouched:
            parts.append("Not touched: " + ", ".join(untouched) + ".")
        return (" " + " ".join(parts)) if parts else ""


def _interruptible(flags, steps):
    """`steps` run with a _Progress; Ctrl-C becomes an Interrupted error (exit 130) saying which hooks exist
    now and the command that finishes the job: `notify-email default` with the same owner and `flags(*args)`."""

    def run(client: ApiClient, owner_id: str, found: list[dict], *args, command_line: CommandLine | None = None,
            **kwargs) -> Outcome:
        command_line = command_line or _by_id(owner_id)
        progress = _Progress(found)
        try:
            return steps(client, owner_id, found, *args, progress=progress, command_line=command_line, **kwargs)
        except KeyboardInterrupt:
            rerun = command_line("notify-email", "default", *flags(*args), owner=True)
            raise progress.interrupted(rerun) from None

    run.__doc__ = steps.__doc__
    return run


def _said(exc: Exception) -> str:
    """The failed request's message as a sentence, so more sentences can follow it."""
    text = str(exc).rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _nothing_changed(exc: CleverNotifyError) -> ChangeFailed:
    return ChangeFailed(f"could not create the {QUOTED} hook: {_said(exc)} Nothing was changed.", exc.exit_code)


def _is_dry(client: ApiClient) -> bool:
    return getattr(client.transport, "sending", True) is False


def _restrict(
    client: ApiClient, owner_id: str, found: list[dict], services: list[str], names: dict[str, str] | None = None,
    *, progress: _Progress, command_line: CommandLine,
) -> Outcome:
    """Replace each default hook by one restricted to `services`: create the replacement, then delete the old.

    `names` (service id → name) only changes the wording of the report. Run again after a failure or a
    Ctrl-C, it finishes the job: a restricted copy already there is used, never duplicated.
    """

    def _scope_text(ids: list[str]) -> str:
        from clever_notify.owners.services import describe

        return describe(ids, names)

    dry = _is_dry(client)
    out = Outcome(owner_id, "only", dry, found)
    wanted = set(services)
    if not found:
        body = {"name": NAME, "scope": list(services), "events": list(catalog.DEFAULT_EMAIL_HOOK_EVENTS)}
        progress.step = f"creating {QUOTED} for {_scope_text(services)} (it may or may not exist now)"
        try:
            created = verified.create(client, EMAILHOOKS, owner_id, body, before=_ids(found))
        except CleverNotifyError as exc:
            raise _nothing_changed(exc) from None
        out.created.append(created)
        verb = "Would create" if dry else "Created"
        new = "" if dry else f" {_hook_id(created)}"
        out.lines.append(
            f"No {QUOTED} hook existed at {owner_id}. {verb}{new} for {_scope_text(services)}, "
            f"events {', '.join(body['events'])}, e-mailing the whole team."
        )
        return out
    restricted = [h for h in found if h.get("scope") and set(h["scope"]) == wanted]
    for old in found:
        old_id = _hook_id(old)
        if old in restricted:
            out.unchanged.append(old_id)
            progress.finish(old_id, f"{old_id} already restricted")
            out.lines.append(f"{old_id} is already restricted to {_scope_text(old['scope'])}: left as it is.")
            continue
        body = replacement_body(old, services)
        # A copy left by an earlier run (stopped, or told 500 after the API had committed it) replaces
        # `old` as well as a new one would: run again, this never makes a second copy.
        twin = next((h for h in restricted if fingerprint(h) == fingerprint(body)), None)
        if twin is not None:
            new_id, copied = _hook_id(twin), False
        else:
            progress.step = f"creating the restricted copy of {old_id} (it may or may not exist now)"
            try:
                created = verified.create(client, EMAILHOOKS, owner_id, body, before=_ids(found + out.created))
            except CleverNotifyError as exc:
                raise ChangeFailed(
                    f"could not create the replacement of {old_id}: {_said(exc)} {old_id} is unchanged and still "
                    f"sends the e-mails; nothing was deleted.{progress.tail(old_id)}",
                    exc.exit_code,
                ) from None
            new_id, copied = _hook_id(created), True
            out.created.append(created)
            restricted.append(created)
            progress.exists.append(f"{new_id} (restricted to {_scope_text(services)})")
        progress.step = f"deleting {old_id}, replaced by {new_id} (it may or may not be deleted now)"
        try:
            gone = verified.delete(client, EMAILHOOKS, owner_id, old_id) == "gone"
        except CleverNotifyError as exc:
            raise ChangeFailed(
                f"created {new_id} (restricted to {_scope_text(services)}) but could not delete the hook it "
                f"replaces, {old_id}: {_said(exc)} Both exist now, so deployments of {_scope_text(services)} are "
                f"e-mailed twice; remove the old one with: "
                f"{command_line('notify-email', 'remove', old_id, owner=True)}{progress.tail(old_id)}",
                exc.exit_code,
            ) from None
        if gone:  # deleted meanwhile (another session?): the goal is reached all the same
            then = f"{old_id} was already gone"
        else:
            out.deleted.append(old_id)
            then = f"then deleted {old_id}"
        progress.finish(old_id, f"{old_id} replaced by {new_id}")
        if dry and copied:
            out.lines.append(
                f"Would create a copy of {old_id} restricted to {_scope_text(services)}, then delete {old_id}."
            )
        elif dry:
            out.lines.append(f"{new_id}, restricted to {_scope_text(services)}, already replaces {old_id}: "
                             f"would delete {old_id}.")
        elif copied:
            out.lines.append(f"Created {new_id} restricted to {_scope_text(services)}, {then}.")
        else:
            out.lines.append(f"{new_id}, restricted to {_scope_text(services)}, already existed beside {old_id} "
                             f"(left by an earlier run): {then}.")
    return out


restrict = _interruptible(lambda services, *rest: ["--only", ",".join(services)], _restrict)


def _disable(client: ApiClient, owner_id: str, found: list[dict], *, progress: _Progress,
             command_line: CommandLine) -> Outcome:
    """Delete every default hook."""
    dry = _is_dry(client)
    out = Outcome(owner_id, "disable", dry, found)
    if not found:
        out.lines.append(f"No {QUOTED} hook at {owner_id}: those e-mails are already off.")
        return out
    for old in found:
        old_id = _hook_id(old)
        progress.step = f"deleting {old_id} (it may or may not be deleted now)"
        try:
            gone = verified.delete(client, EMAILHOOKS, owner_id, old_id) == "gone"
        except CleverNotifyError as exc:
            raise ChangeFailed(
                f"could not delete {old_id}: {_said(exc)} It still exists.{progress.tail(old_id)}", exc.exit_code
            ) from None
        if gone:
            out.lines.append(f"{old_id} was already gone.")
            progress.finish(old_id, f"{old_id} already gone")
            continue
        out.deleted.append(old_id)
        progress.finish(old_id, f"{old_id} deleted")
        out.lines.append(f"Would delete {old_id}." if dry else f"Deleted {old_id}.")
    return out


disable = _interruptible(lambda *args: ["--disable"], _disable)


def _narrowed(hook: dict, owner_id: str, names: dict[str, str] | None, command_line: CommandLine) -> list[str]:
    """How an existing default hook sends fewer or other e-mails than a restored one, then the fix; else []."""
    from clever_notify.owners.services import describe

    hook_id = _hook_id(hook)
    scope = [str(s) for s in hook.get("scope") or []]
    events = hook.get("events") or None
    other_events = catalog.expand(events) != catalog.expand(list(catalog.DEFAULT_EMAIL_HOOK_EVENTS))
    if not scope and not other_events:
        return []
    parts, flags = [], []
    if scope:
        parts.append(f"restricted to {describe(scope, names)}")
        flags.append(("--all-services",))
    if other_events:
        parts.append(f"sending {', '.join(map(str, events)) if events else 'every event'} instead of "
                     f"{', '.join(catalog.DEFAULT_EMAIL_HOOK_EVENTS)}")
        flags.append(("--event", ",".join(catalog.DEFAULT_EMAIL_HOOK_EVENTS)))
    goal = {1: "apply to every service", 2: f"send {', '.join(catalog.DEFAULT_EMAIL_HOOK_EVENTS)} again",
            3: f"apply to every service with {', '.join(catalog.DEFAULT_EMAIL_HOOK_EVENTS)}"}
    return [
        f"{QUOTED} exists at {owner_id} ({hook_id}) but is {' and '.join(parts)}: --restore changes nothing.",
        f"To make it {goal[bool(scope) + 2 * other_events]}: "
        + command_line("notify-email", "update", hook_id, *(word for flag in flags for word in flag), owner=True),
    ]


def _restore(
    client: ApiClient, owner_id: str, found: list[dict], names: dict[str, str] | None = None,
    *, progress: _Progress, command_line: CommandLine,
) -> Outcome:
    """Recreate the default hook, unrestricted, when none exists.

    One that exists is left alone, restricted or not (exit 0, as for an unrestricted one); a restricted one
    is described (with service names from `names` when given) along with the command that widens it.
    """
    dry = _is_dry(client)
    out = Outcome(owner_id, "restore", dry, found)
    if found:
        out.unchanged.extend(_hook_id(h) for h in found)
        hints = {_hook_id(h): _narrowed(h, owner_id, names, command_line) for h in found}
        whole = [hook_id for hook_id, hint in hints.items() if not hint]
        if whole:
            out.lines.append(f"{QUOTED} already exists at {owner_id} ({', '.join(whole)}): nothing to do.")
        for hint in hints.values():
            out.lines.extend(hint)
        return out
    progress.step = f"creating {QUOTED} (it may or may not exist now)"
    try:
        created = verified.create(client, EMAILHOOKS, owner_id, restore_body(), before=_ids(found))
    except CleverNotifyError as exc:
        raise _nothing_changed(exc) from None
    out.created.append(created)
    events = ", ".join(catalog.DEFAULT_EMAIL_HOOK_EVENTS)
    if dry:
        out.lines.append(f"Would create {QUOTED} for every service of {owner_id} ({events}, whole team).")
    else:
        out.lines.append(
            f"Created {_hook_id(created)}: {QUOTED} for every service of {owner_id} ({events}, whole team)."
        )
    return out


restore = _interruptible(lambda *args: ["--restore"], _restore)


# --- the job as the command line and the Python API run it ----------------------------------------------


@dataclass
class Defaults:
    """The owner's default hooks as read before a change: `client` records (or, in a dry run, only records)
    what the change then sends; `services`/`names` are the --only values checked against the owner."""

    target: Any
    found: list[dict]
    client: Any
    services: list[str] = field(default_factory=list)
    names: dict[str, str] | None = None

    @property
    def owner_id(self) -> str:
        return self.target.owner_id

    @property
    def requests(self) -> list[dict]:
        """The changes sent so far (or, in a dry run, that would be)."""
        return self.client.transport.changes


def read_defaults(session: Any, *, owner: str | None = None, only: list[str] | None = None,
                  for_write: bool = False, dry_run: bool = False) -> Defaults:
    """The owner (linked application's, else yours, when left out) and its default hooks. `only` is checked
    first, ids too: a scope that matches nothing would silently stop these e-mails."""
    target = session.owner(owner, use_linked_app=True, for_write=for_write)
    services, names = [], None
    if only:
        from clever_notify.owners import services as svc

        summary = session.summary()
        from clever_notify.operations.hooks import said_twice

        services = svc.check(summary, target.owner_id, list(only), on_repeat=said_twice(session))
        names = svc.names(summary, target.owner_id)
    client = session.recording_client(dry_run=dry_run)
    return Defaults(target, find(client.list_hooks(EMAILHOOKS, target.owner_id)), client, services, names)


def change_defaults(session: Any, defaults: Defaults, *, action: str,
                    command_line: CommandLine | None = None) -> Outcome:
    """`action`: "only" (restrict to defaults.services), "disable" or "restore"."""
    owner_id, found, client = defaults.owner_id, defaults.found, defaults.client
    if action == "only":
        return restrict(client, owner_id, found, defaults.services, defaults.names, command_line=command_line)
    if action == "disable":
        return disable(client, owner_id, found, command_line=command_line)
    if action == "restore":
        return restore(client, owner_id, found, _names_for_restore(session, owner_id, found),
                       command_line=command_line)
    raise ValueError(f"unknown action {action!r}: only, disable or restore")


def _names_for_restore(session: Any, owner_id: str, found: list[dict]) -> dict[str, str] | None:
    """Service names for the message about a restricted default hook; ids alone when they cannot be read."""
    if not any(h.get("scope") for h in found):
        return None
    from clever_notify.errors import ApiError, NetworkError, NotFound
    from clever_notify.owners import services as svc

    try:
        return svc.names(session.summary(), owner_id)
    except (ApiError, NetworkError, NotFound):  # only the wording depends on it
        return None
