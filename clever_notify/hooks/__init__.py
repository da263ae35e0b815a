"""What a hook is, independent of I/O: its kinds, its fields, and the words and bodies derived from them.

    kinds.py      HookKind: WEBHOOKS, EMAILHOOKS, KINDS, kind_of()
    fields.py     FIELDS, the one table of fields (API key, option, shown as, writable, normalised, compared)
    catalog.py    events, meta-events and webhook formats (the only module that spells event names)
    words.py      a value in words (times, events, scopes, URLs, recipients, failures), terminal-safe
    describe.py   `show`, the listings' clever-tools JSON and their human blocks, from the table
    update.py     the body of a PUT (the hook as read, named fields changed) and update's diff
    health.py     a webhook's health classified from its state and recent failures
    plan.py       desired hooks (a file) vs actual hooks (the API) → ordered actions, as data

No click, no requests, no files and no sockets here (tests/test_layering.py holds it to that).
"""
