"""The GitHub Action (action.yml), run step by step as a GitHub runner would, against `clever sandbox serve`.

The action installs the tool from its own checkout (here: a copy of this repository) into a new environment,
offline (`--no-deps --no-build-isolation --no-index`: the dependencies come from the test's environment), then
plans, applies and checks a notifications file against the sandbox on a loopback port.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from ci_runner import checkout, offline_python, python_env, run_action

FILE = """\
version: 1
owners:
  Acme:
    webhooks:
      - name: deploys
        urls:
          - url: https://example.org/hook
            format: raw
        events: [META_DEPLOYMENT_RESULT]
"""
OFFLINE = "--no-deps --no-build-isolation --no-index"


def test_the_action_declares_its_inputs_and_outputs():
    action = yaml.safe_load((Path(__file__).resolve().parent.parent / "action.yml").read_text())
    assert {"command", "file", "prune", "working-directory"} <= set(action["inputs"])
    assert set(action["outputs"]) == {"exit-code", "changes"}
    install = action["runs"]["steps"][0]["run"]
    assert '"$GITHUB_ACTION_PATH"' in install and "clever-notify" not in install.split("pip install")[1].split("\n")[0]


@pytest.fixture(scope="module")
def action_copy(tmp_path_factory):
    """The action's checkout and a Python to install into, shared by the runs below (installing takes seconds)."""
    base = tmp_path_factory.mktemp("action")
    return checkout(base / "checkout"), offline_python(base / "venv")


@pytest.mark.slow
def test_the_action_plans_applies_and_checks_against_the_sandbox(action_copy, served, tmp_path):
    action_path, python = action_copy
    workspace = tmp_path / "workspace"
    (workspace / "infra").mkdir(parents=True)
    (workspace / "infra" / "notifications.yml").write_text(FILE)
    env = {**python_env(), "API_HOST": served.api_host, "CLEVER_TOKEN": served.token,
           "CLEVER_SECRET": served.secret}
    common = {"working-directory": "infra", "python": str(python), "pip-args": OFFLINE}

    def run(command, **inputs):
        temp = tmp_path / f"runner-{command}-{len(list(tmp_path.iterdir()))}"
        temp.mkdir()
        return run_action(action_path, workspace, {**common, "command": command, **inputs}, env, temp)

    planned = run("plan")
    assert planned.code == 0, planned.log  # pending changes do not fail the step
    assert planned.outputs == {"exit-code": "2", "changes": "true"}
    assert "deploys" in planned.summary and planned.summary.lstrip().startswith(("#", "**", "<", "|", "Plan"))
    assert "clever-notify, version" in planned.log  # installed from the checkout, then run from there
    assert str(action_path) not in planned.steps["install"]["bin"]  # into the given Python, not the checkout

    applied = run("apply")
    assert applied.code == 0, applied.log
    assert applied.outputs == {"exit-code": "0", "changes": "true"}
    assert "Applied" in applied.summary

    again = run("apply")
    assert again.outputs == {"exit-code": "0", "changes": "false"}
    assert "No change" in again.summary

    settled = run("plan")
    assert settled.outputs == {"exit-code": "0", "changes": "false"}

    checked = run("check", org="Acme")
    assert checked.code == 0, checked.log
    assert checked.outputs["exit-code"] == "0"
    assert "webhooks check" in checked.summary and "deploys" in checked.summary

    audited = run("audit", org="Acme")
    assert audited.code == 0, audited.log
    assert audited.outputs["exit-code"] == "0" and "Nothing found" in audited.summary
    everyone = run("audit")  # every owner: the seed's Audit Demo has a finding of each rule
    assert everyone.code == 5 and everyone.outputs["exit-code"] == "5"
    assert "The audit found problems" in everyone.summary and "    Audit Demo (orga_" in everyone.summary


@pytest.mark.slow
def test_the_action_fails_the_step_on_an_invalid_file_and_says_so(action_copy, served, tmp_path):
    action_path, python = action_copy
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "notifications.yml").write_text(FILE.replace("META_DEPLOYMENT_RESULT", "DEPLOYMENT_FAILED"))
    env = {**python_env(), "API_HOST": served.api_host, "CLEVER_TOKEN": served.token,
           "CLEVER_SECRET": served.secret}
    temp = tmp_path / "runner"
    temp.mkdir()
    result = run_action(action_path, workspace, {"command": "plan", "python": str(python), "pip-args": OFFLINE},
                        env, temp)
    assert result.code == 1  # --detailed-exitcode: an invalid file is an error, never "changes"
    assert result.outputs == {"exit-code": "1", "changes": "false"}
    assert "did you mean DEPLOYMENT_FAIL" in result.log
    assert "plan `notifications.yml` failed (exit 1)" in result.summary
    bad = tmp_path / "runner2"
    bad.mkdir()
    wrong = run_action(action_path, workspace, {"command": "destroy", "python": str(python), "pip-args": OFFLINE},
                       env, bad)
    assert wrong.code == 2 and "command must be plan, apply, check or audit" in wrong.log


# --- the GitLab CI template ------------------------------------------------------------------------------

TEMPLATE = Path(__file__).resolve().parent.parent / "ci" / "gitlab" / "clever-notify.gitlab-ci.yml"


def git_repository_at_a_tag(source: Path, tag: str) -> str:
    """`source` as a git repository with `tag` on its one commit: what the template installs from, by URL."""
    import subprocess

    def git(*args):
        subprocess.run(["git", *args], cwd=source, check=True, capture_output=True, timeout=60,
                       env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(source), "PATH": os.environ["PATH"]})

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "release")
    git("tag", tag)
    return source.as_uri()


def run_template(variables: dict, workspace: Path, env: dict):
    import subprocess

    job = yaml.safe_load(TEMPLATE.read_text())[".clever-notify"]
    full = {**env, **{k: str(v) for k, v in job["variables"].items()}, **variables}
    script = "\n".join(job["script"])
    # GitLab's bash shell runs the job's script with -e and pipefail
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=workspace,
                          env=full, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed (pip installs git+URL@ref with it)")
@pytest.mark.slow
def test_the_gitlab_template_installs_the_pinned_ref_and_plans(action_copy, served, tmp_path):
    action_path, python = action_copy
    source = checkout(tmp_path / "repository")
    url = git_repository_at_a_tag(source, "v9.9.9-test")
    workspace = tmp_path / "project"
    workspace.mkdir()
    (workspace / "notifications.yml").write_text(FILE)
    env = {**python_env(), "API_HOST": served.api_host, "CLEVER_TOKEN": served.token,
           "CLEVER_SECRET": served.secret}
    common = {"CLEVER_NOTIFY_REPOSITORY": url, "CLEVER_NOTIFY_PYTHON": str(python), "CLEVER_NOTIFY_PIP_ARGS": OFFLINE}

    unpinned = run_template({**common}, workspace, env)
    assert unpinned.returncode == 2 and "CLEVER_NOTIFY_REF is not set" in unpinned.stdout

    planned = run_template({**common, "CLEVER_NOTIFY_REF": "v9.9.9-test"}, workspace, env)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "clever-notify, version" in planned.stdout
    assert (workspace / "clever-notify.env").read_text() == "CLEVER_NOTIFY_EXIT_CODE=2\nCLEVER_NOTIFY_CHANGES=true\n"
    assert "deploys" in (workspace / "clever-notify-report.md").read_text()

    applied = run_template({**common, "CLEVER_NOTIFY_REF": "v9.9.9-test", "CLEVER_NOTIFY_COMMAND": "apply"},
                           workspace, env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (workspace / "clever-notify.env").read_text() == "CLEVER_NOTIFY_EXIT_CODE=0\nCLEVER_NOTIFY_CHANGES=true\n"

    audited = run_template({**common, "CLEVER_NOTIFY_REF": "v9.9.9-test", "CLEVER_NOTIFY_COMMAND": "audit"},
                           workspace, env)
    assert audited.returncode == 5, audited.stdout + audited.stderr  # the seed's Audit Demo
    from test_audit_cli import check_junit

    assert int(check_junit((workspace / "clever-notify-audit.xml").read_text()).get("failures")) == 8
    assert "The audit found problems" in (workspace / "clever-notify-report.md").read_text()

    missing = run_template({**common, "CLEVER_NOTIFY_REF": "v0-does-not-exist"}, workspace, env)
    assert missing.returncode == 1  # an unknown ref installs nothing and fails the job
