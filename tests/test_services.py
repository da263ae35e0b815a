"""services.py: --service / --only values (ids or names) turned into the owner's service ids."""

from __future__ import annotations

import pytest

from clever_notify.errors import InputError, NotFound
from clever_notify.owners import services
from helpers import ORG2_ID, ORG_ID, USER_ID

WEB = "app_11111111-1111-4111-8111-111111111111"
WORKER = "app_22222222-2222-4222-8222-222222222222"
DB = "addon_33333333-3333-4333-8333-333333333333"
DB_REAL = "postgresql_44444444-4444-4444-8444-444444444444"
TWIN_WEB = "app_55555555-5555-4555-8555-555555555555"
MINE = "app_66666666-6666-4666-8666-666666666666"

SUMMARY = {
    "user": {"id": USER_ID, "name": "Me", "applications": [{"id": MINE, "name": "web"}], "addons": []},
    "organisations": [
        {"id": ORG_ID, "name": "Acme",
         "applications": [{"id": WEB, "name": "web"}, {"id": WORKER, "name": "worker"}],
         "addons": [{"id": DB, "realId": DB_REAL, "name": "db", "providerId": "postgresql-addon"}]},
        {"id": ORG2_ID, "name": "Twin", "applications": [{"id": TWIN_WEB, "name": "dup"},
                                                          {"id": WEB.replace("1", "7"), "name": "dup"}],
         "addons": []},
    ],
}


def no_read():
    raise AssertionError("/v2/summary must not be read when every value is an id")


@pytest.mark.parametrize("value", [
    WEB, DB, DB_REAL, "mysql_0123456789abcdef0123456789abcdef", WEB.upper(),
    "app_a", "addon_c",  # the platform's own prefixes: taken as ids whatever follows, as clever-tools sends them
])
def test_id_shaped(value):
    assert services.looks_like_id(value)


@pytest.mark.parametrize("value", [
    "web", "my_app", "My App", "app_", "_x", "app_a b", "postgresql_1234", "web_" + DB_REAL[len("postgresql_"):-1],
])
def test_not_id_shaped(value):
    assert not services.looks_like_id(value)


def test_ids_alone_are_kept_without_reading_the_summary():
    assert services.resolve(no_read, ORG_ID, [WEB, "addon_c", DB_REAL]) == [WEB, "addon_c", DB_REAL]


def test_names_become_the_owners_ids_in_order_without_duplicates():
    reads = []

    def summary():
        reads.append(1)
        return SUMMARY

    assert services.resolve(summary, ORG_ID, ["worker", WEB, "db", "web", "app_x"]) == [WORKER, WEB, DB, "app_x"]
    assert reads == [1]
    # The same name under another owner is that owner's service.
    assert services.resolve(lambda: SUMMARY, USER_ID, ["web"]) == [MINE]


def test_unknown_name_lists_the_owners_services():
    with pytest.raises(InputError) as err:
        services.resolve(lambda: SUMMARY, ORG_ID, ["web", "wbe"])
    assert str(err.value) == (
        f"no application or add-on 'wbe' at Acme ({ORG_ID}); its applications and add-ons: "
        f"web ({WEB}), worker ({WORKER}), db ({DB}); did you mean web?"
    )
    assert err.value.exit_code == 2


@pytest.mark.parametrize("typed,meant", [("wbe", "web"), ("WEB", "web"), ("wokrer", "worker"), ("worke", "worker"),
                                         ("dbb", "db")])
def test_a_near_miss_gets_a_did_you_mean(typed, meant):
    with pytest.raises(InputError) as err:
        services.resolve(lambda: SUMMARY, ORG_ID, [typed])
    assert str(err.value).endswith(f"; did you mean {meant}?")


def test_a_far_miss_gets_only_the_listing():
    with pytest.raises(InputError) as err:
        services.resolve(lambda: SUMMARY, ORG_ID, ["billing"])
    assert "did you mean" not in str(err.value) and str(err.value).endswith(f"db ({DB})")


def test_unknown_name_at_an_owner_without_services():
    with pytest.raises(InputError, match=r"no application or add-on 'web' at .*it has no applications"):
        services.resolve(lambda: {"user": {"id": USER_ID, "name": "Me"}, "organisations": []}, USER_ID, ["web"])


def test_ambiguous_name_lists_the_candidates():
    with pytest.raises(InputError) as err:
        services.resolve(lambda: SUMMARY, ORG2_ID, ["dup"])
    assert "ambiguous service name 'dup'" in str(err.value)
    assert TWIN_WEB in str(err.value) and WEB.replace("1", "7") in str(err.value)


def test_owner_missing_from_the_summary():
    with pytest.raises(NotFound, match="orga_00000000-0000-4000-8000-000000000000 is not among your"):
        services.resolve(lambda: SUMMARY, "orga_00000000-0000-4000-8000-000000000000", ["web"])


def test_check_accepts_the_owners_ids_real_ids_and_names():
    assert services.check(SUMMARY, ORG_ID, [WEB, DB_REAL, "worker", "web"]) == [WEB, DB_REAL, WORKER]


@pytest.mark.parametrize("value", [TWIN_WEB, MINE, "app_a", "app_00000000-0000-4000-8000-000000000000"])
def test_check_refuses_ids_that_are_not_the_owners(value):
    with pytest.raises(InputError) as err:
        services.check(SUMMARY, ORG_ID, [WEB, value])
    assert str(err.value).startswith(f"no application or add-on {value!r} at Acme ({ORG_ID}); ")
    assert f"web ({WEB})" in str(err.value)


def test_names_and_describe():
    known = services.names(SUMMARY, ORG_ID)
    assert known == {WEB: "web", WORKER: "worker", DB: "db", DB_REAL: "db"}
    assert services.describe([WEB, "app_gone"], known) == f"web ({WEB}), app_gone"
    assert services.describe([WEB], None) == WEB
