"""A requests session that prepares each API call with only what this tool's calls use.

`Session.request` does per-call work the API client never needs: it builds and merges two cookie jars, looks
for a ~/.netrc entry (stat calls on every request), merges hooks and params, then after the answer parses
cookies again and builds the redirect generator. A plan reading 1,000 hook lists spent about 0.4 ms of CPU per
request there, as much as everything else of the request together.

`LeanSession.request` prepares the same request (the session's headers under the call's, the URL and body as
requests prepares them, the session's response hooks) and hands it to the mounted adapter, exactly where
`Session.send` would: the adapters (the deadline adapter, the in-process sandbox, a test's `responses` mock)
see what they saw before. Proxy and CA settings still come from `merge_environment_settings`. Cookies are not
kept: the API sets none, and a credential must be the only thing that authenticates a call. Any call using
what the lean path leaves out (params, cookies, files, json, redirects, session-wide auth) goes through
requests' own path unchanged.
"""

from __future__ import annotations

import functools


def adds_per_call(session) -> bool:
    """Whether `session` itself adds to each call what the lean paths leave out: params, auth, cookies."""
    return bool(session.params or session.auth or len(session.cookies))


def merged_headers(session, headers: dict | None):
    """The session's headers under the call's, checked as requests checks them (a CaseInsensitiveDict)."""
    from requests.models import PreparedRequest
    from requests.sessions import merge_setting
    from requests.structures import CaseInsensitiveDict

    prepared = PreparedRequest()
    prepared.prepare_headers(merge_setting(headers, session.headers, dict_class=CaseInsensitiveDict))
    return prepared.headers


@functools.cache
def lean_session_class():
    """Built on first use: importing requests costs time that `--help` must not pay."""
    import requests
    from requests.hooks import dispatch_hook
    from requests.models import PreparedRequest

    class LeanSession(requests.Session):
        def request(self, method, url, params=None, data=None, headers=None, cookies=None, files=None, auth=None,
                    timeout=None, allow_redirects=True, proxies=None, hooks=None, stream=None, verify=None,
                    cert=None, json=None):
            if params or cookies or files or json is not None or hooks or allow_redirects or adds_per_call(self):
                return super().request(method, url, params=params, data=data, headers=headers, cookies=cookies,
                                       files=files, auth=auth, timeout=timeout, allow_redirects=allow_redirects,
                                       proxies=proxies, hooks=hooks, stream=stream, verify=verify, cert=cert,
                                       json=json)
            prepared = PreparedRequest()
            prepared.prepare_method(method)
            prepared.prepare_url(url, None)
            prepared.headers = merged_headers(self, headers)
            prepared.prepare_body(data, None, None)
            prepared.prepare_auth(auth, prepared.url)
            prepared.prepare_hooks(self.hooks)
            settings = self.merge_environment_settings(prepared.url, proxies or {}, stream, verify, cert)
            adapter = self.get_adapter(url=prepared.url)
            response = adapter.send(prepared, timeout=timeout, **settings)
            response = dispatch_hook("response", prepared.hooks, response, timeout=timeout, **settings)
            if not settings.get("stream"):
                response.content  # noqa: B018 - read now, as requests does without stream=True
            return response

    return LeanSession


def lean_session():
    return lean_session_class()()
