"""One module per job, called by the command line and the Python API alike.

    webhook_state.py   `webhooks enable|disable`
    default_emails.py  the "Default deployment result e-mails": restrict, disable, restore
"""
