"""Help: every command has a description and examples that parse; `clever help …` equals `… --help`."""

from __future__ import annotations

import inspect
import re
import shlex

import click
import pytest

from clever_notify.cli import cli

# The three `clever webhooks add` examples of Clever Cloud's notifications documentation, verbatim.
SEED_EXAMPLES = [
    'clever webhooks add "deployment results on Slack" https://hooks.slack.com/services/xxxxxx/yyyyyy/zzzzzzzzzzzzz '
    "--format slack --event META_DEPLOYMENT_RESULT",
    'clever webhooks add "The application failed to deploy" https://hooks.slack.com/services/xxxxxx/ '
    "--format slack --event DEPLOYMENT_FAIL",
    'clever webhooks add "credits added" https://hooks.slack.com/services/xxxxxx/yyyyyy/zzzzzzzzzzzzz '
    "--format raw --event META_CREDITS",
]


def all_commands():
    """(path, command) for the root and every command below it, lazy ones included."""
    out = []

    def walk(cmd, ctx):
        out.append((ctx.command_path, cmd))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                walk(sub, click.Context(sub, info_name=name, parent=ctx))

    walk(cli, click.Context(cli, info_name="clever"))
    return out


COMMANDS = all_commands()


def examples(cmd) -> list[str]:
    """The command lines of a help text's `Examples:` block."""
    text = inspect.cleandoc(cmd.help or "")
    if "Examples:" not in text:
        return []
    block = text.split("Examples:", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def parse(args: list[str]) -> click.Context:
    """Parse a command line down to its last sub-command, converting every value, invoking nothing."""
    ctx = cli.make_context("clever", list(args))
    cmd = cli
    while isinstance(cmd, click.Group):
        # click >= 8.2 keeps the sub-command's words in _protected_args (protected_args is deprecated)
        protected = ctx._protected_args if hasattr(ctx, "_protected_args") else ctx.protected_args
        rest = [*protected, *ctx.args]
        if not rest:
            break
        name, cmd, rest = cmd.resolve_command(ctx, rest)
        ctx = cmd.make_context(name, rest, parent=ctx)
    return ctx


def test_the_tree_has_the_known_commands():
    paths = [path for path, _ in COMMANDS]
    for expected in ["clever", "clever webhooks", "clever webhooks add", "clever webhooks remove",
                     "clever notify-email", "clever events", "clever completion", "clever help"]:
        assert expected in paths


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_a_description_and_examples(path, cmd):
    assert cmd.get_short_help_str(limit=200).strip(), f"{path} has no description"
    lines = examples(cmd)
    assert lines, f"{path} --help has no Examples: block"
    assert any(path in line for line in lines), f"no example of {path} runs it: {lines}"


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_example_parses(path, cmd, capsys):
    for line in examples(cmd):
        words = shlex.split(line, comments=True)
        for i, word in enumerate(words):  # stop at a redirection or a pipe: the rest is not arguments
            if word in (">", ">>", "|", "&&", ";"):
                words = words[:i]
                break
        if not words or words[0] != "clever":
            continue  # e.g. eval "$(clever completion bash)"
        ctx = parse(words[1:])
        assert ctx.command_path.startswith(path), f"{line!r} runs {ctx.command_path}, not {path}"


def test_parse_rejects_a_bad_example():
    # the example check above can fail: a mistyped event does not parse
    with pytest.raises(click.BadParameter, match="did you mean DEPLOYMENT_FAIL"):
        parse(["webhooks", "add", "n", "https://example.org/h", "--event", "DEPLOYMENT_FAILED"])


@pytest.mark.parametrize("example", SEED_EXAMPLES)
def test_seed_examples_are_in_webhooks_add_help_verbatim(run, example):
    for args in (["webhooks", "add", "--help"], ["help", "webhooks", "add"]):
        result = run(*args)
        assert result.exit_code == 0
        assert f"\n    {example}\n" in result.stdout


@pytest.mark.parametrize("words", [[], ["webhooks"], ["webhooks", "add"], ["webhooks", "remove"],
                                   ["notify-email"], ["events"], ["completion"], ["help"]])
def test_help_command_prints_the_same_as_dash_dash_help(run, words):
    by_help = run("help", *words)
    by_flag = run(*words, "--help")
    assert by_help.exit_code == 0 and by_flag.exit_code == 0
    assert by_help.stdout == by_flag.stdout
    assert by_help.stdout.startswith(f"Usage: {' '.join(['clever', *words])} ")


def test_help_webhooks_lists_its_sub_commands(run):
    result = run("help", "webhooks")
    assert "List webhooks, or manage them with a sub-command." in result.stdout
    assert re.search(r"\n  add +Register a webhook called when events happen\.\n", result.stdout)
    assert re.search(r"\n  remove +Remove a webhook\.\n", result.stdout)


def test_help_notify_email(run):
    result = run("help", "notify-email")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: clever notify-email [OPTIONS] [COMMAND] [ARGS]...")
    assert "clever notify-email --org Acme -F json" in result.stdout


@pytest.mark.parametrize("words", [["nope"], ["webhooks", "nope"], ["events", "extra"]])
def test_help_for_an_unknown_command_is_a_usage_error(run, words):
    result = run("help", *words)
    assert result.exit_code == 2
    assert f"no such command: {' '.join(words)}" in result.stderr
    assert result.stdout == ""
