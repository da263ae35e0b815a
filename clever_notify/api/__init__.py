"""Talking to the Clever Cloud API, in layers:

    client.py         ApiClient: endpoints, paths, error mapping
    transport.py      Transport: session, timeouts, retries, bounded reads, redaction; RecordingTransport
                      for every --dry-run
    deadline.py       one wall-clock deadline per request, enforced where the bytes arrive
    bounded_reads.py  many independent reads over a bounded pool of threads

Import the modules themselves (`from clever_notify.api.client import ApiClient`): this file imports
nothing, so a command that needs only part of it does not load requests.
"""
