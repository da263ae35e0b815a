"""Owners (your account and organisations) and their services, as /v2/summary names them.

    resolve.py   which owner a command acts on (id, name, `self`, the linked app), as clever-tools resolves it
    cache.py     organisation name → id cache
    services.py  --service / --only values turned into the ids a hook's scope holds
    sweep.py     `--all-owners`: every owner's hooks, read concurrently
"""
