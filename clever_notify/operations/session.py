"""What every operation runs with: the settings, one API client, the linked application and the owner rules.

    session = Session.connect(load_settings(os.environ))      # what `clever …` and Notifications use
    target = session.owner("Acme", for_write=True)             # id, name, `self`, or None as the CLI allows
    session.summary()                                          # /v2/summary, typed (owners/summary.py), once

The command line and the Python API build one each (cli/runtime.py, facade.py); the sandbox's settings and
in-process transport are handed in by them, since nothing below the CLI imports the sandbox. No printing:
what the user must see goes to the `notice` callback, the request log to `log`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from clever_notify.owners.resolve import Target

if TYPE_CHECKING:
    from clever_notify.api.client import ApiClient
    from clever_notify.config.settings import LinkedApp, Settings
    from clever_notify.owners.cache import OrgCache
    from clever_notify.owners.summary import Summary

__all__ = ["Chosen", "Session", "Target"]


@dataclass(frozen=True)
class Chosen:
    """How the owner of the running job was chosen: for hints, and to drop a cached name the API refused."""

    typed: str | None  # --org / owner= exactly as given (None: left out)
    target: Target
    cached_name: str | None = None  # a name resolved through the name cache
    hint: str | None = None  # how an owner left out was chosen, for "not found" errors


class Session:
    """One client and the rules that choose an owner; built once per command or per Notifications object."""

    def __init__(self, settings: Settings, client: ApiClient, *, cwd: Path | None = None,
                 env: Mapping[str, str] | None = None, in_process: bool = False):
        self.settings = settings
        self.client = client
        self.cwd = cwd
        self.env = os.environ if env is None else env
        # The in-process sandbox: no latency (one reader is enough) and no name cache (its key, host + token,
        # could not tell one sandbox database from another).
        self.in_process = in_process
        self.chosen: Chosen | None = None

    @classmethod
    def connect(cls, settings: Settings, *, http_session=None, in_process: bool = False, cwd: Path | None = None,
                env: Mapping[str, str] | None = None, log: Callable[[str], None] | None = None,
                notice: Callable[[str], None] | None = None) -> Session:
        from clever_notify.api.client import ApiClient

        client = ApiClient(settings, session=http_session, log=log, notice=notice)
        return cls(settings, client, cwd=cwd, env=env, in_process=in_process)

    # --- reading -------------------------------------------------------------------------------------

    def recording_client(self, *, dry_run: bool) -> ApiClient:
        """The client over a recording transport: `.transport.changes` are the changes sent, or with dry_run
        the ones a real run would send (reads still go out: what to change depends on them)."""
        return self.client.recording(send=not dry_run)

    def summary(self) -> Summary:
        """/v2/summary typed; the client reads it once per session."""
        from clever_notify.owners.summary import Summary

        raw = self.client.get_summary()
        cached = self.__dict__.get("_summary")
        if cached is None or cached.raw is not raw:
            cached = self.__dict__["_summary"] = Summary.parse(raw)
        return cached

    def all_owners(self) -> list:
        """Your account, then every organisation (what every `--all-owners` job reads). An organisation the
        summary lists without an id string cannot be read: it is skipped, and the user told once."""
        summary = self.summary()
        note = summary.skipped_note()
        if note is not None and not self.__dict__.get("_told_skipped"):
            self.__dict__["_told_skipped"] = True
            self.client.tell(note)
        return summary.owners()

    def service_ids(self, owner_id: str, values: list[str]) -> list[str]:
        """Each value (a service id or name) checked to be one of the owner's applications or add-ons."""
        from clever_notify.owners import services

        return services.check(self.summary(), owner_id, values)

    @property
    def readers(self) -> int:
        """Concurrent list reads: the in-process sandbox answers without latency, so threads would only contend."""
        from clever_notify.api.bounded_reads import MAX_READERS

        return 1 if self.in_process else MAX_READERS

    @cached_property
    def _linked_app(self) -> LinkedApp | None:
        from clever_notify.config.settings import load_linked_app

        return load_linked_app(self.cwd, self.env)

    def linked_app(self) -> LinkedApp | None:
        return self._linked_app

    @cached_property
    def org_cache(self) -> OrgCache | None:
        if self.in_process:
            return None
        from clever_notify.owners import cache

        creds = self.settings.require_credentials()
        return cache.OrgCache(cache.default_path(), cache.account_key(self.settings.api_host, creds.token))

    def remember_names(self, summary: Summary) -> None:
        """A /v2/summary read anyway refreshes the name cache: a later `--org NAME` costs no request."""
        if self.org_cache is not None:
            self.org_cache.store(summary.organisation_names())

    # --- the owner ----------------------------------------------------------------------------------

    def owner(self, org: str | None, *, use_linked_app: bool = True, for_write: bool = False) -> Target:
        """The owner to act on: `org` (id, name or `self`) wins; else the linked application's owner when
        `use_linked_app`; else your own account. `for_write`: a name is resolved afresh, never from the cache."""
        from clever_notify.owners import resolve

        cache, cached_name = None, None
        if org is not None and org != "self" and not resolve.is_owner_id(org) and not self.in_process:
            cache = self.org_cache
            cached_name = org  # remembered so that a 404/403 on this owner drops the cached id
        if org == "self":
            target = Target(resolve.self_id(self.client))
        else:
            target = resolve.resolve(self.client, org, use_linked_app=use_linked_app, linked_app=self.linked_app,
                                     cache=cache, for_write=for_write)
        hint = None
        if org is None:
            app = self.linked_app() if target.app_id else None
            hint = (f"looked at the owner of the application linked in {app.path}; pass --org to look elsewhere"
                    if app else "looked in your own account; pass --org ORG for an organisation's")
        self.chosen = Chosen(org, target, cached_name, hint)
        return target

    def owner_refused(self) -> None:
        """The API answered 404 or 403 for the owner: a cached name may point to an organisation gone or
        renamed, so the next run asks /v2/summary again."""
        chosen = self.chosen
        if chosen is not None and chosen.cached_name is not None and self.org_cache is not None:
            self.org_cache.forget(chosen.cached_name)

    def scrub(self, text: str) -> str:
        """`text` with the credentials hidden, and every value the transport was asked to hide (hide())."""
        redact = getattr(self.client.transport, "redact", None)
        if redact is not None:
            return redact(text)
        from clever_notify.api.transport import redact as redact_secrets

        return redact_secrets(text, self.settings.secrets())
