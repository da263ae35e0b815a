"""The catalog: suggestions for mistyped events, normalisation, and the comparison with the API's document."""

from __future__ import annotations

import pytest

from clever_notify.errors import InputError
from clever_notify.hooks import catalog


@pytest.mark.parametrize("typed,expected", [
    ("DEPLOYMENT_FAILED", ["DEPLOYMENT_FAIL"]),          # the issue's example: the intended name alone
    ("deployment_failed", ["DEPLOYMENT_FAIL"]),
    ("DEPLOY_FAIL", ["DEPLOYMENT_FAIL"]),                # abbreviated words
    ("APP_STOP", ["APPLICATION_STOP"]),
    ("ACCOUNT_EDIT", ["ACCOUNT_EDITION"]),
    ("DEPLOYMENT_SUCCES", ["DEPLOYMENT_SUCCESS"]),       # truncated
    ("ORGANIZATION_CREATION", ["ORGANISATION_CREATION"]),  # US spelling
    ("ACOUNT_CREATION", ["ACCOUNT_CREATION"]),
    ("META_DEPLOYMENT", ["META_DEPLOYMENT_RESULT"]),
    ("META_DEPLOYMENT_RESULTS", ["META_DEPLOYMENT_RESULT"]),
    ("FAIL", ["DEPLOYMENT_FAIL"]),                       # one word of the name
    ("SUCCESS", ["DEPLOYMENT_SUCCESS"]),
    ("git-push", ["GIT_PUSH"]),                          # wrong separator
    ("deployment result", ["META_DEPLOYMENT_RESULT"]),
    ("DEPLOYMENT", ["DEPLOYMENT_FAIL", "DEPLOYMENT_SUCCESS"]),  # ambiguous: the close ones, best first
    ("ADDON", ["ADDON_CREATION", "ADDON_DELETION"]),
    ("xyz", []),
    ("", []),
])
def test_suggestions_best_first_and_only_close_ones(typed, expected):
    assert catalog.suggest(typed) == expected


def test_suggestions_never_exceed_three():
    assert len(catalog.suggest("APPLICATION_RESTART")) == 3
    assert catalog.suggest("APPLICATION_RESTART")[0].startswith("APPLICATION_")


def test_unknown_event_message_is_the_issues_one():
    with pytest.raises(InputError) as exc:
        catalog.normalize_event("DEPLOYMENT_FAILED")
    assert str(exc.value) == "unknown event DEPLOYMENT_FAILED; did you mean DEPLOYMENT_FAIL?"


def test_unknown_event_with_two_and_no_suggestions():
    suggestion = r"^unknown event DEPLOYMENT; did you mean DEPLOYMENT_FAIL or DEPLOYMENT_SUCCESS\?$"
    with pytest.raises(InputError, match=suggestion):
        catalog.normalize_event("DEPLOYMENT")
    with pytest.raises(InputError, match=r"^unknown event nope; run `clever events` to list them$"):
        catalog.normalize_event("nope")


def test_all_is_refused_with_the_way_to_get_every_event():
    with pytest.raises(InputError, match="leave --event out"):
        catalog.normalize_event("all")


def test_normalize_events_upper_cases_and_drops_duplicates_in_order():
    assert catalog.normalize_events(["git_push", " Deployment_Fail ", "GIT_PUSH", "meta_credits"]) == [
        "GIT_PUSH", "DEPLOYMENT_FAIL", "META_CREDITS"]


def test_every_name_is_accepted_in_any_case():
    for name in catalog.ALL_EVENT_NAMES:
        assert catalog.normalize_event(name.lower()) == name


def test_normalize_format():
    assert catalog.normalize_format(" Slack ") == "slack"
    with pytest.raises(InputError,
                       match=r"^unknown webhook format 'teams'; choose one of: raw, slack, gitter, flowdock$"):
        catalog.normalize_format("teams")


def test_catalog_is_consistent():
    assert len(catalog.EVENTS) == 21 and len(set(catalog.EVENTS)) == 21
    assert len(catalog.META_EVENTS) == 4
    for expansion in catalog.META_EVENTS.values():
        assert set(expansion) <= set(catalog.EVENTS)
    expanded = catalog.expand(["META_DEPLOYMENT_RESULT", "GIT_PUSH"])
    assert expanded == {"DEPLOYMENT_FAIL", "DEPLOYMENT_SUCCESS", "GIT_PUSH"}


def test_api_document_shape():
    doc = catalog.as_api_document()
    assert set(doc) == {"events", "meta_events"}
    assert doc["events"] == list(catalog.EVENTS)
    assert doc["meta_events"]["META_CREDITS"] == ["CREDITS_ADDED"]
    assert catalog.differences(doc) == []


def test_differences_list_each_change():
    doc = catalog.as_api_document()
    doc["events"].remove("GIT_PUSH")
    doc["events"].append("APPLICATION_RESTART")
    doc["meta_events"]["META_DEPLOYMENT_RESULT"] = ["DEPLOYMENT_SUCCESS", "DEPLOYMENT_ACTION_END"]
    doc["meta_events"]["META_NEW"] = ["GIT_PUSH"]
    del doc["meta_events"]["META_CREDITS"]
    assert catalog.differences(doc) == [
        "event APPLICATION_RESTART is on the API but not in this tool's catalog",
        "event GIT_PUSH is in this tool's catalog but not on the API",
        "meta-event META_CREDITS is in this tool's catalog but not on the API",
        "meta-event META_DEPLOYMENT_RESULT also expands to DEPLOYMENT_ACTION_END on the API",
        "meta-event META_DEPLOYMENT_RESULT no longer expands to DEPLOYMENT_FAIL on the API",
        "meta-event META_NEW is on the API but not in this tool's catalog",
    ]


def test_differences_ignore_expansion_order():
    doc = catalog.as_api_document()
    doc["meta_events"]["META_SERVICE_LIFECYCLE"].reverse()
    assert catalog.differences(doc) == []
