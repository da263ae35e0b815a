"""Terminal and output safety: nothing that came from the API, a receiver or a file reaches a terminal raw.

Every print path is driven with the same hostile text (CSI and OSC escape sequences, a C1 CSI, a bell,
a carriage return, bidi overrides and isolates, direction marks, line/paragraph separators) and its
output is checked character by character. `-F json`/`--json` is checked to be valid JSON (no NaN) with
the same characters escaped.
"""

from __future__ import annotations

import json
import os
import time
import unicodedata

import pytest
import responses
from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers import API, APP_ID, ORG_ID
from servers import LoopbackServer, webhook_receiver

HOOKS_URL = f"{API}/v2/notifications/webhooks/{ORG_ID}"
EMAILS_URL = f"{API}/v2/notifications/emailhooks/{ORG_ID}"
EVENTS_URL = f"{API}/v2/notifications/info/events"
SUMMARY_URL = f"{API}/v2/summary"

EVIL = ("x\x1b[2J\x1b]8;;https://evil.example\x07link\x1b]8;;\x07\x9b31m\x07\rOK\u202egnp.exe\u2066i\u2069"
        "\u200e\u200f\u061c\u2028forged\u2029line\x85\x7f\ufeff\U000e0041y\nFORGED: line")
# What may never appear raw (the tab and the line feeds of the output itself are fine).
FORBIDDEN = {ch for ch in EVIL if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")}


def assert_terminal_safe(text: str) -> None:
    raw = sorted({f"U+{ord(ch):04X}" for ch in text if ch in FORBIDDEN and ch != "\n"})
    assert raw == [], f"raw on the terminal: {raw} in {text!r}"
    # a line feed from the API never starts a line of its own choosing
    assert "\nFORGED" not in text, f"a forged line in {text!r}"


def hook(**extra):
    return {"id": "h1", "ownerId": ORG_ID, "name": EVIL, "urls": [{"format": "raw", "url": f"https://x.org/{EVIL}"}],
            "scope": [APP_ID], "events": ["DEPLOYMENT_FAIL"], "createdAt": 1700000000000, "state": "ENABLED",
            "failures": [{"url": "https://x.org/", "status": 500, "partialBody": EVIL, "createdAt": 1700000000001}],
            **extra}


@responses.activate
def test_api_error_messages_are_escaped_on_stderr(run, creds):
    responses.get(HOOKS_URL, status=400, json={"message": EVIL})
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1
    assert_terminal_safe(result.stderr)
    assert result.stderr.count("\n") == 1 and "\\x1b[2J" in result.stderr


@pytest.mark.parametrize("args", [("webhooks", "--org", ORG_ID), ("webhooks", "show", "h1", "--org", ORG_ID)])
@responses.activate
def test_listings_and_show_escape_names_urls_and_failures(run, creds, args):
    responses.get(HOOKS_URL, json=[hook()])
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert_terminal_safe(result.stdout + result.stderr)
    assert "\\u202egnp.exe" in result.stdout


@pytest.mark.parametrize("args", [("webhooks", "--org", ORG_ID, "-F", "json"),
                                  ("webhooks", "show", "h1", "--org", ORG_ID, "-F", "json")])
@responses.activate
def test_json_output_is_valid_and_escapes_the_same_characters(run, creds, args):
    responses.get(HOOKS_URL, json=[hook()])
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert_terminal_safe(result.stdout)
    parsed = json.loads(result.stdout)
    first = parsed[0] if isinstance(parsed, list) else parsed
    assert first["name"] == EVIL  # escaped in the text, intact in the value


@pytest.mark.parametrize("body", [b'[{"id": "h1", "ownerId": "x", "name": NaN}]',
                                  b'[{"id": "h1", "ownerId": "x", "createdAt": Infinity}]',
                                  b'[{"id": "h1", "ownerId": "x", "createdAt": -1e999}]'])
@responses.activate
def test_nan_or_infinity_from_the_api_is_refused_not_printed(run, creds, body):
    responses.get(HOOKS_URL, body=body, content_type="application/json")
    for output in ("json", "human"):
        result = run("webhooks", "--org", ORG_ID, "-F", output)
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert "not JSON" in result.stderr
        assert "Traceback" not in result.stderr


@responses.activate
def test_update_diff_escapes_the_old_values(run, creds):
    responses.get(HOOKS_URL, json=[hook()])
    responses.put(f"{HOOKS_URL}/h1", json={})
    result = run("webhooks", "update", "h1", "--org", ORG_ID, "--name", "calm")
    assert result.exit_code == 0, result.stderr
    assert_terminal_safe(result.stdout + result.stderr)
    assert "calm" in result.stdout


@responses.activate
def test_update_dry_run_escapes_the_request_it_would_send(run, creds):
    responses.get(HOOKS_URL, json=[hook()])
    result = run("webhooks", "update", "h1", "--org", ORG_ID, "--event", "GIT_PUSH", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert_terminal_safe(result.stdout + result.stderr)


@responses.activate
def test_default_description_escapes_names_and_targets(run, creds):
    responses.get(EMAILS_URL, json=[
        {"id": f"d{EVIL}", "ownerId": ORG_ID, "name": "Default deployment result e-mails",
         "notified": [{"type": "email", "target": f"a@{EVIL}"}], "events": ["META_DEPLOYMENT_RESULT"],
         "scope": [EVIL]},
        {"id": "d2", "ownerId": ORG_ID, "name": "Default deployment result e-mails"},
    ])
    for extra in ((), ("-F", "json")):
        result = run("notify-email", "default", "--org", ORG_ID, *extra)
        assert result.exit_code == 0, result.stderr
        assert_terminal_safe(result.stdout + result.stderr)


@responses.activate
def test_service_lists_in_errors_are_escaped(run, creds):
    responses.get(SUMMARY_URL, json={"user": {"id": "user_x"}, "organisations": [
        {"id": ORG_ID, "name": f"Acme{EVIL}", "applications": [{"id": APP_ID, "name": EVIL}], "addons": []}]})
    result = run("webhooks", "add", "n", "https://x.org/h", "--org", ORG_ID, "--service", "nope")
    assert result.exit_code == 2
    assert_terminal_safe(result.stderr)
    assert result.stderr.count("\n") == 1


@responses.activate
def test_created_ids_are_escaped(run, creds):
    responses.post(HOOKS_URL, json={"id": f"h{EVIL}", "ownerId": ORG_ID, "name": "n"})
    result = run("webhooks", "add", "n", "https://x.org/h", "--org", ORG_ID)
    assert_terminal_safe(result.stdout + result.stderr)


@pytest.mark.parametrize("output", ["human", "json"])
@responses.activate
def test_events_live_escapes_the_api_catalog_and_its_differences(run, creds, output):
    responses.get(EVENTS_URL, json={"events": ["DEPLOYMENT_FAIL", f"NEW{EVIL}"],
                                    "meta_events": {f"META{EVIL}": [EVIL]}})
    result = run("events", "--live", "-F", output)
    assert result.exit_code == 0, result.stderr
    assert_terminal_safe(result.stdout + result.stderr)
    if output == "json":
        assert f"NEW{EVIL}" in json.loads(result.stdout)["events"]


@pytest.mark.parametrize("as_json", [False, True])
def test_webhooks_test_escapes_what_the_receiver_answered(run, as_json):
    with LoopbackServer(webhook_receiver(500, EVIL.encode("utf-8"))) as receiver:
        result = run("webhooks", "test", "--url", f"{receiver.url}/hook", *(["--json"] if as_json else []))
    assert result.exit_code == 1
    assert_terminal_safe(result.stdout + result.stderr)
    if as_json:
        assert json.loads(result.stdout)["deliveries"][0]["status"] == 500


def test_a_hostile_clever_json_is_escaped_in_its_error(run, creds, isolated_env):
    (isolated_env / "work" / ".clever.json").write_text(json.dumps({"apps": [
        {"app_id": "a1", "alias": EVIL}, {"app_id": "a2", "alias": "b"}]}))
    result = run("webhooks")
    assert result.exit_code == 2
    assert_terminal_safe(result.stderr)
    assert result.stderr.count("\n") == 1


def test_usage_errors_echoing_a_typed_value_are_escaped(run):
    result = run("webhooks", "add", "n", "https://x.org/h", "--event", f"BAD{EVIL}")
    assert result.exit_code == 2
    assert_terminal_safe(result.stderr)


# --- the sanitiser and the JSON writer, as properties ------------------------------------------------


PROP = settings(max_examples=300, deadline=None)


@PROP
@given(st.text())
@example(EVIL)
def test_for_terminal_leaves_nothing_unsafe_and_keeps_safe_text(text):
    from clever_notify.guards.sanitise import for_terminal, is_unsafe

    one_line = for_terminal(text)
    assert not any(is_unsafe(ch) for ch in one_line)
    assert "\n" not in one_line
    multi = for_terminal(text, keep_newlines=True)
    assert not any(is_unsafe(ch, keep_newlines=True) for ch in multi)
    assert multi.count("\n") == text.count("\n")
    if not any(is_unsafe(ch) for ch in text):
        assert one_line == text


JSONABLE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@PROP
@given(JSONABLE)
@example({"name": EVIL, EVIL: [EVIL]})
def test_json_writer_is_valid_json_of_the_same_value_with_nothing_unsafe(value):
    from clever_notify.guards.sanitise import is_unsafe
    from clever_notify.output.render import to_json

    text = to_json(value)
    assert json.loads(text) == value
    assert not any(is_unsafe(ch, keep_newlines=True) for ch in text)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), [1, {"x": float("-inf")}]])
def test_json_writer_refuses_nan_and_infinity(bad):
    from clever_notify.errors import CleverNotifyError
    from clever_notify.output.render import to_json

    with pytest.raises(CleverNotifyError, match="NaN or Infinity"):
        to_json(bad)


def test_an_escape_sequence_split_over_writes_is_still_caught(capsys):
    import sys

    from clever_notify.guards.sanitise import guarded_streams

    with guarded_streams():
        for piece in ("a\x1b", "[31mred", "\u202e", "b\x9b", "\n"):
            sys.stdout.write(piece)
            print(piece, end="", file=sys.stderr)
    out, err = capsys.readouterr()
    assert out == err == "a\\x1b[31mred\\u202eb\\x9b\n"


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_real_terminal_only_the_tools_own_styling_is_raw(clever_exe, loopback):
    """The installed `clever` on a pty (rich styling on): the API's escape sequences arrive escaped, and the
    only raw ESC sequences are rich's own colour/bold codes (CSI … m)."""
    import re
    import select
    import subprocess

    from servers import reply, script

    server = loopback(script(reply(200, [hook()])))
    master, slave = os.openpty()
    env = {**os.environ, "API_HOST": server.url, "CLEVER_TOKEN": "tok-SECRET-0123456789",
           "CLEVER_SECRET": "sec-SECRET-9876543210", "TERM": "xterm-256color", "COLUMNS": "200"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([clever_exe, "webhooks", "--org", ORG_ID], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave, env=env)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the other end closed
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, out
    assert "\\u202egnp.exe" in out  # the name was printed, escaped
    assert "\x1b[1m" in out  # and styled: this is rich's path, not the plain one
    without_styling = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert_terminal_safe(without_styling.replace("\r\n", "\n"))
