"""What may enter and leave the tool: checked values, safe text, well-formed ids and URLs. No I/O.

    ids.py         what may go in a URL path (owner, service and hook ids)
    urls.py        the one strict URL parser: API_HOST and webhook URLs, where credentials may travel, loopback
    values.py      user values shared by the command line and the notifications file (webhook URL, notify target)
    timestamps.py  the one reading of the API's times
    sanitise.py    text from the API, a receiver or a file made safe for a terminal; strict JSON
"""
