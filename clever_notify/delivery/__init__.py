"""Events posted to receivers: shared by `webhooks test`, the sandbox's deliveries and `events listen`.

    payloads.py  events as the platform sends them, rendered in each webhook format
    post.py      POST one rendered event to one URL and report what happened (never raises for the receiver)
"""
