"""The URL checks' character classes (regular expressions, for speed) are the per-character definitions they
replace, on every code point; the host parser's cache answers what the parser answers."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clever_notify.guards import urls, values

EVERY_CHARACTER = [chr(c) for c in range(sys.maxunicode + 1)]


def test_whitespace_is_what_str_isspace_says_on_every_code_point():
    for pattern in (values.WHITESPACE_RE, urls._WHITESPACE):
        assert [ch for ch in EVERY_CHARACTER if pattern.search(ch)] == [ch for ch in EVERY_CHARACTER if ch.isspace()]


def test_ascii_visible_is_bang_to_tilde_on_every_code_point():
    assert [ch for ch in EVERY_CHARACTER if urls._is_ascii_visible(ch)] == \
           [ch for ch in EVERY_CHARACTER if "!" <= ch <= "~"]
    assert urls._is_ascii_visible("")
    assert not urls._is_ascii_visible("ab c") and not urls._is_ascii_visible("abc\n")


def _outcome(parse, host):
    try:
        return parse(host)
    except urls.BadUrl as exc:
        return ("refused", str(exc))


hosts = st.one_of(st.text(max_size=20), st.sampled_from(
    ["example.org", "EXAMPLE.org.", "127.0.0.1", "127.1", "0x7f.1", "[::1]", "[::1", "[fe80::1%eth0]", "bücher.de",
     "localhost", "LocalHost", "::1", "::ffff:127.0.0.2", "127.255.0.1", "[::ffff:127.0.0.1]",
     "straße.de", "a..b", "-a.org", "a_b.local", "", "%41.org"]))


@settings(max_examples=300, deadline=None)
@given(hosts)
def test_the_cached_host_checks_answer_what_the_checks_answer(host):
    for cached in (urls._parse_host, urls.is_loopback_host):
        expected = _outcome(cached.__wrapped__, host)
        assert _outcome(cached, host) == expected
        assert _outcome(cached, host) == expected  # asked again: from the cache, or refused again


@pytest.mark.parametrize("url", ["https://a.org/x\u00a0y", "https://a.org/x\u2028", "https://a.org/\x85",
                                 "https://a.org/\u200b", "https://a.org/é"])
def test_a_rest_with_odd_characters_is_judged_as_before(url):
    rest = url[len("https://a.org"):]
    refused = any(ch.isspace() or not ch.isprintable() for ch in rest)
    if refused:
        with pytest.raises(urls.BadUrl, match="space or a control"):
            urls.parse_url(url, rest_allowed=True)
    else:
        assert urls.parse_url(url, rest_allowed=True).rest == rest


# --- the usual https URL, matched at once (values.PLAIN_HTTPS_URL_RE), is one the steps accept unwarned -------

def _steps(value):
    """check_webhook_url read step by step, the shortcut never taken."""
    import re
    from unittest import mock

    with mock.patch.object(values, "PLAIN_HTTPS_URL_RE", re.compile(r"(?!)")):
        try:
            return values.check_webhook_url(value)
        except values.InputError as exc:
            return ("refused", str(exc))


def _answer(value):
    try:
        return values.check_webhook_url(value)
    except values.InputError as exc:
        return ("refused", str(exc))


@settings(max_examples=500, deadline=None)
@given(st.from_regex(values.PLAIN_HTTPS_URL_RE, fullmatch=True))
def test_every_url_the_shortcut_takes_is_accepted_unwarned_by_the_steps(url):
    assert _steps(url) == (url, None)


url_like = st.builds(lambda scheme, host, port, rest: f"{scheme}{host}{port}{rest}",
                     st.sampled_from(["https://", "http://", "HTTPS://", "https:/", "", " https://", "https://u@"]),
                     st.one_of(st.sampled_from(["example.org", "a-.org", "-a.org", "a..org", "127.0.0.1", "127.1",
                                                "0x7f", "a.0x1", "xn--bcher-kva.de", "bücher.de", "[::1]", "a_b",
                                                "a" * 64 + ".org", "org.", "1a.b2", "a.b-", ""]),
                               st.from_regex(r"[a-zA-Z0-9._%@\[\]:-]{0,20}", fullmatch=True)),
                     st.sampled_from(["", ":8443", ":443", ":0", ":x"]),
                     st.one_of(st.sampled_from(["", "/", "/a b", "/a\\b", "?q=1&r=2", "#f", "/é", "/\x7f", "/\u200b",
                                                "/%2e%2e", " ", "\t"]),
                               st.text(max_size=12)))


@settings(max_examples=1000, deadline=None)
@given(st.one_of(url_like, st.text(max_size=40)))
def test_check_webhook_url_answers_as_its_steps(value):
    assert _answer(value) == _steps(value)
