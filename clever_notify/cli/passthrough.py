"""The hand-off to clever-tools: a command this tool does not implement runs clever-tools' own `clever`.

This program installs a `clever` too; when it comes first on PATH, `clever login`, `clever deploy` or
`clever version` must still reach clever-tools, with the same arguments, streams and exit code (the process
is replaced with os.execv where the platform has it).

Which command is whose is decided from the words before click parses anything (`route`): the first word
that is not a global flag names the command. Ours go to click; a word clever-tools knows goes to clever-tools;
a word that is close to one of ours and closer to ours than to any of clever-tools' is a typo of ours
(`clever webhoks` gets click's "Did you mean"); anything else goes to clever-tools, which says what it thinks.

"The next `clever` on PATH that is not this program" (`find_clever_tools`): a candidate is skipped when it
is this very file (symbolic links and hard links resolved), when it is a console script of this package (this
program installed twice), or when this process was started by trying it already: every hand-off records the
candidate in an environment variable with the process id that did it, so a wrapper script that calls this
program back (directly or not, at any depth) makes the next hand-off skip it. There is no loop: each hop
skips one more file, and PATH is finite. (A `clever` started by clever-tools itself would inherit the variable
and skip clever-tools; clever-tools starts no `clever`, and a loop would be far worse.)
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable, Sequence

PROGRAM = "clever"
INSTALL_HINT = "npm install -g clever-tools"
# The files the hand-offs of this chain of processes already tried, os.pathsep-separated.
TRIED_VAR = "CLEVER_NOTIFY_HANDED_OFF"

# clever-tools 4.11's top-level commands: a word among these is never read as a typo of ours.
CLEVER_TOOLS_COMMANDS = frozenset("""
accesslogs activity addon applications cancel-deploy config config-provider console create curl database delete
deploy diag domain drain emails env features help keycloak kv link login logout logs make-default matomo metabase
ng notify-email oauth-consumers open otoroshi profile published-config restart scale service ssh ssh-keys status
stop tcp-redirs tokens unlink version webhooks
""".split())

# Global flags both programs accept, anywhere before the command (they take no value).
SHARED_FLAGS = frozenset({"-v", "--verbose", "--color", "--no-color", "--update-notifier", "--no-update-notifier"})
HELP_FLAGS = frozenset({"-h", "--help", "-?"})
# Root options only clever-tools has: its shell completion protocol and script generators.
CLEVER_TOOLS_ROOT_OPTIONS = ("--autocomplete-", "--bash-autocomplete-script", "--zsh-autocomplete-script",
                             "--fish-autocomplete-script")
TYPO_CUTOFF = 0.75


def command_word(args: Sequence[str]) -> tuple[int, str] | None:
    """Index and text of the first word that is not an option (None if there is none before `--`)."""
    for i, arg in enumerate(args):
        if arg == "--":
            return None
        if not arg.startswith("-") or arg == "-":
            return i, arg
    return None


def _best_ratio(word: str, names: Iterable[str]) -> float:
    matcher = difflib.SequenceMatcher(b=word)
    best = 0.0
    for name in names:
        matcher.set_seq1(name)
        best = max(best, matcher.ratio())
    return best


def is_our_typo(word: str, ours: Iterable[str]) -> bool:
    """`webhoks`, `notification`, `sandbx`: close to a command of ours and closer to it than to any of clever-tools'."""
    ours = set(ours)
    if word in CLEVER_TOOLS_COMMANDS:
        return False
    mine = _best_ratio(word, ours)
    return mine >= TYPO_CUTOFF and mine > _best_ratio(word, CLEVER_TOOLS_COMMANDS - ours)


def goes_to_clever_tools(args: Sequence[str], ours: Iterable[str]) -> bool:
    """Whether this command line is clever-tools' to run (see the module's doc)."""
    ours = set(ours)
    found = command_word(args)
    if found is None:
        # No command: `clever`, `clever --help`, `clever --version` are ours; clever-tools' root-only
        # options (its completion protocol) are its own.
        return any(arg.startswith(CLEVER_TOOLS_ROOT_OPTIONS) for arg in args if arg != "--")
    index, word = found
    if word == "help":
        # `clever help webhooks` is ours, `clever help deploy` clever-tools'; `clever help` alone is ours.
        rest = command_word(args[index + 1:])
        return rest is not None and rest[1] not in ours and not is_our_typo(rest[1], ours)
    if word in ours:
        return False
    return not is_our_typo(word, ours)


# --- finding clever-tools ------------------------------------------------------------------------------


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def _executables(directory: str, name: str) -> list[str]:
    if os.name == "nt":  # npm puts clever.cmd (and a shell script for Git Bash) there
        exts = [e.lower() for e in os.environ.get("PATHEXT", ".COM;.EXE;.BAT;.CMD").split(os.pathsep) if e]
        names = [name + ext for ext in exts]
    else:
        names = [name]
    out = []
    for candidate in names:
        path = os.path.join(directory, candidate)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            out.append(path)
    return out


def is_our_console_script(path: str) -> bool:
    """A launcher pip wrote for this package (this program installed a second time, elsewhere on PATH)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b"clever_notify" in head


def ourselves() -> set[str]:
    """The files that are this program: the script that started us, resolved."""
    out = set()
    argv0 = sys.argv[0] if sys.argv else ""
    if argv0 and os.path.exists(argv0):
        out.add(_real(argv0))
    return out


def tried_before(environ=None) -> set[str]:
    """Files an earlier hand-off of this same chain of processes tried (a wrapper that leads back to us)."""
    environ = os.environ if environ is None else environ
    return {f for f in environ.get(TRIED_VAR, "").split(os.pathsep) if f}


def candidates(path_env: str | None = None) -> list[str]:
    path_env = os.environ.get("PATH", os.defpath) if path_env is None else path_env
    seen, out = set(), []
    for directory in path_env.split(os.pathsep):
        for exe in _executables(directory or os.curdir, PROGRAM):
            real = _real(exe)
            if real not in seen:
                seen.add(real)
                out.append(exe)
    return out


def find_clever_tools(path_env: str | None = None, environ=None) -> str | None:
    """The next `clever` on PATH that is not this program (None when there is none)."""
    skip = ourselves() | tried_before(environ)
    for exe in candidates(path_env):
        real = _real(exe)
        if real in skip or is_our_console_script(real):
            continue
        if any(_same_file(real, other) for other in skip):
            continue
        return exe
    return None


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --- handing off ---------------------------------------------------------------------------------------


def named_command(args: Sequence[str]) -> str:
    """How the command is called in a message: `login`, `help deploy`, or the first word."""
    found = command_word(args)
    if found is None:
        return args[0] if args else ""
    index, word = found
    if word == "help":
        rest = command_word(args[index + 1:])
        if rest is not None:
            return f"help {rest[1]}"
    return word


def hand_off(args: Sequence[str]) -> int:
    """Run clever-tools' `clever` with `args`; returns only on platforms without exec (its exit code), or 2
    after one line on stderr when clever-tools cannot be found."""
    exe = find_clever_tools()
    if exe is None:
        word = named_command(args)
        from clever_notify.guards.sanitise import for_terminal

        sys.stderr.write(
            f"Error: `clever {for_terminal(word)}` is not a command of clever-notify; clever-tools would run it, "
            f"but no other `clever` is on PATH: install clever-tools with `{INSTALL_HINT}`.\n"
        )
        return 2
    previous = tried_before()
    env = dict(os.environ)
    env[TRIED_VAR] = os.pathsep.join([*sorted(previous), _real(exe)])
    argv = [exe, *args]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name != "nt":
        os.execve(exe, argv, env)  # does not return; clever-tools gets our pid, streams and signals
    import subprocess

    try:
        return subprocess.call(argv, env=env)
    except KeyboardInterrupt:
        return 130


def describe_clever_tools() -> str:
    """For `clever --help`: where the other commands go."""
    exe = find_clever_tools()
    if exe is None:
        return f"clever-tools: not found on PATH (install it with `{INSTALL_HINT}`)"
    return f"clever-tools: {exe}"
