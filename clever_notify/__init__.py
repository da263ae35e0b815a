"""clever-notify: manage Clever Cloud notification hooks (e-mails and webhooks)."""

__version__ = "0.1.0"
