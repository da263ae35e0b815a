"""Bounded waits, Ctrl-C, plain-http refusal, secrets kept out of every output, hostile answers and files.

Servers are fault-injecting stand-ins on 127.0.0.1 (tests/servers.py) with bounded lifetimes.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import responses

from clever_notify.api import transport as api
from clever_notify.api.client import ApiClient
from clever_notify.config.settings import load_settings
from clever_notify.errors import CleverNotifyError
from clever_notify.guards.urls import check_api_host, is_loopback_host
from helpers import API, CONSUMER_KEY, ORG_ID, SECRET, TOKEN, hooks_path
from helpers import CONSUMER_SECRET as CLEVER_TOOLS_CONSUMER_SECRET
from servers import hang, partial, reply, script, stream

HOOKS = hooks_path("webhooks")
CONSUMER_SECRET = "cs-SECRET-override-555"
# Characters that URL- and JSON-escaping change: an echo may show the secret only in an escaped spelling.
ODD_SECRET = 'sec-SECRET/"+&=%'
OAUTH_PREFIX = len(f'OAuth oauth_consumer_key="{CONSUMER_KEY}", oauth_token="')
SECRET_BITS = ("tok-SECRET", "sec-SECRET", "cs-SECRET", CLEVER_TOOLS_CONSUMER_SECRET)


@pytest.fixture
def point_at(point_at):
    """conftest's point_at, with a secret that needs escaping and an overridden consumer secret."""
    return functools.partial(point_at, CLEVER_SECRET=ODD_SECRET, OAUTH_CONSUMER_SECRET=CONSUMER_SECRET)


def assert_no_secret(text: str) -> None:
    for bit in SECRET_BITS:
        assert bit not in text, f"{bit!r} leaked"


# --- timeouts -----------------------------------------------------------------------------------------


def test_a_server_that_never_answers_gives_up_within_the_timeout(run, loopback, point_at):
    server = loopback(script(hang()))
    point_at(server.url, timeout="0.3")
    started = time.monotonic()
    result = run("webhooks", "--org", ORG_ID)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert result.stderr == (f"Error: the API at {server.url} did not answer in time (0.3 s); "
                             "try again, or raise CLEVER_TIMEOUT.\n")
    assert server.methods() == ["GET"] * 3  # each try bounded by the read timeout
    assert elapsed < 5


def test_a_server_dripping_its_answer_is_cut_off(loopback):
    server = loopback(script(stream(10_000_000, chunk=1, delay=0.01)))
    env = {"CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET, "API_HOST": server.url, "CLEVER_TIMEOUT": "0.2"}
    client = ApiClient(load_settings(env), sleep=lambda s: None)
    started = time.monotonic()
    with pytest.raises(CleverNotifyError, match="did not answer in time"):
        client.list_hooks("webhooks", ORG_ID)
    assert time.monotonic() - started < 6
    assert len(server.received) == api.MAX_TRIES


def test_every_request_carries_connect_and_read_timeouts(monkeypatch):
    seen = []

    class Spy:
        headers: dict = {}

        def request(self, *args, **kwargs):
            seen.append(kwargs["timeout"])
            raise KeyboardInterrupt  # stop here: only the arguments matter

        def get_adapter(self, url):
            import requests

            return requests.adapters.HTTPAdapter()

    env = {"CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET, "API_HOST": API, "CLEVER_TIMEOUT": "7"}
    client = ApiClient(load_settings(env), session=Spy())
    for call in (lambda: client.list_hooks("webhooks", ORG_ID), lambda: client.delete_hook("webhooks", ORG_ID, "h"),
                 lambda: client.create_hook("webhooks", ORG_ID, {"name": "n"}), lambda: client.get_self()):
        with pytest.raises(KeyboardInterrupt):
            call()
    assert seen == [(5.0, 7.0)] * 4


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf", "1e9"])
def test_bad_clever_timeout_is_exit_2_before_any_request(run, creds, monkeypatch, value):
    monkeypatch.setenv("CLEVER_TIMEOUT", value)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        result = run("webhooks", "--org", ORG_ID)
        assert len(mocked.calls) == 0
    assert result.exit_code == 2 and "CLEVER_TIMEOUT" in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_waiting_for_the_api_exits_130_quietly(clever_exe, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(20)
    port = listener.getsockname()[1]
    env = {**os.environ, "API_HOST": f"http://127.0.0.1:{port}", "CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET,
           "CLEVER_TIMEOUT": "60"}
    proc = subprocess.Popen([clever_exe, "webhooks", "--org", ORG_ID], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        conn, _ = listener.accept()  # the request is on its way: the client now waits for an answer
        conn.settimeout(5)
        assert conn.recv(4096).startswith(b"GET ")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        conn.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)
        listener.close()
    assert proc.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert out == "" and err.strip() == ""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_command_a_test_starts_can_be_interrupted_even_when_the_run_ignores_sigint():
    # The Ctrl-C tests above need it: under `nohup pytest &` they used to wait for an interrupt the child ignored.
    probe = "import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30).stdout
    assert out.strip() == "False"


def test_ctrl_c_during_a_retry_wait_is_also_130(run, loopback, point_at, monkeypatch):
    server = loopback(script(reply(503)))
    point_at(server.url)

    def interrupted(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("clever_notify.api.transport.sleep", interrupted)
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 130 and "Traceback" not in result.output


# --- credentials never over plain http to another machine ------------------------------------------------


@pytest.mark.parametrize("host", ["http://api.example.org", "http://10.0.0.1:8080", "http://[2001:db8::1]",
                                  "http://localhost.example.org", "http://sandbox.localhost",
                                  "http://127.0.0.1.nip.io"])
def test_plain_http_to_another_host_is_refused_before_any_request(run, monkeypatch, host):
    monkeypatch.setenv("CLEVER_TOKEN", TOKEN)
    monkeypatch.setenv("CLEVER_SECRET", SECRET)
    monkeypatch.setenv("API_HOST", host)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        for args in (("webhooks", "--org", ORG_ID), ("webhooks",), ("webhooks", "add", "n", "https://x.org/h"),
                     ("webhooks", "remove", "h1", "--org", ORG_ID)):
            result = run(*args)
            assert result.exit_code == 2, (args, result.output)
            assert "refusing to send your credentials over plain http" in result.stderr
            assert "https://" in result.stderr
        assert len(mocked.calls) == 0


@pytest.mark.parametrize("host", ["ftp://api.test", "api.clever-cloud.com", "https://", "http://x:99999"])
def test_api_host_that_is_not_an_http_url_is_exit_2(run, monkeypatch, host):
    monkeypatch.setenv("CLEVER_TOKEN", TOKEN)
    monkeypatch.setenv("CLEVER_SECRET", SECRET)
    monkeypatch.setenv("API_HOST", host)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        result = run("webhooks", "--org", ORG_ID)
        assert len(mocked.calls) == 0
    assert result.exit_code == 2 and "API_HOST" in result.stderr


@pytest.mark.parametrize("host,loopback", [
    ("127.0.0.1", True), ("127.255.0.9", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("LOCALHOST", True), ("sandbox.localhost", False), ("128.0.0.1", False), ("localhost.evil", False),
    ("0.0.0.0", False), ("::ffff:10.0.0.1", False), ("example.org", False),
])
def test_loopback_hosts(host, loopback):
    assert is_loopback_host(host) is loopback


def test_plain_http_to_loopback_is_allowed(run, loopback, point_at):
    server = loopback(script(reply(200, [])))
    for host in ("127.0.0.1", "localhost"):
        point_at(server.url.replace("127.0.0.1", host))
        assert run("webhooks", "--org", ORG_ID).exit_code == 0
    assert server.methods() == ["GET", "GET"]
    check_api_host("https://api.clever-cloud.com")  # https anywhere is fine


def test_in_process_sandbox_is_not_refused(run):
    result = run("--sandbox", "webhooks", "--list-all", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_redirects_are_not_followed_so_credentials_stay(run, loopback, point_at):
    elsewhere = loopback(script(reply(200, [])))
    server = loopback(script(reply(302, headers={"Location": elsewhere.url + HOOKS})))
    point_at(server.url)
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1 and "redirect (302)" in result.stderr
    assert elsewhere.received == []


# --- secrets never shown ----------------------------------------------------------------------------------


def _echo(status, shape):
    """An answer echoing the request's Authorization header back, in various disguises."""

    def handler(req):
        auth = req.headers["Authorization"]
        bodies = {
            "json": json.dumps({"message": f"bad header {auth}"}),
            # cut by the 300-character limit in the middle of the token
            "long": json.dumps({"message": "x" * (api.MAX_ERROR_TEXT - 13 - OAUTH_PREFIX) + auth}),
            "text": f"denied: {auth}",
            "quoted": f"denied: {__import__('urllib.parse').parse.quote(auth)}",
            "escaped": json.dumps({"error": json.dumps(auth)}),
            # the bare values, not header-shaped: only knowing the secrets can hide them
            "bare-long": json.dumps({"message": "x" * (api.MAX_ERROR_TEXT - 13) + TOKEN}),
            "bare-quoted": f"denied: {__import__('urllib.parse').parse.quote(ODD_SECRET)}",
            "bare-escaped": json.dumps({"error": json.dumps({"s": ODD_SECRET})}),
        }
        return reply(status, raw=bodies[shape].encode(), content_type="text/plain" if shape == "text" else
                     f"application/x-{auth[:60]}" if status == 200 else "application/json")

    return handler


@pytest.mark.parametrize("status", [400, 404, 409, 500, 502, 200])
@pytest.mark.parametrize("shape", ["json", "long", "text", "quoted", "escaped", "bare-long", "bare-quoted",
                                   "bare-escaped"])
def test_servers_echoing_the_credentials_never_get_them_printed(run, loopback, point_at, status, shape):
    server = loopback(_echo(status, shape))
    point_at(server.url)
    for args in (("--verbose", "webhooks", "--org", ORG_ID),
                 ("--verbose", "webhooks", "add", "n", "https://x.org/h", "--org", ORG_ID),
                 ("--verbose", "webhooks", "remove", "h1", "--org", ORG_ID), ("--verbose", "webhooks")):
        result = run(*args)
        assert result.exit_code != 0 or status == 200
        assert_no_secret(result.output)
    assert "oauth_token" in server.received[0].headers["Authorization"]  # the server did get them to echo


def test_exceptions_text_and_repr_hold_no_secret(loopback):
    server = loopback(_echo(500, "long"))
    env = {"CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET, "OAUTH_CONSUMER_SECRET": CONSUMER_SECRET,
           "API_HOST": server.url}
    settings = load_settings(env)
    client = ApiClient(settings, sleep=lambda s: None, log=lambda line: None)
    with pytest.raises(CleverNotifyError) as info:
        client.list_hooks("webhooks", ORG_ID)
    for text in (str(info.value), repr(info.value), repr(client), repr(settings), repr(settings.credentials)):
        assert_no_secret(text)


# --- malformed answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("action,needle", [
    (reply(200, raw=b"<html><body>Login</body></html>", content_type="text/html"), "not JSON (text/html)"),
    (reply(200, raw=b"\xff\xfe\x00garbage"), "not JSON"),
    (reply(200, raw=b"[" * 100_000 + b"]" * 100_000), "not JSON"),
    (reply(200, {"hooks": []}), "expected a JSON list"),
    (reply(200, "a string"), "expected a JSON list"),
    (reply(500, raw=b"<html>" + b"x" * 5000 + b"</html>", content_type="text/html"), "answered 500: HTTP 500"),
    (stream(api.MAX_BODY_BYTES + 1), "more than 8 MB"),
    (stream(100 * 1024 * 1024, declare=True), "more than 8 MB"),
])
def test_malformed_answers_are_one_clear_line(run, loopback, point_at, action, needle):
    server = loopback(script(action))
    point_at(server.url)
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1, result.output
    assert needle in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("hooks", [
    [7], ["x"], [None], [{}],
    [{"id": "a", "ownerId": ORG_ID, "scope": 5, "urls": []}],
    [{"id": "a", "events": "DEPLOYMENT_FAIL", "urls": []}],
    [{"id": "a", "urls": "u"}],
    [{"id": "b", "urls": [{"url": "https://x.org"}, 3], "name": None}],
    # a failure the tool cannot read: `webhooks check` used to drop it and call the webhook "ok"
    [{"id": "a", "urls": [], "failures": ["HTTP 500"]}], [{"id": "a", "urls": [], "failures": [None]}],
])
def test_hooks_of_odd_shapes_are_refused_with_a_clear_error(run, loopback, point_at, hooks):
    # Never "repaired" (a string read as a list): a write refuses the list; the read-only listing shows nothing of
    # the odd hook but says so on stderr and exits 1 (test_malformed_listing.py: the good hooks beside it).
    server = loopback(script(reply(200, hooks)))
    point_at(server.url)
    for output in ("human", "json"):
        result = run("webhooks", "--org", ORG_ID, "-F", output)
        assert result.exit_code == 1, result.output
        assert result.stdout == ("[]\n" if output == "json" else "") and "Traceback" not in result.stderr
        first, last = result.stderr.splitlines()
        assert first.startswith(f"Error: a webhook of {ORG_ID} is not shown: item 0 ")
        assert last == ("Error: 1 webhook listed by the API was of an unexpected shape and not shown (see above); "
                        "every other one is shown.")
    result = run("webhooks", "update", "a", "--name", "renamed", "--org", ORG_ID)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: unexpected answer from the API for GET /v2/notifications/webhooks/")
    assert "PUT" not in server.methods()
    check = run("webhooks", "check", "--org", ORG_ID)  # a webhook it cannot judge is never called "ok"
    assert check.exit_code == 1 and "ok " not in check.stdout, check.output


def test_post_answered_by_an_html_page_is_exit_1(run, loopback, point_at):
    server = loopback(script(reply(200, raw=b"<html>ok</html>", content_type="text/html")))
    point_at(server.url)
    result = run("webhooks", "add", "n", "https://x.org/h", "--org", ORG_ID)
    assert result.exit_code == 1 and "not JSON" in result.stderr and "Traceback" not in result.output
    assert server.methods() == ["POST"]


def test_self_without_an_id_is_exit_1(run, loopback, point_at):
    server = loopback(script(reply(200, {"name": "no id"})))
    point_at(server.url)
    result = run("webhooks")
    assert result.exit_code == 1 and "/v2/self" in result.stderr


# --- malformed local files ------------------------------------------------------------------------------


def _config_path(isolated_env):
    path = isolated_env / "home" / ".config" / "clever-cloud" / "clever-tools.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("content,needle", [
    (b"\xff\xfe{\x00", "not UTF-8"),
    (b"[" * 50_000 + b"]" * 50_000, "clever-tools.json"),
    (b'{"version": 1, "profiles": [{"token": 1, "secret": "s"}]}', "must be a string"),
    (b'{"version": 1, "profiles": [{"token": "t", "secret": "s", "overrides": "x"}]}', "overrides"),
    (b'{"token": "t"}', "neither"),
    (b"", "not valid JSON"),
])
def test_malformed_clever_tools_config_is_exit_2(run, isolated_env, monkeypatch, content, needle):
    _config_path(isolated_env).write_bytes(content)
    monkeypatch.setenv("API_HOST", API)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        result = run("webhooks", "--org", ORG_ID)
        assert len(mocked.calls) == 0
    assert result.exit_code == 2, result.output
    assert needle in result.stderr and "Traceback" not in result.output


def test_config_path_that_is_a_folder_is_exit_2(run, isolated_env):
    _config_path(isolated_env).mkdir()
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 2 and "cannot read" in result.stderr


@pytest.mark.parametrize("content", [b"\xff\xfe", b"[" * 50_000, b'{"apps": [{"app_id": 5}]}',
                                     b'{"apps": [{"app_id": "a", "org_id": 3}]}', b"null"])
def test_malformed_clever_json_is_exit_2(run, creds, isolated_env, content):
    (isolated_env / "work" / ".clever.json").write_bytes(content)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        result = run("webhooks")
        assert len(mocked.calls) == 0
    assert result.exit_code == 2, result.output
    assert ".clever.json" in result.stderr and "Traceback" not in result.output


def test_profile_api_host_override_of_the_wrong_type_is_exit_2(run, isolated_env):
    _config_path(isolated_env).write_text(json.dumps(
        {"version": 1, "profiles": [{"token": "t", "secret": "s", "overrides": {"API_HOST": 42}}]}))
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 2 and "API_HOST" in result.stderr


def test_an_answer_that_stalls_mid_body_is_a_timeout(run, loopback, point_at):
    server = loopback(script(partial(b"[", declared=100, wait=3)))
    point_at(server.url, timeout="0.3")
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 1
    assert "did not answer in time (0.3 s)" in result.stderr
    assert server.methods() == ["GET"] * 3


def test_plain_http_to_loopback_never_goes_through_a_proxy(run, loopback, point_at, monkeypatch):
    proxy = loopback(script(reply(200, ["from the proxy"])))
    server = loopback(script(reply(200, [])))
    for var in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(var, proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    point_at(server.url)
    result = run("webhooks", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "[]\n"
    assert proxy.received == [] and server.methods() == ["GET"]


def test_a_netrc_entry_does_not_replace_the_oauth_header(run, loopback, point_at, isolated_env):
    server = loopback(script(reply(200, [])))
    netrc = isolated_env / "home" / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password other\n")
    netrc.chmod(0o600)
    point_at(server.url)
    assert run("webhooks", "--org", ORG_ID).exit_code == 0
    assert server.received[0].headers["Authorization"].startswith('OAuth oauth_consumer_key="')
