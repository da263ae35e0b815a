"""Settings of `clever --sandbox`: fixed sandbox credentials and a host that is answered in-process."""

from __future__ import annotations

import os
from collections.abc import Mapping

from clever_notify.config.settings import DEFAULT_CONSUMER_KEY, DEFAULT_CONSUMER_SECRET, Credentials, Settings
from clever_notify.errors import InputError
from clever_notify.sandbox import SANDBOX_HOST, SANDBOX_SECRET, SANDBOX_TOKEN


def sandbox_settings() -> Settings:
    return Settings(
        api_host=SANDBOX_HOST,
        consumer_key=DEFAULT_CONSUMER_KEY,
        consumer_secret=DEFAULT_CONSUMER_SECRET,
        credentials=Credentials(SANDBOX_TOKEN, SANDBOX_SECRET),
        source="the sandbox (--sandbox)",
    )


def whole_number(name: str, *, default: int, low: int, high: int, expected: str,
                 env: Mapping[str, str] | None = None) -> int:
    """A sandbox setting read from the environment variable `name`: unset or blank → `default`; anything but a
    whole number from `low` to `high` → InputError (exit 2) saying what is `expected` (range included)."""
    env = os.environ if env is None else env
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise InputError(f"{name}={raw!r}: expected {expected}")
    return value
