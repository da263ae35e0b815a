"""`clever events listen`: the API's event stream, filtered, handed to the caller, forwarded to a receiver.

    names = Names.from_summary(client.get_summary())          # read once, before the stream starts
    for event in listen(EventSocket(settings, timeout=…), Filter(...), names,
                        forward=Forward(...), on_forwarded=print_outcome):
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

from clever_notify.api.event_socket import EventSocket, SocketEvent
from clever_notify.delivery import post as delivery
from clever_notify.delivery import signing

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
    date: str | None
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
                self.on_result(Forwarded(event, result, waited))

    def stop(self, wait: float) -> None:
        """Let the deliveries already handed over finish, waiting at most `wait` seconds."""
        deadline = time.monotonic() + wait
        try:
            self.waiting.put(None, timeout=max(0.0, wait))
        except queue.Full:
            return
        self._thread.join(timeout=max(0.0, deadline - time.monotonic()))


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
