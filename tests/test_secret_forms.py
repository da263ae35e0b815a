"""A `${VAR}` value is masked in every form it takes, in every output stream of every command (issue 23).

The secret is a webhook URL whose path and query hold a token. Each variable value carries whitespace around
it (a trailing newline from `echo`, `\\r\\n` from a Windows editor, a leading space, tabs): the tool sends
the stripped URL, so the stripped URL is what it would print. Every command that can print the value runs
against a stand-in API (`responses`): plan (human, JSON, markdown), apply (dry run, dry run JSON, -v, JSON),
an API error quoting the URL (plain, percent-encoded, JSON-escaped, cut at 300 characters inside the token),
the note after a 502/503/504 the API had committed (its message quoted, cut at 80), and the file's own problem
list. stdout and stderr (where the -v log goes) are searched for any piece of the secret in any spelling.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_plus

import pytest
import responses

from helpers import API, ORG_ID

SECRET = "https://hooks.example.org/services/T0K/B0K/s3cr3t-t0ken?sig=k3ys3cr3t"
USERINFO_SECRET = "https://deploy:p4ssw0rd-v3ry@hooks.example.org/in"
# What must never be printed: every part of the secret past `https://host/`, in every spelling of it.
PIECES = ["T0K/B0K", "s3cr3t", "k3ys3cr3t", "3cr3", "sig=k3y", "T0K%2FB0K", "T0K\\/B0K", "p4ssw0rd", "deploy:p4",
          "/services/T0K"]
PADDING = {"newline": "{}\n", "crlf": "{}\r\n", "leading space": " {}", "tabs": "\t{}\t", "space-newline": "{} \n"}

HOOKS = f"{API}/v2/notifications/webhooks/{ORG_ID}"
MAILS = f"{API}/v2/notifications/emailhooks/{ORG_ID}"

FILE = f"""\
version: 1
owners:
  {ORG_ID}:
    webhooks:
      - name: deploys
        urls:
          - url: ${{HOOK_URL}}
        events: [META_DEPLOYMENT_RESULT]
"""


class Api:
    """The two hook lists of one owner; POST/PUT answered as scripted (`script[method]`: answers to use once
    each, in order), then as a real API would. Every request is recorded."""

    def __init__(self, webhooks=None, script=None):
        self.webhooks = [dict(h) for h in (webhooks or [])]
        self.script = {k: list(v) for k, v in (script or {}).items()}
        self.sent: list[tuple[str, str, object]] = []
        pattern = re.compile(rf"{re.escape(API)}/v2/.*")
        for method in ("GET", "POST", "PUT", "DELETE"):
            responses.add_callback(method, pattern, callback=self.handle)

    def handle(self, request):
        body = json.loads(request.body) if request.body else None
        self.sent.append((request.method, request.path_url, body))
        if request.path_url.startswith("/v2/notifications/emailhooks/"):
            return 200, {}, "[]" if request.method == "GET" else "{}"
        if request.method == "GET":
            return 200, {}, json.dumps(self.webhooks)
        scripted = self.script.get(request.method)
        if scripted:
            status, answer, commit = scripted.pop(0)
            if commit:
                self._commit(request, body)
            return status, {}, json.dumps(answer)
        return 200, {}, json.dumps(self._commit(request, body))

    def _commit(self, request, body):
        if request.method == "POST":
            hook = {"id": f"w{len(self.webhooks) + 1}", "ownerId": ORG_ID, **body, "createdAt": 1,
                    "state": "ENABLED", "failures": []}
            self.webhooks.append(hook)
            return hook
        hook_id = request.path_url.rsplit("/", 1)[1]
        hook = next(h for h in self.webhooks if h["id"] == hook_id)
        hook.update(body)
        return hook

    def urls_sent(self) -> list[str]:
        """The URLs sent as they went out: a variable's surrounding whitespace is dropped, never sent."""
        return [u["url"] for m, _, b in self.sent if m in ("POST", "PUT") for u in b["urls"]]


def leaks(result) -> list[str]:
    streams = {"stdout": result.stdout, "stderr": result.stderr}
    return [f"{piece!r} in {name}" for name, text in streams.items() for piece in PIECES if piece in text]


@pytest.fixture
def notifications(tmp_path, monkeypatch, creds):
    def write(value: str, text: str = FILE) -> str:
        monkeypatch.setenv("HOOK_URL", value)
        path = tmp_path / "notifications.yml"
        path.write_text(text)
        return str(path)

    return write


OLD = {"id": "w-old", "ownerId": ORG_ID, "name": "deploys", "events": ["META_DEPLOYMENT_RESULT"], "scope": None,
       "urls": [{"format": "raw", "url": "https://hooks.example.org/old-one"}], "createdAt": 1, "state": "ENABLED",
       "failures": []}

COMMANDS = {
    "plan": ["notifications", "plan", "{f}"],
    "plan json": ["notifications", "plan", "{f}", "-F", "json"],
    "plan markdown": ["notifications", "plan", "{f}", "-F", "markdown"],
    "plan -v": ["-v", "notifications", "plan", "{f}", "--detailed-exitcode"],
    "dry run": ["notifications", "apply", "{f}", "--dry-run"],
    "dry run json": ["notifications", "apply", "{f}", "--dry-run", "--json"],
    "dry run -v": ["notifications", "apply", "{f}", "--dry-run", "-v"],
    "apply -v": ["notifications", "apply", "{f}", "-v"],
    "apply json -v": ["notifications", "apply", "{f}", "--json", "-v"],
}
EXIT = {"plan -v": 2}


@pytest.mark.parametrize("state", ["create", "update"])
@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS.keys())
@pytest.mark.parametrize("padding", PADDING.values(), ids=PADDING.keys())
@responses.activate
def test_every_command_that_prints_the_value_masks_it(run, notifications, state, command, padding):
    api = Api([OLD] if state == "update" else [])
    path = notifications(padding.format(SECRET))
    result = run(*[w.replace("{f}", path) for w in COMMANDS[command]])
    assert result.exit_code == EXIT.get(command, 0), result.output
    assert leaks(result) == [], result.output
    assert "${HOOK_URL}" in result.output
    if command.startswith("apply"):
        assert api.urls_sent() == [SECRET]  # the URL went out: the test is not vacuous


@pytest.mark.parametrize("state", ["create", "update"])
@pytest.mark.parametrize("padding", PADDING.values(), ids=PADDING.keys())
@responses.activate
def test_a_saved_plan_and_its_apply_mask_the_value(run, notifications, tmp_path, state, padding):
    api = Api([OLD] if state == "update" else [])
    path = notifications(padding.format(SECRET))
    saved = tmp_path / "plan.json"
    planned = run("-v", "notifications", "plan", path, "--out", str(saved))
    assert planned.exit_code == 0, planned.output
    assert leaks(planned) == [], planned.output
    assert not [piece for piece in PIECES if piece in saved.read_text()], saved.read_text()
    for args in (["--dry-run", "--json"], ["-v"]):
        result = run("notifications", "apply", str(saved), *args)
        assert result.exit_code == 0, result.output
        assert leaks(result) == [], result.output
    assert api.urls_sent() == [SECRET]


MESSAGES = {
    "plain": "the URL {url} cannot be reached",
    "quoted": "invalid url: '{url}'",
    "json-escaped": 'rejected body {{"urls": [{{"url": {json}}}]}}',
    "percent-encoded": "see https://status.example.org/?check={pct}",
    "form-encoded": "see https://status.example.org/?check={plus}",
    "with its padding": "invalid url: {raw!r}",
    # cut at 300 by the tool: the cut falls inside the token
    "cut at 300": "x" * (300 - len("the URL https://hooks.example.org/services/T0K/B0K/s3c")) + " the URL {url}",
    "cut at 300, percent-encoded": "x" * (300 - 40) + " {pct}",
}


def message(template: str, raw: str) -> str:
    url = raw.strip()
    return template.format(url=url, json=json.dumps(url), pct=quote(url, safe=""), plus=quote_plus(url), raw=raw)


@pytest.mark.parametrize("template", MESSAGES.values(), ids=MESSAGES.keys())
@pytest.mark.parametrize("padding", ["{}\n", " {}", "\t{}\r\n"], ids=["newline", "space", "tab-crlf"])
@responses.activate
def test_an_api_error_quoting_the_value_is_masked_cut_or_not(run, notifications, template, padding):
    raw = padding.format(SECRET)
    api = Api(script={"POST": [(400, {"message": message(template, raw)}, False)] * 2})
    path = notifications(raw)
    for args in (["-v"], ["--json", "-v"]):
        result = run("notifications", "apply", path, *args)
        assert result.exit_code == 1, result.output
        assert leaks(result) == [], result.output
        assert "400" in result.stderr
    assert api.urls_sent() == [SECRET, SECRET]


@pytest.mark.parametrize("status", [502, 503, 504])
@pytest.mark.parametrize("template", ["upstream timed out delivering to {url}", "gateway: {pct} failed",
                                      "bad gateway for " + "y" * 60 + " {url}"],
                         ids=["plain", "percent-encoded", "cut at 80"])
@responses.activate
def test_the_note_after_a_committed_gateway_error_masks_the_api_message(run, notifications, status, template):
    raw = f"{SECRET}\n"
    api = Api(script={"POST": [(status, {"message": message(template, raw)}, True)]})
    path = notifications(raw)
    result = run("notifications", "apply", path, "-v")
    assert result.exit_code == 0, result.output
    assert "Note:" in result.stderr and "confirms" in result.stderr, result.stderr
    assert leaks(result) == [], result.stderr
    assert [m for m, _, _ in api.sent].count("POST") == 1 and api.urls_sent() == [SECRET]


@pytest.mark.parametrize("padding", PADDING.values(), ids=PADDING.keys())
@responses.activate
def test_a_url_with_a_password_is_masked_however_cut(run, notifications, padding):
    raw = padding.format(USERINFO_SECRET)
    api = Api(script={"POST": [(400, {"message": "x" * 250 + " " + USERINFO_SECRET}, False)]})
    path = notifications(raw)
    for args in (["--dry-run"], ["--dry-run", "--json"], ["-v"]):
        result = run("notifications", "apply", path, *args)
        assert leaks(result) == [], (args, result.output)
    assert api.urls_sent() == [USERINFO_SECRET]


@pytest.mark.parametrize("padding", PADDING.values(), ids=PADDING.keys())
@responses.activate
def test_a_problem_of_the_file_quoting_the_value_masks_it(run, notifications, padding):
    # A second hook with the same URL and a key the format does not have: the file is refused, its problems listed.
    text = FILE + "      - name: other\n        urls: [{url: '${HOOK_URL}'}]\n        colour: blue\n"
    bad = "https://hooks.example.org/services/T0K/B0K/s3cr3t t0ken"  # a space inside: not a URL
    for value in (padding.format(SECRET), padding.format(bad)):
        path = notifications(value, text)
        for args in ([], ["--json"]):
            result = run("notifications", "plan", path, *args)
            assert result.exit_code == 2, result.output
            assert leaks(result) == [], result.output
    assert [s for s in responses.calls if s.request.method != "GET"] == []
    # A valid file whose URL the tool warns about (plain http, spaces around it): the warning quotes the URL.
    Api()
    path = notifications(padding.format(SECRET.replace("https://", "http://")))
    result = run("notifications", "plan", path)
    assert result.exit_code == 0, result.output
    assert "${HOOK_URL}" in result.stderr, result.stderr  # the warning quotes it
    assert leaks(result) == [], result.output


def test_the_mask_knows_every_spelling():
    from clever_notify.guards.masks import Mask

    mask = Mask({"V": f"\t{SECRET}\r\n", "W": " plain-token-value-1234 "})
    url = SECRET
    for shown in [url, f"{url}\n", f"{url}\r\n", json.dumps(url), json.dumps(f"{url}\r\n"), repr(f"\t{url}\r\n"),
                  quote(url, safe=""), quote(url), quote_plus(url), quote(f"{url}\n", safe=":/?=&"),
                  f"cut here: {url[:60]}", f"cut here: {url[:45]}…", f"{url[:50]}...", f"a\n{url[:44]}\nb",
                  "plain-token-value-1234", "'plain-token-value-1234'", "token plain-token-valu",
                  "xplain-token-value-1"]:
        masked = mask.text(shown)
        assert not any(piece in masked for piece in PIECES + ["plain-token-valu"]), (shown, masked)
    # a cut that stops within `https://host/` shows nothing secret, and the plan shows that form on purpose
    assert mask.text("https://hooks.example.org/…") == "https://hooks.example.org/…"
    assert mask.text("other https://hooks.example.org/elsewhere") == "other https://hooks.example.org/elsewhere"


CREDENTIAL_MESSAGES = [
    "x" * 280 + " token {token}",  # the tool's own cut at 300 falls inside it
    "credentials {token!r} invalid",
    "header: oauth_token={token}, oauth_signature=abc",
]


@pytest.mark.parametrize("said", ["bad credentials: {cut}", "bad credentials: {cut}…", "token {cut}..."])
@responses.activate
def test_the_credentials_are_hidden_cut_or_in_any_spelling(run, creds, said):
    """The API quotes the token cut short (the first three), or whole in some spelling (the rest)."""
    from helpers import TOKEN

    url = f"{API}/v2/notifications/webhooks/{ORG_ID}"
    responses.get(url, status=400, json={})
    for template in [said, *CREDENTIAL_MESSAGES]:
        message = (template.replace("{cut}", TOKEN[:12]).replace("{token!r}", repr(f"{TOKEN}\n"))
                   .replace("{token}", TOKEN))
        responses.replace(responses.GET, url, status=400, json={"message": message})
        result = run("-v", "webhooks", "--org", ORG_ID)
        assert result.exit_code == 1, result.output
        assert "400" in result.stderr
        assert TOKEN[:9] not in result.output, (template, result.output)
