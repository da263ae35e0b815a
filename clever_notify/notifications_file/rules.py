"""The notifications file's format, written once: validation walks these rules and the JSON Schema is made of them.

A rule says what a value must be (a text checked by a function, a list, a mapping with known keys, or a
mapping of names chosen by the user) and how it is described. Checking a value returns it normalised
(event names upper-cased, formats lower-cased) or records a Problem at its path; every problem of the file
is collected, none stops the walk.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clever_notify.errors import InputError
from clever_notify.hooks import catalog
from clever_notify.notifications_file.source import Document, Path, Problem

INVALID: Any = object()  # a value that failed its rule; its problem is recorded

SCHEMA_ID = "https://clever-notify.invalid/notifications.schema.json"


@dataclass(frozen=True)
class Text:
    description: str
    check: Callable[[str], str] | None = None  # the value normalised, or InputError
    warn: Callable[[str], str | None] | None = None
    # what JSON Schema can say of the same check; a callable is asked only when the schema is written (so that
    # reading a file does not load what only the schema needs)
    schema: dict | Callable[[], dict] = field(default_factory=dict)


@dataclass(frozen=True)
class Integer:
    description: str
    allowed: tuple[int, ...]


@dataclass(frozen=True)
class Items:
    item: Any
    description: str
    min_items: int = 0
    empty_hint: str = ""  # why an empty list is refused


@dataclass(frozen=True)
class Key:
    name: str
    rule: Any
    required: bool = False


@dataclass(frozen=True)
class Keys:
    description: str
    keys: tuple[Key, ...]
    require_any: tuple[str, ...] = ()  # at least one of these keys

    def key(self, name: str) -> Key | None:
        return self._by_name.get(name)

    @functools.cached_property
    def _by_name(self) -> dict[str, Key]:  # asked for every key of every hook of the file
        return {k.name: k for k in self.keys}


@dataclass(frozen=True)
class Either:
    """A text, or a mapping that says what a text cannot (a recipient of a type this tool does not know)."""

    text: Text
    mapping: Keys


@dataclass(frozen=True)
class Unverified(Problem):
    """An event or format this tool's catalog lacks: a problem only if the API's own catalog lacks it too
    (an API newer than the tool). `catalog` is "events" or "formats"; `value` is the name as normalised."""

    catalog: str = ""
    value: str = ""


class NotInCatalog(InputError):
    def __init__(self, message: str, catalog: str, value: str):
        super().__init__(message)
        self.catalog = catalog
        self.value = value


@dataclass(frozen=True)
class Names:
    """A mapping whose keys the user chooses (owners), each value following `value`."""

    description: str
    value: Any
    key_description: str


# Keys people write from the API's or clever-tools' vocabulary, pointed at the file's own.
KEY_HINTS = {
    "emailhooks": "emails", "email_hooks": "emails", "notify-email": "emails", "email": "emails",
    "notified": "notify", "scope": "services", "service": "services", "event": "events", "url": "urls",
    "webhook": "webhooks", "hooks": "webhooks",
}


# A name is kept as written, even blank (the API may hold `''` or `'  '`): a blank name cannot identify a hook,
# so the file must give its `id:` too (desired.py checks that, with the other rules that span keys).


def _check_id(value: str) -> str:
    text = value.strip()
    if not text or "/" in text or any(ch.isspace() for ch in text) or set(text) == {"."}:
        raise InputError(f"invalid hook id {value!r}")
    return text


@functools.lru_cache(maxsize=1024)  # the same few values recur through a file
def _check_service(value: str) -> str:
    if not value.strip():
        raise InputError("empty service")
    if any(ch.isspace() and ch != " " for ch in value):
        raise InputError(f"service {value!r} contains a tab or line break")
    return value.strip()


_NAME_LIKE = re.compile(r"^[A-Za-z0-9_.-]+$")  # what could be a name in the API's catalog


@functools.lru_cache(maxsize=1024)  # the same few values recur through a file
def _check_event(value: str) -> str:
    try:
        return catalog.normalize_event(value)
    except InputError as exc:  # the catalog speaks of the command line's --event; here it is the `events` key
        message = str(exc).replace("leave --event out", "leave `events` out")
        name = value.strip().upper()
        if name and name != "ALL" and _NAME_LIKE.match(name):
            raise NotInCatalog(message, "events", name) from None
        raise InputError(message) from None


@functools.lru_cache(maxsize=1024)  # the same few values recur through a file
def _check_format(value: str) -> str:
    try:
        return catalog.normalize_format(value)
    except InputError as exc:
        name = value.strip().lower()
        if name and _NAME_LIKE.match(name):
            raise NotInCatalog(str(exc), "formats", name) from None
        raise


@functools.lru_cache(maxsize=1024)  # the same few values recur through a file
def _check_state(value: str) -> str:
    import re

    # Any word, upper-cased as the API writes it: a state the API adds later exports and plans as "no change";
    # only making a webhook ENABLED or DISABLED is possible (the plan refuses another change of state).
    if not re.fullmatch(r"[A-Za-z][A-Za-z_]*", value):
        raise InputError(f"invalid state {value!r}: ENABLED or DISABLED")
    return value.upper()


@functools.lru_cache(maxsize=8)
def _url_verdict(value: str) -> tuple[str, str | None]:
    """check_webhook_url once per URL: the rule's check and its warning both need it."""
    from clever_notify.guards.values import check_webhook_url

    return check_webhook_url(value)


def _check_url(value: str) -> str:
    _url_verdict(value)
    return value  # as written: a URL the API holds with a trailing space reads back as it is


@functools.lru_cache(maxsize=1024)  # the same few values recur through a file
def _check_word(value: str) -> str:
    if not value.strip():
        raise InputError("must not be empty")
    return value


@functools.lru_cache(maxsize=1024)  # the same few values recur through a file
def _check_scope_entry(value: str) -> str:
    if not value:
        raise InputError("must not be empty")
    return value


def _warn_url(value: str) -> str | None:
    return _url_verdict(value)[1]


def _warn_url_spaces(value: str) -> str | None:
    if value != value.strip():
        return f"warning: the URL {value!r} has leading or trailing spaces; they are sent as written"
    return _warn_url(value)


@functools.lru_cache(maxsize=1024)  # the same few values recur through a file
def _check_notify(value: str) -> str:
    from clever_notify.guards.values import parse_notify_target

    target = parse_notify_target(value)
    return target.get("target", target["type"])


NAME = Text("The hook's name: with the owner and the kind, what identifies it (a blank name needs the hook's `id`).")
HOOK_ID = Text("The API's id of the hook. Only to rename a hook in place, or to tell apart two hooks with one name.",
               _check_id, schema={"pattern": r"^[^/\s]+$"})
EVENTS = Items(
    Text("An event or meta-event (`clever events` lists them; one this tool does not know is checked against the "
         "API's catalog).", _check_event,
         schema={"anyOf": [{"enum": list(catalog.ALL_EVENT_NAMES)}, {"pattern": _NAME_LIKE.pattern}]}),
    "The events that trigger the hook. Absent: every event.",
    min_items=1, empty_hint="leave `events` out to be notified of every event",
)
SERVICES = Items(
    Either(Text("An application or add-on of the owner, by name or id.", _check_service, schema={"minLength": 1}),
           Keys("A scope entry exactly as the API holds it, never looked up by name (export writes one that no "
                "service's name or id would read back as).",
                (Key("id", Text("The entry as held.", _check_scope_entry, schema={"minLength": 1}), required=True),))),
    "The services the hook is restricted to. Absent: every service of the owner.",
    min_items=1, empty_hint="leave `services` out for every service of the owner",
)
URL = Keys("One receiver of the webhook.", (
    Key("url", Text("An absolute http(s) URL; `${VAR}` reads it from the environment.", _check_url, _warn_url_spaces,
                    schema={"pattern": r"^\s*(https?://|\$\{)"}), required=True),
    Key("format", Text(f"The body format. Default: {catalog.DEFAULT_WEBHOOK_FORMAT} (one this tool does not know is "
                       "checked against the API's list).", _check_format,
                       schema={"anyOf": [{"enum": list(catalog.WEBHOOK_FORMATS)}, {"pattern": _NAME_LIKE.pattern}]})),
))
WEBHOOK = Keys("A webhook: the API POSTs each matching event to its URLs.", (
    Key("id", HOOK_ID),
    Key("name", NAME),
    Key("urls", Items(URL, "Where the events are sent.", min_items=1,
                      empty_hint="a webhook needs at least one URL"), required=True),
    Key("events", EVENTS),
    Key("services", SERVICES),
    Key("state", Text("ENABLED or DISABLED. Absent: enabled. A webhook the platform disabled (it kept failing) "
                      "is then shown as a change by plan, and turned on again by apply.", _check_state,
                      schema={"pattern": "^[A-Za-z][A-Za-z_]*$", "examples": ["ENABLED", "DISABLED"]})),
), require_any=("name", "id"))
EMAIL = Keys("An e-mail notification.", (
    Key("id", HOOK_ID),
    Key("name", NAME),
    Key("notify", Items(
        Either(Text("An e-mail address, a user id (user_…) or `organisation` (every member).", _check_notify,
                    schema={"pattern": r"^([^@\s,]+@[^@\s,]+\.[^@\s,]+|user_[A-Za-z0-9-]+|[Oo][Rr][Gg][Aa][Nn][Ii][Ss]"
                                       r"[Aa][Tt][Ii][Oo][Nn])$"}),
               Keys("A recipient exactly as the API holds it, e.g. of a type this tool does not know.", (
                   Key("type", Text("The recipient's type, as the API spells it.", _check_word,
                                    schema={"minLength": 1}), required=True),
                   Key("target", Text("Its target, as the API holds it.")),
               ))),
        "Who receives the e-mails. Absent: the whole team, as the platform's default notification. "
        "`[]`: an empty list, as the API may hold one (nobody).",
    )),
    Key("events", EVENTS),
    Key("services", SERVICES),
), require_any=("name", "id"))
def _check_owner_name(value: str) -> str:
    if not value.strip():
        raise InputError("the owner's name must not be empty (leave `name` out)")
    return value


def _check_owner_id(value: str) -> str:
    from clever_notify.owners.resolve import is_owner_id

    if not is_owner_id(value.strip()):
        raise InputError(f"invalid owner id {value!r}: a user_… or orga_… id")
    return value.strip()


OWNER = Keys("The hooks of one owner. A kind left out is not managed: its hooks are kept even with --prune.", (
    Key("id", Text("The owner's id (user_… or orga_…): plan refuses the file if the owner named by the key is "
                   "another one (for `self`: if the credentials are another account's).", _check_owner_id,
                   schema={"pattern": "^(user|orga)_[0-9a-fA-F-]{36}$"})),
    Key("name", Text("The owner's name, as the API has it: plan refuses the file if the owner has another name "
                     "(a file written for one organisation, applied to another).", _check_owner_name,
                     schema={"minLength": 1})),
    Key("webhooks", Items(WEBHOOK, "The owner's webhooks. `[]` with --prune removes every webhook of the owner.")),
    Key("emails", Items(EMAIL, "The owner's e-mail notifications. `[]` with --prune removes them all.")),
))
def _check_ignore(value: str) -> str:
    from clever_notify.hooks.audit_rules import parse_ignore

    return str(parse_ignore(value))


def _ignore_pattern() -> str:
    from clever_notify.hooks.audit_rules import RULE_IDS

    return rf"^\s*({'|'.join(RULE_IDS)})\s*(:.*\S.*)?$"


AUDIT = Keys("What `clever notifications audit --file FILE` does not report: the team's reviewed exceptions.", (
    Key("ignore", Items(
        Text("A rule (`plain-http`) or a rule and where (`plain-http:CI trigger`: an owner, hook or service, by "
             "name or id).", _check_ignore, schema=lambda: {"pattern": _ignore_pattern()}),
        "Findings not reported (docs/audit.md lists the rules).")),
))
FILE = Keys("Clever Cloud notification hooks, as code (`clever notifications plan|apply`).", (
    Key("version", Integer("The format's version.", (1,)), required=True),
    Key("owners", Names("Hooks by owner.", OWNER,
                        "An organisation name or id (orga_…), a user id, or `self` for your own account."),
        required=True),
    Key("audit", AUDIT),
))


# --- checking ------------------------------------------------------------------------------------


def check(rule: Any, value: Any, path: Path, doc: Document, problems: list[Problem], warnings: list[Problem]) -> Any:
    """`value` normalised by `rule`, or INVALID with its problems recorded (every problem, not the first).

    What check_generic answers (its definition); most values are taken by the rule's fast walk (_fast), which
    hands what it does not take to check_generic."""
    try:
        return _fast(rule)(value, path, doc, problems, warnings)
    except _Slow:
        return check_generic(rule, value, path, doc, problems, warnings)


def check_generic(rule: Any, value: Any, path: Path, doc: Document, problems: list[Problem],
                  warnings: list[Problem]) -> Any:
    """The rules' meaning: `value` walked by `rule`, every problem recorded; the values inside it go to check."""

    def fail(message: str, at: Path = path, key: bool = False) -> Any:
        problems.append(Problem(at, doc.key_line(at) if key else doc.line(at), message))
        return INVALID

    if isinstance(rule, Text):
        if not isinstance(value, str):
            return fail(f"expected text, got {_type_name(value)}" + (" (quote it)" if _scalar(value) else ""))
        try:
            out = rule.check(value) if rule.check else value
        except NotInCatalog as exc:  # decided once the API's catalog is read (remote.py)
            problems.append(Unverified(path, doc.line(path), str(exc), exc.catalog, exc.value))
            return exc.value
        except InputError as exc:
            return fail(str(exc))
        if rule.warn and (warning := rule.warn(value)):
            warnings.append(Problem(path, doc.line(path), warning))
        return out
    if isinstance(rule, Either):
        return check(rule.mapping if isinstance(value, dict) else rule.text, value, path, doc, problems, warnings)
    if isinstance(rule, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or value not in rule.allowed:
            return fail(f"must be {' or '.join(map(str, rule.allowed))}, got {value!r}")
        return value
    if isinstance(rule, Items):
        if not isinstance(value, list):
            return fail(f"expected a list, got {_type_name(value)}")
        if len(value) < rule.min_items:
            return fail(f"the list is empty: {rule.empty_hint}" if rule.empty_hint else "the list is empty")
        out = [check(rule.item, item, path + (i,), doc, problems, warnings) for i, item in enumerate(value)]
        return INVALID if any(v is INVALID for v in out) else out
    if isinstance(rule, Names):
        if not isinstance(value, dict):
            return fail(f"expected a mapping of names, got {_type_name(value)}")
        out = {}
        for name, item in value.items():
            if not name.strip():
                fail("an empty name", path + (name,), key=True)
                continue
            out[name] = check(rule.value, item, path + (name,), doc, problems, warnings)
        return INVALID if any(v is INVALID for v in out.values()) else out
    if isinstance(rule, Keys):
        if value is None and not rule.require_any and not any(k.required for k in rule.keys):
            return {}
        if not isinstance(value, dict):
            return fail(f"expected a mapping with keys {', '.join(k.name for k in rule.keys)}, got {_type_name(value)}")
        out, bad = {}, False
        for name, item in value.items():
            key = rule.key(name)
            if key is None:
                fail(f"unknown key {name!r}{did_you_mean(name, [k.name for k in rule.keys])}", path + (name,), key=True)
                bad = True
                continue
            out[name] = check(key.rule, item, path + (name,), doc, problems, warnings)
            bad = bad or out[name] is INVALID
        for key in rule.keys:
            if key.required and key.name not in value:
                fail(f"`{key.name}` is required")
                bad = True
        if rule.require_any and not any(name in value for name in rule.require_any):
            fail(f"`{rule.require_any[0]}` is required (or {', '.join(f'`{n}`' for n in rule.require_any[1:])})")
            bad = True
        return INVALID if bad else out
    raise TypeError(f"not a rule: {rule!r}")  # pragma: no cover - a bug in the table above


# --- the fast walk ------------------------------------------------------------------------------------
# check_generic asks each value of a 20,000-hook file which kind of rule it meets, builds a closure and its
# messages' context, five times a hook. A rule's fast walk is made once: a function that takes the values
# that meet the rule as check_generic would (same value returned, same warnings recorded at the same place)
# and raises _Slow, having recorded nothing, for any other value. A list or mapping tries each value inside it
# that way and hands one that raised _Slow to check_generic, so a problem costs the generic walk of that
# value alone. tests/test_file_fast_paths.py compares the two walks on generated files.


class _Slow(Exception):
    """The value is not one the fast walk takes (a problem, or a type it does not expect): check_generic's."""


def _fast(rule: Any) -> Callable:
    fast = rule.__dict__.get("_fast_walk")
    if fast is None:
        # On the rule itself (rules are frozen, not all hashable): a rule's walk lives as long as the rule.
        fast = rule.__dict__["_fast_walk"] = _make_fast(rule)
    return fast


def _make_fast(rule: Any) -> Callable:
    if isinstance(rule, Text):
        return _fast_text(rule)
    if isinstance(rule, Either):
        mapping, text = _fast(rule.mapping), _fast(rule.text)

        def either(value, path, doc, problems, warnings):
            return (mapping if isinstance(value, dict) else text)(value, path, doc, problems, warnings)

        return either
    if isinstance(rule, Integer):
        allowed = rule.allowed

        def integer(value, path, doc, problems, warnings):
            if type(value) is not int or value not in allowed:  # (a bool is not an int here)
                raise _Slow
            return value

        return integer
    if isinstance(rule, Items):
        return _fast_items(rule)
    if isinstance(rule, Names):
        return _fast_names(rule)
    if isinstance(rule, Keys):
        return _fast_keys(rule)
    raise TypeError(f"not a rule: {rule!r}")  # pragma: no cover - a bug in the table above


def _fast_text(rule: Text) -> Callable:
    normalise, warn = rule.check, rule.warn
    if normalise is None and warn is None:
        def text(value, path, doc, problems, warnings):
            if type(value) is not str:
                raise _Slow
            return value

        return text

    def checked_text(value, path, doc, problems, warnings):
        if type(value) is not str:
            raise _Slow
        if normalise is None:
            out = value
        else:
            try:
                out = normalise(value)
            except InputError:  # NotInCatalog included: check_generic records either
                raise _Slow from None
        if warn is not None:
            warning = warn(value)
            if warning:
                warnings.append(Problem(path, doc.line(path), warning))
        return out

    return checked_text


_AS_IS: Any = object()  # _inline_text's answer for a text taken as written


def _inline_text(rule: Any) -> Callable[[str], Any] | None:
    """What checks a text value of `rule` in the loop of its list or mapping, without the call to its walk (most
    values of a file are texts: a name, an event, a format): its check, _AS_IS for a text taken as written, or
    None when the text needs its walk (a warning to record) or `rule` takes no text."""
    text = rule.text if isinstance(rule, Either) else rule
    if not isinstance(text, Text) or text.warn is not None:
        return None
    return text.check or _AS_IS


def _fast_items(rule: Items) -> Callable:
    item_rule, item, min_items = rule.item, _fast(rule.item), rule.min_items
    text_check = _inline_text(item_rule)

    def items(value, path, doc, problems, warnings):
        if type(value) is not list or len(value) < min_items:
            raise _Slow
        out, bad = None, False  # out: a new list from the first item the walk changed (most change none)
        for i, one in enumerate(value):
            try:
                if text_check is not None and type(one) is str:
                    checked = one if text_check is _AS_IS else text_check(one)
                else:
                    checked = item(one, path + (i,), doc, problems, warnings)
            except (_Slow, InputError):  # (InputError: NotInCatalog included, recorded by check_generic)
                checked = check_generic(item_rule, one, path + (i,), doc, problems, warnings)
            if out is None and checked is not one and not (type(one) is str and checked == one):
                out = value[:i]
            if out is not None:
                out.append(checked)
                bad = bad or checked is INVALID  # INVALID from the fast walk too: a value inside `one` was not taken
        return INVALID if bad else value if out is None else out

    return items


def _fast_names(rule: Names) -> Callable:
    value_rule, each = rule.value, _fast(rule.value)

    def names(value, path, doc, problems, warnings):
        if type(value) is not dict or not all(type(name) is str and name.strip() for name in value):
            raise _Slow  # a blank name is check_generic's problem, in its place among the others
        return _entries(value, lambda name: (value_rule, each, None), path, doc, problems, warnings)

    return names


def _fast_keys(rule: Keys) -> Callable:
    known = {key.name: (key.rule, _fast(key.rule), _inline_text(key.rule)) for key in rule.keys}
    required = {key.name for key in rule.keys if key.required}
    require_any = rule.require_any

    def keys(value, path, doc, problems, warnings):
        # Every key known, every required one there: check_generic would record nothing of the mapping's own.
        if type(value) is not dict or not value.keys() <= known.keys() or not value.keys() >= required \
                or (require_any and value.keys().isdisjoint(require_any)):
            raise _Slow
        return _entries(value, known.__getitem__, path, doc, problems, warnings)

    return keys


def _entries(value: dict, rules_of: Callable, path, doc, problems, warnings):
    """Each entry of a mapping by the fast walk of its rule (`rules_of(name)`: the rule, its fast walk and its
    _inline_text), or by check_generic where the fast walk declines it; the checked mapping, or INVALID when an
    entry is.

    The mapping itself when the walk changed none of its values (a text equal to the one read is not a change):
    the values read from the file are held by nothing else, and most of a file is already as the rules write it,
    so a file of 20,000 hooks is not copied once more."""
    out, bad = None, False
    for name, one in value.items():
        rule, fast, text_check = rules_of(name)
        try:
            if text_check is not None and type(one) is str:
                checked = one if text_check is _AS_IS else text_check(one)
            else:
                checked = fast(one, path + (name,), doc, problems, warnings)
        except (_Slow, InputError):
            checked = check_generic(rule, one, path + (name,), doc, problems, warnings)
        if checked is not one and not (type(one) is str and checked == one):
            if out is None:
                out = dict(value)
            out[name] = checked
            bad = bad or checked is INVALID
    return INVALID if bad else value if out is None else out


def did_you_mean(typed: str, allowed: list[str]) -> str:
    import difflib

    hint = KEY_HINTS.get(typed.lower())
    if hint not in allowed:
        close = difflib.get_close_matches(typed.lower(), allowed, n=1, cutoff=0.6)
        hint = close[0] if close else None
    if hint:
        return f"; did you mean {hint!r}?"
    return f"; expected one of: {', '.join(allowed)}"


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)


def _scalar(value: Any) -> bool:
    return isinstance(value, (int, float, bool)) or value is None


# --- JSON Schema ---------------------------------------------------------------------------------


def json_schema() -> dict:
    """The file's JSON Schema (draft 2020-12), for editors: made of the rules above, not written beside them."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "clever-notify notifications file", **_schema(FILE)}


def _schema(rule: Any) -> dict:
    if isinstance(rule, Either):
        return {"anyOf": [_schema(rule.text), _schema(rule.mapping)]}
    if isinstance(rule, Text):
        return {"type": "string", "description": rule.description,
                **(rule.schema() if callable(rule.schema) else rule.schema)}
    if isinstance(rule, Integer):
        return {"type": "integer", "description": rule.description, "enum": list(rule.allowed)}
    if isinstance(rule, Items):
        out = {"type": "array", "description": rule.description, "items": _schema(rule.item)}
        if rule.min_items:
            out["minItems"] = rule.min_items
        return out
    if isinstance(rule, Names):
        return {"type": "object", "description": rule.description,
                "propertyNames": {"minLength": 1, "description": rule.key_description},
                "additionalProperties": _schema(rule.value)}
    if isinstance(rule, Keys):
        out = {"type": "object", "description": rule.description,
               "properties": {k.name: _schema(k.rule) for k in rule.keys}, "additionalProperties": False}
        required = [k.name for k in rule.keys if k.required]
        if required:
            out["required"] = required
        if rule.require_any:
            out["anyOf"] = [{"required": [name]} for name in rule.require_any]
        elif not required:
            out["type"] = ["object", "null"]
        return out
    raise TypeError(f"not a rule: {rule!r}")  # pragma: no cover
