"""`-o` means --org in `notifications export` too, and clever-tools' global flags do what they say."""

from __future__ import annotations

import json

import yaml


def test_export_dash_o_is_the_organisation(run, tmp_path):
    result = run("--sandbox", "notifications", "export", "-o", "Acme", "-F", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [o.get("name") for o in data["owners"].values()] == ["Acme"]  # the owner by id, its name beside it
    assert not any(p.name == "Acme" for p in tmp_path.rglob("Acme"))  # no file named after the organisation


def test_export_writes_a_file_with_output(run, tmp_path):
    out = tmp_path / "n.yml"
    result = run("--sandbox", "notifications", "export", "-o", "Acme", "-o", "self", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    owners = yaml.safe_load(out.read_text())["owners"]
    assert "self" in owners and {o.get("name") for k, o in owners.items() if k != "self"} == {"Acme"}
    old_name = run("--sandbox", "notifications", "export", "--output-file", str(tmp_path / "m.yml"))
    assert old_name.exit_code == 0 and (tmp_path / "m.yml").exists()  # the old long name still works


def test_export_dash_o_with_a_file_name_says_the_new_spelling(run, tmp_path):
    for name in ("notifications.yml", "n.YAML", str(tmp_path / "x.json")):
        result = run("--sandbox", "notifications", "export", "-o", name)
        assert result.exit_code == 2
        assert f"--output {name}" in result.stderr and "-o is --org" in result.stderr
        assert result.stdout == ""
    assert not list(tmp_path.rglob("*.yml")) and not list(tmp_path.rglob("*.json"))


def test_no_color_turns_styling_off(run, monkeypatch):
    import os

    result = run("--sandbox", "webhooks", "--org", "Acme", "--no-color")
    assert result.exit_code == 0, result.stderr
    assert os.environ.get("NO_COLOR") == "1"
    monkeypatch.setenv("NO_COLOR", "1")
    result = run("--color", "--sandbox", "events")
    assert result.exit_code == 0 and "NO_COLOR" not in os.environ


FILE = """\
version: 1
owners:
  Acme:
    webhooks:
      - name: deploys
        urls: [{url: "https://example.org/hook", format: raw}]
"""


def test_plan_of_standard_input_hints_with_a_file(run):
    result = run("--sandbox", "notifications", "plan", "-", "--prune", input=FILE)
    assert result.exit_code == 0, result.stderr
    assert "To apply it, save the file and run: clever --sandbox notifications apply FILE --prune\n" in result.stderr
    assert "apply -" not in result.stderr


def test_plan_of_a_file_hints_with_that_file(run, tmp_path):
    path = tmp_path / "my notifications.yml"
    path.write_text(FILE)
    result = run("--sandbox", "notifications", "plan", str(path))
    assert f"To apply it: clever --sandbox notifications apply '{path}'\n" in result.stderr
