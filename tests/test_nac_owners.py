"""Owners by identity: export writes owners by id with their name, and `self` with the account's id; plan refuses
a file whose owner is no longer the one it was written for (another account's credentials, another organisation
under that name), naming both, before any write."""

from __future__ import annotations

import pytest
import responses

import test_nac_cli as here
from helpers import ORG2_ID, ORG_ID, USER_ID, write
from test_nac_cli import SUMMARY, FakeApi, lists

BOT_ID = "user_00000000-0000-4000-8000-00000000b0b0"
HOOK = {"id": "w-1", "ownerId": USER_ID, "name": "mine", "urls": [{"format": "raw", "url": "https://me.org"}],
        "createdAt": 1, "state": "ENABLED"}


@responses.activate
def test_export_writes_self_with_its_id_and_organisations_by_id_with_their_name(run, creds, tmp_path):
    api = FakeApi({("webhooks", USER_ID): [HOOK]})
    exported = run("notifications", "export", "--org", "self", "--org", "Twin", "--org", "Acme")
    assert exported.exit_code == 0, exported.stderr
    text = exported.stdout
    assert text.split("owners:\n", 1)[1].startswith(
        f"  self:\n    id: {USER_ID}\n    name: Me\n    webhooks:\n")
    assert f"\n  {ORG_ID}:\n    name: Acme\n" in text and f"\n  {ORG2_ID}:\n    name: Twin\n" in text
    assert text.index(ORG_ID) < text.index(ORG2_ID)  # ordered by name: Acme, then Twin
    api.sent.clear()
    planned = run("notifications", "plan", write(tmp_path, text), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert api.reads() == sorted(["/v2/summary"] + lists(USER_ID, ORG_ID, ORG2_ID))  # one summary checks them all


@responses.activate
def test_self_under_another_accounts_credentials_is_refused_naming_both(run, creds, tmp_path, monkeypatch):
    api = FakeApi({("webhooks", USER_ID): [HOOK]})
    text = run("notifications", "export", "--org", "self").stdout
    path = write(tmp_path, text.replace("url: https://me.org", "url: https://changed.org"))
    monkeypatch.setattr(here, "SUMMARY", {**SUMMARY, "user": {"id": BOT_ID, "name": "ci-bot"}})
    api.sent.clear()
    for command in (("plan",), ("apply", "--yes"), ("plan", "--detailed-exitcode")):
        result = run("notifications", *command, path)
        assert result.exit_code == (1 if "--detailed-exitcode" in command else 2)
        assert api.writes() == [] and api.reads() == ["/v2/summary"] * len(api.reads())  # no list read, no write
        assert result.stderr.splitlines()[1].endswith(
            f"owners.self: the file is for the account 'Me' ({USER_ID}), but the credentials are for 'ci-bot' "
            f"({BOT_ID}): run it with 'Me' ({USER_ID})'s credentials, or write that owner's id instead of `self` "
            "(the credentials must then have access to it)")


@pytest.mark.parametrize("section, message", [
    (f"  {ORG_ID}:\n    name: Acme Corp\n",
     f"owners.{ORG_ID}: {ORG_ID} is named 'Acme' at the API, not 'Acme Corp' as the file's `name:` says"),
    (f"  Acme:\n    id: {ORG2_ID}\n",
     f"owners.Acme: 'Acme' is {ORG_ID}, not {ORG2_ID} as the file's `id:` says"),
    ("  orga_99999999-9999-4999-8999-999999999999:\n    name: Gone\n",
     "is not among the owners these credentials reach, so its name cannot be checked"),
    (f"  self:\n    id: {USER_ID}\n    name: Someone else\n", f"{USER_ID} is named 'Me' at the API, not 'Someone"),
])
@responses.activate
def test_an_owner_that_is_not_the_one_the_file_names_is_refused(run, creds, tmp_path, section, message):
    api = FakeApi()
    result = run("notifications", "plan", write(tmp_path, "version: 1\nowners:\n" + section + "    webhooks: []\n"))
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert api.writes() == []


@responses.activate
def test_an_owner_id_in_the_file_must_be_one(run, creds, tmp_path):
    FakeApi()
    result = run("notifications", "plan", write(tmp_path, "version: 1\nowners:\n  self:\n    id: me\n"))
    assert result.exit_code == 2
    assert "owners.self.id: invalid owner id 'me': a user_… or orga_… id" in result.stderr


@responses.activate
def test_a_name_the_api_does_not_give_is_not_checked(run, creds, tmp_path, monkeypatch):
    monkeypatch.setattr(here, "SUMMARY", {**SUMMARY, "user": {"id": USER_ID}})  # an account without a name
    api = FakeApi()
    text = f"version: 1\nowners:\n  self:\n    id: {USER_ID}\n    name: Me\n    webhooks: []\n"
    result = run("notifications", "plan", write(tmp_path, text), "--detailed-exitcode")
    assert result.exit_code == 0, result.stderr
    assert api.writes() == []
