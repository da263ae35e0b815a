"""The root `clever` group: global flags, lazy sub-commands, `help`, and the one error boundary."""

from __future__ import annotations

import importlib
import os
import sys

import click

from clever_notify import __version__
from clever_notify.errors import CleverNotifyError, ExitCode, NotFound

# name -> "module:attribute"; modules are imported only when their command is used or listed.
COMMANDS: dict[str, str] = {
    "webhooks": "clever_notify.cli.webhooks:webhooks",
    "notify-email": "clever_notify.cli.notify_email:notify_email",
    "events": "clever_notify.cli.events:events",
    "completion": "clever_notify.cli.completion:completion",
    "help": "clever_notify.cli:help_command",
    "sandbox": "clever_notify.cli.sandbox:sandbox",
    "notifications": "clever_notify.cli.notifications:notifications",
}

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx, name):
        if name in self.commands:
            return self.commands[name]
        spec = COMMANDS.get(name)
        if spec is None:
            return None
        module, attr = spec.split(":")
        return getattr(importlib.import_module(module), attr)


def _scrub(ctx, text: str) -> str:
    scrub = getattr(ctx.obj, "scrub", None)
    return scrub(text) if scrub is not None else text


class RootGroup(LazyGroup):
    """Turns every project exception into one line on stderr and its exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except CleverNotifyError as exc:
            if isinstance(exc, NotFound) or getattr(exc, "status", None) == 403:
                forget = getattr(ctx.obj, "forget_cached_org", None)
                if forget is not None:
                    forget()  # the organisation behind a cached name may be gone or renamed
            if os.environ.get("CLEVER_DEBUG"):
                raise
            message = str(exc)
            hint = getattr(ctx.obj, "owner_hint", None)
            if isinstance(exc, NotFound) and hint:
                message += f" ({hint})"
            click.echo(f"Error: {_scrub(ctx, message)}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            if os.environ.get("CLEVER_DEBUG"):
                raise
            click.echo("", err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`clever webhooks | head`): not an error worth a message.
            sys.stderr.close()
            ctx.exit(ExitCode.API)
        except Exception as exc:  # a bug of ours: still one line, the traceback on request
            if os.environ.get("CLEVER_DEBUG"):
                raise
            click.echo(
                f"Error: unexpected {type(exc).__name__}: {_scrub(ctx, str(exc))} "
                "(set CLEVER_DEBUG=1 for the traceback)",
                err=True,
            )
            ctx.exit(ExitCode.API)


@click.group(cls=RootGroup, context_settings=CONTEXT_SETTINGS)
@click.option("-v", "--verbose", is_flag=True, help="Log each API request (method, URL, status, time) to stderr.")
@click.option(
    "--sandbox", is_flag=True, envvar="CLEVER_SANDBOX",
    help="Run against the local sandbox of the API, in-process: no account, no server (env CLEVER_SANDBOX=1).",
)
@click.version_option(__version__, "-V", "--version", prog_name="clever-notify")
@click.pass_context
def cli(ctx, verbose, sandbox):
    """Manage Clever Cloud notifications: e-mail notifications and webhooks.

    \b
    Credentials come from CLEVER_TOKEN + CLEVER_SECRET, or from the clever-tools
    config file written by `clever login`.

    \b
    Examples:
      clever webhooks
      clever webhooks add "deploys" https://example.org/hook --event META_DEPLOYMENT_RESULT
      clever help webhooks add
      clever --sandbox webhooks --org Acme
      clever --sandbox webhooks add "deploys" https://example.org/hook --event META_DEPLOYMENT_RESULT --org Acme
    """
    from clever_notify.cli.runtime import Runtime

    ctx.obj = Runtime(verbose=verbose, sandbox=sandbox)


def _complete_help_words(ctx, param, incomplete):
    """`clever help web<TAB>` → webhooks; `clever help webhooks <TAB>` → its sub-commands."""
    from click.shell_completion import CompletionItem

    cmd, cmd_ctx = ctx.find_root().command, ctx.find_root()
    for name in ctx.params.get("command") or ():
        cmd = cmd.get_command(cmd_ctx, name) if isinstance(cmd, click.Group) else None
        if cmd is None:
            return []
        cmd_ctx = click.Context(cmd, info_name=name, parent=cmd_ctx)
    if not isinstance(cmd, click.Group):
        return []
    return [CompletionItem(name) for name in cmd.list_commands(cmd_ctx) if name.startswith(incomplete)]


@click.command("help", context_settings=CONTEXT_SETTINGS)
@click.argument("command", nargs=-1, shell_complete=_complete_help_words)
@click.pass_context
def help_command(ctx, command):
    """Show help for a command, as COMMAND --help does.

    `clever help webhooks add` prints the same as `clever webhooks add --help`.

    \b
    Examples:
      clever help
      clever help webhooks
      clever help webhooks add
      clever help notify-email
    """
    root_ctx = ctx.find_root()
    cmd: click.Command = root_ctx.command
    cmd_ctx = root_ctx
    for name in command:
        sub = cmd.get_command(cmd_ctx, name) if isinstance(cmd, click.Group) else None
        if sub is None:
            raise click.UsageError(f"no such command: {' '.join(command)}", ctx=ctx)
        cmd_ctx = click.Context(sub, info_name=name, parent=cmd_ctx)
        cmd = sub
    click.echo(cmd.get_help(cmd_ctx))


def main(args=None, prog_name: str | None = None):
    return cli.main(args=args, prog_name=prog_name)
