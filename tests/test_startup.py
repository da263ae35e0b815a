"""Fast start: help (and the offline `clever events`) must not load the heavy modules.

A structural check, not a timing: a fresh interpreter runs the CLI in-process with the given
arguments, then reports which modules ended up loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clever_notify.cli import COMMANDS

HEAVY = ("requests", "rich", "werkzeug", "sqlite3", "urllib3", "platformdirs")

PROBE = r"""
import json, sys
from clever_notify.cli import main
out, args = sys.argv[1], sys.argv[2:]
try:
    main(args, prog_name="clever")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(out, "w") as fh:
    json.dump({"code": code, "modules": sorted(sys.modules)}, fh)
"""


def loaded_modules(tmp_path, *args) -> list[str]:
    out = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert report["code"] in (0, None), (args, proc.stderr)
    return report["modules"]


def heavy_in(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in HEAVY]


def help_invocations() -> list[tuple[str, ...]]:
    """`--help` of the root, of every registered command and of each of their sub-commands."""
    import click

    from clever_notify.cli import cli

    found: list[tuple[str, ...]] = [("--help",)]
    ctx = click.Context(cli, info_name="clever")
    for name in sorted(COMMANDS):
        cmd = cli.get_command(ctx, name)
        found.append((name, "--help"))
        if isinstance(cmd, click.Group):
            sub_ctx = click.Context(cmd, info_name=name, parent=ctx)
            found.extend((name, sub, "--help") for sub in cmd.list_commands(sub_ctx))
    return found


@pytest.mark.parametrize("args", help_invocations(), ids=" ".join)
def test_help_loads_no_heavy_module(tmp_path, args):
    modules = loaded_modules(tmp_path, *args)
    assert "clever_notify.cli" in modules  # the probe did run the CLI
    assert heavy_in(modules) == []


def test_webhooks_help_does_not_read_config_or_build_a_client(tmp_path):
    modules = loaded_modules(tmp_path, "webhooks", "--help")
    assert "clever_notify.cli.webhooks" in modules
    assert "clever_notify.api" not in modules
    assert "clever_notify.config.settings" not in modules


@pytest.mark.skipif("events" not in COMMANDS, reason="`clever events` is not registered on this branch")
def test_events_listing_is_offline_and_light(tmp_path):
    modules = loaded_modules(tmp_path, "events")
    assert heavy_in(modules) == []


def test_probe_sees_heavy_modules_when_a_command_uses_them(tmp_path):
    # The probe must be able to fail: the same probe, importing requests instead of running help, reports it.
    out = tmp_path / "modules.json"
    code = PROBE.replace("main(args, prog_name=\"clever\")", "import requests")
    subprocess.run([sys.executable, "-c", code, str(out)], timeout=60, check=True, stdin=subprocess.DEVNULL)
    assert "requests" in heavy_in(json.loads(out.read_text())["modules"])
