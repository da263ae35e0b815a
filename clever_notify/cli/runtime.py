"""What a command needs at run time, built lazily: settings, the API client, the linked app, the owner."""

from __future__ import annotations

import os
import sys
from functools import cached_property
from pathlib import Path

import click

from clever_notify.config import LinkedApp, Settings, load_linked_app, load_settings


class Runtime:
    def __init__(self, verbose: bool = False, cwd: Path | None = None, sandbox: bool = False):
        self.verbose = verbose
        self.cwd = cwd
        self.sandbox = sandbox  # `clever --sandbox`: the emulator in-process, no server, no credentials

    def log(self, line: str) -> None:
        click.echo(f"[api] {line}", err=True)

    @cached_property
    def settings(self) -> Settings:
        if self.sandbox:
            from clever_notify.sandbox.settings import sandbox_settings

            return sandbox_settings()
        return load_settings(os.environ)

    @cached_property
    def client(self):
        from clever_notify.api import ApiClient

        session = None
        if self.sandbox:
            from clever_notify.sandbox.transport import sandbox_session

            session = sandbox_session()
        return ApiClient(self.settings, session=session, log=self.log if self.verbose else None)

    @cached_property
    def _linked_app(self) -> LinkedApp | None:
        return load_linked_app(self.cwd, os.environ)

    def linked_app(self) -> LinkedApp | None:
        return self._linked_app

    def target(self, org: str | None, *, use_linked_app: bool):
        from clever_notify import owners

        return owners.resolve(self.client, org, use_linked_app=use_linked_app, linked_app=self.linked_app)

    def out(self):
        from clever_notify.render import Output

        return Output(sys.stdout)


def runtime(ctx: click.Context | None = None) -> Runtime:
    ctx = ctx or click.get_current_context()
    rt = ctx.find_object(Runtime)
    if rt is None:
        rt = ctx.ensure_object(Runtime)
    return rt
