"""Signatures of the requests `clever events listen --forward-to` sends: HMAC-SHA256 of the exact body.

A receiver computes the same HMAC with the secret `listen` printed (or was given) and compares it with
the header in constant time; see docs/clever-events.md for the few lines of Python it takes. The
platform itself signs nothing: this is the forwarder's own signature, for the receiver you build locally.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Clever-Notify-Signature"
PREFIX = "sha256="


def signature(secret: str, body: bytes) -> str:
    """The header's value: `sha256=` and the lower-case hex HMAC-SHA256 of `body` keyed with `secret`."""
    return PREFIX + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """What a receiver does: True when `header` is the signature of `body` with `secret`."""
    return bool(header) and hmac.compare_digest(signature(secret, body), header.strip())


def signer(secret: str):
    """Extra headers for a body: what clever_notify.delivery.post adds to each request it sends."""

    def headers(body: bytes) -> dict[str, str]:
        return {HEADER: signature(secret, body)}

    return headers
