"""The rules of `clever notifications audit`, as data: each one an id, a severity, what it finds and why it
matters, and a check from one owner's hooks (as read) to its findings. No I/O.

    from clever_notify.hooks.audit_rules import RULES, audit, parse_ignore
    findings = audit(owners, known=every_owner_by_id, now_ms=…, window_ms=…, ignore=[parse_ignore("plain-http")])

Adding a rule: write its check below, add it to RULES, and add its case and clean twin to
tests/test_audit_rules.py. docs/audit.md, `--help`, `--ignore`'s choices, the JSON Schema of the
notifications file's `audit.ignore` and the JUnit report all read RULES.

A fix is a command as argv words after the program (`("webhooks", "enable", ID, "--org", OWNER)`); a fix
of several commands runs them in order, creates first and deletes last. The CLI adds the program name,
--sandbox and shell quoting.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from clever_notify.errors import InputError
from clever_notify.guards.values import EMAIL_RE, USER_ID_RE
from clever_notify.hooks import catalog, health

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)  # worst first

WEBHOOKS = "webhooks"
EMAILHOOKS = "emailhooks"
COMMAND = {WEBHOOKS: "webhooks", EMAILHOOKS: "notify-email"}  # the command group of each kind
NOUN = {WEBHOOKS: "webhook", EMAILHOOKS: "e-mail notification"}

WATCHED_EVENT = "DEPLOYMENT_FAIL"  # what uncovered-app asks of a hook

Command = tuple[str, ...]


# --- what the rules read ------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    is_app: bool  # an application (deploys); else an add-on
    real_id: str | None = None  # an add-on's provider-side id, which a scope may hold instead

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})" if self.name else self.id


@dataclass(frozen=True)
class Owner:
    id: str
    name: str
    is_user: bool = False
    services: tuple[Service, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})" if self.name and self.name != self.id else self.id

    def service(self, ref: object) -> Service | None:
        """The service a scope entry names: by id, or by an add-on's real id."""
        return next((s for s in self.services if ref in (s.id, s.real_id)), None)


@dataclass
class OwnerHooks:
    """One audited owner's two lists, as read. `complete`: every hook was readable (none of a wrong shape),
    so "no hook covers this application" can be said."""

    owner: Owner
    webhooks: list[dict] = field(default_factory=list)
    emailhooks: list[dict] = field(default_factory=list)
    complete: bool = True

    def hooks(self) -> Iterator[tuple[str, dict]]:
        yield from ((WEBHOOKS, h) for h in self.webhooks)
        yield from ((EMAILHOOKS, h) for h in self.emailhooks)


@dataclass(frozen=True)
class Context:
    known: dict[str, Owner]  # every owner of /v2/summary by id, audited or not: where a foreign scope entry lives
    now_ms: int
    window_ms: int = health.DEFAULT_WINDOW_MS
    owner_of: dict[str, Owner] = field(default_factory=dict)  # a service's id (or real id) → its owner

    def __post_init__(self):
        if not self.owner_of:
            for owner in self.known.values():
                for s in owner.services:
                    for ref in (s.id, s.real_id):
                        if ref is not None:
                            self.owner_of.setdefault(ref, owner)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    owner_id: str
    owner_name: str
    message: str  # one sentence
    hook_kind: str | None = None  # WEBHOOKS | EMAILHOOKS
    hook_id: str | None = None
    hook_name: str | None = None
    service_id: str | None = None
    service_name: str | None = None
    fix: tuple[Command, ...] = ()  # commands to run in order; () when no command fixes it

    @property
    def subject(self) -> str:
        """What the finding is about, in words: the hook, else the service."""
        if self.hook_id is not None:
            return f"{NOUN.get(self.hook_kind or '', 'hook')} {_quoted(self.hook_name)}({self.hook_id})"
        if self.service_id is not None:
            return f"{self.service_name} ({self.service_id})" if self.service_name else self.service_id
        return self.owner_id

    def as_json(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "ownerId": self.owner_id, "ownerName": self.owner_name,
                "hookKind": self.hook_kind, "hookId": self.hook_id, "hookName": self.hook_name,
                "serviceId": self.service_id, "serviceName": self.service_name, "message": self.message,
                "fix": [list(c) for c in self.fix]}


def _quoted(name: str | None) -> str:
    return f'"{name}" ' if name else ""


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    finds: str  # what it finds, one line (help, docs)
    why: str  # why it matters (docs/audit.md)
    remedy: str  # the fix the finding carries, in words (docs/audit.md)
    check: Callable[[OwnerHooks, Context], Iterable[Finding]]


# --- reading a hook -----------------------------------------------------------------------------


def _is_enabled(hook: dict) -> bool:
    """Delivers at all: no `state`, or ENABLED. DISABLED and any state this tool does not know do not count."""
    if "state" not in hook or hook.get("state") is None:
        return True
    state = hook["state"]
    return isinstance(state, str) and state.upper() == "ENABLED"


def _events(hook: dict) -> set[str] | None:
    """The concrete events it fires for (meta-events expanded); None for every event."""
    events = hook.get("events")
    if not events:
        return None
    return catalog.expand([e for e in events if isinstance(e, str)]) or set()


def _scope(hook: dict) -> list[str] | None:
    """The scope entries; None when it covers every service of its owner (no scope, or an empty one)."""
    scope = hook.get("scope")
    if not scope or not isinstance(scope, list):
        return None
    return [s if isinstance(s, str) else repr(s) for s in scope]


def _urls(hook: dict) -> list[tuple[str, str]]:
    """(url, format) of each receiver; a receiver without a format gets the API's default."""
    out = []
    for u in hook.get("urls") or []:
        if isinstance(u, dict) and isinstance(u.get("url"), str) and u["url"].strip():
            fmt = u.get("format") if isinstance(u.get("format"), str) else catalog.DEFAULT_WEBHOOK_FORMAT
            out.append((u["url"].strip(), fmt))
    return out


@dataclass(frozen=True)
class Recipients:
    valid: frozenset[str]  # "organisation", "user_…", or lower-cased addresses
    invalid: tuple[str, ...]  # entries that cannot receive (an empty or malformed address or user id)
    unknown: tuple[str, ...]  # types this tool does not know: nothing proves they receive


def recipients(hook: dict) -> Recipients:
    """Who an e-mail notification reaches. No `notified` (or an empty list) is the whole team, as the API and
    clever-tools read it."""
    notified = hook.get("notified")
    if not notified:
        return Recipients(frozenset({"organisation"}), (), ())
    valid, invalid, unknown = set(), [], []
    for entry in notified if isinstance(notified, list) else [notified]:
        kind = entry.get("type") if isinstance(entry, dict) else None
        target = entry.get("target") if isinstance(entry, dict) else None
        if kind == "organisation":
            valid.add("organisation")
        elif kind == "email":
            parts = [p.strip() for p in target.split(",")] if isinstance(target, str) else []
            good = [p.lower() for p in parts if EMAIL_RE.fullmatch(p)]
            valid.update(good)
            invalid += [p for p in parts if p and not EMAIL_RE.fullmatch(p)]
            if not any(parts):
                invalid.append(repr(target) if target is not None else "an e-mail entry without an address")
        elif kind == "userid":
            if isinstance(target, str) and USER_ID_RE.fullmatch(target.strip()):
                valid.add(target.strip())
            else:
                invalid.append(repr(target) if target is not None else "a user entry without an id")
        elif isinstance(kind, str) and kind:
            unknown.append(kind)
        else:
            invalid.append(repr(entry))
    return Recipients(frozenset(valid), tuple(invalid), tuple(unknown))


def _reaches_someone(kind: str, hook: dict) -> bool:
    return bool(_urls(hook)) if kind == WEBHOOKS else bool(recipients(hook).valid)


def _names(values: Iterable[str]) -> str:
    return ", ".join(values)


def _org(owner: Owner) -> tuple[str, str]:
    return ("--org", owner.id)


def _finding(rule: Rule, owner: Owner, message: str, kind: str | None = None, hook: dict | None = None,
             service: Service | None = None, fix: tuple[Command, ...] = ()) -> Finding:
    hook = hook or {}
    name = hook.get("name") if isinstance(hook.get("name"), str) else None
    return Finding(rule.id, rule.severity, owner.id, owner.name, message, kind if hook else None,
                   str(hook["id"]) if "id" in hook else None, name,
                   service.id if service else None, (service.name or None) if service else None, fix)


def _describe_hook(kind: str, hook: dict, article: str = "The ") -> str:
    name = hook.get("name") if isinstance(hook.get("name"), str) else None
    return f"{article}{NOUN[kind]} {_quoted(name)}({hook.get('id')})"


# --- the rules ----------------------------------------------------------------------------------


def _misspelt(hook: dict) -> list[str]:
    """Event names of the hook that are no event but read like one that includes the watched event
    (DEPLOYMENT_FAILED): clever-tools sends what it is given, and the API may keep it."""
    out = []
    for name in hook.get("events") or []:
        if isinstance(name, str) and name not in catalog.ALL_EVENT_NAMES:
            near = catalog.suggest(name)
            if any(WATCHED_EVENT in (catalog.expand([n]) or ()) for n in near):
                out.append(f"{name} (did you mean {near[0]}?)")
    return out


def _uncovered_app(o: OwnerHooks, ctx: Context) -> Iterator[Finding]:
    if not o.complete:
        return  # a hook of a wrong shape may be the one that covers it: nothing can be said
    covered: set[str] = set()
    near_misses: list[tuple[str, dict, list[str], list[str] | None]] = []
    for kind, hook in o.hooks():
        events = _events(hook)
        if not _is_enabled(hook) or not _reaches_someone(kind, hook):
            continue
        if events is not None and WATCHED_EVENT not in events:
            misspelt = _misspelt(hook)
            if misspelt:
                near_misses.append((kind, hook, misspelt, _scope(hook)))
            continue
        scope = _scope(hook)
        if scope is None:
            return  # the whole owner is covered
        covered.update(scope)
    for app in (s for s in o.owner.services if s.is_app and s.id not in covered):
        notify = o.owner.id if o.owner.is_user else "organisation"
        fix = ("notify-email", "add", f"Deployment failures of {app.name or app.id}", "--notify", notify,
               "--event", WATCHED_EVENT, "--service", app.id, *_org(o.owner))
        missed = [f"{_describe_hook(kind, hook, article='the ')} listens to {_names(names)}, which is no event"
                  for kind, hook, names, scope in near_misses if scope is None or app.id in scope]
        yield _finding(UNCOVERED_APP, o.owner,
                       f"No enabled hook of {o.owner.name} tells anyone when the application {app.label} fails "
                       f"to deploy{': ' + '; '.join(missed) if missed else ''}.", service=app, fix=(fix,))


@dataclass(frozen=True)
class _Scoped:
    own: list[str]  # entries naming a service of the hook's owner
    foreign: dict[str, list[str]]  # owner id → entries naming that other owner's services
    dangling: list[str]  # entries naming no service anyone has


def _scoped(o: OwnerHooks, hook: dict, ctx: Context) -> _Scoped | None:
    scope = _scope(hook)
    if scope is None:
        return None
    own, foreign, dangling = [], {}, []
    for entry in scope:
        if o.owner.service(entry) is not None:
            own.append(entry)
            continue
        other = ctx.owner_of.get(entry)
        if other is not None and other.id != o.owner.id:
            foreign.setdefault(other.id, []).append(entry)
        else:
            dangling.append(entry)
    return _Scoped(own, foreign, dangling)


def _rescope(kind: str, hook: dict, owner: Owner, own: list[str]) -> Command:
    """The command that keeps only `own` in the scope, or removes the hook when nothing is left."""
    if own:
        return (COMMAND[kind], "update", str(hook.get("id")), "--service", ",".join(own), *_org(owner))
    return (COMMAND[kind], "remove", str(hook.get("id")), *_org(owner))


def _add_command(kind: str, hook: dict, source: Owner, owner_id: str, scope: list[str]) -> Command | None:
    """`add` making the same hook at another owner, restricted to `scope`; None when `add` cannot say it
    (several body formats, recipients of a type this tool does not know, no name)."""
    name = hook.get("name") if isinstance(hook.get("name"), str) and hook["name"].strip() else None
    if name is None or name.startswith("-"):
        return None
    events = hook.get("events") or []
    words: list[str] = [COMMAND[kind], "add", name]
    if kind == WEBHOOKS:
        urls = _urls(hook)
        formats = {fmt for _, fmt in urls}
        if not urls or len(formats) != 1 or not formats <= set(catalog.WEBHOOK_FORMATS):
            return None
        words += [u for u, _ in urls] + ["--format", formats.pop()]
    else:
        r = recipients(hook)
        if r.unknown or r.invalid or not r.valid:
            return None
        # `organisation` on a personal account is you: said by id, so the copy does not mail a whole team.
        valid = {source.id if t == "organisation" and source.is_user else t for t in r.valid}
        words += ["--notify", ",".join(sorted(valid))]
    if events:
        words += ["--event", ",".join(str(e) for e in events)]
    return (*words, "--service", ",".join(scope), "--org", owner_id)


def _dangling_scope(o: OwnerHooks, ctx: Context) -> Iterator[Finding]:
    for kind, hook in o.hooks():
        s = _scoped(o, hook, ctx)
        if s is None or not s.dangling:
            continue
        if s.own:
            tail = f"; it still fires for {_names(s.own)}"
            fix = (_rescope(kind, hook, o.owner, s.own),)
        elif s.foreign:
            tail = "; the unreachable-scope fix of this hook drops it too"
            fix = ()
        else:
            tail = ", so it never fires"
            fix = (_rescope(kind, hook, o.owner, []),)
        plural = "services that no longer exist" if len(s.dangling) > 1 else "a service that no longer exists"
        yield _finding(DANGLING_SCOPE, o.owner, f"{_describe_hook(kind, hook)} is scoped to {plural} at "
                       f"{o.owner.name} ({_names(s.dangling)}){tail}.", kind, hook, fix=fix)


def _unreachable_scope(o: OwnerHooks, ctx: Context) -> Iterator[Finding]:
    for kind, hook in o.hooks():
        s = _scoped(o, hook, ctx)
        if s is None or not s.foreign:
            continue
        where = "; ".join(
            f"{_names(ctx.known[owner_id].service(e).label for e in entries)} of {ctx.known[owner_id].label}"
            for owner_id, entries in s.foreign.items())
        adds = [_add_command(kind, hook, o.owner, owner_id, entries) for owner_id, entries in s.foreign.items()]
        fix = () if None in adds else (*adds, _rescope(kind, hook, o.owner, s.own))
        yield _finding(UNREACHABLE_SCOPE, o.owner,
                       f"{_describe_hook(kind, hook)} of {o.owner.name} is scoped to {where}: the platform matches "
                       "only its own owner's services, so it never fires for them.", kind, hook, fix=tuple(fix))


def _targets(kind: str, hook: dict) -> dict[str, str | None]:
    """What a hook delivers to: URL → format for a webhook, recipient → None for an e-mail notification."""
    if kind == WEBHOOKS:
        return {_same_receiver(url): fmt for url, fmt in _urls(hook)}
    return dict.fromkeys(recipients(hook).valid)


def _same_receiver(url: str) -> str:
    """A URL as compared: scheme and host lower-cased, a default port and any user:password@ dropped (the same
    receiver), the path and query as written (a server may tell them apart)."""
    parsed = _parsed(url)
    return url if parsed is None else parsed.origin + parsed.rest


def shown_url(url: str) -> str:
    """A URL in a sentence: its origin, and `/…` for a path (which often holds a token, as Slack's and Discord's
    do). The fix, which must be pasteable, carries it whole."""
    parsed = _parsed(url)
    if parsed is None:
        return url
    return parsed.origin + ("/…" if parsed.rest not in ("", "/") else parsed.rest)


def _covers(big: set | list | None, small: set | list | None) -> bool:
    """Does `big` include `small` (None: everything)?"""
    return big is None or (small is not None and set(small) <= set(big))


def _overlap(a: set | list | None, b: set | list | None) -> bool:
    return a is None or b is None or bool(set(a) & set(b))


def _duplicate_hook(o: OwnerHooks, ctx: Context) -> Iterator[Finding]:
    for kind, hooks in ((WEBHOOKS, o.webhooks), (EMAILHOOKS, o.emailhooks)):
        live = [h for h in hooks if _is_enabled(h)]
        targets = [_targets(kind, h) for h in live]
        by_target: dict[str, list[int]] = {}
        for i, t in enumerate(targets):
            for target in t:
                by_target.setdefault(target, []).append(i)
        pairs = sorted({(a, b) for same in by_target.values() for n, a in enumerate(same) for b in same[n + 1:]})
        redundant: dict[int, int] = {}  # hook → a hook that delivers everything it does
        overlapping: dict[int, int] = {}  # hook → an earlier hook delivering some of the same
        for a, b in pairs:
            ea, eb, sa, sb = _events(live[a]), _events(live[b]), _scope(live[a]), _scope(live[b])
            if not (_overlap(ea, eb) and _overlap(sa, sb)):
                continue
            ta, tb = targets[a], targets[b]

            def within(x, y, tx, ty, ex, ey, sx, sy):  # does y deliver all that x does, in the same format?
                return _covers(ey, ex) and _covers(sy, sx) and all(t in ty and ty[t] == tx[t] for t in tx)

            if within(b, a, tb, ta, eb, ea, sb, sa):
                redundant.setdefault(b, a)
            elif within(a, b, ta, tb, ea, eb, sa, sb):
                redundant.setdefault(a, b)
            else:
                overlapping.setdefault(b, a)
        for i in sorted(set(redundant) | set(overlapping)):
            hook = live[i]
            if i in redundant:
                other = live[redundant[i]]
                fix: tuple[Command, ...] = ((COMMAND[kind], "remove", str(hook.get("id")), *_org(o.owner)),)
                tail = "everything it delivers is also delivered by"
            else:
                other = live[overlapping[i]]
                fix = ()
                tail = "some of what it delivers is also delivered by"
            shared = sorted(set(targets[i]) & set(targets[redundant.get(i, overlapping.get(i))]))
            where = _names(shown_url(t) for t in shared)
            yield _finding(DUPLICATE_HOOK, o.owner,
                           f"{_describe_hook(kind, hook)} duplicates deliveries to {where}: {tail} "
                           f"{_describe_hook(kind, other, article='')}, so each event arrives twice.",
                           kind, hook, fix=fix)


def _unhealthy(o: OwnerHooks, ctx: Context) -> Iterator[Finding]:
    for hook in o.webhooks:
        state = hook.get("state")
        known = state is None or (isinstance(state, str) and state.upper() in ("ENABLED", "DISABLED"))
        h = health.classify(hook, now_ms=ctx.now_ms, window_ms=ctx.window_ms)
        described = _describe_hook(WEBHOOKS, hook)
        if not known or h.status not in (health.OK, health.FAILING, health.DISABLED):
            shown = state if isinstance(state, str) else repr(state)
            yield _finding(UNHEALTHY, o.owner, f"{described} is in the state {shown}, which this tool does not "
                           "know: nothing shows that it delivers.", WEBHOOKS, hook)
        elif h.status == health.DISABLED:
            fix = (("webhooks", "enable", str(hook.get("id")), *_org(o.owner)),)
            yield _finding(UNHEALTHY, o.owner, f"{described} is disabled: the platform no longer calls it.",
                           WEBHOOKS, hook, fix=fix)
        elif h.status == health.FAILING:
            yield _finding(UNHEALTHY, o.owner, f"{described} is failing: "
                           f"{health.failures_text(h, ctx.now_ms)}.", WEBHOOKS, hook)


@functools.lru_cache(maxsize=8192)  # three rules read each URL: parsed once
def _parsed(url: str):
    """The URL read by the parser the tool calls receivers with (guards/urls.py); None when it refuses it."""
    from clever_notify.guards.urls import BadUrl, parse_url

    try:
        return parse_url(url, rest_allowed=True)
    except BadUrl:
        return None


def _host_and_scheme(url: str) -> tuple[str, str, str] | None:
    """(scheme, host, the rest) of an http(s) URL, lower-cased scheme and host; None for anything else."""
    parsed = _parsed(url)
    return None if parsed is None else (parsed.scheme, parsed.host.lower(), parsed.rest)


def _plain_http(o: OwnerHooks, ctx: Context) -> Iterator[Finding]:
    from clever_notify.guards.urls import is_loopback_host

    for hook in o.webhooks:
        urls = _urls(hook)
        plain = [u for u, _ in urls if (p := _host_and_scheme(u)) and p[0] == "http" and not is_loopback_host(p[1])]
        if not plain:
            continue
        fixed = ["https://" + u.split("://", 1)[1] if u in plain else u for u, _ in urls]
        words: list[str] = ["webhooks", "update", str(hook.get("id"))]
        for url in fixed:
            words += ["--url", url]
        where = _names(shown_url(u) for u in plain)
        yield _finding(PLAIN_HTTP, o.owner, f"{_describe_hook(WEBHOOKS, hook)} posts to {where} in plain "
                       "http: its payloads, and any token in the URL, travel unencrypted.", WEBHOOKS, hook,
                       fix=((*words, *_org(o.owner)),))


SLACK_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")
DISCORD_HOSTS = ("discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com")
# /api[/vN]/webhooks/ID/TOKEN, then what selects the payload it reads: nothing (Discord's own), /slack, /github
_DISCORD_PATH = re.compile(r"^(/api(?:/v\d+)?/webhooks/[^/?#]+/[^/?#]+)(/[^?#]*)?$")


def expected_receiver(url: str, fmt: str) -> tuple[str, str] | None:
    """(the URL, the format) this receiver documents for a URL it would misread in `fmt`; None when it fits.

    A Slack incoming webhook (hooks.slack.com/services/…) reads only Slack's format. A Discord webhook
    (discord.com/api/webhooks/ID/TOKEN) reads Slack's format at the same URL followed by /slack; at the URL
    itself it reads Discord's own payload, at /github GitHub's, neither of which this platform sends.
    """
    parsed = _host_and_scheme(url)
    if parsed is None:
        return None
    _, host, rest = parsed
    path, sep, query = rest.partition("?")
    if host in SLACK_HOSTS and path.startswith("/services/"):
        return None if fmt == "slack" else (url, "slack")
    match = _DISCORD_PATH.match(path) if host in DISCORD_HOSTS else None
    if match is None:
        return None
    at_slack = (match[2] or "").rstrip("/") == "/slack"
    if at_slack and fmt == "slack":
        return None
    if at_slack:
        return url, "slack"
    head = url[:len(url) - len(rest)]  # scheme://authority as written (the parser keeps the rest as given)
    return head + match[1] + "/slack" + sep + query, "slack"


def _format_mismatch(o: OwnerHooks, ctx: Context) -> Iterator[Finding]:
    for hook in o.webhooks:
        urls = _urls(hook)
        wanted = [(u, f, expected_receiver(u, f)) for u, f in urls]
        wrong = [(u, f, w) for u, f, w in wanted if w is not None]
        if not wrong:
            continue
        said = "; ".join(f"{shown_url(u)} is sent in {f} but its receiver reads {w[1]}"
                         + (" at the same URL followed by /slack" if w[0] != u else "") for u, f, w in wrong)
        new = [(w or (u, f)) for u, f, w in wanted]
        fix: tuple[Command, ...] = ()
        if len({f for _, f in new}) == 1:  # --format applies to every URL: only then is it one update
            words = ["webhooks", "update", str(hook.get("id"))]
            if any(w is not None and w[0] != u for u, _, w in wanted):
                for url, _ in new:
                    words += ["--url", url]
            fix = ((*words, "--format", new[0][1], *_org(o.owner)),)
        yield _finding(FORMAT_MISMATCH, o.owner, f"{_describe_hook(WEBHOOKS, hook)} cannot be read where it "
                       f"posts: {said}.", WEBHOOKS, hook, fix=fix)


def _empty_recipients(o: OwnerHooks, ctx: Context) -> Iterator[Finding]:
    for hook in o.emailhooks:
        r = recipients(hook)
        if r.valid:
            continue
        reasons = []
        if r.invalid:
            verb = "is not an address or user id" if len(r.invalid) == 1 else "are not addresses or user ids"
            reasons.append(f"{_names(r.invalid)} {verb}")
        if r.unknown:
            reasons.append(f"recipients of a type this tool does not know ({_names(sorted(set(r.unknown)))}) "
                           "may reach no one")
        notify = o.owner.id if o.owner.is_user else "organisation"
        fix = (("notify-email", "update", str(hook.get("id")), "--notify", notify, *_org(o.owner)),)
        yield _finding(EMPTY_RECIPIENTS, o.owner, f"{_describe_hook(EMAILHOOKS, hook)} notifies nobody who can "
                       f"receive it: {'; '.join(reasons)}.", EMAILHOOKS, hook, fix=fix)


UNCOVERED_APP = Rule(
    "uncovered-app", ERROR,
    "an application that no enabled hook (webhook or e-mail) notifies of a failed deployment",
    "A deployment that fails in silence leaves the previous version running, or nothing running, until someone "
    "happens to look. A hook covers an application when it is enabled, reaches someone, listens to "
    "DEPLOYMENT_FAIL (directly, through META_DEPLOYMENT_RESULT or META_SERVICE_LIFECYCLE, or by listening to every "
    "event) and is scoped to the application or to the whole owner.",
    "`clever notify-email add 'Deployment failures of APP' --notify organisation --event DEPLOYMENT_FAIL "
    "--service APP_ID --org OWNER` (on a personal account, `--notify` names you). Or widen a hook you already "
    "have.",
    _uncovered_app)
DANGLING_SCOPE = Rule(
    "dangling-scope", WARNING,
    "a hook scoped to a service that no longer exists at its owner",
    "The API keeps a scope as it was written: once an application is deleted, its id stays in the scope and can "
    "never match again. A hook whose whole scope dangles never fires at all; one with a live service left keeps "
    "working for it but misleads whoever reads it.",
    "`update ID --service` with the services that still exist, or `remove ID` when none is left. When the scope "
    "also names another owner's service, the unreachable-scope fix handles the whole hook.",
    _dangling_scope)
UNREACHABLE_SCOPE = Rule(
    "unreachable-scope", ERROR,
    "a hook scoped to a service of another owner (a user account's hook scoped to an organisation's "
    "service, the reverse, or another organisation's)",
    "The platform matches a hook's scope only against the services of the hook's own owner. A hook added to your "
    "personal account for an application of your organisation (easy to do without --org) never fires.",
    "The same hook created at the owner of those services (`add … --service … --org THAT_OWNER`), then this one "
    "narrowed to its own services or removed: create first, delete last. No command when `add` cannot say the "
    "hook (URLs in several formats, recipients of an unknown type).",
    _unreachable_scope)
DUPLICATE_HOOK = Rule(
    "duplicate-hook", WARNING,
    "two enabled hooks of one owner that deliver the same event for the same service to the same URL or recipient",
    "Every event then arrives twice: noise that teaches people to ignore the channel. Often the left-over of a "
    "hook re-created instead of edited.",
    "`remove ID` of the hook whose deliveries the other one makes in full (same format). When each delivers "
    "something the other does not, no command: merge them by hand.",
    _duplicate_hook)
UNHEALTHY = Rule(
    "unhealthy", ERROR,
    "a webhook disabled, failing within --since, or in a state this tool does not know (as `webhooks check`)",
    "A disabled webhook is no longer called; a failing one is called but its receiver does not take the events. "
    "Either way nobody is told, and the platform disables a webhook that keeps failing.",
    "Disabled: `clever webhooks enable ID`. Failing: none (fix the receiver; `clever webhooks test ID` shows what"
    " it answers). Unknown state: none.",
    _unhealthy)
PLAIN_HTTP = Rule(
    "plain-http", WARNING,
    "a webhook URL in plain http off loopback",
    "Payloads (application names, commits, who deployed) and any token in the URL itself travel unencrypted "
    "and can be read or altered on the way.",
    "`clever webhooks update ID --url https://…` (every URL of the hook given, only the plain ones changed), if "
    "the receiver serves https.",
    _plain_http)
FORMAT_MISMATCH = Rule(
    "format-mismatch", ERROR,
    "a URL whose receiver expects another format: a Slack incoming webhook not in `slack`, a Discord webhook "
    "not in `slack` at its /slack URL",
    "Slack incoming webhooks reject any other body, and Discord reads Slack-formatted payloads only at the "
    "webhook's URL followed by /slack: every delivery fails, or arrives empty.",
    "`clever webhooks update ID --format slack`, with `--url URL/slack` for Discord. No command when another URL "
    "of the same hook needs another format (`--format` applies to every URL): split the hook.",
    _format_mismatch)
EMPTY_RECIPIENTS = Rule(
    "empty-recipients", ERROR,
    "an e-mail notification that notifies nobody who can receive it",
    "An e-mail notification whose recipients are all malformed addresses or user ids sends nothing. One that "
    "names only recipient types this tool does not know is reported too: nothing shows they receive.",
    "`clever notify-email update ID --notify organisation` (on a personal account, yourself); or give the "
    "addresses meant.",
    _empty_recipients)

RULES: tuple[Rule, ...] = (UNCOVERED_APP, DANGLING_SCOPE, UNREACHABLE_SCOPE, DUPLICATE_HOOK, UNHEALTHY, PLAIN_HTTP,
                           FORMAT_MISMATCH, EMPTY_RECIPIENTS)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)


# --- exceptions and the whole audit -------------------------------------------------------------


@dataclass(frozen=True)
class Ignore:
    """`RULE` (everywhere) or `RULE:WHAT`, WHAT being an owner, a hook or a service, by id or name."""

    rule: str
    what: str | None = None

    def __str__(self) -> str:
        return self.rule if self.what is None else f"{self.rule}:{self.what}"

    def matches(self, f: Finding) -> bool:
        if f.rule != self.rule:
            return False
        return self.what is None or self.what in (f.owner_id, f.owner_name, f.hook_id, f.hook_name, f.service_id,
                                                  f.service_name)


def parse_ignore(text: str) -> Ignore:
    """One `--ignore` / `audit.ignore` entry; InputError naming the rules when the rule is unknown."""
    rule, sep, what = text.strip().partition(":")
    rule = rule.strip().lower()
    if rule not in RULE_IDS:
        import difflib

        close = difflib.get_close_matches(rule, RULE_IDS, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}? " if close else ""
        raise InputError(f"unknown audit rule {text.strip()!r}: {hint}the rules are {', '.join(RULE_IDS)}")
    if sep and not what.strip():
        raise InputError(f"{text.strip()!r}: nothing after `:`; give an owner, hook or service, or the rule alone")
    return Ignore(rule, what.strip() if sep else None)


def severity_rank(f: Finding) -> tuple[int, int]:
    return SEVERITIES.index(f.severity), RULE_IDS.index(f.rule)


def audit(owners: Iterable[OwnerHooks], *, known: dict[str, Owner], now_ms: int,
          window_ms: int = health.DEFAULT_WINDOW_MS, ignore: Iterable[Ignore] = (),
          rules: tuple[Rule, ...] = RULES) -> tuple[list[Finding], list[Finding]]:
    """(findings, ignored): every rule on every owner. Findings come grouped by owner, the owner with the most
    errors first (then the most findings, then the order read), each group worst first."""
    ctx = Context(known, now_ms, window_ms)
    ignore = list(ignore)
    groups: list[list[Finding]] = []
    ignored: list[Finding] = []
    for o in owners:
        found = [f for rule in rules for f in rule.check(o, ctx)]
        ignored += [f for f in found if any(i.matches(f) for i in ignore)]
        kept = [f for f in found if not any(i.matches(f) for i in ignore)]
        groups.append(sorted(kept, key=severity_rank))
    order = sorted(range(len(groups)), key=lambda n: (-sum(f.severity == ERROR for f in groups[n]),
                                                      -len(groups[n]), n))
    return [f for n in order for f in groups[n]], ignored
