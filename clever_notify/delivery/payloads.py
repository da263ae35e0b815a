"""Events as the platform sends them, and their rendering in each webhook format.

Shared by `clever webhooks test` (a sample event posted from this machine) and the sandbox's
deliveries (a recorded event posted to every matching webhook). The raw format is the event
itself, shaped like the events of Clever Cloud's event stream; the others are bodies that the
named services accept on their incoming-webhook endpoints.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

from clever_notify.hooks import catalog

CONSOLE = "https://console.clever-cloud.com"

_FAILURE_EVENTS = {"DEPLOYMENT_FAIL", "ACCOUNT_DELETION", "ADDON_DELETION", "APPLICATION_DELETION",
                   "ORGANISATION_DELETION", "APPLICATION_STOP"}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def make_event(
    event_type: str,
    *,
    owner_id: str,
    service_id: str | None = None,
    service_name: str | None = None,
    user_id: str | None = None,
    when: str | None = None,
    event_id: str | None = None,
) -> dict:
    """An event of `event_type` about `service_id` (or the owner), in the platform's raw shape."""
    if event_type not in catalog.EVENTS:
        raise ValueError(f"not a concrete event: {event_type}")
    data: dict = {"ownerId": owner_id}
    if service_id:
        key = "addonId" if service_id.startswith("addon_") else "appId"
        data[key] = service_id
        data["appName" if key == "appId" else "addonName"] = service_name or service_id
    family = catalog.family_of(event_type)
    if family == "Deployment" or event_type in ("APPLICATION_REDEPLOY", "APPLICATION_STOP"):
        data.update({
            "deploymentId": f"deployment_{uuid.uuid4()}",
            "commit": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "cause": "git push" if event_type != "APPLICATION_REDEPLOY" else "redeploy",
            "state": {"DEPLOYMENT_FAIL": "FAIL", "DEPLOYMENT_SUCCESS": "OK"}.get(event_type, "WIP"),
        })
    if event_type == "CREDITS_ADDED":
        data.update({"amount": 100.0, "currency": "EUR"})
    if user_id:
        data["userId"] = user_id
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": event_type,
        "date": when or _now(),
        "data": data,
    }


def describe(event: dict) -> str:
    """One sentence a person reads in a chat channel or an e-mail subject."""
    kind = event.get("type", "EVENT")
    data = event.get("data") or {}
    subject = data.get("appName") or data.get("addonName") or data.get("ownerId") or "your account"
    words = {
        "DEPLOYMENT_SUCCESS": "was deployed successfully",
        "DEPLOYMENT_FAIL": "failed to deploy",
        "DEPLOYMENT_ACTION_BEGIN": "started deploying",
        "DEPLOYMENT_ACTION_END": "finished a deployment action",
        "GIT_PUSH": "received a git push",
        "APPLICATION_STOP": "was stopped",
        "APPLICATION_REDEPLOY": "is being redeployed",
        "APPLICATION_CREATION": "was created",
        "APPLICATION_EDITION": "was edited",
        "APPLICATION_DELETION": "was deleted",
        "ADDON_CREATION": "was created",
        "ADDON_DELETION": "was deleted",
        "CREDITS_ADDED": "received credits",
    }.get(kind, kind.lower().replace("_", " "))
    return f"{subject} {words}"


def _link(event: dict) -> str:
    data = event.get("data") or {}
    owner = data.get("ownerId", "")
    if data.get("appId"):
        return f"{CONSOLE}/goto/{data['appId']}"
    return f"{CONSOLE}/goto/{owner}" if owner else CONSOLE


def _is_failure(event: dict) -> bool:
    return event.get("type") in _FAILURE_EVENTS


def render(event: dict, fmt: str) -> tuple[str, bytes]:
    """(Content-Type, body) of `event` in webhook format `fmt`."""
    fmt = catalog.normalize_format(fmt)
    text = describe(event)
    link = _link(event)
    failed = _is_failure(event)
    data = event.get("data") or {}
    if fmt == "raw":
        body: dict = event
    elif fmt == "slack":
        fields = [{"title": "Event", "value": event.get("type"), "short": True}]
        if data.get("commit"):
            fields.append({"title": "Commit", "value": data["commit"][:8], "short": True})
        body = {
            "username": "Clever Cloud",
            "text": f"{text}: <{link}|open in the console>",
            "attachments": [{
                "fallback": text,
                "color": "danger" if failed else "good",
                "title": text,
                "title_link": link,
                "fields": fields,
                "footer": "clever-notify",
            }],
        }
    elif fmt == "gitter":
        body = {"message": f"[{event.get('type')}] {text} ({link})", "level": "error" if failed else "info"}
    else:  # flowdock: an activity of the Flowdock integrations API
        body = {
            "event": "activity",
            "author": {"name": "Clever Cloud"},
            "title": text,
            "external_thread_id": str(data.get("deploymentId") or data.get("appId") or event.get("id")),
            "thread": {
                "title": f"{event.get('type')} on {data.get('appName') or data.get('ownerId')}",
                "external_url": link,
                "status": {"color": "red" if failed else "green", "value": "failed" if failed else "ok"},
            },
        }
    return "application/json", json.dumps(body).encode("utf-8")
