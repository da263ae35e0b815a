"""Never more HTTP requests than clever-tools 4.11 for the same command.

clever-tools' counts come from its sources: `getOwnerAndApp` (models/notification.js) asks /v2/summary
for an organisation name (models/organisation.js) and /v2/self when neither --org nor a linked app with an
org_id gives the owner (models/app_configuration.js, models/user.js); `remove` uses
`getOwnerIdFromOrgIdOrName` (models/ids-resolver.js): --org or /v2/self, never the linked app. Then one
request for the hooks themselves.
"""

from __future__ import annotations

import json

import pytest
import responses

from helpers import API, APP_ID, ORG_ID, USER_ID

SUMMARY = {
    "user": {"id": USER_ID, "name": "Me", "applications": [], "addons": [], "consumers": []},
    "organisations": [{"id": ORG_ID, "name": "Acme", "applications": [], "addons": [], "consumers": []}],
}
HOOK_ID = "6e9f1a2c-0000-4000-8000-000000000001"
CREATED = {"id": HOOK_ID, "ownerId": ORG_ID, "urls": [{"format": "raw", "url": "https://example.org/h"}]}

# (name, args, where: "plain" | "linked" | "linked-no-org", clever-tools' count, ours cold, ours with a warm cache)
# A write never trusts the name cache (an organisation renamed, another taking its name): warm = cold for writes.
CASES = [
    ("list by org id", ["webhooks", "--org", ORG_ID, "-F", "json"], "plain", 1, 1, 1),
    ("list by org name", ["webhooks", "--org", "Acme", "-F", "json"], "plain", 2, 2, 1),
    ("list in linked-app folder", ["webhooks", "-F", "json"], "linked", 1, 1, 1),
    ("list, linked app without org_id", ["webhooks", "-F", "json"], "linked-no-org", 2, 2, 2),
    ("list, no linked app", ["webhooks", "-F", "json"], "plain", 2, 2, 2),
    ("list --list-all", ["webhooks", "--list-all", "-F", "json"], "linked", 2, 2, 2),
    ("list human", ["webhooks", "--org", ORG_ID], "plain", 1, 1, 1),
    ("add by org id", ["webhooks", "add", "n", "https://example.org/h", "--org", ORG_ID], "plain", 1, 1, 1),
    ("add by org name", ["webhooks", "add", "n", "https://example.org/h", "--org", "Acme"], "plain", 2, 2, 2),
    ("add in linked-app folder", ["webhooks", "add", "n", "https://example.org/h"], "linked", 1, 1, 1),
    ("add, no linked app", ["webhooks", "add", "n", "https://example.org/h"], "plain", 2, 2, 2),
    ("remove with org id", ["webhooks", "remove", HOOK_ID, "--org", ORG_ID], "plain", 1, 1, 1),
    ("remove by org name", ["webhooks", "remove", HOOK_ID, "--org", "Acme"], "plain", 2, 2, 2),
    ("remove, no org", ["webhooks", "remove", HOOK_ID], "plain", 2, 2, 2),
    # clever-tools asks /v2/self here; the linked app's org_id already names the owner
    ("remove in linked-app folder", ["webhooks", "remove", HOOK_ID], "linked", 2, 1, 1),
    ("notify-email list by org id", ["notify-email", "--org", ORG_ID, "-F", "json"], "plain", 1, 1, 1),
    ("notify-email list by org name", ["notify-email", "--org", "Acme", "-F", "json"], "plain", 2, 2, 1),
    ("notify-email list in linked-app folder", ["notify-email", "-F", "json"], "linked", 1, 1, 1),
]


def mock_api(rsps):
    rsps.get(f"{API}/v2/summary", json=SUMMARY)
    rsps.get(f"{API}/v2/self", json={"id": USER_ID, "name": "Me", "email": "me@example.org"})
    for owner in (ORG_ID, USER_ID):
        for kind in ("webhooks", "emailhooks"):
            rsps.get(f"{API}/v2/notifications/{kind}/{owner}", json=[])
            rsps.post(f"{API}/v2/notifications/{kind}/{owner}", json=CREATED)
            rsps.delete(f"{API}/v2/notifications/{kind}/{owner}/{HOOK_ID}", status=204)


@pytest.fixture
def place(request, isolated_env):
    where = request.param
    if where in ("linked", "linked-no-org"):
        app = {"app_id": APP_ID, "deploy_url": "https://x", "git_ssh_url": "git+ssh://x", "name": "w", "alias": "w"}
        if where == "linked":
            app["org_id"] = ORG_ID
        (isolated_env / "work" / ".clever.json").write_text(json.dumps({"apps": [app]}))
    return where


@pytest.mark.parametrize(
    "args,place,clever_tools,cold,warm",
    [pytest.param(a, w, ct, c, h, id=name) for name, a, w, ct, c, h in CASES],
    indirect=["place"],
)
def test_request_count_never_above_clever_tools(run, creds, place, args, clever_tools, cold, warm):
    counts = []
    for _ in range(2):  # cold cache, then warm
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            mock_api(rsps)
            result = run(*args)
            assert result.exit_code == 0, result.stderr
            counts.append(len(rsps.calls))
    assert counts == [cold, warm]
    assert max(counts) <= clever_tools
