"""Settings of `clever --sandbox`: fixed sandbox credentials and a host that is answered in-process."""

from __future__ import annotations

from clever_notify.config.settings import DEFAULT_CONSUMER_KEY, DEFAULT_CONSUMER_SECRET, Credentials, Settings
from clever_notify.sandbox import SANDBOX_HOST, SANDBOX_SECRET, SANDBOX_TOKEN


def sandbox_settings() -> Settings:
    return Settings(
        api_host=SANDBOX_HOST,
        consumer_key=DEFAULT_CONSUMER_KEY,
        consumer_secret=DEFAULT_CONSUMER_SECRET,
        credentials=Credentials(SANDBOX_TOKEN, SANDBOX_SECRET),
        source="the sandbox (--sandbox)",
    )
