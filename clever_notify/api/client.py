"""The Clever Cloud API's endpoints: paths and error mapping.

    client = ApiClient(settings, notice=print_to_stderr)          # or transport=RecordingTransport(…)
    client.list_hooks(kind, owner_id)             -> [hook, …]     (complete and well-formed, or an error)
    client.list_hooks(kind, owner_id, malformed=[]) -> the well-formed hooks; the others appended (listings only)
    client.create_hook(kind, owner_id, body)      -> the API's answer, as it came (JSON, or None)
    client.update_hook(kind, owner_id, hook_id, body) -> the API's answer, as it came (JSON, or None for a 204)
    client.delete_hook(kind, owner_id, hook_id)   -> the API's answer, as it came (None for a 204)
    client.get_self(), client.get_summary(), client.get_events_info()
    client.recording(send=False)                  -> a client whose changes are recorded (`--dry-run`)

`kind` is a HookKind (hooks/kinds.py) or its API path segment. Raises the project's exceptions
(errors.py), never requests'; a POST/PUT whose outcome no answer tells raises AmbiguousOutcome. Whether a
write was applied is not decided here: the one write path (writes/) sends through these methods, reads
back and confirms. Nothing above this module builds a URL or a header; nothing in it prints: notices go
to the `notice` callback (`tell`), and are kept in `notices` either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from clever_notify.api.transport import RecordingTransport, Transport, error_message
from clever_notify.config.settings import Settings
from clever_notify.errors import ApiError, InputError, NotAuthenticated, NotFound
from clever_notify.hooks.fields import shape_checker
from clever_notify.hooks.kinds import HookKind, kind_of

MAX_QUOTED = 150  # how much of an API's message is quoted in ours


@dataclass(frozen=True)
class Malformed:
    """An item of a hook list that is no usable hook: its place in the list and what is wrong (with its id when
    it has one), in hooks/fields.py `shape_checker`'s words."""

    index: int
    problem: str

    def __str__(self) -> str:
        return f"item {self.index} {self.problem}"


def _seg(value: str) -> str:
    """One path segment: only a well-formed id, checked here where every path is built (a last guard
    behind the checks of the command line and .clever.json)."""
    from clever_notify.guards.ids import is_well_formed_id

    if not is_well_formed_id(value):
        raise InputError(f"{str(value)[:80]!r} is not a well-formed id (letters, digits, `_` and `-`); "
                         "it is not put in a URL")
    return quote(value, safe="")


def hooks_path(kind: HookKind | str, owner_id: str, hook_id: str | None = None) -> str:
    """/v2/notifications/<kind>/<owner>[/<hook>], each segment escaped."""
    path = f"/v2/notifications/{kind_of(kind).path}/{_seg(owner_id)}"
    return path if hook_id is None else f"{path}/{_seg(hook_id)}"


class ApiClient:
    """Calls the API through one transport. Raises the project's exceptions, never requests'."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: Transport | RecordingTransport | None = None,
        session=None,
        log: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] | None = None,
        notice: Callable[[str], None] | None = None,
    ):
        self.settings = settings
        self.transport = transport or Transport(settings, session=session, log=log, sleep=sleep)
        self._notice = notice
        self.notices: list[str] = []
        self._summary: dict | None = None

    def __repr__(self) -> str:
        return f"ApiClient(api_host={self.settings.api_host!r})"

    def recording(self, *, send: bool) -> ApiClient:
        """The same client over a RecordingTransport: its `.transport.changes` lists the changes sent (or,
        with send=False, the ones a real run would send)."""
        return ApiClient(self.settings, transport=RecordingTransport(self.transport, send=send), notice=self._notice)

    def tell(self, line: str) -> None:
        """A message the user must see (not only with --verbose): handed to the CLI's callback."""
        line = self.transport.redact(line)
        self.notices.append(line)
        if self._notice:
            self._notice(line)

    def request(self, method: str, path: str, body: Any = None, *, not_found: str | None = None) -> Any:
        """One API call, its answer mapped: JSON (or None) on success, the project's exception otherwise."""
        return self._handle(self.transport.send(method, path, body), not_found)

    def _handle(self, response, not_found: str | None) -> Any:
        status = response.status_code
        if status == 401:
            raise NotAuthenticated(
                "the API refused the credentials (401): they may be expired or revoked. Set valid CLEVER_TOKEN and "
                f"CLEVER_SECRET, or run `clever login` from clever-tools (credentials from {self.settings.source})."
            )
        if status == 404:
            raise NotFound(not_found or f"not found: {error_message(response, self.transport.redact)}")
        if 300 <= status < 400:
            raise ApiError(
                f"the API answered a redirect ({status}); not followed, so the credentials stay here. "
                "Check API_HOST.", status=status,
            )
        if status >= 400:
            message = error_message(response, self.transport.redact)
            raise ApiError(f"the API answered {status}: {message}", status=status)
        if status == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            ctype = self.transport.redact(str(response.headers.get("Content-Type", "unknown type")))[:80]
            raise ApiError(
                f"the API answered {status} with a body that is not JSON ({ctype}).", status=status
            ) from None

    # --- endpoints -----------------------------------------------------------------------------------

    def get_self(self) -> dict:
        return self._expect(self.request("GET", "/v2/self"), dict, "/v2/self")

    def get_summary(self) -> dict:
        # Read once per client (one command): an --org name and --service names share one read.
        if self._summary is None:
            self._summary = self._expect(self.request("GET", "/v2/summary"), dict, "/v2/summary")
        return self._summary

    def list_hooks(self, kind: HookKind | str, owner_id: str, *,
                   malformed: list[Malformed] | None = None) -> list[dict]:
        """The owner's hooks. Anything but a complete JSON list of well-formed hooks (hooks/fields.py `shape`)
        is an error, never "no hooks": an empty body or a 204 is no list, and every decision reads lists.

        Only a read-only listing passes `malformed`: the items of a wrong shape are then appended to it and
        the well-formed ones returned, so one bad hook does not hide the others. Without it (everything that
        writes, or reads to decide a write) one such item refuses the whole list.

        A 404 is an empty list, as the official client reads it, but only for an owner the account knows
        (its own id or one of its organisations in /v2/summary, read only then): for any other owner it
        stays "owner not found", so a mistyped id is not reported as an owner without hooks (nor
        `default --disable` as "already off"). And never on one 404: the list is read once more, and only
        a second 404 is "no hooks" (an apply planned on one transient 404 would create every hook again;
        an owner that really has none still gets its first)."""
        kind = kind_of(kind)
        path = hooks_path(kind, owner_id)
        for tries in (1, 2):
            try:
                result = self.request("GET", path, not_found=f"owner {owner_id} not found")
                break
            except NotFound:
                if tries == 1 and not self._known_owner(owner_id):
                    raise
                if tries == 2:
                    self.transport.say(f"GET {path}: 404 twice for an owner of this account, read as no {kind.nouns}")
                    return []
                self.transport.say(f"GET {path}: 404 for an owner of this account, read again before it counts")
        what = f"unexpected answer from the API for GET {path}"
        if not isinstance(result, list):
            got = "an empty body" if result is None else f"a JSON {type(result).__name__}"
            raise ApiError(f"{what}: {got}, expected a JSON list of {kind.nouns}; nothing was changed.")
        good = []
        problem_of = shape_checker(kind)
        for n, hook in enumerate(result):
            wrong = problem_of(hook)
            if not wrong:
                good.append(hook)
            elif malformed is None:
                raise ApiError(f"{what}: item {n} {wrong}; refusing to act on it, nothing was changed.")
            else:
                malformed.append(Malformed(n, wrong))
        return good

    def _known_owner(self, owner_id: str) -> bool:
        summary = self.get_summary()
        user, organisations = summary.get("user"), summary.get("organisations")
        ids = {user.get("id")} if isinstance(user, dict) else set()
        if isinstance(organisations, list):
            ids.update(o.get("id") for o in organisations if isinstance(o, dict))
        return owner_id in ids

    def create_hook(self, kind: HookKind | str, owner_id: str, body: dict) -> Any:
        return self.request("POST", hooks_path(kind, owner_id), body, not_found=f"owner {owner_id} not found")

    def update_hook(self, kind: HookKind | str, owner_id: str, hook_id: str, body: dict) -> Any:
        kind = kind_of(kind)
        return self.request("PUT", hooks_path(kind, owner_id, hook_id), body,
                            not_found=_hook_not_found(kind, hook_id, owner_id))

    def delete_hook(self, kind: HookKind | str, owner_id: str, hook_id: str) -> Any:
        kind = kind_of(kind)
        return self.request("DELETE", hooks_path(kind, owner_id, hook_id),
                            not_found=_hook_not_found(kind, hook_id, owner_id))

    def get_events_info(self) -> dict:
        return self._expect(self.request("GET", "/v2/notifications/info/events"), dict, "events info")

    def get_webhook_formats(self) -> list:
        return self._expect(self.request("GET", "/v2/notifications/info/webhookformats"), list, "webhook formats")

    @staticmethod
    def _expect(value: Any, kind: type, what: str):
        if not isinstance(value, kind):
            raise ApiError(f"unexpected answer from the API for {what}: expected a JSON {kind.__name__}.")
        return value


def _hook_not_found(kind: HookKind, hook_id: str, owner_id: str) -> str:
    return f"{kind.noun} {hook_id} not found for {owner_id}"
