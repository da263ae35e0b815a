"""The sandbox API as a WSGI application (werkzeug routing and request parsing).

Answers like the real API for the subset this tool uses; errors are JSON objects with a message.
There is no real authentication: any OAuth header is accepted, anything else is a 401.
"""

from __future__ import annotations

import json
import sqlite3

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from clever_notify.errors import InputError
from clever_notify.guards.sanitise import strict_loads
from clever_notify.hooks import catalog
from clever_notify.sandbox import event_socket
from clever_notify.sandbox.store import Store
from clever_notify.sandbox.validate import BadBody, hook_body

MAX_BODY = 1024 * 1024

URLS = Map([
    Rule("/v2/self", endpoint="self", methods=["GET"]),
    Rule("/v2/summary", endpoint="summary", methods=["GET"]),
    Rule("/v2/organisations/<owner_id>", endpoint="organisation", methods=["GET"]),
    Rule("/v2/notifications/info/events", endpoint="events_info", methods=["GET"]),
    Rule("/v2/notifications/info/webhookformats", endpoint="formats_info", methods=["GET"]),
    Rule("/v2/notifications/<any(webhooks, emailhooks):kind>/<owner_id>", endpoint="hooks",
         methods=["GET", "POST"]),
    Rule("/v2/notifications/<any(webhooks, emailhooks):kind>/<owner_id>/<hook_id>", endpoint="hook",
         methods=["GET", "PUT", "DELETE"]),
], strict_slashes=False)


class ApiProblem(Exception):
    def __init__(self, status: int, message: str, code: int | None = None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


def json_response(value, status: int = 200) -> Response:
    return Response(json.dumps(value), status=status, mimetype="application/json")


def error_response(status: int, message: str, code: int | None = None) -> Response:
    # The real API's error shape: {"id": <number>, "message": ..., "type": "error"}
    return json_response({"id": code or status * 10, "message": message, "type": "error"}, status)


def is_oauth_header(value: str | None) -> bool:
    if not value or not value.startswith("OAuth "):
        return False
    return "oauth_token=" in value and "oauth_signature=" in value


class SandboxApp:
    def __init__(self, store: Store):
        import threading

        self.store = store
        self.stopping = threading.Event()  # set by `sandbox serve` on its way out: open event sockets close

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == event_socket.PATH:
            return self.on_event_socket(environ, start_response)
        request = Request(environ)
        request.max_content_length = MAX_BODY
        return self.dispatch(request)(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        adapter = URLS.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
            if not is_oauth_header(request.headers.get("Authorization")):
                return error_response(401, "Not authorized: send an OAuth Authorization header", 4010)
            return getattr(self, f"on_{endpoint}")(request, **args)
        except ApiProblem as exc:
            return error_response(exc.status, exc.message, exc.code)
        except HTTPException as exc:  # routing: 404 unknown path, 405 wrong method, 413 too large
            return error_response(exc.code or 500, exc.description or exc.name)
        except sqlite3.Error as exc:  # disk full, file removed under us: still an API-like answer
            return error_response(500, f"Sandbox database error: {exc}", 5000)
        except Exception as exc:  # noqa: BLE001 - a request this emulator did not foresee: a JSON 500, one line
            import sys

            print(f"sandbox: {request.method} {request.path!r} failed: {type(exc).__name__}", file=sys.stderr)
            return error_response(500, f"Sandbox internal error ({type(exc).__name__})", 5001)

    def on_event_socket(self, environ, start_response):
        """The event socket: the connection is served here, in this request's thread, until it ends."""
        if not event_socket.is_upgrade(environ):
            return error_response(426, "The event socket speaks WebSocket: send an Upgrade request", 4260)(
                environ, start_response)
        if "werkzeug.socket" not in environ:  # `clever --sandbox` in-process: there is no socket to hand over
            return error_response(501, "The event socket needs a served sandbox: run `clever sandbox serve`", 5010)(
                environ, start_response)
        try:
            heartbeat = event_socket.heartbeat_ms()
        except InputError as exc:
            return error_response(500, str(exc), 5002)(environ, start_response)
        if not event_socket.try_listen():
            return error_response(503, f"Too many event sockets open ({event_socket.MAX_LISTENERS})", 5030)(
                environ, start_response)
        try:
            event_socket.serve(self.store, environ, heartbeat=heartbeat, stopping=self.stopping)
        finally:
            event_socket.done()
        # The socket was ours from the upgrade on: werkzeug must not write an HTTP answer after it.
        raise ConnectionAbortedError("event socket closed")

    # --- helpers ---------------------------------------------------------------------------------

    def _owner(self, owner_id: str) -> dict:
        owner = self.store.owner(owner_id)
        if owner is None:
            raise ApiProblem(404, f"Owner {owner_id} not found", 4040)
        return owner

    @staticmethod
    def _body(request: Request):
        if request.mimetype and request.mimetype != "application/json":
            raise ApiProblem(415, f"Unsupported Content-Type {request.mimetype}: send application/json")
        raw = request.get_data(cache=False)
        try:  # also refuses NaN/Infinity and nesting too deep to follow (RecursionError, once a traceback)
            return strict_loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiProblem(400, f"Malformed JSON body: {exc}", 4000) from None

    def _valid(self, kind: str, request: Request) -> dict:
        try:
            return hook_body(kind, self._body(request))
        except BadBody as exc:
            raise ApiProblem(400, f"Invalid {kind[:-1]}: {exc}", 4001) from None

    @staticmethod
    def _hook_missing(kind: str, hook_id: str) -> ApiProblem:
        noun = "Webhook" if kind == "webhooks" else "E-mail hook"
        return ApiProblem(404, f"{noun} {hook_id} not found", 4041)

    # --- endpoints -------------------------------------------------------------------------------

    def on_self(self, request):
        return json_response(self.store.user())

    def on_summary(self, request):
        return json_response(self.store.summary())

    def on_organisation(self, request, owner_id):
        org = self.store.organisation(owner_id)
        if org is None:
            raise ApiProblem(404, f"Organisation {owner_id} not found", 4040)
        return json_response(org)

    def on_events_info(self, request):
        return json_response(catalog.as_api_answer())

    def on_formats_info(self, request):
        return json_response(list(catalog.WEBHOOK_FORMATS))

    def on_hooks(self, request, kind, owner_id):
        self._owner(owner_id)
        if request.method == "GET":
            return json_response(self.store.list_hooks(kind, owner_id))
        return json_response(self.store.create_hook(kind, owner_id, self._valid(kind, request)))

    def on_hook(self, request, kind, owner_id, hook_id):
        self._owner(owner_id)
        if request.method == "GET":
            hook = self.store.get_hook(kind, owner_id, hook_id)
        elif request.method == "PUT":
            hook = self.store.replace_hook(kind, owner_id, hook_id, self._valid(kind, request))
        else:
            if not self.store.delete_hook(kind, owner_id, hook_id):
                raise self._hook_missing(kind, hook_id)
            return Response(status=204)
        if hook is None:
            raise self._hook_missing(kind, hook_id)
        return json_response(hook)


def make_app(store: Store | None = None) -> SandboxApp:
    return SandboxApp(store or Store())
