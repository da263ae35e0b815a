"""The audit's rules (clever_notify/hooks/audit_rules.py), one by one: each with a case that it finds and a
clean twin, the smallest change that makes the finding go away, that it must not find. No I/O."""

from __future__ import annotations

import pytest

from clever_notify.errors import InputError
from clever_notify.hooks import audit_rules as ar

NOW = 1_800_000_000_000
HOUR = 3_600_000
ORG = "orga_11111111-1111-4111-8111-111111111111"
OTHER = "orga_22222222-2222-4222-8222-222222222222"
USER = "user_33333333-3333-4333-8333-333333333333"
WEB, API, GONE, DB = "app_web", "app_api", "app_gone", "addon_db"
OTHER_APP = "app_other"

ACME = ar.Owner(ORG, "Acme", services=(ar.Service(WEB, "web", True), ar.Service(API, "api", True),
                                      ar.Service(DB, "db", False, "postgresql_abc")))
GLOBEX = ar.Owner(OTHER, "Globex", services=(ar.Service(OTHER_APP, "other", True),))
ME = ar.Owner(USER, "Me", is_user=True)
KNOWN = {o.id: o for o in (ME, ACME, GLOBEX)}

# Covers both applications of Acme: the clean background every case starts from.
COVER = {"id": "e-cover", "name": "deploys", "events": ["META_DEPLOYMENT_RESULT"]}


def webhook(id="w1", url="https://example.org/h", fmt="raw", **extra) -> dict:
    return {"id": id, "name": f"hook {id}", "urls": [{"format": fmt, "url": url}], "state": "ENABLED",
            "failures": [], **extra}


def email(id="e1", **extra) -> dict:
    return {"id": id, "name": f"mail {id}", **extra}


def run(webhooks=(), emails=(COVER,), owner=ACME, rule=None, complete=True, **kw) -> list[ar.Finding]:
    o = ar.OwnerHooks(owner, list(webhooks), list(emails), complete)
    rules = ar.RULES if rule is None else tuple(r for r in ar.RULES if r.id == rule)
    findings, _ = ar.audit([o], known=KNOWN, now_ms=NOW, rules=rules, **kw)
    return findings


def only(findings, rule) -> ar.Finding:
    assert [f.rule for f in findings] == [rule], [f.message for f in findings]
    return findings[0]


def test_every_rule_is_listed_once_with_words():
    assert len(set(ar.RULE_IDS)) == len(ar.RULES) == 8
    for rule in ar.RULES:
        assert rule.severity in ar.SEVERITIES and rule.finds and rule.why and rule.remedy and callable(rule.check)


def test_the_clean_background_finds_nothing():
    assert run() == []


# --- uncovered-app ------------------------------------------------------------------------------


def test_uncovered_app_without_any_hook():
    found = run(emails=[])
    assert [(f.rule, f.service_id) for f in found] == [("uncovered-app", WEB), ("uncovered-app", API)]
    assert found[0].fix == (("notify-email", "add", "Deployment failures of web", "--notify", "organisation",
                             "--event", "DEPLOYMENT_FAIL", "--service", WEB, "--org", ORG),)
    assert "web" in found[0].message and found[0].severity == "error"


@pytest.mark.parametrize("events", [None, ["DEPLOYMENT_FAIL"], ["META_SERVICE_LIFECYCLE"],
                                    ["GIT_PUSH", "META_DEPLOYMENT_RESULT"]])
def test_covered_by_an_event_a_meta_event_or_every_event(events):
    hook = email(events=events) if events else email()
    assert run(emails=[hook], rule="uncovered-app") == []


@pytest.mark.parametrize("hook, why", [
    (email(events=["DEPLOYMENT_SUCCESS"]), "not the failure"),
    (email(events=["META_SERVICE_MANAGEMENT"]), "a meta-event without it"),
    (email(scope=[WEB]), "only web"),
    (webhook(state="DISABLED", events=["DEPLOYMENT_FAIL"]), "disabled"),
    (webhook(state="PAUSED", events=["DEPLOYMENT_FAIL"]), "a state nobody knows"),
    (email(notified=[{"type": "email", "target": "not-an-address"}]), "reaches nobody"),
])
def test_not_covered_by(hook, why):
    kind = "webhooks" if "urls" in hook else "emails"
    found = run(**{kind: [hook]}, **({"emails": []} if kind == "webhooks" else {}), rule="uncovered-app")
    assert [f.service_id for f in found] == ([API] if why == "only web" else [WEB, API]), why


def test_covered_by_a_webhook_scoped_to_each_app_and_a_failing_one_still_counts():
    hooks = [webhook("a", scope=[WEB], events=["DEPLOYMENT_FAIL"]),
             webhook("b", scope=[API], failures=[{"url": "x", "status": 500, "createdAt": NOW}])]
    assert run(webhooks=hooks, emails=[], rule="uncovered-app") == []


def test_an_owner_read_incompletely_is_not_called_uncovered():
    assert run(emails=[], complete=False, rule="uncovered-app") == []


def test_uncovered_app_of_a_user_account_notifies_the_user():
    me = ar.Owner(USER, "Me", is_user=True, services=(ar.Service("app_mine", "mine", True),))
    [f] = run(emails=[], owner=me, rule="uncovered-app")
    assert f.fix[0][f.fix[0].index("--notify") + 1] == USER


def test_add_ons_do_not_deploy():
    owner = ar.Owner(ORG, "Acme", services=(ar.Service(DB, "db", False),))
    assert run(emails=[], owner=owner, rule="uncovered-app") == []


# --- dangling-scope -----------------------------------------------------------------------------


def test_dangling_scope_whole():
    f = only(run(webhooks=[webhook(scope=[GONE])]), "dangling-scope")
    assert GONE in f.message and "never fires" in f.message
    assert f.fix == (("webhooks", "remove", "w1", "--org", ORG),)


def test_dangling_scope_partly_keeps_the_live_services():
    hook = email("e2", scope=[WEB, GONE], notified=[{"type": "email", "target": "a@example.org"}])
    f = only(run(emails=[COVER, hook]), "dangling-scope")
    assert f.fix == (("notify-email", "update", "e2", "--service", WEB, "--org", ORG),)


@pytest.mark.parametrize("scope", [[WEB], [WEB, API], ["postgresql_abc"], [DB], []])
def test_dangling_scope_clean_twin(scope):
    assert run(webhooks=[webhook(scope=scope)]) == []


# --- unreachable-scope --------------------------------------------------------------------------


def test_unreachable_scope_org_hook_on_another_orgs_app_is_moved():
    hook = webhook(scope=[OTHER_APP], events=["DEPLOYMENT_FAIL"], url="https://example.org/x")
    f = only(run(webhooks=[hook]), "unreachable-scope")
    assert "Globex" in f.message
    assert f.fix == (("webhooks", "add", "hook w1", "https://example.org/x", "--format", "raw", "--event",
                      "DEPLOYMENT_FAIL", "--service", OTHER_APP, "--org", OTHER),
                     ("webhooks", "remove", "w1", "--org", ORG))


def test_unreachable_scope_user_hook_on_an_org_app_keeps_what_is_its_own():
    me = ar.Owner(USER, "Me", is_user=True, services=(ar.Service("app_mine", "mine", True),))
    hook = email(scope=["app_mine", WEB], notified=[{"type": "email", "target": "a@example.org"}])
    f = only(run(emails=[COVER, hook], owner=me, rule="unreachable-scope"), "unreachable-scope")
    assert f.fix == (("notify-email", "add", "mail e1", "--notify", "a@example.org", "--service", WEB,
                      "--org", ORG),
                     ("notify-email", "update", "e1", "--service", "app_mine", "--org", USER))


def test_unreachable_scope_without_a_command_when_add_cannot_say_it():
    hook = {**webhook(scope=[OTHER_APP]), "urls": [{"format": "raw", "url": "https://a.example.org"},
                                                   {"format": "slack", "url": "https://b.example.org"}]}
    assert only(run(webhooks=[hook]), "unreachable-scope").fix == ()


def test_unreachable_scope_clean_twin():
    assert run(webhooks=[webhook(scope=[WEB])], rule="unreachable-scope") == []


def test_a_scope_both_foreign_and_dangling_has_one_fix():
    found = run(webhooks=[webhook(scope=[OTHER_APP, GONE])])
    assert {f.rule: bool(f.fix) for f in found} == {"unreachable-scope": True, "dangling-scope": False}


# --- duplicate-hook -----------------------------------------------------------------------------


def test_duplicate_hook_identical_later_one_is_removed():
    found = run(webhooks=[webhook("a", events=["DEPLOYMENT_FAIL"]), webhook("b", events=["DEPLOYMENT_FAIL"])])
    f = only(found, "duplicate-hook")
    assert f.hook_id == "b" and f.fix == (("webhooks", "remove", "b", "--org", ORG),)


def test_duplicate_hook_the_narrower_one_is_removed_even_if_older():
    found = run(webhooks=[webhook("a", events=["DEPLOYMENT_FAIL"], scope=[WEB]), webhook("b")])
    assert only(found, "duplicate-hook").fix == (("webhooks", "remove", "a", "--org", ORG),)


def test_duplicate_hook_partial_overlap_has_no_fix():
    found = run(webhooks=[webhook("a", events=["DEPLOYMENT_FAIL", "GIT_PUSH"]),
                          webhook("b", events=["META_DEPLOYMENT_RESULT"])])
    f = only(found, "duplicate-hook")
    assert f.hook_id == "b" and f.fix == ()


def test_duplicate_email_by_recipient():
    found = run(emails=[COVER, email("e2", events=["DEPLOYMENT_FAIL"], notified=[{"type": "organisation"}])])
    assert only(found, "duplicate-hook").hook_id == "e2"


def test_three_copies_keep_the_first():
    found = run(webhooks=[webhook("a"), webhook("b"), webhook("c")])
    assert [(f.rule, f.hook_id) for f in found] == [("duplicate-hook", "b"), ("duplicate-hook", "c")]


@pytest.mark.parametrize("second", [
    webhook("b", url="https://example.org/other"),
    webhook("b", events=["GIT_PUSH"]),
    webhook("b", state="DISABLED"),
], ids=["other URL", "other events", "disabled"])
def test_duplicate_hook_clean_twins(second):
    first = webhook("a", events=["DEPLOYMENT_FAIL"])
    assert run(webhooks=[first, second], rule="duplicate-hook") == []


def test_duplicate_hook_clean_twin_other_services():
    hooks = [webhook("a", scope=[WEB]), webhook("b", scope=[API])]
    assert run(webhooks=hooks, rule="duplicate-hook") == []


# --- unhealthy ----------------------------------------------------------------------------------


def test_unhealthy_disabled_is_enabled_again():
    f = only(run(webhooks=[webhook(state="DISABLED")]), "unhealthy")
    assert f.fix == (("webhooks", "enable", "w1", "--org", ORG),) and "disabled" in f.message


def test_unhealthy_failing_within_the_window():
    hook = webhook(failures=[{"url": "https://example.org/h", "status": 502, "createdAt": NOW - HOUR}])
    f = only(run(webhooks=[hook]), "unhealthy")
    assert "failing" in f.message and "HTTP 502" in f.message and f.fix == ()
    assert run(webhooks=[hook], window_ms=HOUR // 2) == []  # clean twin: --since shorter than the failure's age


@pytest.mark.parametrize("state", ["PAUSED", "", 7, ["ENABLED"]])
def test_an_unknown_state_is_never_healthy(state):
    f = only(run(webhooks=[webhook(state=state)]), "unhealthy")
    assert "does not know" in f.message


@pytest.mark.parametrize("hook", [webhook(), webhook(state="enabled"), {k: v for k, v in webhook().items()
                                                                          if k != "state"}])
def test_unhealthy_clean_twins(hook):
    assert run(webhooks=[hook]) == []


# --- plain-http ---------------------------------------------------------------------------------


def test_plain_http_is_moved_to_https_keeping_the_other_urls():
    hook = {**webhook(), "urls": [{"format": "raw", "url": "http://ci.example.org/h?token=x"},
                                  {"format": "raw", "url": "https://b.example.org/h"}]}
    f = only(run(webhooks=[hook]), "plain-http")
    assert f.fix == (("webhooks", "update", "w1", "--url", "https://ci.example.org/h?token=x",
                      "--url", "https://b.example.org/h", "--org", ORG),)


@pytest.mark.parametrize("url", ["https://ci.example.org/h", "http://localhost:8080/h", "http://127.0.0.2/h",
                                 "http://[::1]:9000/h"])
def test_plain_http_clean_twins(url):
    assert run(webhooks=[webhook(url=url)]) == []


def test_plain_http_to_a_localhost_lookalike_is_found():
    only(run(webhooks=[webhook(url="http://localhost.example.org/h")]), "plain-http")


# --- format-mismatch ----------------------------------------------------------------------------

SLACK = "https://hooks.slack.com/services/T0/B0/XXXX"
DISCORD = "https://discord.com/api/webhooks/123/abc"


@pytest.mark.parametrize("fmt", ["raw", "gitter", "flowdock"])
def test_slack_url_not_in_slack(fmt):
    f = only(run(webhooks=[webhook(url=SLACK, fmt=fmt)]), "format-mismatch")
    assert f.fix == (("webhooks", "update", "w1", "--format", "slack", "--org", ORG),)


@pytest.mark.parametrize("url, fmt", [(DISCORD, "raw"), (DISCORD, "slack"), (DISCORD + "/slack", "raw"),
                                      ("https://discordapp.com/api/webhooks/1/b?wait=true", "raw")])
def test_discord_url_is_read_in_slack_at_slash_slack(url, fmt):
    f = only(run(webhooks=[webhook(url=url, fmt=fmt)]), "format-mismatch")
    fixed = url if url.endswith("/slack") else url.split("?")[0] + "/slack" + ("?wait=true" if "?" in url else "")
    words = ("--url", fixed) if fixed != url else ()
    assert f.fix == (("webhooks", "update", "w1", *words, "--format", "slack", "--org", ORG),)


def test_format_mismatch_with_other_urls_in_another_format_has_no_single_command():
    hook = {**webhook(), "urls": [{"format": "raw", "url": SLACK}, {"format": "raw", "url": "https://e.org/x"}]}
    assert only(run(webhooks=[hook]), "format-mismatch").fix == ()


@pytest.mark.parametrize("url, fmt", [(SLACK, "slack"), (DISCORD + "/slack", "slack"),
                                      ("https://hooks.slack.com.example.org/services/x", "raw"),
                                      ("https://example.org/api/webhooks/1/slack", "raw")])
def test_format_mismatch_clean_twins(url, fmt):
    assert run(webhooks=[webhook(url=url, fmt=fmt)]) == []


# --- empty-recipients ---------------------------------------------------------------------------


@pytest.mark.parametrize("notified, words", [
    ([{"type": "email", "target": "nobody"}], "nobody"),
    ([{"type": "email", "target": ""}], "''"),
    ([{"type": "userid", "target": "bob"}], "bob"),
    ([{"type": "userid"}], "without an id"),
    ([{"type": "sms", "target": "+33"}], "does not know (sms)"),
])
def test_empty_recipients(notified, words):
    f = only(run(emails=[COVER, email("e2", notified=notified, events=["GIT_PUSH"])]), "empty-recipients")
    assert words in f.message
    assert f.fix == (("notify-email", "update", "e2", "--notify", "organisation", "--org", ORG),)


@pytest.mark.parametrize("notified", [None, [], [{"type": "organisation"}], [{"type": "userid", "target": USER}],
                                      [{"type": "email", "target": "nobody,ops@example.org"}],
                                      [{"type": "sms", "target": "+33"}, {"type": "email", "target": "a@b.org"}]])
def test_empty_recipients_clean_twins(notified):
    hook = email("e2", events=["GIT_PUSH"]) if notified is None else email("e2", notified=notified, events=["GIT_PUSH"])
    assert run(emails=[COVER, hook]) == []


# --- ignoring, order ----------------------------------------------------------------------------


def test_ignore_a_rule_or_one_subject():
    hooks = [webhook("a", url="http://a.example.org/h"), webhook("b", url="http://b.example.org/h")]
    assert len(run(webhooks=hooks)) == 2
    assert run(webhooks=hooks, ignore=[ar.parse_ignore("plain-http")]) == []
    left = run(webhooks=hooks, ignore=[ar.parse_ignore("plain-http:a")])
    assert [f.hook_id for f in left] == ["b"]
    assert run(webhooks=hooks, ignore=[ar.parse_ignore("plain-http:Acme")]) == []
    assert len(run(webhooks=hooks, ignore=[ar.parse_ignore("unhealthy")])) == 2


@pytest.mark.parametrize("text, words", [("plain_http", "did you mean plain-http"), ("nope", "the rules are"),
                                         ("plain-http:", "nothing after")])
def test_ignore_refuses_an_unknown_rule(text, words):
    with pytest.raises(InputError, match=words):
        ar.parse_ignore(text)


def test_owners_worst_first_and_each_group_worst_first():
    clean = ar.OwnerHooks(GLOBEX, [], [COVER])
    warned = ar.OwnerHooks(ME, [webhook("p", url="http://a.example.org/h")], [])
    bad = ar.OwnerHooks(ACME, [webhook("p", url="http://a.example.org/h"), webhook("d", state="DISABLED",
                                                                                    url="https://x.org")], [COVER])
    findings, ignored = ar.audit([clean, warned, bad], known=KNOWN, now_ms=NOW)
    assert [(f.owner_id, f.rule) for f in findings] == [(ORG, "unhealthy"), (ORG, "plain-http"), (USER, "plain-http")]
    assert ignored == []


# --- classes of faults: spellings of one receiver, one state, one recipient ---------------------


@pytest.mark.parametrize("other", ["https://EXAMPLE.org/h", "HTTPS://example.org:443/h", "https://user:pw@example.org/h"])
def test_one_receiver_spelt_differently_is_still_a_duplicate(other):
    found = run(webhooks=[webhook("a"), webhook("b", url=other)], rule="duplicate-hook")
    assert [f.hook_id for f in found] == ["b"]


@pytest.mark.parametrize("other", ["https://example.org/h/", "https://example.org/H", "https://example.org/h?x=1",
                                   "https://example.org:8443/h"])
def test_another_path_query_or_port_is_another_receiver(other):
    assert run(webhooks=[webhook("a"), webhook("b", url=other)], rule="duplicate-hook") == []


@pytest.mark.parametrize("address, redundant", [("OPS@example.org", "e3"), ("ops@EXAMPLE.ORG", "e3"),
                                                (" ops@example.org", "e3"), ("x@y.org,ops@example.org", "e2")])
def test_one_address_spelt_differently_is_still_a_duplicate(address, redundant):
    a = email("e2", events=["GIT_PUSH"], notified=[{"type": "email", "target": "ops@example.org"}])
    b = email("e3", events=["GIT_PUSH"], notified=[{"type": "email", "target": address}])
    [f] = run(emails=[COVER, a, b], rule="duplicate-hook")
    assert f.hook_id == redundant and f.fix == (("notify-email", "remove", redundant, "--org", ORG),)


@pytest.mark.parametrize("state", ["DISABLED", "disabled", "Disabled"])
def test_disabled_in_any_case(state):
    assert only(run(webhooks=[webhook(state=state)]), "unhealthy").fix[0][:2] == ("webhooks", "enable")


@pytest.mark.parametrize("url", ["HTTP://ci.example.org/h", "http://CI.example.org:8080/h", "http://0.0.0.0/h",
                                 "http://10.0.0.1/h", "http://localhost.localdomain/h"])
def test_plain_http_in_any_spelling_off_loopback(url):
    f = only(run(webhooks=[webhook(url=url)]), "plain-http")
    assert f.fix[0][4].startswith("https://")


@pytest.mark.parametrize("url", ["https://hooks.slack.com/services/T/B/X", "https://HOOKS.SLACK.COM/services/T/B/X",
                                 "https://hooks.slack-gov.com/services/T/B/X"])
def test_slack_in_any_spelling(url):
    only(run(webhooks=[webhook(url=url)]), "format-mismatch")


@pytest.mark.parametrize("url, fixed", [
    ("https://discord.com/api/v10/webhooks/1/t", "https://discord.com/api/v10/webhooks/1/t/slack"),
    ("https://discord.com/api/webhooks/1/t/github", "https://discord.com/api/webhooks/1/t/slack"),
    ("https://discord.com/api/webhooks/1/t/", "https://discord.com/api/webhooks/1/t/slack"),
    ("https://canary.discord.com/api/webhooks/1/t?thread_id=9", "https://canary.discord.com/api/webhooks/1/t/slack?thread_id=9"),
])
def test_discord_in_any_form_is_fixed_at_its_slack_url(url, fixed):
    f = only(run(webhooks=[webhook(url=url)]), "format-mismatch")
    assert f.fix[0][3:5] == ("--url", fixed)
    assert "/t" not in f.message  # the token in the path is not repeated in the sentence; the fix has it


def test_a_token_in_the_path_stays_out_of_the_sentence():
    f = only(run(webhooks=[webhook(url="http://ci.example.org/hook/s3cr3t")]), "plain-http")
    assert "s3cr3t" not in f.message and "http://ci.example.org/…" in f.message


def test_a_personal_hook_moved_to_an_organisation_keeps_mailing_you_not_the_team():
    me = ar.Owner(USER, "Me", is_user=True)
    hook = email(scope=[WEB], events=["DEPLOYMENT_FAIL"])  # no `notified`: the account's owner
    f = only(run(emails=[hook], owner=me, rule="unreachable-scope"), "unreachable-scope")
    assert f.fix[0][f.fix[0].index("--notify") + 1] == USER


@pytest.mark.parametrize("typo", ["DEPLOYMENT_FAILED", "deployment_fail", "DEPLOY_FAIL", "META_DEPLOYMENT_RESULTS"])
def test_uncovered_app_names_the_hook_whose_event_is_a_typo(typo):
    found = run(emails=[email("e9", events=[typo])], rule="uncovered-app")
    assert [f.service_id for f in found] == [WEB, API]  # a name that is no event covers nothing
    assert all(f'the e-mail notification "mail e9" (e9) listens to {typo}' in f.message for f in found)


def test_an_unrelated_typo_is_not_mentioned():
    [f, _] = run(emails=[email("e9", events=["GIT_PUSHED"])], rule="uncovered-app")
    assert "listens to" not in f.message
