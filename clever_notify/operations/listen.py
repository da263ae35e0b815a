"""`clever events listen`: the API's event stream, filtered, handed to the caller, forwarded to a receiver.

    sub = subscribe(session, "Acme", events=["META_DEPLOYMENT_RESULT"], services=["web"])   # reads /v2/summary once
    fwd = forwarding("http://127.0.0.1:8000/hook", fmt="raw")                                 # checked, signed
    for event in listen(open_socket(session, say=print), sub.filter, sub.names, forward=fwd,
                        on_forwarded=print_outcome):
        ...   # a ListenedEvent; its delivery's outcome reaches on_forwarded from the forwarding thread

The socket is read in the caller's thread; deliveries are made one after the other by one worker thread,
in the order the events came (a bounded queue between the two), so a slow receiver never delays the
heartbeat's answer. A receiver's failure is a result (status None or non-2xx), never the end of the stream.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from clever_notify.api.event_socket import EventSocket, SocketEvent
from clever_notify.delivery import post as delivery
from clever_notify.delivery import signing
from clever_notify.errors import InputError
from clever_notify.hooks import catalog

MAX_WAITING = 1000  # events waiting for their delivery; past this one is reported as not forwarded


@dataclass(frozen=True)
class Filter:
    """None for a field means no filter on it. Events are concrete names (meta-events already expanded)."""

    owners: frozenset[str] | None = None
    events: frozenset[str] | None = None
    services: frozenset[str] | None = None

    def matches(self, event: ListenedEvent) -> bool:
        if self.events is not None and event.type not in self.events:
            return False
        if self.owners is not None and event.owner_id not in self.owners:
            return False
        return self.services is None or event.service_id in self.services


@dataclass
class Names:
    """Owner and service names from one /v2/summary, to show names and to know a service's owner."""

    owners: dict[str, str] = field(default_factory=dict)
    services: dict[str, str] = field(default_factory=dict)
    owner_of_service: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_summary(cls, summary) -> Names:
        """From /v2/summary as read (a dict) or typed (owners/summary.py); a summary of a wrong shape gives no
        names, never an error: names only decorate what is shown."""
        from clever_notify.errors import ApiError
        from clever_notify.owners.summary import Summary

        out = cls()
        try:
            typed = summary if isinstance(summary, Summary) else Summary.parse(summary)
        except ApiError:
            return out
        for owner in (typed.user_or_none, *(typed.organisations_or_none or ())):
            if owner is None:
                continue
            if owner.name is not None:
                out.owners[owner.id] = owner.name
            for service in owner.services:
                for sid in filter(None, (service.id, service.real_id)):
                    out.owner_of_service.setdefault(sid, owner.id)
                    if service.name:
                        out.services.setdefault(sid, service.name)
        return out


@dataclass(frozen=True)
class ListenedEvent:
    """An event of the stream as this tool shows it (names looked up in the summary read at start)."""

    id: str | None
    type: str
    date: Any  # as the platform wrote it (an ISO time today)
    owner_id: str | None
    owner: str | None
    service_id: str | None
    service: str | None
    state: str | None
    data: dict
    event: dict  # what a raw webhook carries (SocketEvent.as_event), the body forwarded in the raw format
    received: float = 0.0  # time.monotonic() when its message was read

    @classmethod
    def of(cls, item: SocketEvent, names: Names) -> ListenedEvent:
        service_id = item.service_id
        owner_id = item.owner_id or (names.owner_of_service.get(service_id) if service_id else None)
        service = names.services.get(service_id) if service_id else None
        if service is None and service_id:  # a service created after the summary was read: its own words
            named = item.data.get("appName") or item.data.get("addonName")
            service = named if isinstance(named, str) else None
        return cls(
            id=item.id, type=item.type, date=item.date, owner_id=owner_id,
            owner=names.owners.get(owner_id) if owner_id else None, service_id=service_id, service=service,
            state=item.state, data=item.data, event=item.as_event(), received=item.received,
        )

    def to_dict(self) -> dict:
        return {"kind": "event", "id": self.id, "event": self.type, "date": self.date, "ownerId": self.owner_id,
                "owner": self.owner, "serviceId": self.service_id, "service": self.service, "state": self.state,
                "data": self.data}


@dataclass(frozen=True)
class Forwarded:
    """The outcome of one forwarded event: `waited_ms` from the socket message to the POST being sent."""

    event: ListenedEvent
    result: delivery.Delivery
    waited_ms: float

    def to_dict(self) -> dict:
        return {"kind": "delivery", "eventId": self.event.id, "event": self.event.type,
                "waitedMs": self.waited_ms, **self.result.to_dict()}


@dataclass(frozen=True)
class Forward:
    url: str
    format: str
    secret: str
    timeout: float


class Forwarder:
    """One worker thread POSTing events in order, each outcome handed to `on_result` from that thread."""

    def __init__(self, forward: Forward, on_result: Callable[[Forwarded], None]):
        self.forward = forward
        self.on_result = on_result
        self.error: BaseException | None = None  # what on_result raised; the thread reading the stream raises it
        self.waiting: queue.Queue[ListenedEvent | None] = queue.Queue(MAX_WAITING)
        self._sign = signing.signer(forward.secret)
        # A daemon: Ctrl-C ends the command at once, whatever delivery is in flight.
        self._thread = threading.Thread(target=self._work, name="clever-notify-forward", daemon=True)
        self._thread.start()

    def submit(self, event: ListenedEvent) -> None:
        try:
            self.waiting.put_nowait(event)
        except queue.Full:
            lost = delivery.Delivery(self.forward.url, self.forward.format, None, 0.0,
                                     error=f"not sent: {MAX_WAITING} events already waiting for the receiver")
            self.on_result(Forwarded(event, lost, 0.0))

    def _work(self) -> None:
        from clever_notify.api import deadline

        session = deadline.session()  # one connection kept alive to the receiver: no handshake per event
        session.trust_env = False  # the receiver is reached directly, never through a proxy from the environment
        with session:
            while True:
                event = self.waiting.get()
                if event is None:
                    return
                started = time.monotonic()
                result = delivery.post(self.forward.url, self.forward.format, event.event,
                                       timeout=self.forward.timeout, session=session, signer=self._sign)
                waited = round((started - event.received) * 1000, 1) if event.received else 0.0
                try:
                    self.on_result(Forwarded(event, result, waited))
                except BaseException as exc:  # noqa: BLE001 - e.g. a closed stdout: the stream's thread raises it
                    self.error = exc
                    return

    def stop(self, wait: float) -> None:
        """Let the deliveries already handed over finish, waiting at most `wait` seconds."""
        deadline = time.monotonic() + wait
        try:
            self.waiting.put(None, timeout=max(0.0, wait))
        except queue.Full:
            return
        self._thread.join(timeout=max(0.0, deadline - time.monotonic()))


@dataclass(frozen=True)
class Subscription:
    """What to show: the filter, the names read once, and the same in words for the start line."""

    filter: Filter
    names: Names
    description: str


def subscribe(session, owner: str | None = None, *, all_owners: bool = False, events=None,
              services=None) -> Subscription:
    """The filter of a listen: `owner` (name, id, `self`; None: the linked application's owner, else yours) or
    `all_owners`; `events` checked against the catalog, meta-events expanded; `services` (ids or names of
    the owner's) resolved once. Reads /v2/summary once; InputError before any read for a bad combination."""
    from clever_notify.owners import services as owned

    if all_owners and owner is not None:
        raise InputError("all_owners takes every owner: it cannot be combined with an owner (--org)")
    services = list(services or [])
    if all_owners and services:
        raise InputError("services (--service) are those of one owner: give the owner (or none) instead of "
                         "all owners (--all-owners)")
    wanted = catalog.expand(catalog.normalize_events(list(events))) if events else None
    session.settings.require_credentials()  # not logged in: exit 3 before anything is read
    summary = session.summary()  # typed, read once per session and shared with anything else that needs it
    names = Names.from_summary(summary)
    if all_owners:
        owners, service_ids, whose = None, None, "every owner"
    else:
        owner_id = session.owner(owner, use_linked_app=True).owner_id
        owners = frozenset({owner_id})
        label = names.owners.get(owner_id)
        whose = f"{label} ({owner_id})" if label else owner_id
        service_ids = frozenset(owned.resolve(lambda: summary, owner_id, services)) if services else None
    words = [f"events of {whose}"]
    if wanted is not None:
        words.append(f"only {', '.join(sorted(wanted))}")
    if service_ids is not None:
        words.append(f"about {owned.describe(sorted(service_ids), names.services)}")
    filt = Filter(owners=owners, events=frozenset(wanted) if wanted is not None else None, services=service_ids)
    return Subscription(filt, names, "; ".join(words))


def open_socket(session, *, say: Callable[[str], None] | None = None) -> EventSocket:
    """The event socket of the session's API (its API_HOST checked as for every request)."""
    if getattr(session, "in_process", False):
        raise InputError("listening needs a sandbox it can connect to: run `clever sandbox serve` and use the "
                         "API_HOST it prints (the in-process sandbox has no socket)")
    return EventSocket(session.settings, timeout=session.settings.timeout[1], say=say)


def forwarding(url: str, *, fmt: str = catalog.DEFAULT_WEBHOOK_FORMAT, secret: str | None = None,
               allow_remote: bool = False, timeout: float | None = None) -> Forward:
    """Where and how to forward: `url` must be on this machine unless `allow_remote`; `secret` None means the
    kept one (config/listen_secret.py); `timeout` None means CLEVER_TIMEOUT, else 10 s per delivery."""
    from clever_notify.config import listen_secret
    from clever_notify.config.settings import delivery_timeout
    from clever_notify.guards.urls import check_webhook_host
    from clever_notify.guards.values import check_webhook_url

    url, _warning = check_webhook_url(url)
    if not check_webhook_host(url).is_loopback and not allow_remote:
        raise InputError(f"--forward-to {url}: every event of the stream would be sent to another machine; it "
                         "takes a receiver on this one (127.0.0.1, ::1, localhost). Add --allow-remote-forward "
                         "to send them there anyway.")
    fmt = catalog.normalize_format(fmt)
    secret = listen_secret.check_given(secret) if secret is not None else listen_secret.load_or_create()[0]
    if timeout is None:
        timeout = delivery_timeout()
    return Forward(url=url, format=fmt, secret=secret, timeout=timeout)


def listen(
    socket: EventSocket | Iterable[SocketEvent],
    filt: Filter,
    names: Names,
    *,
    forward: Forward | None = None,
    on_forwarded: Callable[[Forwarded], None] | None = None,
    max_events: int | None = None,
) -> Iterator[ListenedEvent]:
    """The matching events as they come; with `forward`, each is also POSTed to the receiver and its
    outcome handed to `on_forwarded` (from the forwarding thread, as soon as it is known).

    Ends when the stream does (an error of the socket propagates: NotAuthenticated, NetworkError), or
    after `max_events` matching events, once their deliveries are done (each bounded by its timeout).
    """
    items = socket.events() if isinstance(socket, EventSocket) else iter(socket)
    forwarder = Forwarder(forward, on_forwarded or (lambda _f: None)) if forward is not None else None
    shown = 0
    try:
        for item in items:
            if forwarder is not None and forwarder.error is not None:
                raise forwarder.error
            event = ListenedEvent.of(item, names)
            if not filt.matches(event):
                continue
            shown += 1
            if forwarder is not None:  # handed over before the caller sees it: printing never delays a POST
                forwarder.submit(event)
            yield event
            if max_events is not None and shown >= max_events:
                break
        if forwarder is not None:
            forwarder.stop(wait=(forward.timeout + 1) * max(1, forwarder.waiting.qsize()))
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()
