"""`n.audit(...)` of the Python API (from clever_notify import Notifications) on the in-process sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clever_notify import AuditResult, Finding, Notifications
from clever_notify.errors import InputError, NotFound
from clever_notify.hooks.audit_rules import RULE_IDS


@pytest.fixture
def n(tmp_path):
    return Notifications.sandbox(tmp_path / "sandbox.db")


def test_audit_returns_typed_findings_one_per_rule_on_a_fresh_sandbox(n):
    result = n.audit()
    assert isinstance(result, AuditResult) and not result.ok
    assert all(isinstance(f, Finding) for f in result.findings)
    assert sorted(f.rule for f in result.findings) == sorted(RULE_IDS)
    assert result.requests == 1 + 3 * 2 and [o.owner.name for o in result.audited] == ["Sandbox User", "Acme",
                                                                                       "Audit Demo"]
    [unhealthy] = [f for f in result.findings if f.rule == "unhealthy"]
    assert unhealthy.fix == (("webhooks", "enable", unhealthy.hook_id, "--org", unhealthy.owner_id),)


def test_audit_of_named_owners_and_ignores(n):
    assert n.audit("Acme").ok
    assert n.audit(["self", "Acme"]).ok
    demo = n.audit("Audit Demo", ignore=list(RULE_IDS), since=timedelta(hours=1))
    assert demo.findings == [] and len(demo.ignored) == len(RULE_IDS) and demo.ok


@pytest.mark.parametrize("kwargs, error", [({"ignore": ["nope"]}, InputError), ({"since": "soon"}, InputError),
                                           ({"owners": "Nobody"}, NotFound)])
def test_audit_refuses_bad_values(n, kwargs, error):
    with pytest.raises(error):
        n.audit(**kwargs)
