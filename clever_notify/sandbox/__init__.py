"""A local emulator of the Clever Cloud API subset this tool uses.

This package's __init__ holds only constants, so `clever --help` and the root flag can name them
without importing werkzeug or sqlite3; app.py, store.py and emit.py import those when used.
"""

from clever_notify.config.settings import SANDBOX_SECRET, SANDBOX_TOKEN  # noqa: F401  (the sandbox's login, named here too)

# Never contacted: `clever --sandbox` mounts an in-process transport for this host (.invalid is reserved).
SANDBOX_HOST = "http://sandbox.invalid"
