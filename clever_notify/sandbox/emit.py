"""What the platform does when an event happens, done by the sandbox for real.

Every enabled webhook of the owner whose events and scope match gets an HTTP POST of the event in its
format (clever_notify.delivery.post); a non-2xx answer or a network failure is recorded in that hook's
`failures`. Every matching e-mail hook puts a message in the outbox instead of sending mail.

Like the platform, the sandbox disables a webhook that keeps failing: after CLEVER_SANDBOX_DISABLE_AFTER
failed deliveries in a row (5 unless set; 0 never disables) its state becomes DISABLED and it receives
nothing more. A successful delivery resets the count; an update setting `state` to ENABLED revives it.
The platform's own threshold is not published: 5 is the sandbox's choice, not a documented value.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from clever_notify.delivery import payloads
from clever_notify.delivery import post as delivery
from clever_notify.errors import InputError, NotFound
from clever_notify.hooks import catalog
from clever_notify.sandbox.settings import whole_number
from clever_notify.sandbox.store import PLACEHOLDER, Store

MAX_PARALLEL = 8  # receivers are contacted concurrently, bounded so a big owner does not open 100 sockets
PARTIAL_BODY = 200
DEFAULT_DISABLE_AFTER = 5
MAX_DISABLE_AFTER = 1_000_000


def disable_after(env=None) -> int:
    """CLEVER_SANDBOX_DISABLE_AFTER: failed deliveries in a row before a webhook is disabled (0: never)."""
    return whole_number("CLEVER_SANDBOX_DISABLE_AFTER", default=DEFAULT_DISABLE_AFTER, low=0,
                        high=MAX_DISABLE_AFTER, env=env,
                        expected=f"a whole number of failures, 0 (never disable) to {MAX_DISABLE_AFTER}")


@dataclass
class EmitReport:
    event: dict
    deliveries: list[dict] = field(default_factory=list)  # {hookId, hookName} + delivery.Delivery.to_dict()
    emails: list[dict] = field(default_factory=list)  # {hookId, to, subject}
    disabled: list[dict] = field(default_factory=list)  # {hookId, hookName}: webhooks this event's failures disabled

    @property
    def ok(self) -> bool:
        return all(d["ok"] for d in self.deliveries)

    def to_dict(self) -> dict:
        return {"event": self.event, "deliveries": self.deliveries, "emails": self.emails,
                "disabled": self.disabled, "ok": self.ok}


def resolve_owner(store: Store, org: str | None) -> dict:
    """--org as an id or a name; the sandbox user without it."""
    if org is None:
        return store.owner(store.user()["id"])
    found = store.find_owner(org)
    if not found:
        raise NotFound(f"organisation {org!r} not found in the sandbox (try `clever --sandbox webhooks --org Acme`)")
    if len(found) > 1:
        raise InputError(f"ambiguous organisation name {org!r} in the sandbox; pass its id")
    return found[0]


def resolve_service(store: Store, owner: dict, service: str | None) -> dict | None:
    if service is None:
        return None
    for s in store.services(owner["id"]):
        if service in (s["id"], s["name"]):
            return s
    raise NotFound(f"no application or add-on {service!r} in {owner['name']} ({owner['id']})")


def _in_scope(hook: dict, service_id: str | None) -> bool:
    scope = hook.get("scope")
    if not scope:
        return True
    return service_id is not None and service_id in scope


def _recipients(store: Store, owner: dict, hook: dict) -> list[str]:
    members = [store.user()["email"]]  # the sandbox user is the one member of every organisation
    out: list[str] = []
    for entry in hook.get("notified") or [{"type": "organisation"}]:
        if entry.get("type") == "email":
            out += [a.strip() for a in entry["target"].split(",") if a.strip()]
        elif entry.get("type") == "userid":
            user = store.owner(entry["target"])
            out.append(user["email"] if user and user.get("email") else entry["target"])
        else:
            out += members
    return list(dict.fromkeys(out))


def _mail(store: Store, owner: dict, hook: dict, event: dict) -> dict:
    text = payloads.describe(event)
    body = (
        f"{text}.\n\nEvent: {event['type']}\nDate: {event['date']}\nOwner: {owner['name']} ({owner['id']})\n"
        f"Notification: {hook.get('name') or hook['id']}\n\n{json.dumps(event, indent=2)}\n"
    )
    return {"event_id": event["id"], "hook_id": hook["id"], "owner_id": owner["id"],
            "to": _recipients(store, owner, hook), "subject": f"[Clever Cloud] {text}", "body": body}


# The seed's demo of a real service's webhook (a Discord URL, for the audit's format rule) is never posted to: it is
# a placeholder, and the sandbox sends nothing to a service on the internet that its user did not give it.
PLACEHOLDER_NOT_SENT = "not sent: a placeholder URL of the sandbox's seed; give the hook your own receiver"


def _deliver(url_entry: dict, event: dict, timeout: float) -> delivery.Delivery:
    if PLACEHOLDER in url_entry["url"]:
        return delivery.Delivery(url_entry["url"], url_entry["format"], None, 0.0, error=PLACEHOLDER_NOT_SENT)
    return delivery.post(url_entry["url"], url_entry["format"], event, timeout=timeout)


def emit(store: Store, event_type: str, *, org: str | None = None, service: str | None = None,
         timeout=delivery.DEFAULT_TIMEOUT) -> EmitReport:
    if event_type not in catalog.EVENTS:
        raise InputError(f"{event_type} is not a concrete event; emit one of: {', '.join(catalog.EVENTS)}")
    threshold = disable_after()  # read before anything is recorded: a bad value changes nothing
    owner = resolve_owner(store, org)
    svc = resolve_service(store, owner, service)
    event = payloads.make_event(event_type, owner_id=owner["id"], service_id=svc["id"] if svc else None,
                                service_name=svc["name"] if svc else None, user_id=store.user()["id"])
    store.record_event(event, owner["id"])
    report = EmitReport(event)

    def fires(hook):
        return catalog.matches(hook.get("events"), event_type) and _in_scope(hook, event["data"].get("appId")
                                                                              or event["data"].get("addonId"))

    targets = [(hook, u) for hook in store.list_hooks("webhooks", owner["id"])
               if hook.get("state", "ENABLED") == "ENABLED" and fires(hook) for u in hook["urls"]]
    # Network I/O happens outside any database transaction; outcomes are stored afterwards in one.
    with ThreadPoolExecutor(max_workers=MAX_PARALLEL) as pool:
        results = list(pool.map(lambda t: _deliver(t[1], event, timeout), targets))
    outcomes = []
    for (hook, _), d in zip(targets, results, strict=True):
        report.deliveries.append({"hookId": hook["id"], "hookName": hook.get("name"), **d.to_dict()})
        if d.error == PLACEHOLDER_NOT_SENT:
            continue  # nothing was tried: not a failure of the receiver
        outcomes.append({"hook_id": hook["id"], "url": d.url, "ok": d.ok, "status": d.status,
                         "network_failure": d.status is None, "partial_body": d.body_start[:PARTIAL_BODY]})
    mails = [_mail(store, owner, h, event) for h in store.list_hooks("emailhooks", owner["id"])
             if fires(h)]
    report.emails = [{"hookId": m["hook_id"], "to": m["to"], "subject": m["subject"]} for m in mails]
    disabled = set(store.record_outcomes(outcomes, mails, disable_after=threshold))
    names = {hook["id"]: hook.get("name") for hook, _ in targets}
    report.disabled = [{"hookId": h, "hookName": names.get(h)} for h in dict.fromkeys(o["hook_id"] for o in outcomes)
                       if h in disabled]
    return report
