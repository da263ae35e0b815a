"""Limits of the notifications file that depend on neither the interpreter nor PyYAML's version (issue 23).

- A number longer than the tool's bound (YAML or JSON, anywhere in the file, 4,300 digits and far fewer) is a
  located problem, exit 2, with `--json`'s problem list: never the interpreter's "Exceeds the limit" error.
- `<<` merges are resolved by the tool, not by PyYAML's flatten_mapping, which copies every merged pair again
  at each level in PyYAML 6.0.0-6.0.3 (`PyYAML>=6` allows them): a 1 KB file then exhausts memory.

CI runs this file again with the oldest PyYAML pyproject.toml allows (.ci/oldest-pyyaml); there
CLEVER_NOTIFY_EXPECT_PYYAML names that version and the first test checks it is the one imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import yaml

from clever_notify.notifications_file import source

# Read when the module is imported: the isolation fixture removes every CLEVER_* variable before each test.
EXPECTED_PYYAML = os.environ.get("CLEVER_NOTIFY_EXPECT_PYYAML")
HOOK = "{{name: a, urls: [{{url: 'https://a.example.org/h'}}], events: [{event}]}}"


def yaml_file(version="1", event="META_DEPLOYMENT_RESULT", key="self") -> str:
    return f"version: {version}\nowners:\n  {key}:\n    webhooks:\n      - {HOOK.format(event=event)}\n"


def test_the_pyyaml_in_use_is_the_one_ci_asked_for():
    expected = EXPECTED_PYYAML
    if expected is None:
        pytest.skip("run by .ci/oldest-pyyaml with the oldest PyYAML pyproject.toml allows")
    def padded(version: str) -> list[int]:  # 6 == 6.0 == 6.0.0, as pip reads a version
        parts = [int(p) for p in version.split(".")[:3]]
        return parts + [0] * (3 - len(parts))

    assert padded(yaml.__version__) == padded(expected), (yaml.__version__, expected)


def floor_of_pyyaml() -> str:
    import re
    from pathlib import Path

    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    return re.search(r'"PyYAML>=([0-9.]+)', pyproject, re.IGNORECASE).group(1)


# --- numbers --------------------------------------------------------------------------------------------------


BIG = "9" * 4400
LONG_YAML = {
    "version, decimal": yaml_file(version=BIG),
    "version, negative": yaml_file(version="-" + BIG),
    "version, underscores": yaml_file(version="1_" + "0" * 4400),
    "version, hex": yaml_file(version="0x" + "f" * 4000),
    "version, sexagesimal": yaml_file(version=":".join(["1"] * 3000)),
    "version, float": yaml_file(version="1." + "5" * 5000),
    "an event": yaml_file(event=BIG),
    "an explicit !!int": yaml_file(version=f'!!int "{BIG}"'),
    "just over the bound (100)": yaml_file(version="1" * 101),
}


@pytest.mark.parametrize("text", LONG_YAML.values(), ids=LONG_YAML.keys())
def test_a_long_number_in_yaml_is_a_located_problem(run, tmp_path, text):
    path = tmp_path / "notifications.yml"
    path.write_text(text)
    result = run("--sandbox", "notifications", "plan", str(path), "--json")
    assert result.exit_code == 2, result.output
    problems = json.loads(result.stdout)["problems"]
    assert problems and all(p["line"] for p in problems), problems
    assert any("number of" in p["message"] or "unknown key" in p["message"] for p in problems), problems
    assert "unexpected" not in result.stderr and "Exceeds the limit" not in result.output
    assert f"{path}:" in result.stderr


def test_a_long_number_as_a_key_is_a_name_read_as_written(run, tmp_path):
    path = tmp_path / "notifications.yml"
    path.write_text(f"version: 1\nowners:\n  ? {BIG}\n  : {{}}\n")
    result = run("--sandbox", "notifications", "plan", str(path), "--json")
    assert result.exit_code == 2, result.output[-300:]
    problems = json.loads(result.stdout)["problems"]
    assert [p["line"] for p in problems] == [3] and "not found" in problems[0]["message"]
    assert "unexpected" not in result.stderr and "Exceeds the limit" not in result.output


@pytest.mark.parametrize("where,text", [
    ("version", '{"version": BIG, "owners": {}}'.replace("BIG", BIG)),
    ("version", '{"version": -BIG, "owners": {}}'.replace("BIG", BIG)),
    ("version", '{"version": 1.BIG, "owners": {}}'.replace("BIG", BIG)),
    ("owners.self.webhooks[0].events[0]",
     '{"version": 1, "owners": {"self": {"webhooks": [{"name": "a", "urls": [{"url": "https://a.org"}], '
     '"events": [BIG]}]}}}'.replace("BIG", BIG)),
])
def test_a_long_number_in_json_is_a_located_problem(run, tmp_path, where, text):
    path = tmp_path / "notifications.json"
    path.write_text(text)
    result = run("--sandbox", "notifications", "apply", str(path), "--json")
    assert result.exit_code == 2, result.output
    problems = json.loads(result.stdout)["problems"]
    assert [(p["path"], p["line"]) for p in problems] == [(where, 1)], problems
    assert "4400" in problems[0]["message"] or "4402" in problems[0]["message"] or "4401" in problems[0]["message"]
    human = run("--sandbox", "notifications", "plan", str(path))
    assert human.exit_code == 2 and f"{path}:1: {where}: a number of" in human.stderr


def test_a_long_number_from_the_api_or_a_config_file_is_refused_in_the_tools_words(run, isolated_env, monkeypatch):
    from clever_notify.guards.sanitise import strict_loads

    with pytest.raises(ValueError, match="a number of 4400 digits"):
        strict_loads('{"createdAt": ' + BIG + "}")
    assert strict_loads('{"n": ' + "9" * 100 + "}") == {"n": int("9" * 100)}
    config = isolated_env / "home" / ".config" / "clever-cloud" / "clever-tools.json"
    config.parent.mkdir(parents=True)
    config.write_text('{"version": ' + BIG + ', "profiles": []}')
    monkeypatch.setenv("API_HOST", "https://api.test")
    result = run("webhooks", "--org", "orga_1")
    assert result.exit_code == 2 and "a number of 4400 digits" in result.stderr, result.output


# --- merge keys -------------------------------------------------------------------------------------------------


def merge_bomb(levels: int = 12, width: int = 8) -> str:
    """A file of about 1 KB whose mapping merges 8 copies of a mapping that merges 8 copies of … (`levels` deep)."""

    def node(level: int) -> str:
        if level == 0:
            return "&a0 {" + ", ".join(f"k{i}: {i}" for i in range(width)) + "}"
        return f"&a{level} {{<<: [{node(level - 1)}, " + ", ".join([f"*a{level - 1}"] * (width - 1)) + "]}"

    return ("version: 1\nowners: {self: {webhooks: [{name: a, urls: [{url: 'https://a.example.org/h', <<: "
            + node(levels) + "}]}]}}\n")


def limited(code: str, *, memory_mb: int = 400, timeout: float = 60) -> subprocess.CompletedProcess:
    """`code` in a child Python with `memory_mb` of address space: a bomb fails there, not on the machine."""
    child = f"import resource\nresource.setrlimit(resource.RLIMIT_AS, ({memory_mb << 20}, {memory_mb << 20}))\n"
    return subprocess.run([sys.executable, "-c", child + textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout)


def test_a_one_kilobyte_merge_bomb_is_read_in_bounded_memory_with_the_installed_pyyaml(tmp_path):
    """PyYAML 6.0.0-6.0.3's flatten_mapping needs gigabytes for this file; the tool needs little."""
    text = merge_bomb()
    assert len(text) <= 1024
    path = tmp_path / "bomb.yml"
    path.write_text(text)
    done = limited(f"""
        from clever_notify.notifications_file import desired
        try:
            desired.read({str(path)!r}, {{}})
        except desired.FileInvalid as exc:
            print("refused:", exc.problems[0].message)
    """)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused: unknown key 'k0'" in done.stdout, done.stdout


def test_merge_bomb_through_the_command_line_is_a_located_problem(tmp_path):
    path = tmp_path / "bomb.yml"
    path.write_text(merge_bomb())
    done = limited(f"""
        import os, sys
        os.environ["CLEVER_SANDBOX_DB"] = {str(tmp_path / "sandbox.db")!r}
        from clever_notify.cli import main
        main(["--sandbox", "notifications", "plan", {str(path)!r}, "--json"], prog_name="clever")
    """)
    assert done.returncode == 2, done.stderr[-500:]
    problems = json.loads(done.stdout)["problems"]
    assert len(problems) == 8 and {p["message"].split(";")[0] for p in problems} == {
        f"unknown key 'k{i}'" for i in range(8)}


MERGES = {
    "own key wins": "a: &a {x: 1, y: 1}\nb: {<<: *a, y: 2}\n",
    "own key wins even before the merge": "a: &a {x: 1, y: 1}\nb: {y: 2, <<: *a}\n",
    "first of a list wins": "a: &a {x: 1}\nc: &c {x: 2, z: 3}\nb: {<<: [*a, *c]}\n",
    "nested": "a: &a {x: 1}\nc: &c {<<: *a, y: 2}\nb: {<<: *c, z: 3}\n",
    "inline": "b: {<<: {x: 1}, y: 2}\n",
    "block": "a: &a\n  x: 1\n  y: 2\nb:\n  <<: *a\n  y: 3\n",
    "a merged value is a mapping": "a: &a {x: {deep: 1}}\nb: {<<: *a}\n",
    "the same mapping twice": "a: &a {x: 1}\nb: {<<: [*a, *a]}\n",
}


@pytest.mark.parametrize("text", MERGES.values(), ids=MERGES.keys())
def test_merges_mean_what_yaml_says_without_pyyaml_flatten_mapping(monkeypatch, text):
    """flatten_mapping's cost depends on PyYAML's version: the tool resolves `<<` itself, to the same values."""
    expected = yaml.safe_load(text)

    def refuse(self, node):
        raise AssertionError("flatten_mapping called: the work would depend on the installed PyYAML")

    monkeypatch.setattr(yaml.constructor.SafeConstructor, "flatten_mapping", refuse)
    assert source.parse(text, json_file=False, env={}).data == expected


def test_a_key_overridden_on_the_way_is_taken_from_the_first_mapping_that_has_it():
    # YAML's merge: `c` holds y: 2 (its own key over the merged one), and of [c, a] the first that has y gives
    # it. PyYAML 6.0.4 answers y: 0 here (it keeps the first pair it meets, a's merged one): the tool does not
    # depend on the installed version for what a file means either.
    text = "a: &a {x: 1, y: 0}\nc: &c {<<: *a, y: 2}\nb: {<<: [*c, *a]}\n"
    assert source.parse(text, json_file=False, env={}).data["b"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("text,message", [
    ("a: 1\nb: {<<: 3}\n", "merges a mapping or a list of mappings"),
    ("a: 1\nb: {<<: [{x: 1}, [1]]}\n", "merges a mapping or a list of mappings"),
    ("b: &b {x: 1, <<: *b}\n", "merges itself"),
])
def test_a_merge_that_cannot_be_made_is_a_located_problem(text, message):
    with pytest.raises(source.FileProblems) as caught:
        source.parse(text, json_file=False, env={})
    assert message in caught.value.problems[0].message and caught.value.problems[0].line


def test_the_floor_ci_installs_is_the_one_pyproject_states():
    """.ci/oldest-pyyaml reads the floor from pyproject.toml: the two cannot drift apart."""
    from pathlib import Path

    script = (Path(__file__).parent.parent / ".ci" / "oldest-pyyaml").read_text()
    assert "pyproject.toml" in script and "tests/test_file_limits.py" in script
    assert floor_of_pyyaml().startswith("6")
