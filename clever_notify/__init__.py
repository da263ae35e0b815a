"""clever-notify: manage Clever Cloud notification hooks (e-mails and webhooks).

The Python API (docs/python-api.md): `from clever_notify import Notifications`. Its names are imported on
first use, so `clever --help` does not pay for them.
"""

__version__ = "0.1.0"

# public name -> module holding it (facade.py is the Python API; the rest are the types it returns)
_PUBLIC = {
    "Notifications": "clever_notify.facade",
    "Webhook": "clever_notify.hooks.typed",
    "EmailHook": "clever_notify.hooks.typed",
    "WebhookUrl": "clever_notify.hooks.typed",
    "Recipient": "clever_notify.hooks.typed",
    "Owner": "clever_notify.owners.summary",
    "Service": "clever_notify.owners.summary",
    "Finding": "clever_notify.hooks.audit_rules",
    "AuditResult": "clever_notify.operations.audit",
    "ListenedEvent": "clever_notify.operations.listen",
    "Forwarded": "clever_notify.operations.listen",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'clever_notify' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
