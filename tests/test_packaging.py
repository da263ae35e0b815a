"""Packaging: one version, both console scripts, and an sdist that carries every module, its tests and docs."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
from importlib import metadata
from pathlib import Path

import pytest

import clever_notify

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_lives_in_one_place():
    project = ROOT.joinpath("pyproject.toml").read_text()
    section = project.split("[project]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'^dynamic = \["version"\]', section, re.MULTILINE)
    assert not re.search(r"^version\s*=", section, re.MULTILINE)
    assert 'version = { attr = "clever_notify.__version__" }' in project
    assert metadata.version("clever-notify") == clever_notify.__version__, "reinstall: pip install -e '.[test]'"


@pytest.mark.slow
def test_every_way_to_call_it_prints_that_version(clever_exe):
    expected = f"clever-notify, version {clever_notify.__version__}\n"
    for argv in ([sys.executable, "-m", "clever_notify", "--version"], [clever_exe, "--version"],
                 [str(Path(clever_exe).with_name("clever-notify")), "-V"]):
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        assert (out.returncode, out.stdout) == (0, expected), argv


@pytest.mark.slow
def test_the_sdist_has_every_module_the_tests_and_the_docs(tmp_path):
    # setuptools alone builds an sdist (a wheel would need the `wheel` package on older setuptools), offline.
    code = f"from setuptools import build_meta; print(build_meta.build_sdist({str(tmp_path)!r}))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    name = out.stdout.strip().splitlines()[-1]
    # setuptools < 69 names it clever-notify-…, later ones clever_notify-… (PEP 625)
    assert re.fullmatch(rf"clever[-_]notify-{re.escape(clever_notify.__version__)}\.tar\.gz", name), name
    with tarfile.open(tmp_path / name) as sdist:
        members = {m.split("/", 1)[1] for m in sdist.getnames() if "/" in m}
    tracked = subprocess.run(["git", "ls-files", "clever_notify", "tests", "docs", "benchmarks"], cwd=ROOT,
                             capture_output=True, text=True, timeout=30)
    if tracked.returncode != 0:  # not a git checkout (an unpacked sdist): what is on disk
        wanted = {str(p.relative_to(ROOT)) for d in ("clever_notify", "tests", "docs", "benchmarks")
                  for p in (ROOT / d).rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and not p.name.endswith(".pyc")}
    else:
        wanted = set(tracked.stdout.split())
    assert wanted and wanted <= members, sorted(wanted - members)
    assert {"README.md", "pyproject.toml", "MANIFEST.in"} <= members
