"""Notifications as code: a reviewed file of hooks, compared with the API and applied to it.

    source.py    the file read (YAML with safe loading, or JSON) into plain values, each value's line kept,
                 `${VAR}` expanded from the environment (and remembered, so output shows `${VAR}`)
    rules.py     the file's format, once: keys, types and value checks; validation and the JSON Schema use it
    desired.py   a read file checked against the rules → the desired hooks, or every problem located
    remote.py    owners and services resolved, each owner's two lists read concurrently (bounded pool)
    render.py    a plan in words and as JSON, variables masked
    execute.py   a plan's actions sent in order (creates, updates, deletes), each step reported
    export.py    the API's state written as a file, deterministically

The comparison itself (desired vs actual → ordered actions) is hooks/plan.py: pure data, no I/O.
No click here; cli/notifications.py parses options and prints.
"""
