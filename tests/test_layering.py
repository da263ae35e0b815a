"""Layering: cli/ (click) is on top; nothing below it imports the command line or the sandbox; the packages
import each other one way only (no circle), and the hook model and the guards do no I/O.

Read from the source with ast, so an import inside a function (the usual way to keep start-up fast)
counts as much as one at the top.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import clever_notify

PACKAGE = Path(clever_notify.__file__).parent
TOP = ("cli", "sandbox")  # may import anything below them; the CLI may also import the sandbox
FORBIDDEN = ("clever_notify.cli", "clever_notify.sandbox", "click")
# What the public facade may reach beyond the rule above: `Notifications.sandbox()` runs on the in-process sandbox.
FACADE_MAY_IMPORT = {"facade.py": ("clever_notify.sandbox",)}
# No I/O in what a hook is and in the guards: no network, files, processes or threads, and nothing above them.
PURE = ("hooks", "guards")
PURE_MAY_IMPORT = ("clever_notify.errors", "clever_notify.guards", "clever_notify.hooks")
IO_MODULES = ("requests", "urllib3", "socket", "http", "urllib.request", "sqlite3", "subprocess", "threading",
              "werkzeug", "websockets", "shutil", "tempfile", "platformdirs", "rich", "yaml")


def imported_names(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def home(path: Path) -> str:
    """The package a module belongs to (`api`, `hooks`…), or the root module's own name (`errors`)."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def lower_modules() -> list[Path]:
    return [p for p in modules() if home(p) not in TOP and p.name != "__main__.py"]


def forbidden_in(path: Path) -> list[str]:
    inside = path.is_relative_to(PACKAGE)
    allowed = FACADE_MAY_IMPORT.get(str(path.relative_to(PACKAGE)), ()) if inside else ()
    return [name for name in imported_names(path)
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
            and not any(name == a or name.startswith(a + ".") for a in allowed)]


def package_graph(paths: list[Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in paths:
        source = home(path)
        if source == "__init__":  # the facade re-exports from everywhere, lazily; nothing imports it back
            continue
        for name in imported_names(path):
            parts = name.split(".")
            if parts[0] == "clever_notify" and len(parts) > 1 and parts[1] != source:
                if (PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file():
                    graph[source].add(parts[1])
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every package that can reach itself, with one path that shows how."""
    found = []
    for start in sorted(graph):
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    found.append(path + [start])
                    stack = []
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    return found


@pytest.mark.parametrize("path", lower_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_below_cli_imports_click_the_cli_or_the_sandbox(path):
    assert forbidden_in(path) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from clever_notify.cli.params import check_webhook_url\n    import click\n")
    assert forbidden_in(module) == ["clever_notify.cli.params", "clever_notify.cli.params.check_webhook_url",
                                    "click"]


def test_no_circle_between_packages():
    assert circles(package_graph(modules())) == []


def test_the_circle_check_finds_a_circle():
    assert circles({"hooks": {"api"}, "api": {"writes"}, "writes": {"hooks"}, "cli": {"api"}}) == [
        ["api", "writes", "hooks", "api"], ["hooks", "api", "writes", "hooks"], ["writes", "hooks", "api", "writes"]]
    assert circles({"cli": {"api"}, "api": {"hooks"}}) == []


def pure_problems(path: Path) -> list[str]:
    bad = []
    for name in imported_names(path):
        if name.startswith("clever_notify.") and not any(
                name == a or name.startswith(a + ".") for a in PURE_MAY_IMPORT):
            bad.append(name)
        elif any(name == m or name.startswith(m + ".") for m in IO_MODULES):
            bad.append(name)
    return bad


@pytest.mark.parametrize("path", [p for p in modules() if home(p) in PURE],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_hook_model_and_the_guards_do_no_io(path):
    assert pure_problems(path) == []


def test_the_purity_check_sees_io_and_upward_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import requests\nfrom clever_notify.api.client import ApiClient\n"
                      "from clever_notify.hooks.kinds import WEBHOOKS\n")
    assert pure_problems(module) == ["requests", "clever_notify.api.client", "clever_notify.api.client.ApiClient"]


def test_the_sandbox_login_is_one_pair_of_values():
    from clever_notify import sandbox
    from clever_notify.config import settings as config

    assert (sandbox.SANDBOX_TOKEN, sandbox.SANDBOX_SECRET) == (config.SANDBOX_TOKEN, config.SANDBOX_SECRET)
