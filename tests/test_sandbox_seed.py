"""Many organisations in the sandbox: Store.add_organisation, Store.seed_organisations and `clever sandbox seed`."""

from __future__ import annotations

import json

import pytest

from clever_notify.hooks import catalog
from clever_notify.sandbox.store import Store


@pytest.fixture
def store():
    return Store()  # CLEVER_SANDBOX_DB points into tmp_path (conftest)


SEEDED = ["Acme", "Audit Demo"]  # the organisations of a fresh sandbox


def _org_names(store):
    return [o["name"] for o in store.summary()["organisations"]]


def test_seed_adds_numbered_organisations_after_the_seed_ones(store):
    added = store.seed_organisations(50)
    assert [o["name"] for o in added] == [f"Org {i:03d}" for i in range(1, 51)]
    assert _org_names(store) == SEEDED + [f"Org {i:03d}" for i in range(1, 51)]
    summary = {o["id"]: o for o in store.summary()["organisations"]}
    assert len(summary) == 52  # distinct ids
    for org in added:
        assert org["id"].startswith("orga_")
        assert summary[org["id"]] == org  # answered exactly as /v2/summary lists it
        assert [a["name"] for a in org["applications"]] == ["web", "worker"] and org["addons"] == []
        [default] = store.list_hooks("emailhooks", org["id"])  # every owner starts with it, as on the platform
        assert default["name"] == catalog.DEFAULT_EMAIL_HOOK_NAME and "notified" not in default
        assert store.list_hooks("webhooks", org["id"]) == []


def test_seed_converges(store):
    first = store.seed_organisations(5)
    assert store.seed_organisations(5) == []
    assert store.seed_organisations(3) == []
    more = store.seed_organisations(7)
    assert [o["name"] for o in more] == ["Org 006", "Org 007"]
    assert _org_names(store) == SEEDED + [f"Org {i:03d}" for i in range(1, 8)]
    assert store.find_owner("Org 001")[0]["id"] == first[0]["id"]


@pytest.mark.parametrize("count", [-1, 10_001])
def test_seed_refuses_counts_out_of_bounds(store, count):
    with pytest.raises(ValueError):
        store.seed_organisations(count)
    assert _org_names(store) == SEEDED


def test_add_organisation_with_services(store):
    org = store.add_organisation("Globex", applications=["api"], addons=["cache", "pg"])
    assert [a["name"] for a in org["applications"]] == ["api"]
    assert [a["name"] for a in org["addons"]] == ["cache", "pg"]
    assert all(a["realId"].startswith("postgresql_") for a in org["addons"])
    assert store.organisation(org["id"])["name"] == "Globex"
    assert [s["name"] for s in store.services(org["id"])] == ["api", "cache", "pg"]
    with pytest.raises(ValueError):
        store.add_organisation("  ")


def test_reset_keeps_added_organisations_and_their_default_emails(store):
    [org] = store.seed_organisations(1)
    store.create_hook("webhooks", org["id"], {"name": "h", "urls": [{"format": "raw", "url": "https://e.org/h"}]})
    store.delete_hook("emailhooks", org["id"], store.list_hooks("emailhooks", org["id"])[0]["id"])
    store.reset()
    assert store.list_hooks("webhooks", org["id"]) == []
    [default] = store.list_hooks("emailhooks", org["id"])
    assert default["name"] == catalog.DEFAULT_EMAIL_HOOK_NAME


def test_seed_command_then_use_the_organisations(run, store):
    result = run("sandbox", "seed", "--orgs", "3", "--json")
    assert result.exit_code == 0, result.stderr
    added = json.loads(result.stdout)
    assert [o["name"] for o in added] == ["Org 001", "Org 002", "Org 003"]
    assert "Added 3 organisations" in result.stderr

    again = run("sandbox", "seed", "--orgs", "3")
    assert again.exit_code == 0 and again.stdout == ""  # nothing added, nothing printed as data
    four = run("sandbox", "seed", "--orgs", "4")
    [line] = four.stdout.splitlines()
    assert line.endswith("  Org 004") and line.startswith("orga_")

    listed = run("--sandbox", "notify-email", "--org", "Org 002", "-F", "json")
    assert listed.exit_code == 0, listed.stderr
    [hook] = json.loads(listed.stdout)
    assert hook["ownerId"] == added[1]["id"] and hook["name"] == catalog.DEFAULT_EMAIL_HOOK_NAME


def test_seed_command_is_hidden_and_validates(run):
    listing = run("sandbox", "--help").stdout
    assert "  serve " in listing and "  seed " not in listing
    assert "Org 001" in run("sandbox", "seed", "--help").stdout
    bad = run("sandbox", "seed", "--orgs", "-2")
    assert bad.exit_code == 2 and bad.stdout == ""


def test_audit_demo_is_seeded_and_reset_restores_it(store):
    [demo] = store.find_owner("Audit Demo")
    names = {kind: sorted(h["name"] for h in store.list_hooks(kind, demo["id"])) for kind in ("webhooks", "emailhooks")}
    assert names == {"webhooks": ["Acme web deploys", "CI trigger", "Old app deploys", "Shop releases",
                                  "Shop releases (copy)", "Status page", "Team Discord"],
                     "emailhooks": ["Release notes", "Shop deployments"]}
    for kind in names:
        for hook in store.list_hooks(kind, demo["id"]):
            store.delete_hook(kind, demo["id"], hook["id"])
    store.reset()
    again = {kind: sorted(h["name"] for h in store.list_hooks(kind, demo["id"])) for kind in ("webhooks", "emailhooks")}
    assert again == names
    [status] = [h for h in store.list_hooks("webhooks", demo["id"]) if h["name"] == "Status page"]
    assert status["state"] == "DISABLED" and len(status["failures"]) == 5
