"""What a hook is, independent of I/O: its kinds, its fields, and the words and bodies derived from them.

    kinds.py           HookKind: WEBHOOKS, EMAILHOOKS, KINDS, kind_of()
    fields.py          FIELDS, the one table of fields (API key, option, shown as, writable, normalised, compared)
    words.py           a value in words (times, events, scopes, URLs, recipients, failures), terminal-safe
    describe.py        `show`, the listings' clever-tools JSON and their human blocks, from the table
    update.py          the body of a PUT (the hook as read, named fields changed) and update's diff
    default_emails.py  the "Default deployment result e-mails" operations
    plan.py            desired hooks (a file) vs actual hooks (the API) → ordered actions, as data

No click and no requests here; the API client (clever_notify/api/) and the CLI build on it.
"""
