"""owners/summary.py: /v2/summary read once into typed owners and services, whatever shape the API answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clever_notify.errors import ApiError, InputError, NotFound
from clever_notify.owners.summary import Service, Summary

RAW = {
    "user": {"id": "user_1", "name": "Me", "applications": [{"id": "app_mine", "name": "blog"}]},
    "organisations": [
        {"id": "orga_1", "name": "Acme", "applications": [{"id": "app_web", "name": "web"}, {"name": "no id"}],
         "addons": [{"id": "addon_db", "realId": "postgresql_1", "name": "db"}], "futureKey": 1},
        {"id": "orga_1", "name": "Acme again"},        # listed twice: read once, the first kept
        {"id": "orga_2", "name": "Twin"}, {"id": "orga_3", "name": "Twin"},
        {"id": "user_1", "name": "me as an organisation"},
        {"name": "no id"}, "junk", {"id": 7, "name": "number id"},
    ],
}


def test_the_user_first_then_each_organisation_once_with_its_services():
    summary = Summary.parse(RAW)
    assert [(o.id, o.name, o.is_user) for o in summary.owners()] == [
        ("user_1", "Me", True), ("orga_1", "Acme", False), ("orga_2", "Twin", False), ("orga_3", "Twin", False)]
    assert summary.owner("orga_1").services == (
        Service("app_web", "web", None, "application"), Service("addon_db", "db", "postgresql_1", "addon"))
    assert summary.owner("orga_1").raw["futureKey"] == 1 and summary.raw is RAW
    assert [i for i, _ in summary.skipped] == [5, 6, 7]


def test_a_name_is_matched_exactly_and_once():
    summary = Summary.parse(RAW)
    assert summary.organisation_id("Acme again") == "orga_1"
    with pytest.raises(InputError, match="ambiguous organisation name 'Twin'.*orga_2, orga_3"):
        summary.organisation_id("Twin")
    with pytest.raises(NotFound, match="did you mean 'Acme'"):
        summary.organisation_id("acme")
    with pytest.raises(ApiError, match="'number id' has no id string"):
        summary.organisation_id("number id")


def test_an_owner_that_is_not_yours_is_not_found():
    summary = Summary.parse(RAW)
    assert summary.knows("orga_2") and not summary.knows("orga_9") and summary.find("orga_9") is None
    with pytest.raises(NotFound, match="orga_9 is not among your account and organisations"):
        summary.owner("orga_9")


@pytest.mark.parametrize("raw, broken", [
    ([], "not an object"), ({"organisations": []}, "no `user`"), ({"user": {"id": 3}, "organisations": []},
                                                                  "no `user`"),
    ({"user": {"id": "user_1"}, "organisations": {}}, "no `organisations` list"),
])
def test_what_a_command_needs_and_the_answer_lacks_is_an_api_error(raw, broken):
    with pytest.raises(ApiError, match=broken):
        Summary.parse(raw).owners()


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                        st.sampled_from(["user", "organisations", "id", "name", "applications", "addons",
                                         "realId"]), inner, max_size=5), max_leaves=30))
def test_any_answer_parses_or_is_an_api_error_never_a_crash(raw):
    try:
        summary = Summary.parse(raw)
    except ApiError:
        return
    owners = [o for o in (summary.user_or_none, *(summary.organisations_or_none or ())) if o is not None]
    for owner in owners:
        assert isinstance(owner.id, str) and summary.find(owner.id) is not None
        assert all(isinstance(s.id, str) and s.id for s in owner.services)
    assert len({o.id for o in owners}) == len(owners)  # each owner once
    for lookup in (summary.owners, lambda: summary.organisation_id("x"), lambda: summary.owner("x")):
        try:
            lookup()
        except (ApiError, InputError, NotFound):
            pass
