"""The console scripts end the process without the interpreter's teardown (cli._exit_process): the output is
all there, flushed, and the exit status is the command's. Called from Python with arguments, `main` ends as
click does (SystemExit), and nothing is kept for the exit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from clever_notify import cli


def _buffered_env() -> dict:
    """The environment with Python's streams buffered, as they are by default into a pipe (so a missing flush
    would lose output)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, env=_buffered_env())


@pytest.mark.parametrize("code,status,stderr", [("None", 0, ""), ("0", 0, ""), ("5", 5, ""), ("130", 130, ""),
                                                ("'refused'", 1, "refused\n")])
def test_the_status_and_buffered_output_survive(code, status, stderr):
    done = _python("import sys\nfrom clever_notify.cli import _exit_process\n"
                   "sys.stdout.write('x' * 100000)\nsys.stderr.write('partial line, no newline')\n"
                   f"_exit_process({code})\nprint('never')")
    assert done.returncode == status
    assert done.stdout == "x" * 100000
    assert done.stderr == "partial line, no newline" + stderr


def test_a_closed_pipe_is_not_an_error_at_the_end():
    """The reader is gone before the buffered output is flushed: no traceback, the command's status."""
    script = ("import sys, time; from clever_notify.cli import _exit_process; time.sleep(0.5); "
              "sys.stdout.write('y' * 4000); _exit_process(0)")
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {sys.executable} -c \"{script}\" | true"],
                          capture_output=True, text=True, timeout=60, env=_buffered_env())
    assert done.returncode == 0
    assert done.stderr == ""


def test_the_console_entry_prints_everything_and_keeps_the_status(tmp_path):
    """`python -m clever_notify` is the process: a plan refused with exit 2 says why in full."""
    hooks = "".join(f"    - {{name: h{i}, urls: [{{url: 'ftp://x'}}]}}\n" for i in range(300))
    (tmp_path / "n.yml").write_text("version: 1\nowners:\n  Acme:\n    webhooks:\n" + hooks)
    done = subprocess.run([sys.executable, "-m", "clever_notify", "--sandbox", "notifications", "plan", "n.yml",
                           "-F", "json"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                                         "CLEVER_SANDBOX_DB": str(tmp_path / "s.db")})
    assert done.returncode == 2, done.stderr[-300:]
    assert done.stdout.rstrip().endswith("}")  # the JSON is whole
    assert done.stdout.count('"line"') == 300


def test_called_from_python_nothing_is_kept_and_click_ends_it(monkeypatch):
    monkeypatch.setattr(cli, "_KEPT", [])
    cli.keep_until_exit(object())
    assert cli._KEPT == []
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert cli._ENDS_THE_PROCESS is False
