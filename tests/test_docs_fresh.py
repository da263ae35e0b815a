"""docs/ is generated from the click tree and the catalog: fail when it is out of date, and test the generator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from clever_notify.cli import docgen
from clever_notify.hooks import catalog

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_docs_are_up_to_date():
    stale = docgen.stale_files(docgen.generate(), DOCS)
    assert not stale, f"docs/ is out of date ({', '.join(stale)}): run `{docgen.REGEN_COMMAND}` and commit docs/"


def test_one_page_per_top_level_command_plus_index_catalog_and_audit_rules():
    from clever_notify.cli import cli

    pages = docgen.generate()
    names = cli.list_commands(click.Context(cli))
    assert {"webhooks", "notify-email", "events", "completion", "help"} <= set(names)
    assert set(pages) == {"index.md", "catalog.md", "audit.md", *(f"clever-{name}.md" for name in names)}
    for content in pages.values():
        assert content.startswith(docgen.MARKER + "\n")
        assert content.endswith("\n") and not content.endswith("\n\n")


def test_generation_is_deterministic_whatever_the_terminal_width(monkeypatch):
    first = docgen.generate()
    monkeypatch.setenv("COLUMNS", "40")
    assert docgen.generate() == first


def test_group_page_has_each_sub_commands_usage_description_options_and_examples():
    page = docgen.generate()["clever-webhooks.md"]
    assert "\n# clever webhooks\n" in page
    assert "\n## clever webhooks add\n\nRegister a webhook called when events happen.\n" in page
    assert "**Usage:** `clever webhooks add [OPTIONS] NAME URL [URL…]`" in page
    assert "| `--format FORMAT` | Body format sent to the URLs: raw, slack, gitter, flowdock.  [default: raw] |" in page
    assert "| `-F, --format [human\\|json]` | Output format: human (the default) or json. |" in page  # `|` escaped
    assert ("```sh\nclever webhooks add \"deployment results on Slack\" "
            "https://hooks.slack.com/services/xxxxxx/yyyyyy/zzzzzzzzzzzzz "
            "--format slack --event META_DEPLOYMENT_RESULT\n") in page
    assert ("[add](#clever-webhooks-add), [check](#clever-webhooks-check), [disable](#clever-webhooks-disable), "
            "[enable](#clever-webhooks-enable), [remove](#clever-webhooks-remove)") in page
    assert "--help" not in page


def test_index_links_every_command_and_the_catalog():
    index = docgen.generate()["index.md"]
    for name in ["webhooks", "notify-email", "events", "completion", "help"]:
        assert f"| [`clever {name}`](clever-{name}.md) |" in index
    assert "(catalog.md)" in index
    assert docgen.REGEN_COMMAND in index


def test_catalog_page_is_built_from_the_catalog():
    page = docgen.generate()["catalog.md"]
    for family, events in catalog.EVENT_FAMILIES.items():
        for event in events:
            assert f"| `{event}` | {family} |" in page
    assert "| `DEPLOYMENT_FAIL` | Deployment | `META_SERVICE_LIFECYCLE`, `META_DEPLOYMENT_RESULT` |" in page
    assert "| `META_CREDITS` | `CREDITS_ADDED` |" in page
    assert "| `raw` | yes |" in page and "| `flowdock` |  |" in page


def test_help_markdown_keeps_b_blocks_verbatim():
    assert docgen.help_markdown("Intro line.\n\n\b\nExamples:\n  clever x --y\n  clever z") == [
        "Intro line.", "", "**Examples:**", "", "```sh", "clever x --y\nclever z", "```", ""]


def test_nested_groups_and_hidden_commands(tmp_path):
    @click.group()
    def root():
        """Root."""

    @root.group()
    def outer():
        """Outer group."""

    @outer.command()
    @click.option("--flag", is_flag=True, help="A flag.")
    def inner(flag):
        """Inner command."""

    @root.command(hidden=True)
    def secret():
        """Hidden."""

    pages = docgen.generate(root)
    assert set(pages) == {"index.md", "catalog.md", "audit.md", "clever-outer.md"}
    assert "\n## clever outer inner\n\nInner command.\n" in pages["clever-outer.md"]
    assert "| `--flag` | A flag. |" in pages["clever-outer.md"]


def test_check_and_write_on_a_folder(tmp_path):
    out = tmp_path / "docs"
    assert docgen.main(["--check", "--out", str(out)]) == 1  # nothing there yet
    assert docgen.main(["--out", str(out)]) == 0
    assert docgen.main(["--check", "--out", str(out)]) == 0
    (out / "clever-events.md").write_text("edited by hand\n")
    (out / "clever-gone.md").write_text(docgen.MARKER + "\n# a command that no longer exists\n")
    (out / "notes.md").write_text("hand-written, not generated\n")
    assert docgen.stale_files(docgen.generate(), out) == ["clever-events.md", "clever-gone.md"]
    assert docgen.main(["--check", "--out", str(out)]) == 1
    assert docgen.main(["--out", str(out)]) == 0
    assert not (out / "clever-gone.md").exists()
    assert (out / "notes.md").read_text() == "hand-written, not generated\n"
    assert docgen.stale_files(docgen.generate(), out) == []


def test_check_command_lists_stale_files_and_the_regen_command(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    proc = subprocess.run([sys.executable, "-m", "clever_notify.cli.docgen", "--check", "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "index.md" in proc.stderr and "catalog.md" in proc.stderr
    assert f"Regenerate it with: {docgen.REGEN_COMMAND}" in proc.stderr
    assert list(out.iterdir()) == []


def test_a_guide_is_appended_to_its_generated_page(tmp_path):
    @click.group()
    def root():
        """Root."""

    @root.command("thing")
    def thing():
        """Do the thing."""

    (tmp_path / "clever-thing.md").write_text("## Walk-through\n\nStep one.\n")
    page = docgen.generate(root, guides=tmp_path)["clever-thing.md"]
    assert page.startswith(docgen.MARKER + "\n\n# clever thing\n")
    assert page.endswith("-->\n\n## Walk-through\n\nStep one.\n")
    assert "Walk-through" not in docgen.generate(root, guides=tmp_path / "none")["clever-thing.md"]
