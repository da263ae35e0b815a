"""Where credentials may travel: https anywhere, plain http only to this machine (a local sandbox)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from clever_notify.errors import ConfigError


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1, `localhost` and `*.localhost` (RFC 6761 keeps those on this machine)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_api_host(api_host: str) -> None:
    """ConfigError (exit 2) unless credentials may be sent to `api_host`; called before any request."""
    try:
        parts = urlsplit(api_host)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"API_HOST {api_host!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"API_HOST must be an https:// URL with a host, got {api_host!r}")
    if scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigError(
            f"refusing to send your credentials over plain http to {parts.hostname}: anyone on the way could "
            "read them. Use https:// in API_HOST (plain http is allowed only for 127.0.0.1, ::1 or localhost, "
            "e.g. the local sandbox)."
        )
