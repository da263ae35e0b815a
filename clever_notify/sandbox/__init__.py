"""A local emulator of the Clever Cloud API subset this tool uses.

This package's __init__ holds only constants, so `clever --help` and the root flag can name them
without importing werkzeug or sqlite3; app.py, store.py and deliver.py import those when used.
"""

# The sandbox has no real authentication: any OAuth header is accepted. These fixed values are what
# `clever --sandbox` sends and what `clever sandbox serve` prints; they are not secrets.
SANDBOX_TOKEN = "sandbox-token"
SANDBOX_SECRET = "sandbox-secret"
# Never contacted: `clever --sandbox` mounts an in-process transport for this host (.invalid is reserved).
SANDBOX_HOST = "http://sandbox.invalid"
