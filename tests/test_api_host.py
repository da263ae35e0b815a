"""Credentials and hosts: one strict parse of API_HOST (and of webhook URLs), loopback by what a host is,
and the request sent to exactly the host that was checked. Stand-ins: `responses` and 127.0.0.1 servers."""

from __future__ import annotations

import json

import pytest
import responses
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clever_notify.cli import params
from clever_notify.errors import InputError
from clever_notify.guards.urls import is_loopback_host
from clever_notify.sandbox import SANDBOX_SECRET, SANDBOX_TOKEN
from helpers import ORG_ID, SECRET, TOKEN
from servers import reply, script

HOOKS = f"/v2/notifications/webhooks/{ORG_ID}"

# Each is read differently by at least two URL parsers (urllib.parse, urllib3, WHATWG, inet_aton, IDNA…),
# or carries something that has no business in an API host. `{port}` is a live loopback stand-in.
AMBIGUOUS_API_HOSTS = [
    "http://evil.invalid\\@127.0.0.1:{port}",  # urlsplit: host 127.0.0.1; WHATWG: host evil.invalid
    "http://127.0.0.1:{port}\\@evil.invalid",
    "http://127.0.0.1:{port}\\.evil.invalid",
    "http://user@127.0.0.1:{port}",  # userinfo
    "http://evil.invalid@127.0.0.1:{port}",
    "http://a@b@127.0.0.1:{port}",
    "http://127.0.0.1:{port} ",  # whitespace and controls
    " http://127.0.0.1:{port}",
    "http://127.0.0.1:{port}\t",
    "http://127.0.0.1\n:{port}",
    "http://127.0.0.1:{port}/\r\nX-Injected: 1",
    "http://127.0.0.%31:{port}",  # percent-encoding in the host
    "http://%6cocalhost:{port}",
    "http://[::1%25lo]:{port}",  # IPv6 zone id
    "http://[fe80::1%lo]:{port}",
    "http://0177.0.0.1:{port}",  # octal, hex, short and integer IPv4 spellings
    "http://0x7f.0.0.1:{port}",
    "http://127.1:{port}",
    "http://2130706433:{port}",
    "http://127.000.000.001:{port}",
    "http://ｌocalhost:{port}",  # fullwidth letter folded by IDNA
    "http://127。0。0。1:{port}",  # ideographic full stops
    "http://loca\u200blhost:{port}",
    "http://127.0.0.1:+{port}",
    "http://127.0.0.1:{port}?x=1",  # query or fragment in a base URL
    "http://127.0.0.1:{port}#frag",
    "http://127.0.0.1:{port}/../v2",
    "http://127.0.0.1:{port}/%2e%2e",
]


@pytest.mark.parametrize("template", AMBIGUOUS_API_HOSTS)
def test_api_hosts_parsers_could_disagree_on_are_refused_before_any_request(run, loopback, monkeypatch,
                                                                               template):
    server = loopback(script(reply(200, [])))
    port = server.url.rsplit(":", 1)[1]
    monkeypatch.setenv("CLEVER_TOKEN", TOKEN)
    monkeypatch.setenv("CLEVER_SECRET", SECRET)
    monkeypatch.setenv("API_HOST", template.format(port=port))
    with responses.RequestsMock(assert_all_requests_are_fired=False, passthru_prefixes=("http://127.0.0.1",)) as mk:
        result = run("webhooks", "--org", ORG_ID)
        assert len(mk.calls) == 0
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: API_HOST ") and "it must be an https:// URL" in result.stderr
    assert result.stderr.count("\n") == 1
    assert server.received == []


@pytest.mark.parametrize("api_host,sent_to", [
    ("HTTPS://API.Example.ORG:443/", "https://api.example.org"),
    ("https://api.example.org.:8443", "https://api.example.org.:8443"),
    ("https://[2001:DB8:0:0::1]", "https://[2001:db8::1]"),
    ("https://api.example.org/base/", "https://api.example.org/base"),
    ("https://bücher.example", None),  # an API host is written in its xn-- form
])
def test_the_request_goes_to_the_url_rebuilt_from_the_parse(monkeypatch, api_host, sent_to):
    from clever_notify.api.client import ApiClient
    from clever_notify.config.settings import load_settings
    from clever_notify.errors import ConfigError

    env = {"CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET, "API_HOST": api_host}
    client = ApiClient(load_settings(env))
    sent = []

    class Session:
        def get_adapter(self, url):
            import requests

            return requests.adapters.HTTPAdapter()

        def request(self, method, url, **kwargs):
            sent.append((method, url))
            raise RuntimeError("stop here")

    client.transport._session = Session()
    if sent_to is None:
        with pytest.raises(ConfigError, match="xn--|non-ASCII"):
            client.list_hooks("webhooks", ORG_ID)
        assert sent == []
        return
    with pytest.raises(RuntimeError):
        client.list_hooks("webhooks", ORG_ID)
    assert sent == [("GET", f"{sent_to}{HOOKS}")]


@pytest.mark.parametrize("host,loopback", [
    ("localhost", True), ("LocalHost", True), ("127.0.0.1", True), ("127.3.2.1", True), ("::1", True),
    ("[::1]", True), ("::ffff:127.0.0.1", True), ("0:0:0:0:0:0:0:1", True),
    ("sandbox.localhost", False), ("a.b.localhost", False), ("localhost.", False), ("localhost.example.org", False),
    ("127.0.0.1.nip.io", False), ("0.0.0.0", False), ("::", False), ("::ffff:10.0.0.1", False),
    ("128.0.0.1", False), ("10.0.0.1", False),
])
def test_loopback_is_what_a_host_is_not_how_it_is_spelled(host, loopback):
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize("api_host", ["http://sandbox.localhost:{port}", "http://api.localhost:{port}",
                                      "http://localhost.:{port}"])
def test_a_localhost_subdomain_never_gets_credentials_in_clear(run, loopback, monkeypatch, api_host):
    server = loopback(script(reply(200, [])))
    monkeypatch.setenv("CLEVER_TOKEN", TOKEN)
    monkeypatch.setenv("CLEVER_SECRET", SECRET)
    monkeypatch.setenv("API_HOST", api_host.format(port=server.url.rsplit(":", 1)[1]))
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 2
    assert "refusing to send your credentials over plain http" in result.stderr
    assert server.received == []


def test_an_ipv4_mapped_loopback_address_is_loopback(run, monkeypatch):
    monkeypatch.setenv("CLEVER_TOKEN", TOKEN)
    monkeypatch.setenv("CLEVER_SECRET", SECRET)
    monkeypatch.setenv("API_HOST", "http://[::ffff:127.0.0.1]:8765")
    with responses.RequestsMock() as mocked:
        mocked.get(f"http://[::ffff:7f00:1]:8765{HOOKS}", json=[])
        result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr


# --- the plain-http warning on webhook URLs uses the same parser ---------------------------------------


@pytest.mark.parametrize("url", [
    "http://evil.example\\@127.0.0.1/h",  # urlsplit's host is 127.0.0.1: no warning was printed
    "http://127.0.0.1\\@evil.example/h",
    "http://evil.example%2f@127.0.0.1/h",
    "http://a@b@127.0.0.1/h",
    "http://127.1/h",
    "http://0x7f000001/h",
    "http://[::1%25lo]/h",
    "http://ｌocalhost/h",
    "http://exa\u202emple.org/h",
    "https://example.org/h\u2028x",
    "https://example.org/\x1b[2Jh",
])
def test_webhook_urls_parsers_could_disagree_on_are_refused(url):
    with pytest.raises(InputError):
        params.check_webhook_url(url)


@pytest.mark.parametrize("url", ["http://app.localhost/h", "http://app.localhost:8080/h", "http://localhost./h"])
def test_plain_http_to_a_localhost_subdomain_gets_the_warning(url):
    assert params.check_webhook_url(url) == (url, f"warning: {url} is plain http; payloads would travel unencrypted.")


@pytest.mark.parametrize("url", ["http://[::ffff:127.0.0.1]:9/h", "http://127.0.0.2/h", "http://LOCALHOST:1/h"])
def test_plain_http_to_loopback_is_silent(url):
    assert params.check_webhook_url(url) == (url, None)


# --- sandbox serve --allow-remote on a wildcard address ------------------------------------------------


@pytest.mark.parametrize("wildcard", ["0.0.0.0", "::"])
def test_a_wildcard_listen_address_prints_an_export_line_that_names_a_real_address(wildcard):
    import ipaddress
    import socket

    from clever_notify.sandbox.serve import export_lines

    line, notes = export_lines(wildcard, 8765)
    assert line.startswith("export API_HOST=http://") and line.endswith(
        f" CLEVER_TOKEN={SANDBOX_TOKEN} CLEVER_SECRET={SANDBOX_SECRET}")
    host = line.split("API_HOST=http://", 1)[1].split(" ", 1)[0].rsplit(":", 1)[0].strip("[]")
    address = ipaddress.ip_address(host)
    assert not address.is_unspecified
    # an address of this machine: it can be bound (nothing listens; the socket is closed at once)
    with socket.socket(socket.AF_INET6 if address.version == 6 else socket.AF_INET) as probe:
        probe.bind((host, 0))
    assert any("every interface" in note for note in notes)
    if not address.is_loopback:
        assert any("sandbox's own credentials" in note for note in notes)


def test_the_printed_line_works_off_loopback_with_the_sandbox_credentials_only(run, monkeypatch):
    """The sandbox's fixed credentials are the opt-in for plain http off loopback; real ones stay refused."""
    monkeypatch.setenv("API_HOST", "http://192.0.2.10:8765")
    monkeypatch.setenv("CLEVER_TOKEN", SANDBOX_TOKEN)
    monkeypatch.setenv("CLEVER_SECRET", SANDBOX_SECRET)
    with responses.RequestsMock() as mocked:
        mocked.get(f"http://192.0.2.10:8765{HOOKS}", json=[])
        result = run("webhooks", "--org", ORG_ID, "-F", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == []
        assert SANDBOX_TOKEN in mocked.calls[0].request.headers["Authorization"]
    monkeypatch.setenv("CLEVER_SECRET", SECRET)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        result = run("webhooks", "--org", ORG_ID)
        assert len(mocked.calls) == 0
    assert result.exit_code == 2 and "refusing to send your credentials over plain http" in result.stderr
    monkeypatch.setenv("CLEVER_SECRET", SANDBOX_SECRET)
    monkeypatch.setenv("OAUTH_CONSUMER_SECRET", "a-private-consumer-secret")  # a real secret again: refused
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        assert run("webhooks", "--org", ORG_ID).exit_code == 2
        assert len(mocked.calls) == 0


@pytest.mark.parametrize("template", ["http://evil.invalid\\@127.0.0.1:{port}/h", "http://a@b@127.0.0.1:{port}/h",
                                      "http://127.1:{port}/h", "http://127.0.0.1:{port}/h\u202e"])
@responses.activate
def test_webhooks_test_sends_nothing_to_a_url_from_the_api_that_parsers_could_read_differently(run, creds,
                                                                                               template):
    from servers import LoopbackServer, webhook_receiver

    with LoopbackServer(webhook_receiver()) as receiver:
        url = template.format(port=receiver.url.rsplit(":", 1)[1])
        responses.get(f"https://api.test{HOOKS}", json=[
            {"id": "h1", "ownerId": ORG_ID, "urls": [{"format": "raw", "url": url}], "state": "ENABLED"}])
        result = run("webhooks", "test", "h1", "--org", ORG_ID)
        assert receiver.received == []
    assert result.exit_code == 1
    assert "not sent: webhook URL" in result.stdout


# --- property: whatever the strict parser accepts, the other parsers read the same way ---------------------


_AUTH_CHARS = st.sampled_from(list("abcXYZ019.-_:@[]%\\/?#") + ["127.0.0.1", "localhost", "::1", "0x7f", "é",
                                                                 "ｌ", "。", "\u200b", " ", "\t", "%2e", "@evil"])
_REST_CHARS = st.sampled_from(list("ab/._-?#=&%@\\:") + [" ", "\n", "\u202e", "é"])


def _same_host(host: str | None) -> str:
    """Another parser's host in the strict parser's normal form (lower case, compressed IPv6, xn--)."""
    import ipaddress

    import idna

    host = (host or "").strip("[]").lower()
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        return host if host.isascii() else idna.encode(host, uts46=True).decode()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["http://", "https://", "HTTP://", "http:/", "http:\\\\"]),
       st.lists(_AUTH_CHARS, max_size=8).map("".join), st.lists(_REST_CHARS, max_size=6).map("".join))
@example("http://", "evil.example\\@127.0.0.1", "/h")
@example("http://", "a@b@127.0.0.1", "")
@example("http://", "127.0.0.1:80", "/x")
def test_an_accepted_url_has_one_host_for_every_parser(scheme, authority, rest):
    from urllib.parse import urlsplit

    from urllib3.util import parse_url

    from clever_notify.guards.urls import BadUrl
    from clever_notify.guards.urls import parse_url as strict

    text = scheme + authority + rest
    try:
        parsed = strict(text, rest_allowed=True)
    except BadUrl:
        return
    default = {"http": 80, "https": 443}[parsed.scheme]
    split = urlsplit(text)
    assert _same_host(split.hostname) == parsed.host
    assert (split.port or default) == (parsed.port or default)
    u3 = parse_url(text)
    assert _same_host(u3.host) == parsed.host
    assert (u3.port or default) == (parsed.port or default)
    # and the URL rebuilt from the parse reads the same again
    again = strict(parsed.origin + parsed.rest, rest_allowed=True)
    assert (again.host, again.port) == (parsed.host, parsed.port)
