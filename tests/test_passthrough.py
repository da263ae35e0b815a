"""The hand-off to clever-tools: which commands are whose, and the installed `clever` handing off to a stand-in
clever-tools put on PATH (hermetic: a shell script that records what it got), never in a loop."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from clever_notify.cli import COMMANDS
from clever_notify.cli import passthrough as pt

OURS = set(COMMANDS)


# --- routing: in process, no PATH ------------------------------------------------------------------------


@pytest.mark.parametrize("word", sorted(pt.CLEVER_TOOLS_COMMANDS - OURS))
def test_every_clever_tools_command_goes_to_clever_tools(word):
    assert pt.goes_to_clever_tools([word], OURS)
    assert pt.goes_to_clever_tools(["-v", "--no-color", word, "--help"], OURS)


@pytest.mark.parametrize("word", sorted(OURS))
def test_our_commands_stay_ours(word):
    assert not pt.goes_to_clever_tools([word], OURS)
    after = ["webhooks"] if word == "help" else ["--org", "Acme"]
    assert not pt.goes_to_clever_tools(["--sandbox", "-v", word, *after], OURS)
    assert not pt.goes_to_clever_tools(["help", word], OURS)


def typos(word: str):
    """One deletion, one transposition, one doubled letter: the usual slips of a finger."""
    out = set()
    for i in range(len(word)):
        out.add(word[:i] + word[i + 1:])
        out.add(word[:i] + word[i] + word[i:])
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2:])
    return sorted(out - {word})


@pytest.mark.parametrize("word", sorted(OURS - {"help"}))
def test_typos_of_our_commands_stay_ours_unless_clever_tools_has_that_word(word):
    for typo in typos(word):
        if len(typo) < 4:  # too short to say whose it is (`hep`)
            continue
        expected = typo in pt.CLEVER_TOOLS_COMMANDS
        assert pt.goes_to_clever_tools([typo], OURS) is expected, typo
        assert pt.goes_to_clever_tools(["help", typo], OURS) is expected, typo


def test_words_closer_to_clever_tools_go_there():
    # `servic` is clever-tools' `service` misspelt, `deplyo` its `deploy`: clever-tools answers them.
    for word in ("servic", "deplyo", "loggin", "emial", "notify-emails"):
        assert pt.goes_to_clever_tools([word], OURS) is (word != "notify-emails"), word


def test_no_command_is_ours_except_clever_tools_root_options():
    for args in ([], ["--help"], ["-?"], ["-h"], ["--version"], ["-V"], ["-v"], ["--", "login"], ["help"]):
        assert not pt.goes_to_clever_tools(args, OURS), args
    # clever-tools' completion protocol and script generators
    assert pt.goes_to_clever_tools(["--autocomplete-index", "1", "--autocomplete-words=clever"], OURS)
    assert pt.goes_to_clever_tools(["--bash-autocomplete-script", "/usr/bin/clever"], OURS)


def test_help_of_a_clever_tools_command_goes_there():
    assert pt.goes_to_clever_tools(["help", "deploy"], OURS)
    assert pt.goes_to_clever_tools(["--no-color", "help", "login"], OURS)
    assert pt.named_command(["help", "deploy"]) == "help deploy"


# --- the installed program and a stand-in clever-tools ----------------------------------------------------

STAND_IN = """#!/bin/sh
# a stand-in for clever-tools: records its arguments and standard input, answers on both streams
printf '%s\\n' "$@" > "$RECORD"
cat > "$RECORD.stdin"
echo "clever-tools out"
echo "clever-tools err" >&2
exit 7
"""


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def world(tmp_path, clever_exe):
    """Folders to put on PATH: `ours` holds a link to the installed `clever`, `tools` the stand-in."""
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "clever").symlink_to(clever_exe)
    tools = tmp_path / "tools"
    executable(tools / "clever", STAND_IN)
    system = os.pathsep.join(p for p in os.defpath.split(os.pathsep) if p)  # sh, cat, printf
    return {"tmp": tmp_path, "ours": ours, "tools": tools, "record": tmp_path / "record", "system": system,
            "exe": clever_exe}


def run(world, path_dirs, *args, stdin="", timeout=60, program="clever"):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEVER_")}
    env["PATH"] = os.pathsep.join([*(str(d) for d in path_dirs), world["system"]])
    env["RECORD"] = str(world["record"])
    return subprocess.run([program, *args], env=env, input=stdin, capture_output=True, text=True,
                          timeout=timeout, cwd=world["tmp"])


def recorded(world):
    return world["record"].read_text().splitlines(), Path(f"{world['record']}.stdin").read_text()


@pytest.mark.slow
def test_a_clever_tools_command_runs_the_stand_in_with_the_same_words_streams_and_exit_code(world):
    proc = run(world, [world["ours"], world["tools"]], "login", "--help", "a b", "--org", "Acme", stdin="typed\n")
    assert proc.returncode == 7
    assert proc.stdout == "clever-tools out\n"
    assert proc.stderr == "clever-tools err\n"
    assert recorded(world) == (["login", "--help", "a b", "--org", "Acme"], "typed\n")


@pytest.mark.slow
@pytest.mark.parametrize("args", [["version"], ["help", "deploy"], ["-v", "deploy", "--alias", "x"],
                                  ["--no-color", "env"], ["--autocomplete-index", "1", "--autocomplete-words=clever"]])
def test_clever_tools_words_reach_it(world, args):
    proc = run(world, [world["ours"], world["tools"]], *args)
    assert proc.returncode == 7, proc.stderr
    assert recorded(world)[0] == args


@pytest.mark.slow
def test_our_commands_stay_here_with_clever_tools_on_path(world):
    proc = run(world, [world["ours"], world["tools"]], "webhooks", "--org", "Acme", "--sandbox", "-F", "json")
    assert proc.returncode == 0, proc.stderr
    assert isinstance(json.loads(proc.stdout), list)
    assert not world["record"].exists()
    typo = run(world, [world["ours"], world["tools"]], "webhoks")
    assert typo.returncode == 2 and "Did you mean webhooks?" in typo.stderr
    assert not world["record"].exists()


@pytest.mark.slow
def test_help_names_the_clever_tools_found(world):
    proc = run(world, [world["ours"], world["tools"]], "--help")
    assert proc.returncode == 0
    assert "webhooks" in proc.stdout and "notifications" in proc.stdout
    assert "runs clever-tools' own `clever`" in proc.stdout
    assert f"  clever-tools: {world['tools'] / 'clever'}\n" in proc.stdout
    alone = run(world, [world["ours"]], "--help")
    assert "  clever-tools: not found on PATH (install it with `npm install -g clever-tools`)\n" in alone.stdout


@pytest.mark.slow
def test_without_clever_tools_one_line_and_exit_2(world):
    proc = run(world, [world["ours"]], "login")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert "`clever login`" in proc.stderr and "npm install -g clever-tools" in proc.stderr


@pytest.mark.slow
def test_this_program_twice_on_path_is_skipped(world):
    # a second installation: a copy of the console script (another venv, ~/.local/bin), not a link
    second = world["tmp"] / "second"
    second.mkdir()
    shutil.copy2(world["exe"], second / "clever")
    proc = run(world, [second, world["ours"], world["tools"]], "deploy")
    assert proc.returncode == 7, proc.stderr
    alone = run(world, [second, world["ours"]], "deploy")
    assert alone.returncode == 2 and "npm install -g clever-tools" in alone.stderr


@pytest.mark.slow
@pytest.mark.parametrize("style", ["exec", "child", "nested"])
def test_a_wrapper_that_calls_this_program_back_is_never_a_loop(world, style):
    # what a shim or a hand-written wrapper does: it names this program by its path, not by its package
    line = {"exec": f'exec "{world["exe"]}" "$@"', "child": f'"{world["exe"]}" "$@"',
            "nested": f'sh -c \'"{world["exe"]}" "$@"\' wrapper "$@"'}[style]
    wrapper = executable(world["tmp"] / "wrap" / "clever", f"#!/bin/sh\n{line}\n")
    assert b"clever_notify" not in wrapper.read_bytes()
    proc = run(world, [wrapper.parent, world["tools"]], "logout", timeout=30)
    assert proc.returncode == 7, proc.stderr
    assert recorded(world)[0] == ["logout"]
    alone = run(world, [wrapper.parent, world["ours"]], "logout", timeout=30)
    assert alone.returncode == 2 and "npm install -g clever-tools" in alone.stderr


@pytest.mark.slow
def test_our_hint_to_run_clever_login_works(world):
    # not logged in: the hint says `clever login`, which must reach clever-tools from this same PATH
    proc = run(world, [world["ours"], world["tools"]], "webhooks", "--org", "orga_x")
    assert proc.returncode == 3
    assert "`clever login`" in proc.stderr
    again = run(world, [world["ours"], world["tools"]], "login")
    assert again.returncode == 7 and recorded(world)[0] == ["login"]


def test_main_routes_in_process(monkeypatch):
    seen = []
    monkeypatch.setattr(pt, "hand_off", lambda args: seen.append(list(args)) or 7)
    from clever_notify.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["login", "--help"], prog_name="clever")
    assert exc.value.code == 7 and seen == [["login", "--help"]]


def test_found_clever_tools_is_not_this_file(tmp_path, monkeypatch):
    tools = executable(tmp_path / "tools" / "clever", STAND_IN)
    link = tmp_path / "link"
    link.mkdir()
    (link / "clever").symlink_to(tools)
    me = executable(tmp_path / "me" / "clever", "#!/bin/sh\n")
    monkeypatch.setattr(sys, "argv", [str(me)])
    path = os.pathsep.join([str(me.parent), str(link), str(tools.parent)])
    assert pt.find_clever_tools(path, {}) == str(link / "clever")
    # already tried (the environment of a wrapper that came back): the same file by any name is skipped
    assert pt.find_clever_tools(path, {pt.TRIED_VAR: str(tools.resolve())}) is None
