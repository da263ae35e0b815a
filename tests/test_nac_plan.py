"""hooks/plan.py: desired vs actual → ordered actions, pure data."""

from __future__ import annotations

from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS
from clever_notify.hooks.plan import Change, OwnerInput, Wanted, make_plan

OWNER = "orga_1"


def web(name, url="https://a.org", fmt="raw", events=None, scope=None, hook_id=None):
    return Wanted(WEBHOOKS, name, hook_id, {"name": name, "urls": [{"format": fmt, "url": url}], "events": events,
                                              "scope": scope}, where=("owners", "A", "webhooks", name))


def mail(name, notified=None, events=None):
    return Wanted(EMAILHOOKS, name, None, {"name": name, "notified": notified, "events": events, "scope": None},
                  where=("owners", "A", "emails", name))


def api_web(hook_id, name, url="https://a.org", fmt="raw", **extra):
    return {"id": hook_id, "ownerId": OWNER, "name": name, "urls": [{"format": fmt, "url": url}], "createdAt": 1,
            "failures": [], "state": "ENABLED", **extra}


def owner(wanted, actual):
    return OwnerInput("A", OWNER, wanted, actual)


def test_create_update_delete_in_that_order_whatever_the_file_order():
    plan = make_plan([owner(
        {WEBHOOKS: [web("changed", url="https://new.org"), web("new")]},
        {WEBHOOKS: [api_web("h-old", "old"), api_web("h-ch", "changed")], EMAILHOOKS: []},
    )], prune=True)
    assert [(a.op, a.name, a.hook_id) for a in plan.actions] == [
        ("create", "new", None), ("update", "changed", "h-ch"), ("delete", "old", "h-old")]
    create, update, delete = plan.actions
    assert create.body == {"name": "new", "urls": [{"format": "raw", "url": "https://a.org"}]}  # all: keys left out
    assert update.changes == [Change("urls", [{"format": "raw", "url": "https://a.org"}],
                                     [{"format": "raw", "url": "https://new.org"}])]
    assert delete.body is None


def test_put_body_is_the_hook_as_read_with_only_the_changes():
    hook = api_web("h1", "x", events=["GIT_PUSH"], scope=["app_1"], description="kept", futureField={"a": 1})
    plan = make_plan([owner({WEBHOOKS: [web("x", events=["DEPLOYMENT_FAIL"], scope=["app_1"])]},
                            {WEBHOOKS: [hook], EMAILHOOKS: []})], prune=False)
    (update,) = plan.actions
    assert update.body == {"name": "x", "urls": [{"format": "raw", "url": "https://a.org"}],
                           "events": ["DEPLOYMENT_FAIL"], "scope": ["app_1"], "state": "ENABLED",
                           "description": "kept", "futureField": {"a": 1}}


def test_all_events_drops_the_key():
    hook = api_web("h1", "x", events=["GIT_PUSH"])
    (update,) = make_plan([owner({WEBHOOKS: [web("x")]}, {WEBHOOKS: [hook]})], prune=False).actions
    assert "events" not in update.body and update.changes == [Change("events", ["GIT_PUSH"], None)]


def test_lists_compare_as_sets_and_email_targets_split():
    hook = api_web("h1", "x", events=["B_EV", "A_EV"], scope=["s2", "s1"])
    hook["urls"] = [{"format": "slack", "url": "https://b"}, {"url": "https://a"}]  # format absent = raw
    wanted = Wanted(WEBHOOKS, "x", None, {"name": "x", "urls": [{"format": "raw", "url": "https://a"},
                                                                   {"format": "slack", "url": "https://b"}],
                                             "events": ["A_EV", "B_EV"], "scope": ["s1", "s2"]})
    mail_hook = {"id": "e1", "name": "m", "notified": [{"type": "email", "target": "a@x.org, b@x.org"},
                                                       {"type": "ORGANISATION"}]}
    wanted_mail = mail("m", notified=[{"type": "organisation"}, {"type": "email", "target": "b@x.org"},
                                      {"type": "email", "target": "a@x.org"}])
    plan = make_plan([owner({WEBHOOKS: [wanted], EMAILHOOKS: [wanted_mail]},
                            {WEBHOOKS: [hook], EMAILHOOKS: [mail_hook]})], prune=True)
    assert plan.actions == [] and plan.unchanged == 2 and not plan.changes


def test_absent_notify_and_the_organisation_alone_are_both_the_whole_team():
    # The docs' own example (`notify: [organisation]`) must plan no change once applied, whether the API keeps
    # the list or stores its default (no list) for it: both are "whole team" in every word of the tool.
    mail_hook = {"id": "e1", "name": "m", "events": ["META_DEPLOYMENT_RESULT"]}
    wanted = mail("m", notified=[{"type": "organisation"}], events=["META_DEPLOYMENT_RESULT"])
    plan = make_plan([owner({EMAILHOOKS: [wanted]}, {EMAILHOOKS: [mail_hook]})], prune=False)
    assert plan.actions == [] and plan.unchanged == 1
    listed = {**mail_hook, "notified": [{"type": "ORGANISATION", "target": "orga_1"}]}
    plan = make_plan([owner({EMAILHOOKS: [mail("m", events=["META_DEPLOYMENT_RESULT"])]}, {EMAILHOOKS: [listed]})],
                     prune=False)
    assert plan.actions == [] and plan.unchanged == 1


def test_an_empty_recipient_list_is_nobody_not_the_whole_team():
    mail_hook = {"id": "e1", "name": "m", "notified": []}
    (update,) = make_plan([owner({EMAILHOOKS: [mail("m")]}, {EMAILHOOKS: [mail_hook]})], prune=False).actions
    assert update.changes == [Change("notified", [], None)]
    assert update.body == {"name": "m"}  # no list: the whole team
    same = make_plan([owner({EMAILHOOKS: [mail("m", notified=[])]}, {EMAILHOOKS: [mail_hook]})], prune=False)
    assert same.actions == [] and same.unchanged == 1


def test_unmanaged_counted_and_pruned_only_in_sections_present():
    actual = {WEBHOOKS: [api_web("h1", "a"), api_web("h2", "b")], EMAILHOOKS: [{"id": "e1", "name": "m"}]}
    kept = make_plan([owner({WEBHOOKS: []}, actual)], prune=False)
    assert kept.actions == [] and kept.owners[0].unmanaged == {WEBHOOKS: 2, EMAILHOOKS: 1}
    pruned = make_plan([owner({WEBHOOKS: []}, actual)], prune=True)
    assert [(a.op, a.hook_id) for a in pruned.actions] == [("delete", "h1"), ("delete", "h2")]
    assert pruned.owners[0].unmanaged == {WEBHOOKS: 0, EMAILHOOKS: 1}  # no emails section: never touched
    emails_empty = make_plan([owner({EMAILHOOKS: []}, actual)], prune=True)
    assert [(a.op, a.kind, a.hook_id) for a in emails_empty.actions] == [("delete", EMAILHOOKS, "e1")]


def test_id_renames_in_place():
    actual = {WEBHOOKS: [api_web("h1", "old"), api_web("h2", "new")]}
    plan = make_plan([owner({WEBHOOKS: [web("new", hook_id="h1")]}, actual)], prune=False)
    (update,) = plan.actions
    assert (update.op, update.hook_id, update.changes) == ("update", "h1", [Change("name", "old", "new")])
    assert plan.owners[0].unmanaged[WEBHOOKS] == 1  # h2 keeps its name; the file does not claim it


def test_unknown_id_and_same_name_twice_are_refused():
    actual = {WEBHOOKS: [api_web("h1", "twin"), api_web("h2", "twin"), api_web("h3", "solo")]}
    plan = make_plan([owner({WEBHOOKS: [web("twin"), web("solo", hook_id="nope")]}, actual)], prune=True)
    assert plan.refusals == [
        (("owners", "A", "webhooks", "solo"), "no webhook with id nope at A (orga_1); remove the `id:` to create it"),
        (("owners", "A", "webhooks", "twin"),
         "2 webhooks named 'twin' at A: h1, h2; add `id:` to say which one this is"),
    ]
    # the twins are named by the file: not deleted by --prune while it cannot say which is which
    assert [a.hook_id for a in plan.actions if a.op == "delete"] == ["h3"]
    settled = make_plan([owner({WEBHOOKS: [web("twin", hook_id="h2")]}, actual)], prune=True)
    assert settled.refusals == []
    assert [(a.op, a.hook_id) for a in settled.actions] == [("delete", "h1"), ("delete", "h3")]
