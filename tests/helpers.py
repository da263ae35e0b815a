"""What the tests share besides fixtures: ids, URLs, owner summaries, the two hook kinds, checks on requests.

Fixtures live in conftest.py; loopback servers in servers.py.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass

import responses

ORG_ID = "orga_3547a882-d464-4c34-8168-add4b3e0c135"
ORG2_ID = "orga_00000000-1111-4222-8333-444444444444"
USER_ID = "user_8c0b3c7a-9d3c-4d5a-8f5e-2a1f2b3c4d5e"
APP_ID = "app_9f2d6c1e-8b7a-4e3d-9c2b-1a0f9e8d7c6b"
API = "https://api.test"
TOKEN = "tok-SECRET-0123456789"
SECRET = "sec-SECRET-9876543210"
# clever-tools' public OAuth consumer pair, which the tool sends unless OAUTH_CONSUMER_* override it
CONSUMER_KEY = "T5nFjKeHH4AIlEveuGhB5S3xg8T19e"
CONSUMER_SECRET = "MgVMqTr6fWlf2M0tkC2MXOnhfqBWDT"
DEFAULT_NAME = "Default deployment result e-mails"

SUMMARY_URL = f"{API}/v2/summary"
SELF_URL = f"{API}/v2/self"


def oauth_header(token: str = TOKEN, secret: str = SECRET) -> str:
    """The Authorization header the tool sends for these credentials (PLAINTEXT signature)."""
    return (f'OAuth oauth_consumer_key="{CONSUMER_KEY}", oauth_token="{token}", '
            f'oauth_signature="{CONSUMER_SECRET}%26{secret}"')


AUTH_HEADER = oauth_header()


# --- the two hook kinds, for tests parametrized over them -----------------------------------------------


@dataclass(frozen=True)
class Kind:
    command: str  # the command group: `clever <command> …`
    segment: str  # in API paths: /v2/notifications/<segment>/<owner>
    noun: str  # in messages: "webhook h1 not found"
    add_args: tuple  # after `add NAME`: the kind's own required part
    fields: dict  # what add_args put in the body, between "name" and "scope" (clever-tools' order)

    def __str__(self) -> str:  # the test id: test_x[webhooks]
        return self.command

    def add(self, name: str = "n", *args: str) -> list[str]:
        """`<command> add NAME <own part> ARGS…`"""
        return [self.command, "add", name, *self.add_args, *args]

    def body(self, name: str = "n", scope: list | None = None, events: list | None = None) -> dict:
        """The body `add` sends, in clever-tools' key order."""
        return {"name": name, **self.fields, "scope": scope, "events": events}


WEBHOOKS = Kind("webhooks", "webhooks", "webhook", ("https://x.org/h",),
                {"urls": [{"format": "raw", "url": "https://x.org/h"}]})
EMAILHOOKS = Kind("notify-email", "emailhooks", "e-mail notification", ("--notify", "organisation"),
                  {"notified": [{"type": "organisation"}]})
KINDS = [WEBHOOKS, EMAILHOOKS]


def hooks_path(kind: Kind | str, owner: str = ORG_ID, hook_id: str | None = None) -> str:
    segment = kind.segment if isinstance(kind, Kind) else kind
    path = f"/v2/notifications/{segment}/{owner}"
    return f"{path}/{hook_id}" if hook_id is not None else path


def hooks_url(kind: Kind | str, owner: str = ORG_ID, hook_id: str | None = None) -> str:
    return API + hooks_path(kind, owner, hook_id)


# --- /v2/summary ----------------------------------------------------------------------------------------


def owner(owner_id: str, name: str, applications=(), addons=()) -> dict:
    """One owner of /v2/summary; applications and add-ons as (id, name) pairs or whole dicts."""

    def items(values):
        return [v if isinstance(v, dict) else {"id": v[0], "name": v[1]} for v in values]

    return {"id": owner_id, "name": name, "applications": items(applications), "addons": items(addons),
            "consumers": []}


def summary(*organisations: dict, user: dict | None = None) -> dict:
    return {"user": user or owner(USER_ID, "Me"), "organisations": list(organisations)}


# Acme (ORG_ID) with applications web, worker and api (APP_ID) and an add-on db; Twin (ORG2_ID), empty.
SUMMARY = summary(
    owner(ORG_ID, "Acme", [("app_a", "web"), ("app_b", "worker"), (APP_ID, "api")],
          [{"id": "addon_c", "realId": "postgresql_c", "name": "db"}]),
    owner(ORG2_ID, "Twin"),
)


# --- files --------------------------------------------------------------------------------------------------


def write(folder, text: str, name: str = "n.yml") -> str:
    """`text` (dedented) as the file `name` in `folder` (a notifications file, usually); its path."""
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return str(path)


# --- what was sent ----------------------------------------------------------------------------------------


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY = _NoBody()


def assert_sent(call, method: str, path: str, body=NO_BODY, *, auth: str | None = AUTH_HEADER,
                ordered: bool | None = None) -> None:
    """`call` (a `responses` call, or a request a servers.py server recorded) is exactly this request.

    `path` is a URL or a path under API. A JSON `body` must match in value, and for a POST (unless `ordered`
    says otherwise) in key order too: creations follow clever-tools' order. Without `body`, the request must
    have none. `auth=None`: no Authorization header at all.
    """
    if hasattr(call, "request"):  # responses
        request = call.request
        sent_method, url, headers, raw = request.method, request.url, request.headers, request.body
        expected_url = API + path if path.startswith("/") else path
    else:  # servers.Recorded
        sent_method, url, headers, raw = call.method, call.path, call.headers, call.body or None
        expected_url = path
    assert (sent_method, url) == (method, expected_url)
    if auth is None:
        assert "Authorization" not in headers
    else:
        assert headers["Authorization"] == auth
    if body is NO_BODY:
        assert raw is None
    else:
        sent = json.loads(raw)
        assert sent == body
        if isinstance(body, dict) and (ordered if ordered is not None else method == "POST"):
            assert list(sent) == list(body)  # key order too
        assert headers["Content-Type"] == "application/json"


def sent() -> list[tuple[str, str]]:
    """(method, URL) of every request `responses` saw, in order."""
    return [(c.request.method, c.request.url) for c in responses.calls]


def changes() -> list[tuple[str, str]]:
    """The requests that changed something (all but GETs), in the order they were sent."""
    return [(m, url) for m, url in sent() if m != "GET"]


def only_get(url: str) -> None:
    """The one request a command may send when it must change nothing: a GET of `url`."""
    assert len(responses.calls) == 1, sent()
    assert_sent(responses.calls[0], "GET", url)
