"""One interface: rules that every command follows, checked by walking the whole click tree.

A command added later is covered without touching this file: it must accept the root flags, print JSON
with --json when it prints data, keep its keys in camelCase, and so on; a rule it cannot follow has to
be listed here with the reason, in the open.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from clever_notify.cli import cli
from clever_notify.cli import params as p
from clever_notify.sandbox.store import Store
from servers import LoopbackServer, webhook_receiver

PACKAGE = Path(__file__).resolve().parent.parent / "clever_notify"


def walk():
    """(path, command) for the root and every command under it, hidden ones included."""

    def visit(cmd, ctx, path):
        yield path, cmd
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                yield from visit(sub, click.Context(sub, info_name=name, parent=ctx), (*path, name))

    yield from visit(cli, click.Context(cli, info_name="clever"), ())


TREE = dict(walk())
COMMANDS = {path: cmd for path, cmd in TREE.items() if path}  # everything below the root

# Commands that print no data, and why; every other command prints data and takes --json.
NO_DATA = {
    ("help",): "prints help text",
    ("completion",): "prints a shell script to source, not data",
    ("sandbox", "serve"): "a server: prints the variables to export, then serves until stopped",
    ("sandbox", "reset"): "prints a message only (on stderr)",
}


def prints_data(path, cmd) -> bool:
    if path in NO_DATA:
        return False
    # A group that only dispatches prints its help; one that runs without a sub-command lists something.
    return not isinstance(cmd, click.Group) or cmd.invoke_without_command


DATA_COMMANDS = {path: cmd for path, cmd in COMMANDS.items() if prints_data(path, cmd)}


def ids(paths):
    return [" ".join(path) for path in paths]


def option(cmd, flag):
    return next((prm for prm in cmd.params if flag in getattr(prm, "opts", ())), None)


def invoke(*args, prog="clever"):
    return CliRunner().invoke(cli, list(args), prog_name=prog, catch_exceptions=False)


def test_the_walk_sees_every_command():
    names = set(ids(COMMANDS))
    assert {"webhooks", "webhooks add", "webhooks remove", "webhooks show", "webhooks update", "webhooks test",
            "notify-email", "notify-email default", "sandbox emit", "sandbox outbox", "events"} <= names
    assert set(NO_DATA) <= set(COMMANDS), "NO_DATA names a command that no longer exists"


# --- the JSON switch --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(DATA_COMMANDS), ids=ids(DATA_COMMANDS))
def test_every_command_that_prints_data_takes_json(path):
    cmd = DATA_COMMANDS[path]
    json_flag = option(cmd, "--json")
    assert json_flag is not None and json_flag.is_flag, f"`clever {' '.join(path)}` prints data but has no --json"
    result = invoke(*path, "--json", "--help")  # parsed: no "no such option"
    assert result.exit_code == 0, result.stderr


# Data commands without -F, and why (--json is still accepted).
NO_HUMAN_FORMAT = {("notifications", "schema"): "a JSON Schema: there is no human form of it"}


@pytest.mark.parametrize("path", list(DATA_COMMANDS), ids=ids(DATA_COMMANDS))
def test_dash_f_is_the_output_format_wherever_format_is_not_the_body_format(path):
    cmd = DATA_COMMANDS[path]
    if path in NO_HUMAN_FORMAT:
        return
    fmt = option(cmd, "--format")
    if fmt is not None and fmt.type is p.FORMAT:  # --format is the webhook body format here: --json alone
        assert option(cmd, "-F") is None
        return
    assert fmt is not None and "-F" in fmt.opts, f"`clever {' '.join(path)}` lacks -F/--format human|json"
    # human and json everywhere; a command may add its own (notifications plan: markdown)
    assert isinstance(fmt.type, click.Choice) and list(fmt.type.choices)[:2] == ["human", "json"]


def test_json_and_dash_f_json_are_the_same_switch(run):
    assert run("events", "--json").stdout == run("events", "-F", "json").stdout
    both = run("events", "--json", "-F", "human")
    assert both.exit_code == 2 and "--json and -F human contradict each other" in both.stderr


def test_webhooks_show_takes_json(run):
    result = run("webhooks", "show", "x", "--json", "--help")
    assert result.exit_code == 0 and "did you mean" not in result.stderr.lower()


# --- one run of every data command, in the sandbox: JSON only on stdout, keys in camelCase -----------

# How to run each data command against the seeded sandbox ({webhook}, {emailhook}: ids made by the setup).
# A command added to the tree without a line here fails test_every_data_command_has_a_sample.
SAMPLES = {
    ("webhooks",): ["webhooks", "--org", "Acme"],
    ("webhooks", "add"): ["webhooks", "add", "n", "{url}", "--org", "Acme"],
    ("webhooks", "remove"): ["webhooks", "remove", "{webhook}", "--org", "Acme", "--dry-run"],
    ("webhooks", "show"): ["webhooks", "show", "{webhook}", "--org", "Acme"],
    ("webhooks", "update"): ["webhooks", "update", "{webhook}", "--org", "Acme", "--name", "renamed"],
    ("webhooks", "test"): ["webhooks", "test", "{webhook}", "--org", "Acme"],
    ("webhooks", "check"): ["webhooks", "check", "--org", "Acme"],
    ("webhooks", "enable"): ["webhooks", "enable", "{webhook}", "--org", "Acme"],
    ("webhooks", "disable"): ["webhooks", "disable", "{webhook}", "--org", "Acme", "--dry-run"],
    ("notify-email",): ["notify-email", "--org", "Acme"],
    ("notify-email", "add"): ["notify-email", "add", "n", "--notify", "a@example.org", "--org", "Acme"],
    ("notify-email", "remove"): ["notify-email", "remove", "{emailhook}", "--org", "Acme", "--dry-run"],
    ("notify-email", "show"): ["notify-email", "show", "{emailhook}", "--org", "Acme"],
    ("notify-email", "update"): ["notify-email", "update", "{emailhook}", "--org", "Acme", "--name", "renamed"],
    ("notify-email", "default"): ["notify-email", "default", "--org", "Acme", "--only", "web", "--dry-run"],
    ("events",): ["events"],
    ("sandbox", "emit"): ["sandbox", "emit", "DEPLOYMENT_FAIL", "--org", "Acme", "--service", "web"],
    ("sandbox", "outbox"): ["sandbox", "outbox"],
    ("sandbox", "seed"): ["sandbox", "seed", "--orgs", "1"],
    ("notifications", "export"): ["notifications", "export", "--org", "Acme"],
    ("notifications", "plan"): ["notifications", "plan", "{nac_file}"],
    ("notifications", "apply"): ["notifications", "apply", "{nac_file}", "--dry-run"],
    ("notifications", "schema"): ["notifications", "schema"],
    ("notifications", "audit"): ["notifications", "audit", "--org", "Acme"],
}

# Data commands that stream (one JSON object per line, until stopped) from a server they connect to, so they
# cannot run in-process here; where their JSON lines are checked instead.
STREAMS = {("events", "listen"): "tests/test_listen.py (JSON lines against a stand-in of the event socket)"}

# Keys this tool does not choose: documents passed through as their owner wrote them.
FOREIGN_KEYS = {
    ("events",): {"metaEvents": "keyed by meta-event names (META_…): data, not field names"},
    ("notifications", "schema"): {"$schema": "a JSON Schema keyword", "$id": "a JSON Schema keyword"},
    ("notifications", "export"): {"owners": "keyed by owner names, as the file is"},
}
# Objects whose keys are data (names), not field names.
KEYED_BY_NAME = {("events",): {"metaEvents"}, ("notifications", "export"): {"owners"}}

CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def bad_keys(value, foreign: dict, by_name: set, where="$"):
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in foreign:
                if key in by_name and isinstance(item, dict):
                    for sub in item.values():
                        out += bad_keys(sub, foreign, by_name, f"{where}.{key}.*")
                continue
            if not CAMEL.match(key):
                out.append(f"{where}.{key}")
            out += bad_keys(item, foreign, by_name, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += bad_keys(item, foreign, by_name, f"{where}[{i}]")
    return out


def test_every_data_command_has_a_sample():
    missing = set(DATA_COMMANDS) - set(SAMPLES) - set(STREAMS)
    assert not missing, f"add a SAMPLES line for: {', '.join(ids(missing))}"
    assert set(SAMPLES) <= set(DATA_COMMANDS), "SAMPLES names a command that is gone or prints no data"


@pytest.fixture
def seeded(tmp_path):
    """The sandbox with one webhook (pointing at a local receiver) and one e-mail hook at Acme, exported."""
    store = Store()  # CLEVER_SANDBOX_DB points into tmp_path (conftest)
    with LoopbackServer(webhook_receiver()) as receiver:
        url = f"{receiver.url}/hook"
        webhook = invoke("--sandbox", "webhooks", "add", "w", url, "--org", "Acme").stdout.strip()
        emailhook = invoke("--sandbox", "notify-email", "add", "e", "--notify", "b@example.org",
                           "--org", "Acme").stdout.strip()
        assert webhook and emailhook
        nac_file = tmp_path / "notifications.yml"
        exported = invoke("--sandbox", "notifications", "export", "--org", "Acme", "--output", str(nac_file))
        assert exported.exit_code == 0, exported.stderr
        yield {"url": url, "webhook": webhook, "emailhook": emailhook, "store": store, "nac_file": nac_file}


@pytest.mark.parametrize("path", list(SAMPLES), ids=ids(SAMPLES))
def test_json_output_is_one_document_with_camel_case_keys(seeded, path):
    args = [a.format(**seeded) for a in SAMPLES[path]]
    result = invoke("--sandbox", *args, "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)  # nothing but the document on stdout
    assert bad_keys(document, FOREIGN_KEYS.get(path, {}), KEYED_BY_NAME.get(path, set())) == []


CHECKS = {("webhooks", "check"), ("notifications", "audit")}  # exit 5 when they find a problem
ALL_OWNERS = {path: SAMPLES[path] for path, cmd in DATA_COMMANDS.items()
              if option(cmd, "--all-owners") and path not in STREAMS}


def test_the_all_owners_commands_are_found():
    assert {("webhooks",), ("notify-email",), ("webhooks", "check")} <= set(ALL_OWNERS)


@pytest.mark.parametrize("path", list(ALL_OWNERS), ids=ids(ALL_OWNERS))
def test_all_owners_json_is_one_document_with_camel_case_keys(seeded, path):
    seeded["store"].seed_organisations(2)
    args = [a.format(**seeded) for a in SAMPLES[path]]
    at = args.index("--org")
    args[at:at + 2] = ["--all-owners"]
    result = invoke("--sandbox", *args, "--json")
    # The seed's "Audit Demo" has a problem of each kind: a check finds it (exit 5) and still prints its document.
    assert result.exit_code in ((0, 5) if path in CHECKS else (0,)), result.stderr
    document = json.loads(result.stdout)
    assert document and bad_keys(document, FOREIGN_KEYS.get(path, {}), KEYED_BY_NAME.get(path, set())) == []


def test_webhooks_test_and_sandbox_emit_describe_a_delivery_with_the_same_keys(seeded):
    tested = json.loads(invoke("--sandbox", "webhooks", "test", seeded["webhook"], "--org", "Acme", "--json").stdout)
    emitted = json.loads(invoke("sandbox", "emit", "DEPLOYMENT_SUCCESS", "--org", "Acme", "--json").stdout)
    [a], [b] = tested["deliveries"], emitted["deliveries"]
    assert set(a) == {"url", "format", "status", "latencyMs", "ok", "error", "bodyStart"}
    assert set(b) == set(a) | {"hookId", "hookName"}


# --- streams ----------------------------------------------------------------------------------------

DATA_LINE = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # an id created
    r"|(POST|PUT|DELETE) /v2/\S+)$"  # a request a dry run would send
)


def data_lines(stdout: str) -> list[str]:
    """stdout's lines, each request's JSON body (the lines below it, issue 19's one layout) checked as JSON and
    left out: what remains must be ids and request lines."""
    lines = []
    for block in stdout.split("\n\n"):
        first, _, body = block.partition("\n")
        if first.startswith(("POST ", "PUT ", "DELETE ")):
            if body.strip():
                json.loads(body)  # a body, nothing else
            lines.append(first)
        else:
            lines.extend(block.splitlines())
    return lines


@pytest.mark.parametrize("flow", [
    ["--only", "web"], ["--only", "web", "--dry-run"], ["--only", "web,worker"],
    ["--disable", "--dry-run"], ["--disable"], ["--disable"], ["--restore", "--dry-run"], ["--restore"],
    ["--restore"], ["--only", "web"], ["--restore"],
], ids=lambda f: " ".join(f))
def test_default_flows_print_only_data_on_stdout(seeded, flow):
    result = invoke("--sandbox", "notify-email", "default", "--org", "Acme", *flow)
    assert result.exit_code == 0, result.stderr
    for line in data_lines(result.stdout):
        assert DATA_LINE.match(line), f"a message on stdout: {line!r}"
    assert result.stderr  # the story is told, on stderr


def test_default_flows_in_sequence_keep_stdout_for_data(seeded):
    """The whole life of the default hook, as a script sees it through $(…)."""
    store = seeded["store"]
    [org] = store.find_owner("Acme")

    def default(*flags):
        result = invoke("--sandbox", "notify-email", "default", "--org", "Acme", *flags)
        assert result.exit_code == 0, result.stderr
        return result

    only = default("--only", "web")
    [new] = [h for h in store.list_hooks("emailhooks", org["id"]) if h["name"].startswith("Default")]
    assert only.stdout == f"{new['id']}\n"
    assert default("--disable").stdout == ""
    assert default("--disable").stdout == ""  # nothing left: still nothing on stdout
    absent = default()
    assert absent.stdout == "" and "Restore it with" in absent.stderr
    restored = default("--restore")
    [back] = [h for h in store.list_hooks("emailhooks", org["id"]) if h["name"].startswith("Default")]
    assert restored.stdout == f"{back['id']}\n"
    shown = default()
    assert back["id"] in shown.stdout and "Restore" not in shown.stdout


@pytest.mark.parametrize("args", [
    ["webhooks", "--org", "Acme"], ["sandbox", "outbox"], ["sandbox", "emit", "GIT_PUSH", "--org", "Acme"],
], ids=" ".join)
def test_nothing_to_show_is_a_message_not_data(run, args):
    result = run("--sandbox", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr


# --- root flags anywhere ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(COMMANDS), ids=ids(COMMANDS))
def test_root_flags_are_accepted_after_every_command(path):
    result = invoke(*path, "-v", "--sandbox", "--verbose", "--help")
    assert result.exit_code == 0, result.stderr
    for flag in ("-v", "--verbose", "--sandbox"):
        own = option(COMMANDS[path], flag)
        assert own is not None and own.hidden and not own.expose_value, f"{flag} means something else here"


def test_verbose_after_the_group_and_its_options(run):
    result = run("webhooks", "--org", "Acme", "-v", "--sandbox")
    assert result.exit_code == 0, result.stderr
    assert "[api] GET http://sandbox.invalid/v2/summary -> 200" in result.stderr


def test_sandbox_after_a_sub_command_and_its_arguments(run):
    store = Store()
    [org] = store.find_owner("Acme")
    result = run("webhooks", "add", "late flag", "https://example.org/hook", "--org", "Acme", "--sandbox")
    assert result.exit_code == 0, result.stderr  # no credentials needed: it did run in the sandbox
    assert [h["name"] for h in store.list_hooks("webhooks", org["id"])] == ["late flag"]


def test_without_the_flag_nothing_runs_in_the_sandbox(run):
    result = run("webhooks", "add", "n", "https://example.org/hook", "--org", "Acme")
    assert result.exit_code == 3 and "Not logged in" in result.stderr


# --- did you mean -----------------------------------------------------------------------------------

GROUPS = {path: cmd for path, cmd in TREE.items() if isinstance(cmd, click.Group)}


@pytest.mark.parametrize("path", list(GROUPS), ids=lambda path: " ".join(path) or "clever")
def test_every_group_suggests_a_close_sub_command(path):
    group = GROUPS[path]
    names = [n for n in group.list_commands(click.Context(group)) if not group.get_command(None, n).hidden] \
        if path else [n for n in cli.list_commands(click.Context(cli))]
    for name in names:
        typo = name[:-1] if len(name) > 3 else name + "x"
        if typo in names:
            continue
        result = invoke(*path, typo)
        assert result.exit_code == 2
        assert f"No such command {typo!r}. Did you mean" in result.stderr and name in result.stderr


def test_help_of_a_mistyped_command_suggests_too():
    result = invoke("help", "webhooks", "shwo")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: no such command: webhooks shwo. Did you mean show?\n")


def test_webhook_without_s():
    result = invoke("webhook")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: No such command 'webhook'. Did you mean webhooks?\n")


# --- hints that can be pasted -----------------------------------------------------------------------


def pasted(result, prefix):
    line = next(ln for ln in result.stderr.splitlines() if prefix in ln)
    return shlex.split(line.split(prefix, 1)[1])


def test_hints_in_the_sandbox_carry_sandbox_and_the_owner_as_typed():
    store = Store()
    store.seed_organisations(1)  # "Org 001": a name that needs quoting
    [org] = store.find_owner("Org 001")
    for hook in store.list_hooks("emailhooks", org["id"]):
        store.delete_hook("emailhooks", org["id"], hook["id"])

    listing = invoke("--sandbox", "notify-email", "--org", "Org 001")
    assert pasted(listing, "Add one with: ") == [
        "clever", "--sandbox", "notify-email", "add", "--notify", "you@example.org", "NAME", "--org", "Org 001"]

    absent = invoke("notify-email", "default", "--org", "Org 001", "--sandbox")
    command = pasted(absent, "Restore it with: ")
    assert command == ["clever", "--sandbox", "notify-email", "default", "--restore", "--org", "Org 001"]
    assert invoke(*command[1:]).exit_code == 0  # pasted as printed, it does what it says
    assert [h["name"] for h in store.list_hooks("emailhooks", org["id"])] == ["Default deployment result e-mails"]


def test_hints_name_the_program_as_it_was_called():
    result = invoke("--sandbox", "webhooks", "--org", "Acme", prog="clever-notify")
    assert pasted(result, "Add one with: ")[:3] == ["clever-notify", "--sandbox", "webhooks"]


def test_hints_without_org_let_the_pasted_command_choose_the_same_owner():
    result = invoke("--sandbox", "webhooks")
    command = pasted(result, "Add one with: ")
    assert "--org" not in command and command[:3] == ["clever", "--sandbox", "webhooks"]


# --- one wording per concept ------------------------------------------------------------------------


def test_a_hook_reads_the_same_in_the_listing_show_and_default():
    """The default e-mail hook (no scope, no recipients list) through the three commands that describe it."""
    store = Store()
    [org] = store.find_owner("Acme")
    [hook] = store.list_hooks("emailhooks", org["id"])
    assert not hook.get("scope") and hook.get("notified") is None
    outputs = {
        "listing": invoke("--sandbox", "notify-email", "--org", "Acme").stdout,
        "show": invoke("--sandbox", "notify-email", "show", hook["id"], "--org", "Acme").stdout,
        "default": invoke("--sandbox", "notify-email", "default", "--org", "Acme").stdout,
    }
    for name, text in outputs.items():
        assert f"services: all services of {org['id']}\n" in text, name
        assert "whole team (default)\n" in text, name
        assert "organisation/team" not in text and f"services: {org['id']}" not in text, name


def test_a_restricted_hook_names_its_services_the_same_way(seeded):
    store = seeded["store"]
    [org] = store.find_owner("Acme")
    web = next(s["id"] for s in store.services(org["id"]) if s["name"] == "web")
    assert invoke("--sandbox", "notify-email", "update", seeded["emailhook"], "--org", "Acme",
                  "--service", "web").exit_code == 0
    listing = invoke("--sandbox", "notify-email", "--org", "Acme").stdout
    shown = invoke("--sandbox", "notify-email", "show", seeded["emailhook"], "--org", "Acme").stdout
    assert f"services: {web}\n" in listing and f"services: {web}\n" in shown
    assert "  to: b@example.org\n" in listing and "  notified: b@example.org\n" in shown


# --- same error, same code, same shape --------------------------------------------------------------


def test_an_unknown_service_is_the_same_error_everywhere(seeded):
    hook = seeded["webhook"]
    runs = {
        "webhooks add": ["webhooks", "add", "n", "https://example.org/h", "--org", "Acme", "--service", "nope"],
        "notify-email add": ["notify-email", "add", "n", "--notify", "a@example.org", "--org", "Acme",
                             "--service", "nope"],
        "webhooks update": ["webhooks", "update", hook, "--org", "Acme", "--service", "nope"],
        "default --only": ["notify-email", "default", "--org", "Acme", "--only", "nope"],
        "sandbox emit": ["sandbox", "emit", "GIT_PUSH", "--org", "Acme", "--service", "nope"],
    }
    results = {name: invoke("--sandbox", *args) for name, args in runs.items()}
    assert {name: r.exit_code for name, r in results.items()} == dict.fromkeys(runs, 2)
    messages = {r.stderr for r in results.values()}
    assert len(messages) == 1, messages
    [message] = messages
    assert message.startswith("Error: no application or add-on 'nope' at Acme (orga_")
    assert "its applications and add-ons: web (app_" in message and message.count("\n") == 1


def test_an_unknown_organisation_is_the_same_error_everywhere(seeded):
    runs = {
        "webhooks": ["webhooks", "--org", "Acm"],
        "notify-email add": ["notify-email", "add", "n", "--notify", "a@example.org", "--org", "Acm"],
        "webhooks show": ["webhooks", "show", seeded["webhook"], "--org", "Acm"],
        "default": ["notify-email", "default", "--org", "Acm", "--disable"],
        "sandbox emit": ["sandbox", "emit", "GIT_PUSH", "--org", "Acm"],
    }
    results = {name: invoke("--sandbox", *args) for name, args in runs.items()}
    assert {name: r.exit_code for name, r in results.items()} == dict.fromkeys(runs, 4)
    assert {r.stderr for r in results.values()} == {
        "Error: organisation 'Acm' not found among yours; did you mean 'Acme'? (names are case-sensitive)\n"}


# Mistakes in the command line itself: click's usage line and the --help pointer, exit 2.
COMMAND_LINE_MISTAKES = [
    ["webhooks", "add", "n", "https://example.org/h", "--service", "web"],  # --service needs --org
    ["notify-email", "default", "--only", "web", "--disable"],
    ["webhooks", "update", "x", "--event", "GIT_PUSH", "--all-events"],
    ["webhooks", "update", "x"],
    ["webhooks", "test"],
    ["webhooks", "add", "n", "not-a-url"],
    ["webhooks", "show"],
    ["webhooks", "--list-all", "show", "x"],
    ["events", "--json", "-F", "human"],
    ["sandbox", "serve", "--host", "0.0.0.0"],
    ["webhoks"],
]

# Well-formed commands whose input is refused once looked at: one `Error:` line, exit 2.
INPUT_REFUSALS = [
    ["webhooks", "add", "n", "https://example.org/h", "--org", "Acme", "--service", "nope"],
    ["notify-email", "default", "--org", "Acme", "--only", "app_nope"],
]


@pytest.mark.parametrize("args", COMMAND_LINE_MISTAKES, ids=" ".join)
def test_a_command_line_mistake_shows_the_usage_line(args):
    result = invoke("--sandbox", *args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("Usage: clever ") and "Try 'clever " in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("args", INPUT_REFUSALS, ids=" ".join)
def test_refused_input_is_one_error_line(args):
    result = invoke("--sandbox", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_no_option_problem_is_raised_as_an_input_error():
    """An InputError has no usage line; one about an option ("--x and --y …", "--x is required …") is a
    command-line mistake: a UsageError. (An InputError may still tell what to pass: "pass --yes to confirm".)"""
    offenders = []
    for path in (PACKAGE / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "InputError":
                text = ast.unparse(node.args[0]) if node.args else ""
                if re.match(r"f?['\"]-", text):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


# --- credentials ------------------------------------------------------------------------------------


@pytest.mark.parametrize("given,missing", [("CLEVER_TOKEN", "CLEVER_SECRET"), ("CLEVER_SECRET", "CLEVER_TOKEN")])
def test_half_of_the_credentials_names_the_missing_one(run, monkeypatch, given, missing):
    monkeypatch.setenv(given, "value-that-must-not-be-printed")
    result = run("webhooks", "--org", "orga_x")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: Not logged in: {given} is set but {missing} is not; set both "
                             "(or unset it and run `clever login` from clever-tools).\n")


# --- destructive commands: --dry-run, and never a prompt ----------------------------------------------


@pytest.mark.parametrize("kind,group,hook_key", [("webhooks", "webhooks", "webhook"),
                                                 ("emailhooks", "notify-email", "emailhook")])
def test_remove_dry_run_sends_nothing_and_says_what_it_would_send(seeded, kind, group, hook_key):
    store, hook_id = seeded["store"], seeded[hook_key]
    [org] = store.find_owner("Acme")
    before = store.list_hooks(kind, org["id"])
    result = invoke("--sandbox", group, "remove", hook_id, "--org", "Acme", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"DELETE /v2/notifications/{kind}/{org['id']}/{hook_id}\n"
    assert "Dry run: nothing was sent." in result.stderr
    assert store.list_hooks(kind, org["id"]) == before
    missing = invoke("--sandbox", group, "remove", "no-such-id", "--org", "Acme", "--dry-run")
    assert missing.exit_code == 4  # as the real remove of a wrong id
    gone = invoke("--sandbox", group, "remove", hook_id, "--org", "Acme")  # no prompt: no input needed
    assert gone.exit_code == 0 and hook_id not in [h["id"] for h in store.list_hooks(kind, org["id"])]


def test_default_disable_dry_run_sends_nothing(seeded):
    store = seeded["store"]
    [org] = store.find_owner("Acme")
    before = store.list_hooks("emailhooks", org["id"])
    result = invoke("--sandbox", "notify-email", "default", "--org", "Acme", "--disable", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("DELETE /v2/notifications/emailhooks/")
    assert store.list_hooks("emailhooks", org["id"]) == before


@pytest.mark.parametrize("path", [("webhooks", "remove"), ("notify-email", "remove"), ("notify-email", "default")],
                         ids=" ".join)
def test_destructive_commands_offer_dry_run(path):
    assert option(COMMANDS[path], "--dry-run") is not None


# --- help says what it does -------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["webhooks", "notify-email"])
def test_list_all_help_says_whose_hooks_it_lists(group):
    help_text = option(COMMANDS[(group,)], "--list-all").help
    assert "Ignore the linked application" in help_text and "your own account without --org" in help_text


# --- -o is --org, and clever-tools' global flags are accepted everywhere -------------------------------


@pytest.mark.parametrize("path", list(COMMANDS), ids=ids(COMMANDS))
def test_dash_o_is_org_wherever_it_exists(path):
    cmd = COMMANDS[path]
    short = option(cmd, "-o")
    if short is not None:
        assert "--org" in short.opts, f"`clever {' '.join(path)}`: -o is {short.opts}, not --org"


@pytest.mark.parametrize("path", list(TREE), ids=["(root)", *ids(COMMANDS)])
@pytest.mark.parametrize("flag", ["--no-color", "--color", "--no-update-notifier", "--update-notifier", "-?"])
def test_clever_tools_global_flags_are_accepted_everywhere(path, flag, monkeypatch):
    # click caches each command's help option from the first context that asked; a test that built a bare
    # click.Context (no settings) would have cached `--help` alone.
    monkeypatch.setattr(TREE[path], "_help_option", None)
    result = invoke(*path, flag, "--help") if flag != "-?" else invoke(*path, "-?")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Usage: clever"), result.stdout
