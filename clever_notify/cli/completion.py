"""`clever completion bash|zsh|fish`: shell completion for `clever` and for `clever-notify`, each under its name.

`clever-notify` gets click's script as it is (variable _CLEVER_NOTIFY_COMPLETE). `clever` is also clever-tools'
command, so its script must not take clever-tools' completion away: click's function completes this tool's
commands, and a dispatcher registered for `clever` sends every other command to clever-tools' own completion
protocol (`clever --autocomplete-index N --autocomplete-words=W …`, which this program hands to clever-tools,
cli/passthrough.py); the first word and `clever help …` get both lists. The dispatcher asks this program by
the path it was installed at, so the order of PATH does not change who answers.
"""

from __future__ import annotations

import os
import re
import shlex
import sys

import click

from clever_notify.cli import COMMANDS, CONTEXT_SETTINGS

PROG_NAMES = ("clever", "clever-notify")
SHELLS = ("bash", "zsh", "fish")
# Kept for callers that name `clever`'s variable: click derives it from the program name.
COMPLETE_VAR = "_CLEVER_COMPLETE"


def complete_var(prog: str) -> str:
    """The variable click's script sets when it asks the program for completions (click's own derivation)."""
    return f"_{prog}_COMPLETE".replace("-", "_").upper()


def click_function(prog: str) -> str:
    return "_" + re.sub(r"\W*", "", prog.replace("-", "_")) + "_completion"


def this_program() -> str:
    """How the dispatcher calls this program: the console script's path when there is one, else `clever`."""
    argv0 = sys.argv[0] if sys.argv else ""
    if argv0 and os.path.isabs(argv0) and os.path.isfile(argv0) and os.access(argv0, os.X_OK):
        return argv0
    return "clever"


def _ours_pattern() -> str:
    return "|".join(sorted(name for name in COMMANDS if name != "help"))


def _bash_dispatch(exe: str) -> str:
    fn = click_function("clever")
    return f"""
# clever-tools also answers to `clever`: words that are not clever-notify's go to clever-tools' completion.
_clever_notify_dispatch() {{
    local exe={exe} i word cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${{COMP_WORDS[i]}}
        [[ $word == -* ]] && continue
        cmd=$word
        break
    done
    case $cmd in
        {_ours_pattern()}) {fn} "$exe"; return 0 ;;
    esac
    local -a ours=() theirs=() ask=(--autocomplete-index "$COMP_CWORD")
    if [[ -z $cmd || $cmd == help ]]; then
        COMPREPLY=()
        {fn} "$exe"
        ours=("${{COMPREPLY[@]}}")
    fi
    for word in "${{COMP_WORDS[@]}}"; do ask+=("--autocomplete-words=$word"); done
    local cur=${{COMP_WORDS[COMP_CWORD]}} gen
    gen=$("$exe" "${{ask[@]}}" 2>/dev/null)
    if [[ $gen == compgen* ]]; then
        # clever-tools answers a compgen command; the word being completed is put back quoted.
        mapfile -t theirs < <(eval "${{gen%% -- *}} -- \\"\\$cur\\"" 2>/dev/null)
    fi
    local -A seen=()
    COMPREPLY=()
    for word in "${{ours[@]}}" "${{theirs[@]}}"; do
        [[ -n $word && -z ${{seen[$word]}} ]] || continue
        seen[$word]=1
        COMPREPLY+=("$word")
    done
    return 0
}}

complete -o nosort -F _clever_notify_dispatch clever
"""


def _zsh_dispatch(exe: str) -> str:
    fn = click_function("clever")
    return f"""
# clever-tools also answers to `clever`: words that are not clever-notify's go to clever-tools' completion.
_clever_notify_dispatch() {{
    local exe={exe} i cmd= gen word
    for (( i = 2; i < CURRENT; i++ )); do
        [[ ${{words[i]}} == -* ]] && continue
        cmd=${{words[i]}}
        break
    done
    case $cmd in
        ({_ours_pattern()}) {fn} "$@"; return ;;
    esac
    [[ -z $cmd || $cmd == help ]] && {fn} "$@"
    local -a ask theirs
    ask=(--autocomplete-index $((CURRENT - 1)))
    for word in "${{words[@]}}"; do ask+=("--autocomplete-words=$word"); done
    gen=$("$exe" "${{ask[@]}}" 2>/dev/null)
    if [[ $gen == compgen* ]]; then
        autoload -U +X bashcompinit && bashcompinit
        local cur=${{words[CURRENT]}}
        theirs=("${{(@f)$(eval "${{gen%% -- *}} -- \\"\\$cur\\"" 2>/dev/null)}}")
        (( ${{#theirs}} )) && compadd -U -V clever-tools -a theirs
    fi
}}

compdef _clever_notify_dispatch clever
"""


def _fish_dispatch(exe: str) -> str:
    return f"""
# clever-tools also answers to `clever`: words that are not clever-notify's are completed by clever-tools.
function _clever_notify_tools
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l cmd
    for word in $tokens[2..-1]
        string match -q -- '-*' $word; and continue
        set cmd $word
        break
    end
    contains -- "$cmd" {' '.join(sorted(n for n in COMMANDS if n != 'help'))}; and return
    set -l ask --autocomplete-index (count $tokens)
    for word in $tokens $current
        set -a ask "--autocomplete-words=$word"
    end
    set -l gen ({exe} $ask 2>/dev/null)
    string match -q -- 'compgen -W*' "$gen[1]"; or return
    set gen[1] (string replace -r -- '^compgen -W \\$\\'' '' $gen[1])
    set gen[-1] (string replace -r -- '\\' -- .*$' '' $gen[-1])
    for word in $gen
        string match -q -- "$current*" $word; and echo $word
    end
end

complete --no-files --command clever --arguments "(_clever_notify_tools)"
"""


DISPATCHERS = {"bash": _bash_dispatch, "zsh": _zsh_dispatch, "fish": _fish_dispatch}


def script(shell: str, root: click.Command, prog: str = "clever", exe: str | None = None) -> str:
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    if cls is None:  # unreachable through the Choice below; kept for callers of this function
        raise click.BadParameter(f"unsupported shell {shell!r}; choose one of: {', '.join(SHELLS)}")
    source = cls(root, {}, prog, complete_var(prog)).source()
    if prog != "clever":
        return source
    return source.rstrip("\n") + "\n" + DISPATCHERS[shell](shlex.quote(exe or this_program()))


@click.command("completion", context_settings=CONTEXT_SETTINGS)
@click.argument("shell", type=click.Choice(SHELLS))
@click.option("--name", "prog", type=click.Choice(PROG_NAMES), default=None,
              help="The command to complete: clever (with clever-tools' commands kept) or clever-notify. "
                   "Default: the name this was run as.")
@click.pass_context
def completion(ctx, shell, prog):
    """Print the shell completion script for `clever` or `clever-notify`.

    Completes commands, options, event names for --event (meta-events included,
    after a comma too) and formats for --format. For `clever`, every other command
    is completed by clever-tools itself (its words stay). Needs bash 4.4 or later
    for bash. Source it after clever-tools' own completion.

    \b
    Examples:
      eval "$(clever completion bash)"                 # in ~/.bashrc
      eval "$(clever-notify completion bash)"          # the other name, too
      eval "$(clever completion zsh)"                  # in ~/.zshrc
      clever completion fish > ~/.config/fish/completions/clever.fish
      clever completion fish --name clever-notify > ~/.config/fish/completions/clever-notify.fish
    """
    if prog is None:
        called = ctx.find_root().info_name or "clever"
        prog = "clever-notify" if os.path.basename(called).startswith("clever-notify") else "clever"
    source = script(shell, ctx.find_root().command, prog)
    click.echo(source, nl=not source.endswith("\n"))
