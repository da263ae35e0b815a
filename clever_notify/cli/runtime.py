"""What a command needs at run time, built lazily: settings, the API client, the linked app, the owner."""

from __future__ import annotations

import os
import sys
from functools import cached_property
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # config pulls json/dataclasses/pathlib: only commands that run need it, not --help
    from pathlib import Path

    from clever_notify.config.settings import LinkedApp, Settings


class Runtime:
    def __init__(self, verbose: bool = False, cwd: Path | None = None, sandbox: bool = False, prog: str = "clever"):
        self.verbose = verbose
        self.cwd = cwd
        self.sandbox = sandbox  # `clever --sandbox`: the emulator in-process, no server, no credentials
        self.prog = prog  # how the user called us: `clever`, `clever-notify`, `python -m clever_notify`
        self.org_typed: str | None = None  # --org exactly as given, for hints
        self.org_name: str | None = None  # an --org name resolved through the cache, see forget_cached_org
        self.owner_hint: str | None = None  # how the owner was chosen without --org, for "not found" errors

    def command_line(self, *words: str, owner: bool = False) -> str:
        """A command to paste: same program, same sandbox, and (with `owner`) the owner as the user named it.

        Without --org the pasted command chooses the owner the same way this one did (linked app, else self).
        """
        import shlex

        parts = [self.prog] + (["--sandbox"] if self.sandbox else []) + [shlex.quote(w) for w in words]
        if owner and self.org_typed is not None:
            parts += ["--org", shlex.quote(self.org_typed)]
        return " ".join(parts)

    def log(self, line: str) -> None:
        from clever_notify.guards.sanitise import for_terminal

        click.echo(f"[api] {for_terminal(line)}", err=True)

    @cached_property
    def settings(self) -> Settings:
        if self.sandbox:
            from clever_notify.sandbox.settings import sandbox_settings

            return sandbox_settings()
        from clever_notify.config.settings import load_settings

        return load_settings(os.environ)

    @cached_property
    def client(self):
        from clever_notify.api.client import ApiClient

        session = None
        if self.sandbox:
            from clever_notify.sandbox.transport import sandbox_session

            session = sandbox_session()
        return ApiClient(self.settings, session=session, log=self.log if self.verbose else None, notice=self.notice)

    def notice(self, line: str) -> None:
        """A message the library below wants the user to see (not only with --verbose); it quotes names
        read from the API, so it is kept to one line."""
        from clever_notify.guards.sanitise import for_terminal

        click.echo(for_terminal(line), err=True)

    def recording_client(self, *, dry_run: bool):
        """The client over a recording transport: `.transport.changes` are the changes sent, or with
        dry_run the ones a real run would send (reads still go out: what to change depends on them)."""
        return self.client.recording(send=not dry_run)

    @cached_property
    def _linked_app(self) -> LinkedApp | None:
        from clever_notify.config.settings import load_linked_app

        return load_linked_app(self.cwd, os.environ)

    def linked_app(self) -> LinkedApp | None:
        return self._linked_app

    @cached_property
    def org_cache(self):
        from clever_notify.owners import cache as org_cache

        creds = self.settings.require_credentials()
        return org_cache.OrgCache(org_cache.default_path(), org_cache.account_key(self.settings.api_host, creds.token))

    def target(self, org: str | None, *, use_linked_app: bool, for_write: bool = False):
        """The owner to act on. `for_write`: the command changes something (or shows, with --dry-run, what it
        would change), so an --org name is resolved afresh, never from the cache."""
        from clever_notify.owners import resolve as owners

        cache = None
        self.org_typed = org
        # In-process sandbox: names cost no round trip, and the cache key (host + token) could not tell
        # one sandbox database from another.
        if org is not None and not owners.is_owner_id(org) and not self.sandbox:
            cache = self.org_cache
            self.org_name = org  # remembered so that a 404/403 on this owner drops the cached id
        target = owners.resolve(self.client, org, use_linked_app=use_linked_app, linked_app=self.linked_app,
                                cache=cache, for_write=for_write)
        if org is None:
            app = self.linked_app() if target.app_id else None
            self.owner_hint = (
                f"looked at the owner of the application linked in {app.path}; pass --org to look elsewhere"
                if app else "looked in your own account; pass --org ORG for an organisation's"
            )
        return target

    def forget_cached_org(self) -> None:
        """The owner a cached name pointed to was refused: next time, ask /v2/summary again."""
        if self.org_name is not None:
            self.org_cache.forget(self.org_name)

    def scrub(self, text: str) -> str:
        """`text` with the credentials hidden, when they were loaded (a last guard for the error boundary)."""
        settings = self.__dict__.get("settings")
        if settings is None:
            return text
        from clever_notify.api.transport import redact

        return redact(text, settings.secrets())

    def out(self):
        from clever_notify.output.render import Output

        return Output(sys.stdout)


def runtime(ctx: click.Context | None = None) -> Runtime:
    ctx = ctx or click.get_current_context()
    rt = ctx.find_object(Runtime)
    if rt is None:
        rt = ctx.ensure_object(Runtime)
    return rt
