"""Run this repository's CI integrations as their platforms would, on this machine and offline.

`run_action` plays a GitHub runner for the composite action.yml: each step's `run:` goes to
`bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`) with the variables GitHub sets
(GITHUB_ACTION_PATH, GITHUB_OUTPUT per step, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE, RUNNER_TEMP) and the
step's `env:`, whose `${{ … }}` expressions are evaluated from the inputs and earlier steps' outputs.

`checkout` copies what a checkout of this repository holds (tracked and new files, nothing ignored) to a
folder, so the install step builds from that copy and never writes into the working tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
IGNORED = shutil.ignore_patterns(".git", ".venv", "*.egg-info", "build", "dist", "__pycache__", ".hypothesis",
                                 ".pytest_cache", ".ruff_cache")


def checkout(dest: Path) -> Path:
    """The files a checkout of this repository at the current state has, copied to `dest`."""
    listed = None
    if (ROOT / ".git").exists() and shutil.which("git"):
        proc = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                              capture_output=True, timeout=60)
        if proc.returncode == 0:
            listed = [name for name in proc.stdout.decode().split("\0") if name]
    if listed is None:  # an unpacked sdist: everything but build leftovers
        shutil.copytree(ROOT, dest, ignore=IGNORED)
        return dest
    for name in listed:
        src = ROOT / name
        if src.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    return dest


def offline_python(where: Path) -> Path:
    """A new virtual environment that sees this interpreter's packages (click, requests, setuptools…)
    (pip and setuptools too) but not this project: the action installs the project into it, without an index."""
    venv.EnvBuilder(with_pip=False, clear=True).create(where)  # pip too comes from this interpreter
    python = where / ("Scripts" if os.name == "nt" else "bin") / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    # a path line only: the .pth files of this environment (the editable install of the project) stay unread
    Path(site, "zz_test_dependencies.pth").write_text(ours + "\n")
    return python


def evaluate(text: str, context: dict) -> str:
    def one(match):
        expr = match.group(1)
        scope, _, rest = expr.partition(".")
        if scope == "inputs":
            return context["inputs"][rest]
        if scope == "steps":
            step, _, output = rest.partition(".outputs.")
            return context["steps"].get(step, {}).get(output, "")
        if expr == "github.action_path":
            return context["action_path"]
        raise AssertionError(f"the test runner does not know the expression {expr!r}")

    return EXPRESSION.sub(one, str(text))


def read_outputs(path: Path) -> dict:
    """GITHUB_OUTPUT's `name=value` lines (the action writes no multi-line value)."""
    out = {}
    for line in path.read_text().splitlines():
        name, sep, value = line.partition("=")
        assert sep, f"not a name=value line in GITHUB_OUTPUT: {line!r}"
        out[name] = value
    return out


class ActionRun:
    def __init__(self, code: int, outputs: dict, summary: str, log: str, steps: dict):
        self.code, self.outputs, self.summary, self.log, self.steps = code, outputs, summary, log, steps


def run_action(action_path: Path, workspace: Path, inputs: dict, env: dict, temp: Path,
               timeout: float = 300) -> ActionRun:
    action = yaml.safe_load((action_path / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    declared = action["inputs"]
    unknown = set(inputs) - set(declared)
    assert not unknown, f"inputs the action does not declare: {unknown}"
    context = {"inputs": {name: str(inputs.get(name, spec.get("default", ""))) for name, spec in declared.items()},
               "steps": {}, "action_path": str(action_path)}
    summary = temp / "step_summary.md"
    summary.write_text("")
    log, code = [], 0
    for index, step in enumerate(action["runs"]["steps"]):
        assert step.get("shell") == "bash" and "run" in step, step
        output = temp / f"output_{index}"
        output.write_text("")
        step_env = {**env, "GITHUB_ACTION_PATH": str(action_path), "GITHUB_OUTPUT": str(output),
                    "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(workspace),
                    "RUNNER_TEMP": str(temp), "GITHUB_ACTIONS": "true", "CI": "true"}
        step_env.update({name: evaluate(value, context) for name, value in (step.get("env") or {}).items()})
        cwd = workspace / evaluate(step.get("working-directory", "."), context)
        script = temp / f"step_{index}.sh"
        script.write_text(step["run"])
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd,
                              env=step_env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        log.append(proc.stdout + proc.stderr)
        if "id" in step:
            context["steps"][step["id"]] = read_outputs(output)
        code = proc.returncode
        if code != 0:
            break  # GitHub stops the composite action at a failed step
    outputs = {name: evaluate(spec["value"], context) for name, spec in action.get("outputs", {}).items()}
    return ActionRun(code, outputs, summary.read_text(), "\n".join(log), context["steps"])


def python_env() -> dict:
    """The environment of a job: this machine's, minus what would point the tool elsewhere."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("CLEVER_", "API_HOST", "PIP_", "VIRTUAL_ENV", "PYTHON"))}
    keep["PATH"] = os.pathsep.join(p for p in keep.get("PATH", os.defpath).split(os.pathsep)
                                   if not p.startswith(sys.prefix))
    keep["PIP_NO_INPUT"] = "1"
    return keep
