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

from clever_notify.errors import ApiError
from clever_notify.hooks import catalog
from clever_notify.hooks.kinds import EMAILHOOKS
from clever_notify.hooks.update import update_body
from clever_notify.writes import steps
from clever_notify.writes.executor import Words, run
from clever_notify.writes.outcome import DONE
from clever_notify.writes.steps import CREATE, DELETE, REPLACE


class ApiClient(Protocol):
    """What these operations need of the API client (api/client.py), which is handed in: this module sits
    below the API layer and does not import it."""

    transport: Any

    def create_hook(self, kind: Any, owner_id: str, body: dict) -> dict: ...

    def delete_hook(self, kind: Any, owner_id: str, hook_id: str) -> None: ...

NAME = catalog.DEFAULT_EMAIL_HOOK_NAME
QUOTED = f'"{NAME}"'


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


def _ids_fit_in_paths(hooks: list[dict], owner_id: str) -> None:
    """A default hook to replace or delete must have an id that can go in a URL path. One that cannot is the
    API's answer, not the user's input: exit 1 (never 2), found before anything is sent."""
    from clever_notify.guards.ids import is_well_formed_id
    from clever_notify.guards.sanitise import for_terminal

    bad = next((h["id"] for h in hooks if not is_well_formed_id(h.get("id"))), None)
    if bad is not None:
        raise ApiError(for_terminal(f"unexpected answer from the API: the {QUOTED} hook at {owner_id} has the id "
                                    f"{str(bad)[:80]!r}, which cannot go in a URL path; nothing was sent."))


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


def _said(exc: Exception | str | None) -> str:
    """The failed request's message as a sentence, so more sentences can follow it."""
    text = str(exc or "").rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


class _Words(Words):
    """The story of a change of the default hooks, when it stops: which hooks exist now, and what finishes it.
    A replacement's copy is created with the creates and its old hook deleted with the deletes (writes/)."""

    def __init__(self, scope: str, rerun: str, remove: Callable[[str], str] = str, *, creating: str = ""):
        super().__init__(rerun)
        self.scope, self.remove = scope, remove
        self.creating = creating  # the default hook a create makes, in words ("for web (app_a)")

    @staticmethod
    def _done(result) -> str:
        old = result.step.hook_id
        if result.step.op == REPLACE:
            return f"{old} replaced by {result.hook_id}"
        return f"{old} already gone" if result.gone else f"{old} deleted"

    def tail(self, outcome, current) -> str:
        parts = []
        done = [self._done(r) for r in outcome.done if r.step.hook_id]
        made = [r for r in outcome.not_done if r is not current and r.copied]
        if done:
            parts.append("Already done: " + "; ".join(done) + ".")
        if made:
            parts.append("Created, the hook each replaces not yet deleted: "
                         + ", ".join(f"{r.hook_id} (for {r.step.hook_id})" for r in made) + ".")
        untouched = [r.step.hook_id for r in outcome.not_done if r is not current and not r.copied]
        if untouched:
            parts.append("Not touched: " + ", ".join(untouched) + ".")
        return (" " + " ".join(parts)) if parts else ""

    def failed(self, outcome, result) -> str:
        step, said, old = result.step, _said(result.error), result.step.hook_id
        if step.op == CREATE:
            return f"could not create the {QUOTED} hook: {said} Nothing was changed."
        if step.op == DELETE:
            return f"could not delete {old}: {said} It still exists.{self.tail(outcome, result)}"
        if not result.copied:
            return (f"could not create the replacement of {old}: {said} {old} is unchanged and still sends the "
                    f"e-mails; nothing was deleted.{self.tail(outcome, result)}")
        return (f"created {result.hook_id} (restricted to {self.scope}) but could not delete the hook it replaces, "
                f"{old}: {said} Both exist now, so deployments of {self.scope} are e-mailed twice; remove the old "
                f"one with: {self.remove(old)}{self.tail(outcome, result)}")

    def interrupted(self, outcome, result) -> str:
        """Ctrl-C between (or during) steps: which hooks exist now, and the command that finishes the job."""
        step, old = result.step, result.step.hook_id
        if step.op == CREATE:
            doing = f"creating {QUOTED}{self.creating} (it may or may not exist now)"
        elif step.op == DELETE:
            doing = f"deleting {old} (it may or may not be deleted now)"
        elif result.phase == "copy":
            doing = f"creating the restricted copy of {old} (it may or may not exist now)"
        else:
            doing = f"deleting {old}, replaced by {result.hook_id} (it may or may not be deleted now)"
        said = [f"Interrupted while {doing}."]
        done = [self._done(r) for r in outcome.done if r.step.hook_id]
        if done:
            said.append("Done: " + "; ".join(done) + ".")
        made = [r for r in outcome.results if r.created_id and r.copied and r.status != DONE]
        if made:
            said.append("Created by this run: " + ", ".join(f"{r.created_id} (restricted to {self.scope})"
                                                              for r in made) + ".")
        still = [r.step.hook_id for r in outcome.not_done if r.step.hook_id]
        if still:
            said.append("Still there: " + ", ".join(still) + ".")
        said.append(f"Run it again to finish (it picks up where it stopped): {self.finish}")
        return " ".join(said)


def _run(client: ApiClient, owner_id: str, found: list[dict], plan: list, words: _Words):
    """The steps run by the one executor, with the default hooks as the list they were read from (a create
    is told from them by id; a restricted copy among them is reused)."""
    return run(client, plan, listed={(EMAILHOOKS, owner_id): list(found)}, words=words)


def _is_dry(client: ApiClient) -> bool:
    return getattr(client.transport, "sending", True) is False


def _scope_text(ids: list[str], names: dict[str, str] | None) -> str:
    from clever_notify.owners.services import describe

    return describe(ids, names)


def restrict(client: ApiClient, owner_id: str, found: list[dict], services: list[str],
             names: dict[str, str] | None = None, *, command_line: CommandLine | None = None) -> Outcome:
    """Replace each default hook by one restricted to `services`: the copy first, then the old one deleted.

    `names` (service id → name) only changes the wording of the report. Run again after a failure or a
    Ctrl-C, it finishes the job: a restricted copy already there is used, never duplicated.
    """
    command_line = command_line or _by_id(owner_id)
    dry = _is_dry(client)
    out = Outcome(owner_id, "only", dry, found)
    scope = _scope_text(services, names)
    words = _Words(scope, command_line("notify-email", "default", "--only", ",".join(services), owner=True),
                   lambda old: command_line("notify-email", "remove", old, owner=True), creating=f" for {scope}")
    if not found:
        body = {"name": NAME, "scope": list(services), "events": list(catalog.DEFAULT_EMAIL_HOOK_EVENTS)}
        [made] = _run(client, owner_id, found, [steps.create(EMAILHOOKS, owner_id, body)], words).results
        out.created.append(made.hook)
        verb = "Would create" if dry else "Created"
        new = "" if dry else f" {_hook_id(made.hook)}"
        out.lines.append(f"No {QUOTED} hook existed at {owner_id}. {verb}{new} for {scope}, "
                         f"events {', '.join(body['events'])}, e-mailing the whole team.")
        return out
    wanted = set(services)
    restricted = [h for h in found if h.get("scope") and set(h["scope"]) == wanted]
    _ids_fit_in_paths([h for h in found if h not in restricted], owner_id)
    plan = [steps.replace(EMAILHOOKS, owner_id, _hook_id(old), replacement_body(old, services))
            for old in found if old not in restricted]
    results = {r.step.hook_id: r for r in _run(client, owner_id, found, plan, words).results}
    for old in found:
        old_id = _hook_id(old)
        if old in restricted:
            out.unchanged.append(old_id)
            out.lines.append(f"{old_id} is already restricted to {_scope_text(old['scope'], names)}: "
                             "left as it is.")
            continue
        r = results[old_id]
        new_id, copied = (_hook_id(r.hook) if r.reused_id or not dry else "(no id)"), r.reused_id is None
        if r.created_id or (dry and copied):
            out.created.append(r.hook)
        if not r.gone:
            out.deleted.append(old_id)
        then = f"{old_id} was already gone" if r.gone else f"then deleted {old_id}"
        if dry and copied:
            out.lines.append(f"Would create a copy of {old_id} restricted to {scope}, then delete {old_id}.")
        elif dry:
            out.lines.append(f"{new_id}, restricted to {scope}, already replaces {old_id}: would delete {old_id}.")
        elif copied:
            out.lines.append(f"Created {new_id} restricted to {scope}, {then}.")
        else:
            out.lines.append(f"{new_id}, restricted to {scope}, already existed beside {old_id} "
                             f"(left by an earlier run): {then}.")
    return out


def disable(client: ApiClient, owner_id: str, found: list[dict], *,
            command_line: CommandLine | None = None) -> Outcome:
    """Delete every default hook."""
    command_line = command_line or _by_id(owner_id)
    dry = _is_dry(client)
    out = Outcome(owner_id, "disable", dry, found)
    if not found:
        out.lines.append(f"No {QUOTED} hook at {owner_id}: those e-mails are already off.")
        return out
    _ids_fit_in_paths(found, owner_id)
    words = _Words("", command_line("notify-email", "default", "--disable", owner=True))
    plan = [steps.delete(EMAILHOOKS, owner_id, _hook_id(old)) for old in found]
    for r in _run(client, owner_id, found, plan, words).results:
        old_id = r.step.hook_id
        if r.gone:
            out.lines.append(f"{old_id} was already gone.")
            continue
        out.deleted.append(old_id)
        out.lines.append(f"Would delete {old_id}." if dry else f"Deleted {old_id}.")
    return out


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


def restore(client: ApiClient, owner_id: str, found: list[dict], names: dict[str, str] | None = None, *,
            command_line: CommandLine | None = None) -> Outcome:
    """Recreate the default hook, unrestricted, when none exists.

    One that exists is left alone, restricted or not (exit 0, as for an unrestricted one); a restricted one
    is described (with service names from `names` when given) along with the command that widens it.
    """
    command_line = command_line or _by_id(owner_id)
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
    words = _Words("", command_line("notify-email", "default", "--restore", owner=True))
    [made] = _run(client, owner_id, found, [steps.create(EMAILHOOKS, owner_id, restore_body())], words).results
    out.created.append(made.hook)
    events = ", ".join(catalog.DEFAULT_EMAIL_HOOK_EVENTS)
    if dry:
        out.lines.append(f"Would create {QUOTED} for every service of {owner_id} ({events}, whole team).")
    else:
        out.lines.append(f"Created {_hook_id(made.hook)}: {QUOTED} for every service of {owner_id} "
                         f"({events}, whole team).")
    return out


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
    from clever_notify.errors import NetworkError, NotFound
    from clever_notify.owners import services as svc

    try:
        return svc.names(session.summary(), owner_id)
    except (ApiError, NetworkError, NotFound):  # only the wording depends on it
        return None
