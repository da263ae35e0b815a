"""One module per job, called by the command line (cli/) and the Python API (facade.py) alike.

    session.py         what every job runs with: settings, one client, the linked app, the owner rules
    hooks.py           list, get, add, update, remove (either kind of hook); every owner's hooks
    health.py          `webhooks check`
    webhook_state.py   `webhooks enable|disable`
    sample_event.py    `webhooks test`: a sample event POSTed from this machine
    default_emails.py  the "Default deployment result e-mails": restrict, disable, restore
    notifications.py   notifications as code: read a file, plan, apply, export
    catalog.py         the API's event catalog (`events --live`)
"""
