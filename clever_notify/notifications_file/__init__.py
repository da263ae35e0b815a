"""The notifications file (`clever notifications export|plan|apply`): a reviewed file of hooks.

    source.py    the file read (YAML with safe loading, or JSON) into plain values, each value's line kept,
                 `${VAR}` expanded from the environment (and remembered, so output shows `${VAR}`)
    rules.py     the file's format, once: keys, types and value checks; validation and the JSON Schema use it
    desired.py   a read file checked against the rules → the desired hooks, or every problem located
    remote.py    owners and services resolved, each owner's two lists read concurrently (bounded pool)
    export.py    the API's state written as a file, deterministically

The comparison itself (desired vs actual → ordered actions) is hooks/plan.py: pure data, no I/O. A plan in
words is output/plan.py; its writes are run by writes/.
"""
