"""The Python API: `from clever_notify import Notifications` (docs/python-api.md).

    n = Notifications.from_environment()            # credentials, profile, API_HOST, linked app: as `clever`
    n = Notifications.sandbox()                     # the local sandbox, in-process (CLEVER_SANDBOX_DB)
    hook = n.webhooks.add("deploys", ["https://example.org/h"], events=["DEPLOYMENT_FAIL"], owner="Acme")
    n.webhooks.list(owner="Acme")                   # [Webhook(id=…, name='deploys', …)]
    planned = n.plan("notifications.yml", prune=True)
    n.apply(planned)

A thin layer over operations/: each method checks its values as the command line's parameter types do
(nothing is sent when one is wrong: InputError), calls the same operation as the command, and returns
typed objects (hooks/typed.py, owners/summary.py) that keep the API's fields in `raw`. Errors are the
exceptions of clever_notify.errors. An owner is a name, an id, `self`, or left out (the linked
application's owner, else your own account), as the command line allows.

Adding a feature is one line in a class body: `audit = operation("clever_notify.operations.audit:audit")`
binds a function whose first parameter is the Session.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clever_notify.errors import InputError
from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS, HookKind

if TYPE_CHECKING:
    from clever_notify.hooks.typed import EmailHook, Webhook
    from clever_notify.operations.session import Session
    from clever_notify.owners.summary import Owner

__all__ = ["Notifications", "operation"]


def operation(spec: str, doc: str | None = None):
    """A method running the operation `module:function` with the session first, imported when first called
    (so `import clever_notify` stays light)."""
    module, name = spec.split(":")

    def method(self, *args, **kwargs):
        return getattr(importlib.import_module(module), name)(self._session, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = doc or f"Runs {spec} (see its docstring)."
    return method


def _flag(value: str, name: str) -> bool:
    """A yes/no environment variable, read with the words click accepts for the command line's flags."""
    word = value.strip().lower()
    if word in ("1", "true", "t", "yes", "y", "on"):
        return True
    if word in ("", "0", "false", "f", "no", "n", "off"):
        return False
    raise InputError(f"{name}={value!r} is neither 1 nor 0")


def _list(values: str | Iterable[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [values] if isinstance(values, str) else list(values)


def _events(events: str | Iterable[str] | None) -> list[str] | None:
    from clever_notify.hooks import catalog

    items = _list(events)
    return catalog.normalize_events(items) if items else None


def _url(url: str, session: Session | None = None) -> str:
    """A webhook URL checked as `--url` is; its warning (plain http off this machine) goes to the notices."""
    from clever_notify.guards.values import check_webhook_url

    checked, warning = check_webhook_url(url)
    if warning and session is not None:
        session.client.tell(warning)
    return checked


def _name(name: str) -> str:
    from clever_notify.guards.values import check_name

    return check_name(name)


def _hook_id(hook_id: str) -> str:
    from clever_notify.guards.values import check_hook_id

    return check_hook_id(hook_id)


def _owner(owner: str | None) -> str | None:
    from clever_notify.guards.values import check_owner

    return check_owner(owner)


def _services(services: str | Iterable[str] | None) -> list[str] | None:
    from clever_notify.guards.values import check_services

    items = _list(services)
    return check_services([s.strip() for s in items], ", ".join(items)) if items else None


@dataclass(frozen=True)
class Removed:
    """A removal: the hook's id and owner; `requests` were sent (or, with dry_run, would be)."""

    id: str
    owner_id: str
    dry_run: bool
    requests: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Updated:
    """An update: the hook after it (as it would be, in a dry run), each change as (field, old, new) in words."""

    hook: Any
    changes: list[tuple[str, str, str]]
    dry_run: bool
    requests: list[dict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.requests)


class _Hooks:
    kind: HookKind

    def __init__(self, session: Session):
        self._session = session

    def _typed(self, raw: dict):
        from clever_notify.hooks.typed import from_api

        return from_api(self.kind, raw)

    def list(self, owner: str | None = None, *, all_owners: bool = False, list_all: bool = False) -> list:
        """The owner's hooks. Left out, the owner is the linked application's (and only the hooks that apply to
        it are listed, unless `list_all`), else your own account. `all_owners`: every owner's."""
        from clever_notify.operations import hooks

        if all_owners:
            if owner is not None:
                raise InputError("all_owners reads every owner: it cannot be combined with owner")
            results = hooks.list_every_owner(self._session, self.kind)
            error = hooks.unread_error(results, self.kind)
            if error is not None:
                raise error
            self._refuse_malformed([(r.owner.label, r.malformed) for r in results])
            return [self._typed(h) for r in results for h in r.hooks]
        listing = hooks.list_hooks(self._session, self.kind, owner=_owner(owner), list_all=list_all)
        self._refuse_malformed([(listing.target.owner_id, listing.malformed)])
        return [self._typed(h) for h in listing.hooks]

    def _refuse_malformed(self, groups: list[tuple[str, list]]) -> None:
        """A list that holds an item of a wrong shape is not returned shorter: a script would take it for all."""
        from clever_notify.errors import ApiError

        bad = [f"{owner}: {item}" for owner, items in groups for item in items]
        if bad:
            raise ApiError(f"{len(bad)} {self.kind.noun if len(bad) == 1 else self.kind.nouns} listed by the API "
                           f"are of an unexpected shape ({'; '.join(bad)}); nothing is returned.")

    def get(self, hook_id: str, owner: str | None = None):
        """One hook by id (NotFound when the owner has none with that id)."""
        from clever_notify.operations.hooks import get_hook

        return self._typed(get_hook(self._session, self.kind, _hook_id(hook_id), owner=_owner(owner)).hook)

    def _add(self, fields: dict, owner, services, events, dry_run):
        from clever_notify.operations.hooks import add_hook

        done = add_hook(self._session, self.kind, owner=_owner(owner), fields=fields, services=_services(services),
                        events=_events(events), dry_run=dry_run)
        return self._typed(done.hook)

    def _update(self, hook_id: str, update, owner, dry_run) -> Updated:
        from clever_notify.operations.hooks import update_hook

        done = update_hook(self._session, self.kind, _hook_id(hook_id), update, owner=_owner(owner), dry_run=dry_run)
        return Updated(self._typed(done.hook), done.changed, dry_run, done.requests)

    def _changes(self, name, events, services, all_events, all_services, **kind_fields):
        from clever_notify.hooks.update import ALL
        from clever_notify.operations.hooks import Update

        if events is not None and all_events:
            raise InputError("events and all_events cannot be used together")
        if services is not None and all_services:
            raise InputError("services and all_services cannot be used together")
        return Update(name=_name(name) if name is not None else None,
                      events=ALL if all_events else _events(events),
                      services=ALL if all_services else _services(services), **kind_fields)

    def remove(self, hook_id: str, owner: str | None = None, *, dry_run: bool = False) -> Removed:
        """Delete a hook; with dry_run, check it exists and send nothing."""
        from clever_notify.operations.hooks import remove_hook

        done = remove_hook(self._session, self.kind, _hook_id(hook_id), owner=_owner(owner), dry_run=dry_run)
        return Removed(_hook_id(hook_id), done.owner_id, dry_run, done.requests)


class Webhooks(_Hooks):
    """`n.webhooks`: the webhooks of an owner."""

    kind = WEBHOOKS

    def add(self, name: str, urls: str | Iterable[str], *, format: str = "raw", events=None, services=None,
            owner: str | None = None, dry_run: bool = False) -> Webhook:
        """Create a webhook POSTing `format` (raw, slack, gitter, flowdock) to each URL on `events` (all when left
        out) of `services` (ids or names; needs an owner; left out: all, or the linked application)."""
        from clever_notify.hooks import catalog

        fmt = catalog.normalize_format(format)
        checked = [_url(u, self._session) for u in _list(urls) or []]
        if not checked:
            raise InputError("a webhook needs at least one URL")
        fields = {"name": _name(name), "urls": [{"format": fmt, "url": u} for u in dict.fromkeys(checked)]}
        return self._add(fields, owner, services, events, dry_run)

    def update(self, hook_id: str, owner: str | None = None, *, name: str | None = None, urls=None,
               format: str | None = None, events=None, services=None, all_events: bool = False,
               all_services: bool = False, dry_run: bool = False) -> Updated:
        """Change only the fields given; `all_events`/`all_services` drop a restriction."""
        from clever_notify.hooks import catalog

        update = self._changes(name, events, services, all_events, all_services,
                               urls=[_url(u, self._session) for u in _list(urls)] if urls is not None else None,
                               format=catalog.normalize_format(format) if format else None)
        return self._update(hook_id, update, owner, dry_run)

    def check(self, owner: str | None = None, *, all_owners: bool = False, since: str | int = "24h"):
        """Each webhook ok, failing (a delivery failed within `since`: `90s`, `30m`, `24h`, `7d` or
        milliseconds) or disabled: a HealthReport (operations/health.py); `.healthy`, and `.rows` with each
        webhook's Health."""
        from clever_notify.guards.values import duration_ms
        from clever_notify.operations.health import check

        window_ms = since if isinstance(since, int) and not isinstance(since, bool) else duration_ms(str(since))
        return check(self._session, owner=_owner(owner), all_owners=all_owners, window_ms=window_ms)

    def _state(self, hook_id: str, state: str, owner, dry_run):
        from clever_notify.operations.webhook_state import change_state

        done = change_state(self._session, _hook_id(hook_id), state, owner=_owner(owner), dry_run=dry_run)
        return done.outcome

    def enable(self, hook_id: str, owner: str | None = None, *, dry_run: bool = False):
        """Turn a webhook back on; its `hook_id` in the outcome may be a re-creation's (see `replaced_id`)."""
        return self._state(hook_id, "ENABLED", owner, dry_run)

    def disable(self, hook_id: str, owner: str | None = None, *, dry_run: bool = False):
        """Turn a webhook off without removing it."""
        return self._state(hook_id, "DISABLED", owner, dry_run)

    def test(self, hook_id: str | None = None, owner: str | None = None, *, urls=None, format: str | None = None,
             event: str | None = None, timeout: float | None = None):
        """POST a sample event from this machine to a webhook's URLs (or to `urls`): a SampleRun whose
        `deliveries` say what each answered. The platform is never asked to send anything."""
        from clever_notify.hooks import catalog
        from clever_notify.operations import sample_event

        event = catalog.normalize_event(event) if event else catalog.DEFAULT_TEST_EVENT
        if (hook_id is None) == (urls is None):
            raise InputError("give either a webhook id or urls")
        if hook_id is not None:
            return sample_event.send_to_webhook(self._session, _hook_id(hook_id), event=event, owner=_owner(owner),
                                                timeout=timeout)
        fmt = catalog.normalize_format(format) if format else None
        return sample_event.send_to_urls([_url(u, self._session) for u in _list(urls) or []], fmt=fmt, event=event,
                                         timeout=timeout)


class DefaultEmails:
    """`n.emails.default`: the "Default deployment result e-mails" every owner starts with."""

    def __init__(self, session: Session):
        self._session = session

    def get(self, owner: str | None = None) -> list[EmailHook]:
        """The owner's default hooks (usually one; none when it was removed)."""
        from clever_notify.hooks.typed import EmailHook
        from clever_notify.operations.default_emails import read_defaults

        return [EmailHook.from_api(h) for h in read_defaults(self._session, owner=_owner(owner)).found]

    def _change(self, action: str, owner, dry_run, only=None):
        from clever_notify.operations import default_emails as de

        defaults = de.read_defaults(self._session, owner=_owner(owner), only=only, for_write=True, dry_run=dry_run)
        return de.change_defaults(self._session, defaults, action=action)

    def only(self, services: str | Iterable[str], owner: str | None = None, *, dry_run: bool = False):
        """Send them only for these services (ids or names, each checked): a restricted copy is created first."""
        wanted = _list(services)
        if not wanted:
            raise InputError("give at least one service")
        return self._change("only", owner, dry_run, only=wanted)

    def disable(self, owner: str | None = None, *, dry_run: bool = False):
        """Delete them: no more deployment result e-mails."""
        return self._change("disable", owner, dry_run)

    def restore(self, owner: str | None = None, *, dry_run: bool = False):
        """Create them again for every service if they are gone."""
        return self._change("restore", owner, dry_run)


class Emails(_Hooks):
    """`n.emails`: the e-mail notifications of an owner."""

    kind = EMAILHOOKS

    def __init__(self, session: Session):
        super().__init__(session)
        self.default = DefaultEmails(session)

    def add(self, name: str, notify: str | Iterable[str], *, events=None, services=None, owner: str | None = None,
            dry_run: bool = False) -> EmailHook:
        """Create an e-mail notification to `notify`: addresses, user ids (user_…) or `organisation`."""
        from clever_notify.guards.values import parse_notify_target

        targets = _list(notify) or []
        if not targets:
            raise InputError("give at least one recipient")
        notified = []
        for target in (parse_notify_target(t) for t in targets):
            if target not in notified:
                notified.append(target)
        return self._add({"name": _name(name), "notified": notified}, owner, services, events, dry_run)

    def update(self, hook_id: str, owner: str | None = None, *, name: str | None = None, notify=None,
               events=None, services=None, all_events: bool = False, all_services: bool = False,
               dry_run: bool = False) -> Updated:
        """Change only the fields given; `notify` replaces the recipients."""
        from clever_notify.guards.values import parse_notify_target

        notified = [parse_notify_target(t) for t in _list(notify)] if notify is not None else None
        update = self._changes(name, events, services, all_events, all_services, notified=notified)
        return self._update(hook_id, update, owner, dry_run)


class Events:
    """The event catalog, and the live stream of events (the API's event socket)."""

    def __init__(self, session: Session):
        self._session = session

    def catalog(self) -> dict:
        """The events and meta-events hooks can subscribe to, in the shape of /v2/notifications/info/events."""
        from clever_notify.hooks import catalog

        return catalog.as_api_document()

    def listen(self, owner: str | None = None, *, all_owners: bool = False, events=None, services=None,
               forward_to: str | None = None, format: str = "raw", secret: str | None = None,
               allow_remote_forward: bool = False, max_events: int | None = None, on_forwarded=None,
               on_notice=None):
        """The events of `owner` (or of every owner) as they happen: an iterator of ListenedEvent, until
        `max_events` matching events, or for as long as it is iterated (close it, or Ctrl-C, to stop).

        With `forward_to` (a URL on this machine unless allow_remote_forward), each event is also POSTed
        in the body a webhook of `format` gets, signed with `secret` (None: the kept one, see
        `clever events listen --print-secret`); each outcome (a Forwarded) goes to `on_forwarded`, from the
        forwarding thread. `on_notice` gets the socket's lines (connected, reconnecting…). Raises
        NotAuthenticated when the login is refused, NetworkError after too many failed reconnections."""
        from clever_notify.operations import listen as job

        if max_events is not None and (not isinstance(max_events, int) or max_events < 1):
            raise InputError("max_events must be a whole number, 1 or more")
        forward = (job.forwarding(_url(forward_to), fmt=format, secret=secret, allow_remote=allow_remote_forward)
                   if forward_to is not None else None)
        socket = job.open_socket(self._session, say=on_notice)
        sub = job.subscribe(self._session, _owner(owner), all_owners=all_owners, events=_list(events),
                            services=_list(services))
        return job.listen(socket, sub.filter, sub.names, forward=forward, on_forwarded=on_forwarded,
                          max_events=max_events)


class Notifications:
    """Clever Cloud notifications of your account and organisations: webhooks, e-mails, files of them."""

    def __init__(self, session: Session):
        self._session = session
        self.webhooks = Webhooks(session)
        self.emails = Emails(session)
        self.events = Events(session)

    def __repr__(self) -> str:
        return f"Notifications(api_host={self._session.settings.api_host!r})"

    @classmethod
    def from_environment(cls, env=None, *, cwd: str | Path | None = None, on_notice=None,
                         log=None) -> Notifications:
        """Credentials, profile, API_HOST and linked application read as the command line reads them (from
        `env`, default os.environ; `cwd` for .clever.json). CLEVER_SANDBOX=1 there means the sandbox, as it does
        for `clever`. `on_notice(line)` gets what a command prints as a notice (a write confirmed after an
        ambiguous failure…; kept in order either way), `log(line)` each request as `-v` prints it."""
        import os

        from clever_notify.config.settings import load_settings
        from clever_notify.operations.session import Session

        values = os.environ if env is None else env
        if _flag(values.get("CLEVER_SANDBOX", ""), "CLEVER_SANDBOX"):
            return cls.sandbox(cwd=cwd, on_notice=on_notice, log=log)
        return cls(Session.connect(load_settings(values), cwd=Path(cwd) if cwd else None, env=values,
                                   notice=on_notice, log=log))

    @classmethod
    def sandbox(cls, db: str | Path | None = None, *, cwd: str | Path | None = None, on_notice=None,
                log=None) -> Notifications:
        """The local sandbox of the API, in-process: no account, no server. `db`: its SQLite file (default
        CLEVER_SANDBOX_DB, else the user data folder), seeded with an organisation "Acme" on first use."""
        from clever_notify.operations.session import Session
        from clever_notify.sandbox.app import make_app
        from clever_notify.sandbox.settings import sandbox_settings
        from clever_notify.sandbox.store import Store
        from clever_notify.sandbox.transport import sandbox_session

        app = make_app(Store(db) if db is not None else None)
        return cls(Session.connect(sandbox_settings(), http_session=sandbox_session(app), in_process=True,
                                   cwd=Path(cwd) if cwd else None, notice=on_notice, log=log))

    audit = operation(
        "clever_notify.operations.audit:audit",
        """Audit owners (a name, an id or `self`, or several; every owner when left out): applications no hook tells
        of a failed deployment, hooks that cannot work (docs/audit.md). Returns an AuditResult: `.findings`
        (Finding: rule, severity, owner_id, hook_id, service_id, message, fix as argv words), `.ignored`, `.ok`.
        `ignore=["plain-http", "duplicate-hook:Shop releases"]`, `since="24h"` as the command's options.""")

    def owners(self) -> list[Owner]:
        """Your account, then every organisation you belong to, each with its applications and add-ons (one
        listed without an id string is skipped, and said once through `on_notice`)."""
        return self._session.all_owners()

    def owner(self, owner: str | None = None) -> Owner:
        """One owner by name, id or `self` (left out: the linked application's, else yours)."""
        target = self._session.owner(_owner(owner), use_linked_app=True)
        return self._session.summary().owner(target.owner_id)

    def export(self, owners: str | Iterable[str] | None = None, *, all_owners: bool = False,
               url_placeholders: bool = False, path: str | Path | None = None, as_json: bool = False):
        """The hooks of these owners as a notifications file (an Exported: `.text()`, `.document`); written
        to `path` too when given (JSON when it ends in .json or with as_json)."""
        from clever_notify.operations import notifications as ops

        exported = ops.export(self._session, [_owner(o) for o in _list(owners) or []], all_owners=all_owners,
                              url_placeholders=url_placeholders)
        if path is not None:
            ops.write_file(path, exported.text(as_json=as_json or str(path).lower().endswith(".json")))
        return exported

    def plan(self, file: str | Path, *, prune: bool = False, env=None, text: str | None = None,
             out: str | Path | None = None):
        """What applying the file would change (a Planned: `.plan.actions`, `.plan.changes`). Sends no change.
        `out`: also save the plan there, for `apply(out)` to send exactly it later (`plan --out`)."""
        from clever_notify.operations import notifications as ops

        planned = ops.plan(self._session, ops.read_file(file, env, text=text), prune=prune)
        if out is not None:
            from clever_notify.operations.saved_plans import save

            save(self._session, planned, out, file=str(file))
        return planned

    def apply(self, planned, *, prune: bool = False, dry_run: bool = False, on_step=None):
        """Run a plan (from `plan`), or the plan saved at the path given (exactly its requests, StalePlan if
        anything they touch changed since), or plan the file given and run it: creates, updates, then deletes."""
        from clever_notify.operations import notifications as ops

        if isinstance(planned, (str, Path)):
            from clever_notify.operations.saved_plans import fresh_plan, read_plan_file

            saved = read_plan_file(planned)
            if saved is not None:
                if prune:
                    raise InputError("a saved plan says itself whether it deletes: give prune= to plan(out=…)")
                planned = fresh_plan(self._session, saved)
            else:
                planned = self.plan(planned, prune=prune)
        return ops.apply(self._session, planned, dry_run=dry_run, on_step=on_step)
