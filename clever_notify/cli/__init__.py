"""The root `clever` group: global flags, lazy sub-commands, `help`, and the one error boundary."""

from __future__ import annotations

import difflib
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

# `-?` is clever-tools' spelling of --help.
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help", "-?"], "max_content_width": 100}


class Group(click.Group):
    """Every group of the tree: a mistyped sub-command gets the names it is close to.

    Said here rather than left to click: 8.5 suggests only among eagerly added commands (not the
    root's lazy ones) and earlier versions not at all.
    """

    def resolve_command(self, ctx, args):
        typed = args[0] if args else ""
        if typed and not typed.startswith("-") and not ctx.resilient_parsing and self.get_command(ctx, typed) is None:
            close = difflib.get_close_matches(typed, self.list_commands(ctx), n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            raise click.UsageError(f"No such command {typed!r}.{hint}", ctx=ctx)
        return super().resolve_command(ctx, args)


# The root's flags, accepted after the command too (`clever webhooks --org Acme -v`), as clever-tools
# accepts its global flags anywhere. Sub-commands get hidden copies that set the same Runtime attribute.
# clever-tools' own global flags are accepted the same way: --no-color/--color (colours), and
# --[no-]update-notifier, which means nothing here (this tool has no update notifier).
ROOT_FLAGS = {
    "verbose": ("-v", "--verbose"), "sandbox": ("--sandbox",),
    "no_color": ("--no-color",), "color": ("--color",),
    "update_notifier": ("--update-notifier", "--no-update-notifier"),
}


def _set_root_flag(ctx, param, value):
    if not value or ctx.resilient_parsing:
        return
    if param.name == "no_color":
        os.environ["NO_COLOR"] = "1"  # read by every styled writer (output/render.py, rich)
    elif param.name == "color":
        os.environ.pop("NO_COLOR", None)  # colours on a terminal, whatever the environment said
    elif param.name in ("verbose", "sandbox"):
        from clever_notify.cli.runtime import runtime

        setattr(runtime(ctx), param.name, True)


def accept_root_flags(cmd: click.Command) -> click.Command:
    """Give `cmd` and every command under it the root flags (hidden: the root's help documents them)."""
    if not getattr(cmd, "_root_flags", False):
        taken = {opt for param in cmd.params for opt in getattr(param, "opts", ())}
        for name, opts in ROOT_FLAGS.items():
            free = [opt for opt in opts if opt not in taken]
            if free:
                cmd.params.append(click.Option(
                    free, name, is_flag=True, hidden=True, expose_value=False, callback=_set_root_flag,
                ))
        cmd._root_flags = True
    for sub in getattr(cmd, "commands", {}).values():
        accept_root_flags(sub)
    return cmd


class LazyGroup(Group):
    def list_commands(self, ctx):
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx, name):
        if name in self.commands:
            return accept_root_flags(self.commands[name])
        spec = COMMANDS.get(name)
        if spec is None:
            return None
        module, attr = spec.split(":")
        return accept_root_flags(getattr(importlib.import_module(module), attr))


def _scrub(ctx, text: str) -> str:
    """One line of an error: credentials hidden, then every unsafe character (line feeds included) escaped."""
    from clever_notify.guards.sanitise import for_terminal

    scrub = getattr(ctx.obj, "scrub", None)
    return for_terminal(scrub(text) if scrub is not None else text)


DETAILED_EXITCODE = "--detailed-exitcode"


def asks_detailed_exitcode(args) -> bool:
    """Whether the command line asks for `plan --detailed-exitcode` (also misspelt `--detailed-exitcode=…`):
    then 2 means "changes", and every error of that line, wherever found, must exit 1, as terraform's does."""
    return any(isinstance(a, str) and (a == DETAILED_EXITCODE or a.startswith(DETAILED_EXITCODE + "="))
               for a in args or ())


def _error_code(ctx, code: int) -> int:
    """`code`, or 1 for an error of a `--detailed-exitcode` command line (where 2 would read as "changes")."""
    root = ctx.find_root() if ctx is not None else None
    detailed = root is not None and root.meta.get(DETAILED_EXITCODE, False)
    return ExitCode.API if detailed and code not in (ExitCode.OK, ExitCode.INTERRUPTED) else code


class RootGroup(LazyGroup):
    """Turns every project exception into one line on stderr and its exit code."""

    def make_context(self, info_name, args, parent=None, **extra):
        # The root parses its own options here (an unknown one, `CLEVER_SANDBOX=maybe`): before any
        # context exists to carry the command line's wish, so it is read from the arguments themselves.
        detailed = asks_detailed_exitcode(args)
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except click.ClickException as exc:
            if detailed:
                exc.exit_code = ExitCode.API
            raise
        ctx.meta[DETAILED_EXITCODE] = detailed
        return ctx

    def format_epilog(self, ctx, formatter):
        super().format_epilog(ctx, formatter)
        # Said at run time (docs/ are built from the help records, not from this): where the rest goes.
        from clever_notify.cli.passthrough import describe_clever_tools

        with formatter.section("Other commands"):
            formatter.write_text(
                "Any other command (clever login, clever deploy, clever help deploy, clever version …) runs "
                "clever-tools' own `clever`, the next one on PATH, with the same arguments."
            )
            formatter.write(f"{'':>{formatter.current_indent}}{describe_clever_tools()}\n")

    def main(self, *args, **kwargs):
        # Everything a command prints, click's own usage errors included, goes through the sanitiser.
        from clever_notify.guards.sanitise import guarded_streams

        with guarded_streams():
            return super().main(*args, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            # A usage error may quote a value (typed, or read from a file by a script): one line, escaped.
            from clever_notify.guards.sanitise import for_terminal

            exc.message = for_terminal(exc.message)
            exc.exit_code = _error_code(ctx, exc.exit_code)
            raise
        except (click.exceptions.Exit, click.Abort):
            raise
        except CleverNotifyError as exc:
            if isinstance(exc, NotFound) or getattr(exc, "status", None) == 403:
                forget = getattr(ctx.obj, "forget_cached_org", None)
                if forget is not None:
                    forget()  # the organisation behind a cached name may be gone or renamed
            if os.environ.get("CLEVER_DEBUG"):
                raise
            lines = exc.message_lines()
            hint = getattr(ctx.obj, "owner_hint", None)
            if isinstance(exc, NotFound) and hint:
                lines[-1] += f" ({hint})"
            click.echo("Error: " + "\n".join(_scrub(ctx, line) for line in lines), err=True)
            ctx.exit(_error_code(ctx, exc.exit_code))
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
@click.option("--no-color", "no_color", is_flag=True, expose_value=False, callback=_set_root_flag,
              help="No colours (as clever-tools' flag; env NO_COLOR too).")
@click.option("--color", "color", is_flag=True, expose_value=False, callback=_set_root_flag,
              help="Colours on a terminal even when NO_COLOR is set.")
@click.option("--update-notifier", "--no-update-notifier", "update_notifier", is_flag=True, expose_value=False,
              hidden=True, callback=_set_root_flag)
@click.version_option(__version__, "-V", "--version", prog_name="clever-notify")
@click.pass_context
def cli(ctx, verbose, sandbox):
    """Manage Clever Cloud notifications: e-mail notifications and webhooks.

    \b
    Credentials come from CLEVER_TOKEN + CLEVER_SECRET, or from the clever-tools
    config file written by `clever login`. -v/--verbose, --sandbox, --no-color and
    --color may also be given after the command, anywhere on the line.

    Installed beside clever-tools: a command not listed here (clever login,
    clever deploy, clever version …) runs clever-tools' own `clever`.

    \b
    Examples:
      clever webhooks
      clever webhooks add "deploys" https://example.org/hook --event META_DEPLOYMENT_RESULT
      clever help webhooks add
      clever --sandbox webhooks --org Acme
      clever --sandbox webhooks add "deploys" https://example.org/hook --event META_DEPLOYMENT_RESULT --org Acme
    """
    from clever_notify.cli.runtime import Runtime

    ctx.obj = Runtime(verbose=verbose, sandbox=sandbox, prog=ctx.info_name or "clever")


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
            # The same words and suggestion as `clever webhook` itself gets (Group.resolve_command).
            close = difflib.get_close_matches(name, cmd.list_commands(cmd_ctx), n=3, cutoff=0.6) \
                if isinstance(cmd, click.Group) else []
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            raise click.UsageError(f"no such command: {' '.join(command)}.{hint}", ctx=ctx)
        cmd_ctx = click.Context(sub, info_name=name, parent=cmd_ctx)
        cmd = sub
    click.echo(cmd.get_help(cmd_ctx))


def main(args=None, prog_name: str | None = None):
    from clever_notify.cli import passthrough

    # Shell completion asks through the environment (cli/completion.py): for either name, whichever of the
    # two console scripts the shell found.
    for name, var in (("clever", "_CLEVER_COMPLETE"), ("clever-notify", "_CLEVER_NOTIFY_COMPLETE")):
        if os.environ.get(var):
            return cli.main(args=args, prog_name=name, complete_var=var)
    words = sys.argv[1:] if args is None else list(args)
    if passthrough.goes_to_clever_tools(words, COMMANDS):
        sys.exit(passthrough.hand_off(words))
    if args is not None:  # called from Python with its arguments (a test, a wrapper): click's own ending
        return cli.main(args=args, prog_name=prog_name)
    global _ENDS_THE_PROCESS
    _ENDS_THE_PROCESS = True
    try:
        cli.main(prog_name=prog_name)
    except SystemExit as done:
        _exit_process(done.code)


# Set when this run is the process (the console scripts, `python -m clever_notify`): what a command keeps with
# keep_until_exit() is then never freed one object at a time, the operating system takes the memory back at once.
_ENDS_THE_PROCESS = False
_KEPT: list = []


def keep_until_exit(value) -> None:
    """`value` (a 20,000-hook plan: a million objects, some 40 ms to free) left for the process exit to reclaim,
    when this run ends the process; in any other caller it is freed as usual."""
    if _ENDS_THE_PROCESS:
        import gc

        _KEPT.append(value)
        gc.freeze()  # and out of the cyclic collector's sight: it would walk all of it again to free nothing


def _exit_process(code) -> None:
    """End as SystemExit would, without the interpreter's teardown (freeing every module and object one by
    one, some 50 ms after a large plan): the output is flushed first, and nothing of this tool waits on exit
    handlers (no temporary file, no log handler, no thread that must finish)."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): printed, status 1, as the interpreter does
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`) or stream: nothing more can be said
            pass
    os._exit(status)
