"""Left from the last round (issue 23), both about what the API answers:

- `notify-email default --disable|--only` on a default hook whose listed id cannot go in a URL path: the API's
  fault, exit 1 (never 2, a usage error), nothing sent.
- an organisation of /v2/summary whose id is not a string is skipped by every `--all-owners` command, and the
  user is told so on stderr, once.
"""

from __future__ import annotations

import json

import pytest
import responses

from helpers import API, ORG2_ID, ORG_ID, USER_ID, owner, summary

DEFAULT = "Default deployment result e-mails"
MAILS = f"{API}/v2/notifications/emailhooks/{ORG_ID}"


@pytest.mark.parametrize("bad_id", ["../x", "a/b", "a b", "%2e%2e", "x?y", ".", "é"])
@pytest.mark.parametrize("mode", [["--disable"], ["--only", "app_a"], ["--disable", "--dry-run"],
                                  ["--only", "app_a", "--dry-run", "--json"]], ids=lambda m: " ".join(m))
@responses.activate
def test_default_with_an_ill_formed_listed_id_is_the_apis_fault(run, creds, bad_id, mode):
    responses.get(f"{API}/v2/summary", json=summary(owner(ORG_ID, "Acme", [("app_a", "web")])))
    responses.get(MAILS, json=[{"id": bad_id, "ownerId": ORG_ID, "name": DEFAULT,
                                "events": ["META_DEPLOYMENT_RESULT"], "createdAt": 1}])
    result = run("notify-email", "default", "--org", ORG_ID, *mode)
    assert result.exit_code == 1, result.output
    assert "cannot go in a URL path" in result.stderr and "nothing was sent" in result.stderr
    assert [c.request.method for c in responses.calls if c.request.method != "GET"] == []
    shown = run("notify-email", "default", "--org", ORG_ID)  # showing sends nothing: shown, not refused
    assert shown.exit_code == 0, shown.output
    responses.replace(responses.GET, MAILS, json=[{"id": "e-1", "ownerId": ORG_ID, "name": DEFAULT, "createdAt": 1}])
    dry = run("notify-email", "default", "--org", ORG_ID, "--disable", "--dry-run")
    assert dry.exit_code == 0 and "e-1" in dry.output, dry.output  # a well-formed id: as before


ODD_ORGS = {
    "a number": {"id": 7, "name": "Seven"},
    "null": {"id": None, "name": "Nothing"},
    "missing": {"name": "Nameless"},
    "a list": {"id": ["orga_x"], "name": "Listed"},
    "an object": {"id": {"v": "orga_x"}, "name": "Object"},
    "true": {"id": True, "name": "Truthy"},
    "not an object": "orga_just_a_string",
}

ALL_OWNERS = {
    "webhooks": ["webhooks", "--all-owners"],
    "webhooks json": ["webhooks", "--all-owners", "-F", "json"],
    "notify-email": ["notify-email", "--all-owners"],
    "check": ["webhooks", "check", "--all-owners"],
    "export": ["notifications", "export", "--all-owners"],
}


@pytest.mark.parametrize("command", ALL_OWNERS.values(), ids=ALL_OWNERS.keys())
@pytest.mark.parametrize("odd", ODD_ORGS.values(), ids=ODD_ORGS.keys())
@responses.activate
def test_an_organisation_without_an_id_string_is_skipped_and_said_once(run, creds, command, odd):
    doc = summary(owner(ORG_ID, "Acme"), owner(ORG2_ID, "Twin"))
    doc["organisations"].insert(1, odd)
    responses.get(f"{API}/v2/summary", json=doc)
    for kind in ("webhooks", "emailhooks"):
        for owner_id in (USER_ID, ORG_ID, ORG2_ID):
            responses.get(f"{API}/v2/notifications/{kind}/{owner_id}", json=[])
    result = run(*command)
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "without an id string" in line]
    assert len(notes) == 1, result.stderr
    assert "organisations[1]" in notes[0] and "skipped" in notes[0]
    read = sorted({c.request.url.rsplit("/", 1)[1] for c in responses.calls if "/notifications/" in c.request.url})
    assert read == sorted([USER_ID, ORG_ID, ORG2_ID])  # the others are all read
    if command[-1] == "json":
        json.loads(result.stdout)  # stdout stays the data alone


@responses.activate
def test_a_summary_without_odd_organisations_says_nothing(run, creds):
    responses.get(f"{API}/v2/summary", json=summary(owner(ORG_ID, "Acme")))
    for kind in ("webhooks", "emailhooks"):
        for owner_id in (USER_ID, ORG_ID):
            responses.get(f"{API}/v2/notifications/{kind}/{owner_id}", json=[])
    result = run("webhooks", "--all-owners")
    assert result.exit_code == 0 and "id string" not in result.stderr, result.output
    odd = summary(owner(ORG_ID, "Acme"))
    odd["organisations"].append({"id": 12, "name": "Twelve"})
    responses.replace(responses.GET, f"{API}/v2/summary", json=odd)
    result = run("webhooks", "--all-owners")
    assert result.exit_code == 0 and "organisations[1] has a number for its id ('Twelve')" in result.stderr


@responses.activate
def test_the_python_api_says_it_through_on_notice(creds):
    from clever_notify import Notifications
    from helpers import SECRET, TOKEN

    doc = summary(owner(ORG_ID, "Acme"))
    doc["organisations"].append({"id": 12, "name": "Twelve"})
    responses.get(f"{API}/v2/summary", json=doc)
    said: list[str] = []
    n = Notifications.from_environment(env={"CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET, "API_HOST": API},
                                       on_notice=said.append)
    assert [o.id for o in n.owners()] == [USER_ID, ORG_ID]
    assert [o.id for o in n.owners()] == [USER_ID, ORG_ID]
    assert len(said) == 1 and "organisations[1] has a number for its id ('Twelve')" in said[0], said
