"""What a command needs at run time: the root flags, how the user called us, and one operations Session.

Everything below the command line (settings, the client, the linked app, the owner rules) lives in
operations/session.py and is shared with the Python API; this module only adds the terminal: where notices
and the request log are printed, and the commands a message tells the user to paste.
"""

from __future__ import annotations

import sys
from functools import cached_property
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # only commands that run need these, not --help
    from pathlib import Path

    from clever_notify.operations.session import Session


class Runtime:
    def __init__(self, verbose: bool = False, cwd: Path | None = None, sandbox: bool = False, prog: str = "clever"):
        self.verbose = verbose  # the root flags may also come after the command: set until `session` is built
        self.cwd = cwd
        self.sandbox = sandbox  # `clever --sandbox`: the emulator in-process, no server, no credentials
        self.prog = prog  # how the user called us: `clever`, `clever-notify`, `python -m clever_notify`

    @cached_property
    def session(self) -> Session:
        from clever_notify.operations.session import Session

        log = self.log if self.verbose else None
        if self.sandbox:
            from clever_notify.sandbox.settings import sandbox_settings
            from clever_notify.sandbox.transport import sandbox_session

            return Session.connect(sandbox_settings(), http_session=sandbox_session(), in_process=True,
                                   cwd=self.cwd, log=log, notice=self.notice)
        from clever_notify.config.settings import load_settings

        return Session.connect(load_settings(), cwd=self.cwd, log=log, notice=self.notice)

    # Old names, kept while the branches of issues 19-23 merge the operations layer; nothing on main uses them
    # (new code uses `session`, and from a command an operation, not the client).
    @property
    def client(self):
        return self.session.client

    @property
    def settings(self):
        return self.session.settings

    def target(self, org: str | None, *, use_linked_app: bool, for_write: bool = False):
        return self.session.owner(org, use_linked_app=use_linked_app, for_write=for_write)

    @property
    def owner_hint(self) -> str | None:
        chosen = self.__dict__.get("session") and self.session.chosen
        return chosen.hint if chosen else None

    def command_line(self, *words: str, owner: bool = False) -> str:
        """A command to paste: same program, same sandbox, and (with `owner`) the owner as the user named it.

        Without --org the pasted command chooses the owner the same way this one did (linked app, else self).
        """
        import shlex

        parts = [self.prog] + (["--sandbox"] if self.sandbox else []) + [shlex.quote(w) for w in words]
        chosen = self.__dict__.get("session") and self.session.chosen
        if owner and chosen and chosen.typed is not None:
            parts += ["--org", shlex.quote(chosen.typed)]
        return " ".join(parts)

    def owner_args(self, owner_id: str) -> list[str]:
        """`--org` for a hint about one owner: as the user typed it (`--org "Org 002"`) when they did, else its id."""
        chosen = self.__dict__.get("session") and self.session.chosen
        typed = chosen.typed if chosen else None
        return ["--org", typed if typed is not None else owner_id]

    def log(self, line: str) -> None:
        from clever_notify.guards.sanitise import for_terminal

        click.echo(f"[api] {for_terminal(line)}", err=True)

    def notice(self, line: str) -> None:
        """A message the library below wants the user to see (not only with --verbose); it quotes names
        read from the API, so it is kept to one line."""
        from clever_notify.guards.sanitise import for_terminal

        click.echo(for_terminal(line), err=True)

    def forget_cached_org(self) -> None:
        if "session" in self.__dict__:
            self.session.owner_refused()

    def scrub(self, text: str) -> str:
        """`text` with the credentials hidden, when they were loaded (a last guard for the error boundary)."""
        if "session" not in self.__dict__:
            return text
        return self.session.scrub(text)

    def out(self):
        from clever_notify.output.render import Output

        return Output(sys.stdout)


def runtime(ctx: click.Context | None = None) -> Runtime:
    ctx = ctx or click.get_current_context()
    rt = ctx.find_object(Runtime)
    if rt is None:
        rt = ctx.ensure_object(Runtime)
    return rt
