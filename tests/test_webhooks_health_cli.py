"""Hook health in the CLI: marks in `clever webhooks`, `--all-owners` listings and `clever webhooks check`.

Every test asserts the exact requests sent (`responses`): method, URL, Authorization header, and how many.
"""

from __future__ import annotations

import io
import json
import re
import time

import pytest
import responses

from helpers import API, ORG2_ID, ORG_ID, USER_ID, assert_sent, owner, sent

HOOKS = f"{API}/v2/notifications/webhooks"
MAILS = f"{API}/v2/notifications/emailhooks"
MIN = 60 * 1000


def now_ms() -> int:
    return int(time.time() * 1000)


def summary(*orgs: tuple[str, str]) -> dict:
    from helpers import summary as of

    return of(*(owner(i, n) for i, n in orgs))


def webhook(hook_id, owner=ORG_ID, name=None, state="ENABLED", failures=()):
    return {"id": hook_id, "ownerId": owner, "name": name or hook_id, "createdAt": 1, "state": state,
            "urls": [{"format": "raw", "url": f"https://r.example.org/{hook_id}"}], "failures": list(failures)}


def failure(minutes_ago: float, status=None, network=False):
    f = {"url": "https://r.example.org/x", "createdAt": now_ms() - int(minutes_ago * MIN)}
    if network:
        f["networkFailure"] = True
    if status is not None:
        f["status"] = status
    return f


def reads() -> list[tuple[str, str]]:
    """(method, URL) of every call, after checking each carried the OAuth header and no body."""
    for call in responses.calls:
        assert_sent(call, call.request.method, call.request.url)
    return sent()


STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"


# --- the listing marks -------------------------------------------------------------------------


@responses.activate
def test_listing_marks_disabled_and_failing_hooks(run, creds, auth_header):
    hooks = [webhook("clean"),
             webhook("broken", failures=[failure(90, status=500), failure(5, status=502)]),
             webhook("off", state="DISABLED", failures=[failure(30, network=True)]),
             webhook("old", failures=[failure(3 * 24 * 60, status=404)])]
    responses.get(f"{HOOKS}/{ORG_ID}", json=hooks)
    result = run("webhooks", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert reads() == [("GET", f"{HOOKS}/{ORG_ID}")]
    out = result.stdout
    assert "\nclean\n  id: clean\n" in "\n" + out and "clean  [" not in out
    assert re.search(r"\nbroken  \[failing\]\n(  .*\n){4}  failures: 2 failures, last: HTTP 502 "
                     + STAMP + r" \(5 min ago\)\n", out)
    assert re.search(r"\noff  \[DISABLED\]\n(  .*\n){4}  state: DISABLED: the platform no longer calls it\n"
                     r"  failures: 1 failure, last: network failure " + STAMP + r" \(30 min ago\)\n", out)
    # An old failure is shown, without a mark: the hook has not failed lately.
    assert re.search(r"\nold\n(  .*\n){4}  failures: 1 failure, 0 recent, last: HTTP 404 " + STAMP
                     + r" \(3 days ago\)\n", out)


@responses.activate
def test_listing_json_keeps_clever_tools_shape(run, creds, auth_header):
    responses.get(f"{HOOKS}/{ORG_ID}", json=[webhook("off", state="DISABLED", failures=[failure(1, status=500)])])
    result = run("webhooks", "--org", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"id": "off", "name": "off", "ownerId": ORG_ID, "services": [ORG_ID],
                                          "events": ["ALL"], "urls": webhook("off")["urls"]}]


# --- --all-owners listings ---------------------------------------------------------------------


@responses.activate
def test_all_owners_reads_one_summary_and_one_list_per_owner(run, creds, auth_header):
    responses.get(f"{API}/v2/summary", json=summary((ORG_ID, "Acme"), (ORG2_ID, "Twin")))
    responses.get(f"{HOOKS}/{USER_ID}", json=[])
    responses.get(f"{HOOKS}/{ORG_ID}", json=[webhook("a1"), webhook("a2", state="DISABLED")])
    no_owner = webhook("t1")
    del no_owner["ownerId"]  # the API left it out: the owner it was read from fills it in
    responses.get(f"{HOOKS}/{ORG2_ID}", json=[no_owner])
    result = run("webhooks", "--all-owners", "-F", "json")
    assert result.exit_code == 0, result.stderr
    calls = reads()
    assert calls[0] == ("GET", f"{API}/v2/summary")
    assert sorted(calls[1:]) == sorted([("GET", f"{HOOKS}/{USER_ID}"), ("GET", f"{HOOKS}/{ORG_ID}"),
                                        ("GET", f"{HOOKS}/{ORG2_ID}")])
    items = json.loads(result.stdout)
    assert [(h["id"], h["ownerId"]) for h in items] == [("a1", ORG_ID), ("a2", ORG_ID), ("t1", ORG2_ID)]
    assert set(items[0]) == {"id", "name", "ownerId", "services", "events", "urls"}  # clever-tools' items


@responses.activate
def test_all_owners_human_is_grouped_by_owner(run, creds, auth_header):
    responses.get(f"{API}/v2/summary", json=summary((ORG_ID, "Acme"), (ORG2_ID, "Twin")))
    responses.get(f"{HOOKS}/{USER_ID}", json=[webhook("mine", owner=USER_ID)])
    responses.get(f"{HOOKS}/{ORG_ID}", json=[])
    responses.get(f"{HOOKS}/{ORG2_ID}", json=[webhook("t1", owner=ORG2_ID, state="DISABLED")])
    result = run("webhooks", "--all-owners")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Me ({USER_ID}): 1 webhook" and lines[1] == "mine"
    assert f"Twin ({ORG2_ID}): 1 webhook" in lines and "t1  [DISABLED]" in lines
    assert lines.index(f"Twin ({ORG2_ID}): 1 webhook") > lines.index("mine")
    assert lines[-1] == "  state: DISABLED: the platform no longer calls it"  # data only on stdout
    assert result.stderr == "No webhooks for 1 owner: Acme\n"


@responses.activate
def test_all_owners_for_email_notifications(run, creds, auth_header):
    responses.get(f"{API}/v2/summary", json=summary((ORG_ID, "Acme")))
    responses.get(f"{MAILS}/{USER_ID}", json=[{"id": "m1", "ownerId": USER_ID, "name": "Default"}])
    responses.get(f"{MAILS}/{ORG_ID}", json=[{"id": "m2", "ownerId": ORG_ID, "name": "Default",
                                              "notified": [{"type": "email", "target": "a@b.example"}]}])
    result = run("notify-email", "--all-owners", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert len(reads()) == 3
    assert [(h["id"], h["ownerId"], h["notified"]) for h in json.loads(result.stdout)] == [
        ("m1", USER_ID, ["whole team"]), ("m2", ORG_ID, ["a@b.example"])]


@responses.activate
def test_an_unreadable_owner_is_reported_and_the_others_shown(run, creds, auth_header):
    responses.get(f"{API}/v2/summary", json=summary((ORG_ID, "Acme"), (ORG2_ID, "Twin")))
    responses.get(f"{HOOKS}/{USER_ID}", json=[])
    responses.get(f"{HOOKS}/{ORG_ID}", status=403, json={"message": "You are not allowed", "type": "error"})
    responses.get(f"{HOOKS}/{ORG2_ID}", json=[webhook("t1", owner=ORG2_ID)])
    result = run("webhooks", "--all-owners", "-F", "json")
    assert result.exit_code == 1
    assert [h["id"] for h in json.loads(result.stdout)] == ["t1"]
    assert f"cannot read the webhooks of Acme ({ORG_ID})" in result.stderr
    assert "could not read the webhooks of 1 of 3 owners" in result.stderr
    assert len(responses.calls) == 4  # a 403 is not retried, the others read once


@pytest.mark.parametrize("args", [["webhooks", "--all-owners", "--org", "Acme"],
                                  ["webhooks", "--all-owners", "--list-all"],
                                  ["notify-email", "--all-owners", "-o", ORG_ID],
                                  ["webhooks", "check", "--all-owners", "--org", ORG_ID],
                                  ["webhooks", "--all-owners", "check"]])
@responses.activate
def test_all_owners_with_one_owner_is_refused_before_any_request(run, creds, args):
    result = run(*args)
    assert result.exit_code == 2 and "--all-owners" in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_fifty_owners_cost_fifty_one_requests(run, creds, auth_header):
    orgs = [(f"orga_{i:08d}-0000-4000-8000-000000000000", f"Org {i:03d}") for i in range(1, 50)]
    responses.get(f"{API}/v2/summary", json=summary(*orgs))
    for owner_id in [USER_ID] + [o for o, _ in orgs]:
        responses.get(f"{HOOKS}/{owner_id}", json=[webhook(f"h-{owner_id}", owner=owner_id)])
    result = run("webhooks", "check", "--all-owners", "--json")
    assert result.exit_code == 0, result.stderr
    calls = reads()
    assert len(calls) == 51 and len(set(calls)) == 51
    assert calls.count(("GET", f"{API}/v2/summary")) == 1
    assert [h["ownerId"] for h in json.loads(result.stdout)] == [USER_ID] + [o for o, _ in orgs]


# --- check -------------------------------------------------------------------------------------


@responses.activate
def test_check_all_healthy_exits_0(run, creds, auth_header):
    responses.get(f"{HOOKS}/{ORG_ID}", json=[webhook("a"), webhook("b", failures=[failure(48 * 60, status=500)])])
    result = run("webhooks", "check", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert reads() == [("GET", f"{HOOKS}/{ORG_ID}")]
    lines = result.stdout.splitlines()
    assert lines[0] == "ok       a (a)  no recent failure"
    assert re.fullmatch(r"ok       b \(b\)  1 failure, 0 recent, last: HTTP 500 " + STAMP + r" \(2 days ago\)",
                        lines[1])
    assert result.stderr == "Checked 2 webhooks: 2 ok, 0 failing, 0 disabled.\n"


@responses.activate
def test_check_failing_or_disabled_exits_5_with_the_evidence(run, creds, auth_header):
    responses.get(f"{HOOKS}/{ORG_ID}", json=[
        webhook("a"), webhook("b", failures=[failure(10, status=502)]),
        webhook("c", state="DISABLED", failures=[failure(2, network=True)])])
    result = run("webhooks", "check", "--org", ORG_ID)
    assert result.exit_code == 5
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok       a (a)")
    assert re.fullmatch(r"failing  b \(b\)  1 failure, last: HTTP 502 " + STAMP + r" \(10 min ago\)", lines[1])
    assert re.fullmatch(r"disabled c \(c\)  state DISABLED: the platform no longer calls it; 1 failure, last: "
                        r"network failure " + STAMP + r" \(2 min ago\)", lines[2])
    assert "Checked 3 webhooks: 1 ok, 1 failing, 1 disabled." in result.stderr
    assert f"Revive c with: clever webhooks enable c --org {ORG_ID}" in result.stderr
    assert result.stderr.rstrip().endswith("Error: 2 of 3 webhooks are not healthy (1 failing, 1 disabled).")


@pytest.mark.parametrize("since,exit_code", [("5m", 0), ("15m", 5), ("1d", 5)])
@responses.activate
def test_since_sets_how_recent_a_failure_must_be(run, creds, since, exit_code):
    responses.get(f"{HOOKS}/{ORG_ID}", json=[webhook("b", failures=[failure(10, status=502)])])
    assert run("webhooks", "check", "--org", ORG_ID, "--since", since).exit_code == exit_code


@pytest.mark.parametrize("since", ["10", "5 weeks", "-1h", "h", "99999999d"])
@responses.activate
def test_a_bad_since_is_refused_before_any_request(run, creds, since):
    result = run("webhooks", "check", "--org", ORG_ID, "--since", since)
    assert result.exit_code == 2 and "--since" in result.stderr
    assert len(responses.calls) == 0


@pytest.mark.parametrize("flags", [["--json"], ["-F", "json"]])
@responses.activate
def test_check_json(run, creds, flags):
    f = failure(1, status=410)
    responses.get(f"{HOOKS}/{ORG_ID}", json=[webhook("a"), webhook("c", state="DISABLED", failures=[f])])
    result = run("webhooks", "check", "--org", ORG_ID, *flags)
    assert result.exit_code == 5
    assert json.loads(result.stdout) == [
        {"ownerId": ORG_ID, "id": "a", "name": "a", "health": "ok", "state": "ENABLED", "failures": 0,
         "recentFailures": 0},
        {"ownerId": ORG_ID, "id": "c", "name": "c", "health": "disabled", "state": "DISABLED", "failures": 1,
         "recentFailures": 1, "lastFailure": {"url": f["url"], "status": 410, "createdAt": f["createdAt"]}}]


@responses.activate
def test_check_no_webhook_is_healthy(run, creds, auth_header):
    responses.get(f"{API}/v2/self", json={"id": USER_ID})
    responses.get(f"{HOOKS}/{USER_ID}", json=[])
    result = run("webhooks", "check")
    assert result.exit_code == 0 and result.stdout == ""
    assert reads() == [("GET", f"{API}/v2/self"), ("GET", f"{HOOKS}/{USER_ID}")]
    assert "Checked 0 webhooks" in result.stderr


@responses.activate
def test_check_all_owners_names_owners_and_prefers_5_to_an_unreadable_owner(run, creds):
    responses.get(f"{API}/v2/summary", json=summary((ORG_ID, "Acme"), (ORG2_ID, "Twin")))
    responses.get(f"{HOOKS}/{USER_ID}", json=[webhook("mine", owner=USER_ID)])
    responses.get(f"{HOOKS}/{ORG_ID}", status=403, json={"message": "no", "type": "error"})
    responses.get(f"{HOOKS}/{ORG2_ID}", json=[webhook("t1", owner=ORG2_ID, state="DISABLED")])
    result = run("webhooks", "check", "--all-owners")
    assert result.exit_code == 5
    assert result.stdout.splitlines() == [
        f"ok       Me ({USER_ID}): mine (mine)  no recent failure",
        f"disabled Twin ({ORG2_ID}): t1 (t1)  state DISABLED: the platform no longer calls it"]
    assert f"cannot read the webhooks of Acme ({ORG_ID})" in result.stderr
    assert "Checked 2 webhooks of 3 owners: 1 ok, 0 failing, 1 disabled." in result.stderr
    assert f"clever webhooks enable t1 --org {ORG2_ID}" in result.stderr


@responses.activate
def test_check_all_owners_healthy_but_one_unreadable_exits_1(run, creds):
    responses.get(f"{API}/v2/summary", json=summary((ORG_ID, "Acme")))
    responses.get(f"{HOOKS}/{USER_ID}", json=[webhook("mine", owner=USER_ID)])
    responses.get(f"{HOOKS}/{ORG_ID}", status=403, json={"message": "no", "type": "error"})
    result = run("webhooks", "check", "--all-owners")
    assert result.exit_code == 1
    assert "could not read the webhooks of 1 of 2 owners" in result.stderr


@responses.activate
def test_names_from_the_api_are_sanitised(run, creds):
    responses.get(f"{HOOKS}/{ORG_ID}", json=[webhook("x", name="evil\x1b[2J\nforged", state="DISABLED")])
    result = run("webhooks", "check", "--org", ORG_ID)
    assert "\x1b" not in result.stdout + result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_check_in_the_sandbox_hints_carry_the_sandbox(run):
    from clever_notify.sandbox.store import Store

    store = Store()
    [org] = store.find_owner("Acme")
    hook = store.create_hook("webhooks", org["id"], {"name": "off", "state": "DISABLED",
                                                     "urls": [{"format": "raw", "url": "https://r.example.org"}]})
    result = run("--sandbox", "webhooks", "check", "--org", "Acme")
    assert result.exit_code == 5
    assert f"clever --sandbox webhooks enable {hook['id']} --org Acme\n" in result.stderr  # the owner as typed


# --- progress ----------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("owners,tty,shown", [(10, True, True), (5, True, False), (10, False, False)])
def test_progress_only_on_a_terminal_and_for_more_than_a_few_owners(owners, tty, shown):
    from clever_notify.cli.all_owners import progress

    stream = FakeTerminal() if tty else io.StringIO()
    with progress(owners, "webhooks", stream=stream) as advance:
        for _ in range(owners):
            advance(None)
    assert ("Reading the webhooks of every owner" in stream.getvalue()) is shown
    if not shown:
        assert stream.getvalue() == ""
