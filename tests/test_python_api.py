"""The Python API (`from clever_notify import Notifications`) used as a script would: public names only,
against the in-process sandbox (its database in the test's folder, set by conftest)."""

from __future__ import annotations

import pytest

from clever_notify import EmailHook, Notifications, Webhook
from clever_notify.errors import InputError, NotFound


@pytest.fixture
def n():
    return Notifications.sandbox()


def test_a_webhook_added_is_listed_typed_with_its_raw_fields(n):
    hook = n.webhooks.add("deploys", "https://example.org/h", events=["deployment_fail"], owner="Acme")
    assert isinstance(hook, Webhook) and hook.id and hook.events == ("DEPLOYMENT_FAIL",)
    listed = n.webhooks.list(owner="Acme")
    assert [h.id for h in listed] == [hook.id]
    assert listed[0].raw["urls"] == [{"format": "raw", "url": "https://example.org/h"}]
    assert listed[0].enabled and listed[0].owner_id == n.owner("Acme").id


def test_a_bad_value_is_refused_before_anything_is_sent(n):
    with pytest.raises(InputError, match="NOT_AN_EVENT"):
        n.webhooks.add("x", "https://example.org/h", events=["NOT_AN_EVENT"], owner="Acme")
    with pytest.raises(InputError):
        n.webhooks.add("x", "ftp://example.org/h", owner="Acme")
    assert n.webhooks.list(owner="Acme") == []


def test_dry_runs_send_nothing_and_say_what_would_be_sent(n):
    hook = n.webhooks.add("deploys", "https://example.org/h", owner="Acme")
    updated = n.webhooks.update(hook.id, owner="Acme", name="renamed", dry_run=True)
    assert updated.hook.name == "renamed" and [r["method"] for r in updated.requests] == ["PUT"]
    removed = n.webhooks.remove(hook.id, owner="Acme", dry_run=True)
    assert [r["method"] for r in removed.requests] == ["DELETE"]
    assert [h.name for h in n.webhooks.list(owner="Acme")] == ["deploys"]


def test_an_unknown_id_is_not_found(n):
    with pytest.raises(NotFound):
        n.emails.get("nope", owner="Acme")


def test_the_default_emails_are_typed(n):
    (default,) = n.emails.default.get(owner="Acme")
    assert isinstance(default, EmailHook) and default.name == "Default deployment result e-mails"
