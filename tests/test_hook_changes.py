"""The pure parts of show/update: time rendering, failure lines, the body to PUT and the old → new diff."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clever_notify.api.client import hooks_path
from clever_notify.errors import InputError, NotFound
from clever_notify.hooks import catalog
from clever_notify.hooks.update import ALL, diff, find_hook, new_urls, sent_back, update_body
from clever_notify.hooks.words import MAX_FAILURES_SHOWN, clean, describe_failures, describe_notified, format_time


@pytest.mark.parametrize("value,shown", [
    (1700000000000, "2023-11-14 22:13:20 UTC"),
    (1700000000123.0, "2023-11-14 22:13:20 UTC"),
    ("1700000000000", "2023-11-14 22:13:20 UTC"),
    ("2023-11-14T22:13:20Z", "2023-11-14 22:13:20 UTC"),
    ("2023-11-14T22:13:20.5Z", "2023-11-14 22:13:20 UTC"),
    ("2023-11-14T23:13:20.123456789+01:00", "2023-11-14 22:13:20 UTC"),
    ("2023-11-14T22:13:20", "2023-11-14 22:13:20 UTC"),
    (None, "unknown"),
    ("yesterday", "yesterday"),
    (10**20, str(10**20)),
])
def test_format_time(value, shown):
    assert format_time(value) == shown


def test_failures_most_recent_first_and_bounded():
    failures = [{"url": f"https://x/{i}", "status": 500, "createdAt": 1000 * i} for i in range(15)]
    lines = describe_failures(failures)
    assert len(lines) == MAX_FAILURES_SHOWN + 1
    assert lines[0].endswith("https://x/14  HTTP 500")
    assert lines[-1] == f"… and {15 - MAX_FAILURES_SHOWN} older"


def test_failure_with_network_reason_iso_time_and_long_body():
    [line] = describe_failures([{"url": "u", "networkFailure": "DNS", "createdAt": "2024-01-01T00:00:00Z"}])
    assert line == "2024-01-01 00:00:00 UTC  u  network failure (DNS)"
    [line] = describe_failures([{"url": "u", "status": 404, "partialBody": "x" * 500}])
    assert line.startswith("at an unknown time  u  HTTP 404: xxx") and line.endswith("…") and len(line) < 140


def test_clean_removes_terminal_control():
    assert clean("a\x1b]0;pwned\x07b\r\nc") == "a\\x1b]0;pwned\\x07b c"


def test_notified_targets():
    assert describe_notified([{"type": "email", "target": "a@b.c, d@e.f"}, {"type": "userid", "target": "user_1"},
                              {"type": "organisation"}]) == ["a@b.c", "d@e.f", "user user_1", "whole team"]
    assert describe_notified([]) == ["(nobody)"]


def test_find_hook():
    assert find_hook([{"id": "a"}, {"id": "b", "x": 1}], "webhooks", "b", "orga_1") == {"id": "b", "x": 1}
    with pytest.raises(NotFound, match="^e-mail notification z not found for orga_1$"):
        find_hook([{"id": "a"}], "emailhooks", "z", "orga_1")


def test_hook_path_takes_only_well_formed_ids():
    assert hooks_path("webhooks", "orga_1", "a-b_C9") == "/v2/notifications/webhooks/orga_1/a-b_C9"
    for bad in ("a b/c", "..", "%2e", "a?b"):
        with pytest.raises(InputError, match="not a well-formed id"):
            hooks_path("webhooks", "orga_1", bad)


WEBHOOK = {"id": "h", "ownerId": "o", "name": "n", "urls": [{"format": "slack", "url": "https://a", "extra": 1}],
           "scope": [], "events": [], "failures": [{"url": "https://a"}], "state": "ENABLED", "createdAt": 1}


def test_sent_back_drops_read_only_fields_and_empty_restrictions_keeps_the_rest():
    # state is sent back as read (a PUT must not flip it); an unknown key inside a URL entry survives
    assert sent_back("webhooks", WEBHOOK) == {
        "name": "n", "urls": [{"format": "slack", "url": "https://a", "extra": 1}], "state": "ENABLED"}


def test_update_body_restricts_then_unrestricts():
    restricted = update_body("webhooks", WEBHOOK, {"events": ["GIT_PUSH"], "scope": ["app_1"]})
    assert restricted == {"name": "n", "urls": [{"format": "slack", "url": "https://a", "extra": 1}],
                          "scope": ["app_1"], "events": ["GIT_PUSH"], "state": "ENABLED"}
    hook = {**WEBHOOK, **restricted}
    assert update_body("webhooks", hook, {"events": ALL, "scope": ALL}) == sent_back("webhooks", WEBHOOK)
    assert diff("webhooks", restricted, sent_back("webhooks", WEBHOOK), "o") == [
        ("services", "app_1", "all services of o"), ("events", "GIT_PUSH", "all events")]


def test_new_urls_on_a_hook_without_urls_defaults_to_raw():
    assert new_urls(None, ["https://z"], None) == [{"format": "raw", "url": "https://z"}]


def test_update_body_emailhook_replaces_notified():
    hook = {"id": "e", "name": "n", "notified": [{"type": "organisation", "target": None}]}
    assert sent_back("emailhooks", hook) == {"name": "n", "notified": [{"type": "organisation"}]}
    new = update_body("emailhooks", hook, {"notified": [{"type": "email", "target": "a@b.c"}]})
    assert new == {"name": "n", "notified": [{"type": "email", "target": "a@b.c"}]}
    assert diff("emailhooks", sent_back("emailhooks", hook), new, "o") == [
        ("notified", "whole team", "a@b.c")]


hooks = st.fixed_dictionaries(
    {"id": st.just("h"), "urls": st.lists(st.fixed_dictionaries(
        {"format": st.sampled_from(catalog.WEBHOOK_FORMATS),
         "url": st.from_regex(r"https://[a-z]{1,8}", fullmatch=True)}),
        max_size=3)},
    optional={"name": st.text(min_size=1, max_size=10), "scope": st.lists(st.sampled_from(["app_1", "app_2"])),
              "events": st.lists(st.sampled_from(catalog.ALL_EVENT_NAMES), max_size=3)},
)


@given(hooks)
def test_no_change_gives_the_same_body_and_no_diff(hook):
    body = sent_back("webhooks", hook)
    assert update_body("webhooks", hook, {}) == body
    assert diff("webhooks", body, body, "o") == []


@given(hooks, st.text(min_size=1, max_size=10))
def test_renaming_changes_only_the_name(hook, name):
    new = update_body("webhooks", hook, {"name": name})
    old = sent_back("webhooks", hook)
    assert {k: v for k, v in new.items() if k != "name"} == {k: v for k, v in old.items() if k != "name"}
    assert [field for field, _, _ in diff("webhooks", old, new, "o")] == ([] if old.get("name") == name else ["name"])
