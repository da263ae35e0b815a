"""Where credentials may travel: https anywhere, plain http only to this machine (a local sandbox).

A URL is parsed here once, by one strict parser, and the HTTP layer is given a URL rebuilt from what
this parser read, never the text the user typed. Anything two URL parsers could read differently
(a backslash, userinfo, percent-escapes or odd characters in the authority, whitespace, an IPv6 zone,
an IPv4 address spelled in octal, hex or fewer than four parts, non-ASCII host names) is refused
instead of guessed: the host that the loopback check approved is then the host that is connected to.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass

from clever_notify.errors import ConfigError, InputError

# One DNS label (letters, digits, inner hyphens; `_` is common in internal names and harmless).
_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")
_PORT = re.compile(r"[0-9]{1,5}")
# Only what a base path of an API needs; no dot segments (checked apart), no escapes, no query.
_BASE_PATH = re.compile(r"(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*")
# Characters that end the authority in some parser or other: `/` `?` `#` (everyone), `\` (WHATWG for
# http/https), `@` (userinfo, split at the first or the last one depending on the parser).
_AUTHORITY_END = re.compile(r"[/?#\\]")
_USERINFO = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:-]*")  # no %: a decoded %2f@ would move the host
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Character classes matched by re rather than one Python step per character (a file's 20,000 URLs are each
# parsed); tests/test_url_checks.py compares them with the per-character definitions on every code point.
_ASCII_VISIBLE = re.compile(r"[!-~]*")  # "!" <= ch <= "~"
_WHITESPACE = re.compile(r"\s")  # str.isspace


class BadUrl(ValueError):
    """Why a URL is refused, in words for the user."""


@dataclass(frozen=True)
class ParsedUrl:
    scheme: str  # "http" or "https", lower-case
    host: str  # lower-case name, dotted-quad IPv4, or compressed IPv6 without brackets
    port: int | None  # None: the scheme's default
    rest: str  # path (and query/fragment for a webhook URL) exactly as given; "" when absent

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)


def _is_ascii_visible(text: str) -> bool:
    return _ASCII_VISIBLE.fullmatch(text) is not None


@functools.lru_cache(maxsize=256)  # a file's URLs share a few hosts; the answer depends on the text alone
def _parse_host(host: str) -> str:
    if host.startswith("["):
        if not host.endswith("]"):
            raise BadUrl("has an IPv6 address without its closing bracket")
        inner = host[1:-1]
        if "%" in inner:
            raise BadUrl("has an IPv6 zone id (%…), which is not accepted")
        try:
            return ipaddress.IPv6Address(inner).compressed
        except ValueError:
            raise BadUrl(f"has an invalid host {host!r} (not an IPv6 address)") from None
    if not host:
        raise BadUrl("has no host")
    if "%" in host:
        raise BadUrl("has a percent-escape in its host, which is not accepted")
    if not host.isascii():
        host = _idn_to_ascii(host)
    labels = host.removesuffix(".").split(".")  # `example.org.` is fully qualified
    if not all(_LABEL.fullmatch(label) for label in labels):
        raise BadUrl(f"has an invalid host {host!r} (letters, digits, `-` and dots only)")
    # A name whose last label is numeric (127.1, 2130706433, 0x7f.1, 0177.0.0.1) is read as an IPv4
    # address by browsers and by inet_aton, in ways that differ: only the canonical dotted quad is accepted.
    last = labels[-1].lower()
    numeric = last.isdigit() or re.fullmatch(r"0x[0-9a-f]*", last)
    if numeric and not (len(labels) == 4 and all(lbl.isdigit() and str(int(lbl)) == lbl and int(lbl) < 256
                                                  for lbl in labels)):
        raise BadUrl(f"has an invalid host {host!r}: write an IPv4 address as four decimal numbers, e.g. 127.0.0.1")
    return host.lower()


def _idn_to_ascii(host: str) -> str:
    """A non-ASCII name in its xn-- form, when IDNA 2003 (Python's codec) and IDNA 2008 (the idna package
    requests uses) agree on it; names they map differently (ß, ς, fullwidth dots, joiners) are refused."""
    import idna

    refused = BadUrl(f"has an international host name {host!r} that URL parsers may read differently; "
                     "write it in its xn-- form")
    import unicodedata

    # Fullwidth letters and other compatibility forms are mapped silently by IDNA: a look-alike.
    if not all(ch.isalnum() or ch in ".-" for ch in host) or unicodedata.normalize("NFKC", host) != host:
        raise refused
    try:
        old = host.encode("idna").decode("ascii")
        new = idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except (UnicodeError, idna.IDNAError):
        raise refused from None
    if old.lower() != new.lower():
        raise refused
    return new


def parse_url(text: str, *, rest_allowed: bool) -> ParsedUrl:
    """`scheme://host[:port]` followed by a path (a base path when not `rest_allowed`); BadUrl otherwise."""
    return ParsedUrl(*_url_parts(text, rest_allowed))


def _url_parts(text: str, rest_allowed: bool) -> tuple[str, str, int | None, str]:
    """parse_url's reading as (scheme, host, port, rest)."""
    if not isinstance(text, str) or not text:
        raise BadUrl("is empty")
    scheme, sep, after = text.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in _DEFAULT_PORTS:
        raise BadUrl("must start with https:// (or http://)")
    match = _AUTHORITY_END.search(after)
    authority, rest = (after[:match.start()], after[match.start():]) if match else (after, "")
    if "\\" in text:
        raise BadUrl("contains a backslash, which URL parsers read differently")
    if not (_is_ascii_visible(authority) or (rest_allowed and authority.isprintable())):
        raise BadUrl("has a space, a control or a non-ASCII character in its host part")
    if "@" in authority:
        # A receiver may take a user and password (user:pw@host). Never for API_HOST (credentials go in the
        # Authorization header), and only one `@` with RFC 3986 userinfo characters: parsers split
        # `a@b@c` at different `@`s.
        userinfo, _, authority = authority.partition("@")
        if not rest_allowed or "@" in authority or not _USERINFO.fullmatch(userinfo):
            raise BadUrl("has a user name or password (user@host), which is not accepted here")
    if not rest.isprintable() or _WHITESPACE.search(rest):
        raise BadUrl("contains a space or a control character")
    if authority.startswith("["):
        end = authority.find("]")
        host, port_text = (authority, "") if end < 0 else (authority[:end + 1], authority[end + 1:])
    elif ":" in authority:
        host, _, digits = authority.rpartition(":")
        port_text = ":" + digits
    else:
        host, port_text = authority, ""
    if port_text and not port_text.startswith(":"):
        raise BadUrl(f"has an invalid port: unexpected {port_text!r} after the host")
    port = None
    if port_text:
        digits = port_text[1:]
        if not _PORT.fullmatch(digits) or not 0 < int(digits) < 65536:
            raise BadUrl(f"has an invalid port {digits!r}")
        port = int(digits)
        if port == _DEFAULT_PORTS[scheme]:
            port = None
    parsed_host = _parse_host(host)
    if not rest_allowed:
        base = rest.rstrip("/")
        if not _BASE_PATH.fullmatch(base) or any(seg in (".", "..") for seg in base.split("/")):
            raise BadUrl("may only have a plain path after the host (no query, fragment, escapes or dot segments)")
        rest = base
    return scheme, parsed_host, port, rest


@functools.lru_cache(maxsize=256)  # by the host's text alone; an http webhook file names a few hosts many times
def is_loopback_host(host: str) -> bool:
    """`localhost` and literal loopback addresses (127.0.0.0/8, ::1, ::ffff:127.x.y.z), by what they are.

    A `*.localhost` name is not: RFC 6761 asks resolvers to keep it local, but nothing makes every
    resolver on the way (a corporate DNS, a hosts file) obey, so it may resolve anywhere.
    """
    host = host.lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def parse_api_host(api_host: str) -> ParsedUrl:
    """API_HOST as parsed once; ConfigError (exit 2) when it is not a URL this tool can trust."""
    try:
        return parse_url(api_host, rest_allowed=False)
    except BadUrl as exc:
        raise ConfigError(f"API_HOST {api_host!r} {exc}; it must be an https:// URL such as "
                          "https://api.clever-cloud.com") from None


def check_api_host(api_host: str, *, plain_http_ok: bool = False) -> ParsedUrl:
    """The parsed API_HOST when credentials may be sent there (ConfigError otherwise); called before any request.

    `plain_http_ok`: the credentials are the sandbox's fixed, published values, so nothing secret can
    be read on the way (the opt-in `clever sandbox serve --allow-remote` prints).
    """
    parsed = parse_api_host(api_host)
    if parsed.scheme == "http" and not parsed.is_loopback and not plain_http_ok:
        raise ConfigError(
            f"refusing to send your credentials over plain http to {parsed.host}: anyone on the way could "
            "read them. Use https:// in API_HOST (plain http is allowed only for 127.0.0.1, ::1 or localhost, "
            "e.g. the local sandbox, or with the sandbox's own credentials)."
        )
    return parsed


def check_webhook_host(url: str) -> ParsedUrl:
    """A webhook URL read by the same parser; InputError (exit 2) for what parsers could disagree on."""
    return ParsedUrl(*webhook_url_parts(url))


def webhook_url_parts(url: str) -> tuple[str, str, int | None, str]:
    """check_webhook_host's reading as (scheme, host, port, rest): a file's 20,000 URLs are checked without a
    ParsedUrl each."""
    try:
        return _url_parts(url, True)
    except BadUrl as exc:
        raise InputError(f"webhook URL {exc}: {url!r}") from None
