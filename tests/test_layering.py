"""Layering: cli/ (click) is on top; nothing below it imports the command line or the sandbox.

Read from the source with ast, so an import inside a function (the usual way to keep start-up fast)
counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import clever_notify

PACKAGE = Path(clever_notify.__file__).parent
TOP = ("cli", "sandbox")  # may import anything below them; the CLI may also import the sandbox
FORBIDDEN = ("clever_notify.cli", "clever_notify.sandbox", "click")


def imported_names(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def lower_modules() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in TOP and p.name != "__main__.py"
    )


def forbidden_in(path: Path) -> list[str]:
    return [name for name in imported_names(path)
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)]


@pytest.mark.parametrize("path", lower_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_below_cli_imports_click_the_cli_or_the_sandbox(path):
    assert forbidden_in(path) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from clever_notify.cli.params import check_webhook_url\n    import click\n")
    assert forbidden_in(module) == ["clever_notify.cli.params", "clever_notify.cli.params.check_webhook_url",
                                    "click"]


def test_the_sandbox_login_is_one_pair_of_values():
    from clever_notify import config, sandbox

    assert (sandbox.SANDBOX_TOKEN, sandbox.SANDBOX_SECRET) == (config.SANDBOX_TOKEN, config.SANDBOX_SECRET)
