"""The GitHub workflows: CI runs exactly .ci/run; a tag builds, checks and publishes with trusted publishing."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def uses(job: dict) -> list[str]:
    return [step["uses"] for step in job["steps"] if "uses" in step]


def test_ci_runs_the_ci_script():
    ci = load("ci.yml")
    assert {"push", "pull_request"} <= set(ci["on"])
    [job] = ci["jobs"].values()
    assert runs(job) == [".ci/run"]
    assert any(u.startswith("actions/checkout@") for u in uses(job))
    assert ci["permissions"] == {"contents": "read"}


def test_release_builds_checks_and_publishes_on_a_tag_with_trusted_publishing():
    rel = load("release.yml")
    assert rel["on"] == {"push": {"tags": ["v*"]}}
    build, publish = rel["jobs"]["build"], rel["jobs"]["publish"]
    commands = "\n".join(runs(build))
    assert "python -m build" in commands and "twine check" in commands
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert any(u.startswith("pypa/gh-action-pypi-publish@") for u in uses(publish))
    # no stored token: trusted publishing only
    assert "password" not in (WORKFLOWS / "release.yml").read_text()
    assert rel["permissions"] == {"contents": "read"}
