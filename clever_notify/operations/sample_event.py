"""`webhooks test`: a sample event rendered in each URL's format and POSTed from this machine, each answer reported.

The platform is never asked to send anything: with a webhook id the only API call reads the owner's list;
with URLs there is no API call at all, so it works without credentials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from clever_notify.errors import CleverNotifyError, InputError
from clever_notify.hooks import catalog

if TYPE_CHECKING:
    from clever_notify.delivery.post import Delivery
    from clever_notify.operations.session import Session

# The sample's owner and application when no hook gives them (URLs only): obviously made up, well formed.
SAMPLE_OWNER = "orga_00000000-0000-4000-8000-000000000000"
SAMPLE_APP = "app_00000000-0000-4000-8000-000000000000"


@dataclass
class SampleRun:
    """The sample sent, each URL's result, and notes on the webhook (not subscribed, not enabled)."""

    event: dict
    deliveries: list[Delivery]
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(1 for d in self.deliveries if not d.ok)


def deliver(targets: list[tuple[str, str]], event: dict, timeout: float) -> list[Delivery]:
    from clever_notify.delivery import post as delivery
    from clever_notify.guards.values import check_webhook_url

    results = []
    for url, fmt in targets:
        if fmt not in catalog.WEBHOOK_FORMATS:
            # A format the API knows and we do not: say so rather than send a guess.
            results.append(delivery.Delivery(url, fmt, None, 0.0, error=f"unknown format {fmt!r}, not sent"))
            continue
        try:  # a URL read from the API goes through the same parser as one typed with --url
            check_webhook_url(str(url))
        except InputError as exc:
            results.append(delivery.Delivery(str(url), fmt, None, 0.0, error=f"not sent: {exc}"))
            continue
        results.append(delivery.post(url, fmt, event, timeout=timeout))
    return results


def send_to_webhook(session: Session, hook_id: str, *, event: str = catalog.DEFAULT_TEST_EVENT,
                 owner: str | None = None, timeout: float | None = None) -> SampleRun:
    """POST a sample `event` to every URL of the webhook `hook_id`, each in its own format."""
    from clever_notify.config.settings import delivery_timeout
    from clever_notify.delivery import payloads
    from clever_notify.guards.sanitise import for_terminal
    from clever_notify.hooks.kinds import WEBHOOKS
    from clever_notify.operations.hooks import get_hook

    timeout = delivery_timeout() if timeout is None else timeout
    found = get_hook(session, WEBHOOKS, hook_id, owner=owner)
    hook = found.hook
    scope = hook.get("scope") or []
    sample = payloads.make_event(event, owner_id=str(hook.get("ownerId") or found.target.owner_id),
                                 service_id=str(scope[0]) if scope else None)
    targets = [(u.get("url"), str(u.get("format") or catalog.DEFAULT_WEBHOOK_FORMAT).lower())
               for u in hook.get("urls") or [] if isinstance(u, dict) and u.get("url")]
    if not targets:
        raise CleverNotifyError(f"webhook {hook_id} has no URL to test")
    notes = []
    if not catalog.matches(hook.get("events"), event):
        notes.append(f"note: webhook {hook_id} does not subscribe to {event}; the platform would not send it.")
    if hook.get("state") and hook.get("state") != "ENABLED":
        notes.append(f"note: webhook {hook_id} is {for_terminal(hook['state'])}; the platform does not call it now.")
    return SampleRun(sample, deliver(targets, sample, timeout), notes)


def send_to_urls(urls: list[str], *, fmt: str | None = None, event: str = catalog.DEFAULT_TEST_EVENT,
              timeout: float | None = None) -> SampleRun:
    """POST a sample `event` (of a made-up owner and application) to each URL in `fmt` (raw by default)."""
    from clever_notify.config.settings import delivery_timeout
    from clever_notify.delivery import payloads

    timeout = delivery_timeout() if timeout is None else timeout
    sample = payloads.make_event(event, owner_id=SAMPLE_OWNER, service_id=SAMPLE_APP, service_name="my-app")
    targets = [(url, fmt or catalog.DEFAULT_WEBHOOK_FORMAT) for url in dict.fromkeys(urls)]
    return SampleRun(sample, deliver(targets, sample, timeout))


def failure(run: SampleRun, event: str) -> CleverNotifyError | None:
    """The error a run ends with when a URL failed (exit 1)."""
    if not run.failed:
        return None
    return CleverNotifyError(f"{run.failed} of {len(run.deliveries)} URL(s) failed the {event} sample")
