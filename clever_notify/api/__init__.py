"""Talking to the Clever Cloud API, in layers:

    client.py     ApiClient: endpoints, paths, error mapping, confirmation of ambiguous writes (confirm.py)
    transport.py  Transport: session, timeouts, retries, bounded reads, redaction; RecordingTransport
                  for every --dry-run
    api_host.py   which hosts may receive credentials

Import the modules themselves (`from clever_notify.api.client import ApiClient`): this file imports
nothing, so a command that needs only api_host does not load requests.
"""
