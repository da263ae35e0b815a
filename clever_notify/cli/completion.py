"""`clever completion bash|zsh|fish`: click's shell completion script for the `clever` command."""

from __future__ import annotations

import click

from clever_notify.cli import CONTEXT_SETTINGS

PROG_NAME = "clever"
# The variable click's script sets when it asks the program for completions; click derives the
# same name from the program name (`clever` → _CLEVER_COMPLETE), so the console script answers it.
COMPLETE_VAR = "_CLEVER_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


def script(shell: str, root: click.Command) -> str:
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    if cls is None:  # unreachable through the Choice below; kept for callers of this function
        raise click.BadParameter(f"unsupported shell {shell!r}; choose one of: {', '.join(SHELLS)}")
    return cls(root, {}, PROG_NAME, COMPLETE_VAR).source()


@click.command("completion", context_settings=CONTEXT_SETTINGS)
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx, shell):
    """Print the shell completion script for `clever`.

    Completes commands, options, event names for --event (meta-events included,
    after a comma too) and formats for --format. Needs bash 4.4 or later for bash.

    \b
    Examples:
      eval "$(clever completion bash)"          # in ~/.bashrc
      eval "$(clever completion zsh)"           # in ~/.zshrc
      clever completion fish > ~/.config/fish/completions/clever.fish
    """
    source = script(shell, ctx.find_root().command)
    click.echo(source, nl=not source.endswith("\n"))
