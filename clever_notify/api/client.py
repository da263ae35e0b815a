"""The Clever Cloud API's endpoints: paths, error mapping, and confirmation of ambiguous writes.

    client = ApiClient(settings, notice=print_to_stderr)          # or transport=RecordingTransport(…)
    client.list_hooks(kind, owner_id)             -> [hook, …]     (complete and well-formed, or an error)
    client.list_hooks(kind, owner_id, malformed=[]) -> the well-formed hooks; the others appended (listings only)
    client.create_hook(kind, owner_id, body)      -> the created hook (with an id, or an error)
    client.update_hook(kind, owner_id, hook_id, body) -> the hook as the API answered it ({} for a 204)
    client.delete_hook(kind, owner_id, hook_id)
    client.get_self(), client.get_summary(), client.get_events_info()
    client.recording(send=False)                  -> a client whose changes are recorded (`--dry-run`)

`kind` is a HookKind (hooks/kinds.py) or its API path segment. Raises the project's exceptions
(errors.py), never requests'. Nothing above this module builds a URL or a header; nothing in it prints:
notices (a write confirmed after an ambiguous failure) go to the `notice` callback, and are kept in
`notices` either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from clever_notify.api import confirm
from clever_notify.api.transport import AmbiguousOutcome, RecordingTransport, Transport, error_message
from clever_notify.config.settings import Settings
from clever_notify.errors import ApiError, InputError, NotAuthenticated, NotFound
from clever_notify.hooks.fields import shape_problem
from clever_notify.hooks.kinds import HookKind, kind_of

MAX_QUOTED = 150  # how much of an API's message is quoted in ours


@dataclass(frozen=True)
class Malformed:
    """An item of a hook list that is no usable hook: its place in the list and what is wrong (with its id when
    it has one), in hooks/fields.py `shape_problem`'s words."""

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

    def _tell(self, line: str) -> None:
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
            raise NotFound(not_found or f"not found: {error_message(response, self.settings.secrets())}")
        if 300 <= status < 400:
            raise ApiError(
                f"the API answered a redirect ({status}); not followed, so the credentials stay here. "
                "Check API_HOST.", status=status,
            )
        if status >= 400:
            message = error_message(response, self.settings.secrets())
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
        `default --disable` as "already off")."""
        kind = kind_of(kind)
        path = hooks_path(kind, owner_id)
        try:
            result = self.request("GET", path, not_found=f"owner {owner_id} not found")
        except NotFound:
            if not self._known_owner(owner_id):
                raise
            self.transport.say(f"GET {path}: 404 for an owner of this account, read as no {kind.nouns}")
            return []
        what = f"unexpected answer from the API for GET {path}"
        if not isinstance(result, list):
            got = "an empty body" if result is None else f"a JSON {type(result).__name__}"
            raise ApiError(f"{what}: {got}, expected a JSON list of {kind.nouns}; nothing was changed.")
        good = []
        for n, hook in enumerate(result):
            wrong = shape_problem(kind, hook)
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

    def create_hook(self, kind: HookKind | str, owner_id: str, body: dict) -> dict:
        kind = kind_of(kind)
        path = hooks_path(kind, owner_id)
        sent_at = time.monotonic()
        result = self._confirmed(
            kind, owner_id, body, "created",
            send=lambda: self.request("POST", path, body, not_found=f"owner {owner_id} not found"),
            lookup=lambda hooks: confirm.find_sent(body, hooks, not_before_ms=self._not_before(body, hooks, sent_at)),
        )
        return self._expect_created(kind, result, body)

    def _not_before(self, body: dict, hooks: list[dict], sent_at: float) -> float | None:
        """The API's clock (epoch ms) when our POST went out, at monotonic `sent_at`: a hook like ours that
        the API dated earlier is an older twin, not ours. Read from the Date header of the API's last answer,
        never from our own clock, which may be off by hours. None when no listed match is dated."""
        if not any(confirm.same_hook(body, h) and confirm.created_ms(h) is not None for h in hooks):
            return None
        clock = getattr(self.transport, "api_clock", None)
        if clock is None:
            raise ApiError("the API's answers carry no Date header, so the hook just sent cannot be told apart "
                           "from an older one just like it")
        api_then, seen_at = clock
        return (api_then - (seen_at - sent_at) - confirm.DATE_SLACK_S) * 1000

    def _expect_created(self, kind: HookKind, result: Any, body: dict) -> dict:
        """The created hook. An answer without a hook id (`{}`, an id that is null or not a string, an error
        object answered 200) is a failed create: nothing may be built on it, nothing deleted after it."""
        hook_id = result.get("id") if isinstance(result, dict) else None
        if isinstance(hook_id, str) and hook_id.strip():
            return result
        if isinstance(self.transport, RecordingTransport) and not self.transport.sending:
            return result  # a dry run's create, not sent: no id yet
        said = ""
        if isinstance(result, dict):
            words = next((result[k] for k in ("message", "error") if isinstance(result.get(k), str)), "")
            if words.strip():
                said = f" (it said: {self.transport.redact(' '.join(words.split()))[:MAX_QUOTED]})"
        raise ApiError(
            f"the API answered the create of the {kind.noun} {body.get('name')!r} with no hook id{said}: counted "
            f"as failed; it may or may not exist, list the {kind.nouns} before trying again."
        )

    def update_hook(self, kind: HookKind | str, owner_id: str, hook_id: str, body: dict) -> dict:
        kind = kind_of(kind)
        path = hooks_path(kind, owner_id, hook_id)
        result = self._confirmed(
            kind, owner_id, body, "updated",
            send=lambda: self.request("PUT", path, body, not_found=_hook_not_found(kind, hook_id, owner_id)),
            lookup=confirm.updated(hook_id, body),
        )
        if result is None:  # 204 or an empty 200: the change is applied, the API just says nothing more
            return {}
        return self._expect_hook(result, "PUT " + path)

    def delete_hook(self, kind: HookKind | str, owner_id: str, hook_id: str) -> None:
        kind = kind_of(kind)
        self.request("DELETE", hooks_path(kind, owner_id, hook_id), not_found=_hook_not_found(kind, hook_id, owner_id))

    def get_events_info(self) -> dict:
        return self._expect(self.request("GET", "/v2/notifications/info/events"), dict, "events info")

    def get_webhook_formats(self) -> list:
        return self._expect(self.request("GET", "/v2/notifications/info/webhookformats"), list, "webhook formats")

    def _confirmed(self, kind: HookKind, owner_id: str, body: dict, done: str, *, send, lookup):
        return confirm.confirm_or_resend(
            send, lambda: self.list_hooks(kind, owner_id), lookup,
            kind=kind, name=body.get("name"), done=done, notice=self._tell, ambiguous=AmbiguousOutcome,
        )

    @staticmethod
    def _expect_hook(result: Any, what: str) -> dict:
        if not isinstance(result, dict):
            raise ApiError(
                f"unexpected answer from the API for {what}: expected a JSON object; "
                "list the hooks to see whether the change was applied."
            )
        return result

    @staticmethod
    def _expect(value: Any, kind: type, what: str):
        if not isinstance(value, kind):
            raise ApiError(f"unexpected answer from the API for {what}: expected a JSON {kind.__name__}.")
        return value


def _hook_not_found(kind: HookKind, hook_id: str, owner_id: str) -> str:
    return f"{kind.noun} {hook_id} not found for {owner_id}"
