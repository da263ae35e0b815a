"""`clever completion` and the completions themselves: commands, options, event names, formats."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.shell_completion import BashComplete

from clever_notify.cli import cli
from clever_notify.hooks import catalog

ADD = ["webhooks", "add", "n", "https://example.org/h"]
META = ["META_SERVICE_LIFECYCLE", "META_DEPLOYMENT_RESULT", "META_SERVICE_MANAGEMENT", "META_CREDITS"]


def complete(args, incomplete):
    comp = BashComplete(cli, {}, "clever", "_CLEVER_COMPLETE")
    return [item.value for item in comp.get_completions(args, incomplete)]


# --- in process, through click's completion machinery ---------------------------------------------


def test_commands_complete():
    # subset checks: other branches add commands
    assert {"completion", "events", "help", "notify-email", "webhooks"} <= set(complete([], ""))
    assert complete([], "e") == ["events"]
    assert {"add", "remove"} <= set(complete(["webhooks"], ""))


def test_options_complete():
    opts = complete(ADD, "--")
    assert {"--event", "--format", "--service", "--org", "--json"} <= set(opts)


def test_every_event_name_completes_for_event():
    assert complete([*ADD, "--event"], "") == list(catalog.ALL_EVENT_NAMES)
    assert complete([*ADD, "--event"], "meta") == META
    assert complete([*ADD, "--event"], "DEPLOYMENT_F") == ["DEPLOYMENT_FAIL"]


def test_event_completion_after_a_comma():
    assert complete([*ADD, "--event"], "META_CREDITS,git") == ["META_CREDITS,GIT_PUSH"]


def test_formats_complete_for_format_and_output_formats_for_F():
    assert complete([*ADD, "--format"], "") == ["raw", "slack", "gitter", "flowdock"]
    assert complete(["webhooks", "-F"], "") == ["human", "json"]


def test_shells_complete_for_completion():
    assert complete(["completion"], "") == ["bash", "zsh", "fish"]


def test_no_plain_http_warning_while_completing(capsys):
    # completing an option name makes click convert the URL already typed
    assert complete(["webhooks", "add", "n", "http://example.org/h"], "--ev") == ["--event"]
    assert capsys.readouterr().err == ""


# --- the installed `clever`, driven by each shell's completion protocol ----------------------------


def ask(clever_exe, protocol, words, cword):
    env = {**os.environ, "_CLEVER_COMPLETE": f"{protocol}_complete", "COMP_WORDS": words, "COMP_CWORD": cword}
    proc = subprocess.run([clever_exe], env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout


@pytest.mark.slow
def test_bash_protocol_completes_event_names(clever_exe):
    line = "clever webhooks add n https://example.org/h --event DEPLOYMENT_FAIL,DEPLOYMENT_"
    out = ask(clever_exe, "bash", line, "6")
    assert out.splitlines() == [
        "plain,DEPLOYMENT_FAIL,DEPLOYMENT_ACTION_BEGIN",
        "plain,DEPLOYMENT_FAIL,DEPLOYMENT_ACTION_END",
        "plain,DEPLOYMENT_FAIL,DEPLOYMENT_SUCCESS",
    ]


@pytest.mark.slow
def test_zsh_protocol_completes_meta_events(clever_exe):
    out = ask(clever_exe, "zsh", "clever webhooks add n https://example.org/h --event META_", "6")
    assert out.splitlines() == [line for name in META for line in ("plain", name, "_")]


def fish_values(out: str) -> list[str]:
    """The values of click's fish protocol: `type,value` lines (click 8.5) or type/value/help triples (8.4)."""
    lines = out.splitlines()
    if lines and "," in lines[0]:
        return [line.split(",", 1)[1] for line in lines]
    return lines[1::3]


@pytest.mark.slow
def test_fish_protocol_completes_formats(clever_exe):
    # fish passes the word being completed in COMP_CWORD
    out = ask(clever_exe, "fish", "clever webhooks add n https://example.org/h --format ", "")
    assert fish_values(out) == list(catalog.WEBHOOK_FORMATS)


# --- the scripts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shell,needle", [
    ("bash", "complete -o nosort -F _clever_completion clever"),
    ("zsh", "compdef _clever_completion clever"),
    ("fish", "complete --no-files --command clever --arguments \"(_clever_completion)\""),
])
def test_script_names_clever_and_its_variable(run, shell, needle):
    result = run("completion", shell)
    assert result.exit_code == 0, result.stderr
    assert needle in result.stdout
    assert f"_CLEVER_COMPLETE={shell}_complete" in result.stdout
    assert result.stdout.endswith("\n")


def test_unknown_shell_is_refused(run):
    result = run("completion", "powershell")
    assert result.exit_code == 2
    assert "'powershell' is not one of 'bash', 'zsh', 'fish'" in result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.slow
def test_bash_script_really_completes_event_names(clever_exe, tmp_path):
    """Source the printed script in bash and call its completion function as bash would on TAB."""
    test_script = tmp_path / "complete.sh"
    test_script.write_text(
        'source <(clever completion bash)\n'
        'COMP_WORDS=(clever webhooks add n https://example.org/h --event meta_d)\n'
        'COMP_CWORD=6\n'
        '_clever_completion clever\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{Path(clever_exe).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(["bash", "--norc", "--noprofile", str(test_script)], env=env,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["META_DEPLOYMENT_RESULT"]


def test_help_completes_command_paths():
    assert complete(["help"], "") == complete([], "")
    assert complete(["help"], "w") == ["webhooks"]
    assert complete(["help", "webhooks"], "") == complete(["webhooks"], "")
    assert complete(["help", "webhooks"], "a") == ["add"]
    assert complete(["help", "webhooks", "add"], "") == []
    assert complete(["help", "nope"], "") == []


# --- both names, and clever-tools' words kept for `clever` ---------------------------------------------


@pytest.mark.parametrize("shell,needle", [
    ("bash", "complete -o nosort -F _clever_notify_completion clever-notify"),
    ("zsh", "compdef _clever_notify_completion clever-notify"),
    ("fish", "complete --no-files --command clever-notify --arguments \"(_clever_notify_completion)\""),
])
def test_clever_notify_gets_its_own_script(run, shell, needle):
    result = run("completion", shell, "--name", "clever-notify")
    assert result.exit_code == 0, result.stderr
    assert needle in result.stdout
    assert f"_CLEVER_NOTIFY_COMPLETE={shell}_complete" in result.stdout
    # nothing registered for `clever`: that name is clever-tools' too
    assert " clever\n" not in result.stdout and "command clever " not in result.stdout
    assert "autocomplete" not in result.stdout


@pytest.mark.parametrize("shell,needle", [
    ("bash", "complete -o nosort -F _clever_notify_dispatch clever\n"),
    ("zsh", "compdef _clever_notify_dispatch clever\n"),
    ("fish", "complete --no-files --command clever --arguments \"(_clever_notify_tools)\"\n"),
])
def test_clever_script_keeps_clever_tools_completion(run, shell, needle):
    result = run("completion", shell)
    assert needle in result.stdout
    assert "--autocomplete-index" in result.stdout  # clever-tools' own completion protocol


def test_the_name_run_as_chooses_the_script():
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["completion", "bash"], prog_name="clever-notify")
    assert "_clever_notify_completion clever-notify" in result.stdout
    assert "_clever_notify_dispatch" not in result.stdout


PROTOCOL_STAND_IN = """#!/bin/sh
# a stand-in clever-tools speaking its completion protocol: records that it was asked, answers a compgen line
echo "$@" >> "$RECORD"
case "$*" in
  *--autocomplete-index\\ 1\\ *) printf '%s\\n' "compgen -W \\$'login\\nlogout\\nwebhooks\\nhelp' -- x" ;;
  *--autocomplete-words=deploy*) printf '%s\\n' "compgen -W \\$'--alias\\n--branch' -- x" ;;
  *) printf '%s\\n' "compgen  -- x" ;;
esac
"""


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.slow
def test_bash_clever_completes_ours_and_clever_tools_words(clever_exe, tmp_path):
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "clever").write_text(PROTOCOL_STAND_IN)
    (tools / "clever").chmod(0o755)
    record = tmp_path / "asked"
    test_script = tmp_path / "complete.sh"
    test_script.write_text(
        'source <(clever completion bash)\n'
        't() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); '
        '_clever_notify_dispatch clever; echo "${COMPREPLY[*]}"; }\n'
        "t clever ''\n"
        't clever lo\n'
        't clever deploy --\n'
        't clever webhooks a\n'
        "t clever '$(touch pwned)'\n"
    )
    env = {**os.environ, "RECORD": str(record),
           "PATH": os.pathsep.join([str(Path(clever_exe).parent), str(tools), os.defpath])}
    proc = subprocess.run(["bash", "--norc", "--noprofile", str(test_script)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    first, lo, deploy, webhooks, hostile = proc.stdout.splitlines()
    ours = complete([], "")
    assert first.split() == [*ours, "login", "logout"]  # both lists, each word once
    assert lo.split() == ["login", "logout"]
    assert deploy.split() == ["--alias", "--branch"]
    assert webhooks.split() == ["add"]
    assert hostile == "" and not (tmp_path / "pwned").exists()  # the typed word is never evaluated
    asked = record.read_text().splitlines()
    assert len(asked) == 4  # clever-tools is never asked about this tool's own commands
    assert all(line.startswith("--autocomplete-index") for line in asked)


@pytest.mark.slow
def test_clever_notify_protocol_completes_under_its_name(clever_exe):
    exe = str(Path(clever_exe).with_name("clever-notify"))
    env = {**os.environ, "_CLEVER_NOTIFY_COMPLETE": "bash_complete", "COMP_WORDS": "clever-notify web",
           "COMP_CWORD": "1"}
    proc = subprocess.run([exe], env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and proc.stdout.splitlines() == ["plain,webhooks"]
    # the other name's variable, answered by whichever console script the shell found
    env = {**os.environ, "_CLEVER_COMPLETE": "bash_complete", "COMP_WORDS": "clever web", "COMP_CWORD": "1"}
    proc = subprocess.run([exe], env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and proc.stdout.splitlines() == ["plain,webhooks"]
