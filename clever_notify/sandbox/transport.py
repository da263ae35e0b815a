"""A requests transport that answers from the sandbox WSGI app in-process: `clever --sandbox` needs no server.

Requests to SANDBOX_HOST never touch the network; werkzeug's test client runs the app and its answer
is turned into a requests.Response, so ApiClient's error handling and logging work unchanged.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import Client

from clever_notify.sandbox import SANDBOX_HOST


class WsgiAdapter(BaseAdapter):
    def __init__(self, app):
        super().__init__()
        self.client = Client(app)

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        answer = self.client.open(
            path=parts.path, query_string=parts.query, method=request.method,
            headers=list(request.headers.items()), data=body or b"",
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.status.split(" ", 1)[-1]
        response.headers = CaseInsensitiveDict(answer.headers.items())
        response._content = answer.get_data()
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        answer.close()
        return response

    def close(self):
        pass


def sandbox_session(app=None):
    """The ApiClient session of `clever --sandbox`: the usual headers, SANDBOX_HOST answered in-process."""
    from clever_notify.api.transport import make_session
    from clever_notify.sandbox.app import make_app

    session = make_session()
    session.mount(SANDBOX_HOST + "/", WsgiAdapter(app or make_app()))
    return session
