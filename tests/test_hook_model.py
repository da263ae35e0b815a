"""The hook model: kinds, the field table and what derives from it; the client over one (recording) transport."""

from __future__ import annotations

import dataclasses
import json

import pytest
import responses

from clever_notify.api.client import ApiClient
from clever_notify.api.transport import RecordingTransport
from clever_notify.config.settings import load_settings
from clever_notify.errors import ExitCode, InputError, NetworkError, NotAuthenticated, NotFound
from clever_notify.hooks import describe, fields
from clever_notify.hooks.kinds import EMAILHOOKS, KINDS, WEBHOOKS, kind_of
from clever_notify.hooks.update import ALL, diff, sent_back, update_body
from clever_notify.writes import confirm, verified
from helpers import API, ORG_ID, SECRET, TOKEN, assert_sent, hooks_url

SETTINGS_ENV = {"CLEVER_TOKEN": TOKEN, "CLEVER_SECRET": SECRET, "API_HOST": API}


def client(**kwargs) -> ApiClient:
    return ApiClient(load_settings(SETTINGS_ENV), sleep=lambda s: None, **kwargs)


# --- kinds and the table ---------------------------------------------------------------------------


def test_kinds_name_their_path_noun_command_and_own_field():
    assert [(k.path, k.noun, k.command, k.own_field) for k in KINDS] == [
        ("webhooks", "webhook", "webhooks", "urls"),
        ("emailhooks", "e-mail notification", "notify-email", "notified"),
    ]
    assert kind_of("emailhooks") is EMAILHOOKS and kind_of(WEBHOOKS) is WEBHOOKS
    with pytest.raises(ValueError):
        kind_of("smshooks")


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.path)
def test_a_kind_is_one_object_through_copies_and_pickles_so_it_keys_dicts_by_identity(kind):
    import copy
    import pickle

    for again in (copy.copy(kind), copy.deepcopy(kind), pickle.loads(pickle.dumps(kind)),
                  copy.deepcopy({kind: [kind]})[kind][0]):
        assert again is kind
    assert {kind: 1}[kind] == 1 and [k for k in KINDS if k == kind] == [kind]
    assert dataclasses.replace(kind) != kind  # a made-up kind is no kind of the API's


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_each_kind_has_its_own_field_and_not_the_others(kind):
    keys = [f.key for f in fields.fields_of(kind)]
    other = next(k for k in KINDS if k is not kind)
    assert kind.own_field in keys and other.own_field not in keys
    assert len(keys) == len(set(keys))


def test_read_only_fields_are_what_the_api_owns():
    assert fields.read_only_keys(WEBHOOKS) == {"id", "ownerId", "createdAt", "failures"}
    assert fields.read_only_keys(EMAILHOOKS) == {"id", "ownerId", "createdAt"}


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_update_body_refuses_a_change_to_an_unknown_or_read_only_field(kind):
    with pytest.raises(ValueError):
        update_body(kind, {"id": "h"}, {"id": "other"})
    with pytest.raises(ValueError):
        update_body(kind, {"id": "h"}, {"futureField": 1})


def test_update_body_puts_table_fields_first_in_clever_tools_order_then_the_rest_as_read():
    hook = {"zeta": 1, "events": ["GIT_PUSH"], "id": "h", "scope": ["app_1"], "alpha": 2, "name": "n",
            "urls": [{"url": "https://a"}], "state": "ENABLED"}
    assert list(update_body(WEBHOOKS, hook)) == ["name", "urls", "scope", "events", "zeta", "alpha", "state"]


def test_all_drops_a_restriction_and_empty_means_all():
    hook = {"name": "n", "notified": None, "scope": [], "events": ["GIT_PUSH"], "futureField": None}
    assert update_body(EMAILHOOKS, hook, {"events": ALL}) == {"name": "n", "futureField": None}


# --- a new row of the table flows everywhere --------------------------------------------------------

NOTE = fields.Field(
    "note", "note", option="--note", sent_at=15, compare=lambda v: v,
    show=lambda v, owner: v or "(none)", show_at=65, change=lambda v, owner: [repr(v) if v else "(none)"],
)


@pytest.fixture
def with_note(monkeypatch):
    monkeypatch.setattr(fields, "FIELDS", (*fields.FIELDS, NOTE))


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_a_new_field_in_the_table_reaches_show_diff_body_and_match(with_note, kind):
    hook = {"id": "h", "ownerId": "o", "name": "n", "note": "old", "events": ["GIT_PUSH"]}
    title, lines = describe.show_block(kind, hook, "o")
    assert ("note", "old") in lines
    new = update_body(kind, hook, {"note": "new"})
    assert list(new)[:2] == ["name", "note"]
    assert diff(kind, sent_back(kind, hook), new, "o") == [("note", "'old'", "'new'")]
    assert not confirm.same_hook(new, hook) and confirm.same_hook(new, {**hook, "note": "new"})


def test_without_the_row_an_unknown_field_is_neither_shown_nor_compared_but_kept():
    hook = {"id": "h", "name": "n", "note": "old"}
    assert all(label != "note" for label, _ in describe.show_block(EMAILHOOKS, hook, "o")[1])
    assert confirm.same_hook({"name": "n", "note": "other"}, hook)
    assert update_body(EMAILHOOKS, hook, {"name": "m"}) == {"name": "m", "note": "old"}


@pytest.mark.parametrize("kind,keys", [
    (WEBHOOKS, ["id", "name", "ownerId", "services", "events", "urls"]),
    (EMAILHOOKS, ["id", "name", "ownerId", "services", "events", "notified"]),
], ids=str)
def test_listing_json_keys_in_clever_tools_order(kind, keys):
    hook = {"urls": [], "notified": [], "events": None, "name": "n", "ownerId": "o", "id": "h", "futureField": 1}
    assert list(describe.summary(kind, hook)) == keys


# --- the client, per kind: exact requests -----------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=str)
@responses.activate
def test_client_endpoints_per_kind(kind):
    base = hooks_url(kind.path)
    responses.get(base, json=[{"id": "h"}])
    responses.post(base, json={"id": "new"})
    responses.put(f"{base}/a-b", json={"id": "a-b"})
    responses.delete(f"{base}/a-b", status=204)
    api = client()
    assert api.list_hooks(kind, ORG_ID) == [{"id": "h"}]
    assert api.create_hook(kind, ORG_ID, {"name": "n"}) == {"id": "new"}
    assert api.update_hook(kind, ORG_ID, "a-b", {"name": "m"}) == {"id": "a-b"}
    assert api.delete_hook(kind, ORG_ID, "a-b") is None
    sent = responses.calls
    assert_sent(sent[0], "GET", base)
    assert_sent(sent[1], "POST", base, {"name": "n"})
    assert_sent(sent[2], "PUT", f"{base}/a-b", {"name": "m"})
    assert_sent(sent[3], "DELETE", f"{base}/a-b")
    assert api.transport.requests_sent == 4


@responses.activate
def test_client_error_mapping():
    base = hooks_url("emailhooks")
    responses.delete(f"{base}/gone", status=404, json={"message": "Not Found"})
    responses.get(base, status=401)
    with pytest.raises(NotFound, match=f"^e-mail notification gone not found for {ORG_ID}$"):
        client().delete_hook(EMAILHOOKS, ORG_ID, "gone")
    with pytest.raises(NotAuthenticated):
        client().list_hooks(EMAILHOOKS, ORG_ID)


# --- one recording transport for every --dry-run ----------------------------------------------------


@responses.activate
def test_recording_dry_run_reads_but_sends_no_change():
    base = hooks_url("webhooks")
    responses.get(base, json=[])
    dry = client().recording(send=False)
    assert isinstance(dry.transport, RecordingTransport)
    assert dry.list_hooks(WEBHOOKS, ORG_ID) == []
    assert dry.create_hook(WEBHOOKS, ORG_ID, {"name": "n"}) == {"name": "n"}
    assert dry.update_hook(WEBHOOKS, ORG_ID, "h-1", {"name": "m"}) == {"name": "m"}
    assert dry.delete_hook(WEBHOOKS, ORG_ID, "h-1") is None
    assert [c.request.method for c in responses.calls] == ["GET"]  # responses would refuse anything else
    assert dry.transport.changes == [
        {"method": "POST", "path": f"/v2/notifications/webhooks/{ORG_ID}", "body": {"name": "n"}},
        {"method": "PUT", "path": f"/v2/notifications/webhooks/{ORG_ID}/h-1", "body": {"name": "m"}},
        {"method": "DELETE", "path": f"/v2/notifications/webhooks/{ORG_ID}/h-1"},
    ]


@responses.activate
def test_recording_real_run_sends_and_records():
    base = hooks_url("emailhooks")
    responses.post(base, json={"id": "e9", "name": "n"})
    live = client().recording(send=True)
    assert live.create_hook(EMAILHOOKS, ORG_ID, {"name": "n"}) == {"id": "e9", "name": "n"}
    assert [c.request.method for c in responses.calls] == ["POST"]
    assert live.transport.changes == [{"method": "POST", "path": f"/v2/notifications/emailhooks/{ORG_ID}",
                                       "body": {"name": "n"}}]


@responses.activate
def test_recording_real_run_lists_only_the_changes_the_api_accepted():
    base = hooks_url("emailhooks")
    responses.delete(f"{base}/gone", status=404, json={"message": "Not Found"})
    responses.delete(f"{base}/e1", status=204)
    live = client().recording(send=True)
    with pytest.raises(NotFound):
        live.delete_hook(EMAILHOOKS, ORG_ID, "gone")
    live.delete_hook(EMAILHOOKS, ORG_ID, "e1")
    assert [c.request.method for c in responses.calls] == ["DELETE", "DELETE"]
    assert live.transport.changes == [{"method": "DELETE", "path": f"/v2/notifications/emailhooks/{ORG_ID}/e1"}]


# --- notices go through the callback: nothing below the CLI prints ----------------------------------


@responses.activate
def test_confirmation_notice_goes_to_the_callback_not_the_terminal(capsys):
    base = hooks_url("webhooks")
    body = {"name": "n", "urls": [{"format": "raw", "url": "https://a.org"}]}
    responses.post(base, status=504, body="gateway timeout")
    responses.get(base, json=[{**body, "id": "h7", "createdAt": None}])
    told: list[str] = []
    api = client(notice=told.append)
    assert verified.create(api, WEBHOOKS, ORG_ID, body)["id"] == "h7"
    assert len(told) == 1 and "confirms the webhook 'n' was created (id h7)" in told[0]
    assert api.notices == told
    assert capsys.readouterr() == ("", "")
    silent = client()  # no callback: kept in .notices, still never printed
    responses.calls.reset()
    verified.create(silent, WEBHOOKS, ORG_ID, body)
    assert len(silent.notices) == 1 and capsys.readouterr() == ("", "")


@responses.activate
def test_confirmation_gives_up_after_two_ambiguous_sends():
    base = hooks_url("emailhooks")
    responses.post(base, status=502)
    responses.get(base, json=[])
    with pytest.raises(NetworkError, match="two tries failed ambiguously"):
        verified.create(client(notice=lambda line: None), EMAILHOOKS, ORG_ID, {"name": "n"})
    assert [c.request.method for c in responses.calls] == ["POST", "GET", "POST", "GET"]


def test_exit_codes_are_one_enum():
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 5, 130]
    assert InputError.exit_code is ExitCode.USAGE and NotFound.exit_code is ExitCode.NOT_FOUND


def test_field_rows_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        fields.FIELDS[0].key = "x"  # type: ignore[misc]
    assert json.dumps([f.key for f in fields.FIELDS])


@responses.activate
def test_default_disable_json_reports_only_the_deletes_that_happened(run, creds):
    base = hooks_url("emailhooks")
    name = "Default deployment result e-mails"
    responses.get(base, json=[{"id": "d1", "name": name}, {"id": "d2", "name": name}])
    responses.delete(f"{base}/d1", status=404, json={"message": "Not Found"})  # removed meanwhile
    responses.get(base, json=[{"id": "d2", "name": name}])  # read back after the 404 (issue 18): d1 is gone
    responses.delete(f"{base}/d2", status=204)
    result = run("notify-email", "default", "--org", ORG_ID, "--disable", "-F", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["deleted"] == ["d2"]
    assert report["requests"] == [{"method": "DELETE", "path": f"/v2/notifications/emailhooks/{ORG_ID}/d2"}]


# --- shapes: the listing's checker answers what each row's own check says ---------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                      max_size=3), max_leaves=6)


def _row_by_row(kind, hook):
    """The answer of the rows' own checks, in table order, with no shortcut."""
    hook_id = hook.get("id")
    if not isinstance(hook_id, str) or not hook_id:
        return "has no id" if hook_id is None else f"has an id that is {fields._what(hook_id)}, not a non-empty string"
    for f in fields.fields_of(kind):
        value = hook.get(f.key)
        if f.shape is not None and value is not None and f.shape(value):
            return f"({hook_id!r}): `{f.key}` {f.shape(value)}"
    return None


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.path)
@settings(max_examples=300, deadline=None)
@given(hook=st.fixed_dictionaries({"id": st.sampled_from(["w-1", "", 7, None])},
                                  optional={k: _ANY_JSON for k in ("name", "ownerId", "state", "createdAt", "scope",
                                                                   "events", "urls", "failures", "notified")}))
def test_the_listing_checker_answers_as_each_rows_check(kind, hook):
    assert fields.shape_checker(kind)(hook) == _row_by_row(kind, hook)


@pytest.mark.parametrize("value, problem", [(True, "is a boolean, expected a date"),
                                            ([1], "is a list, expected a date"),
                                            (1796583850388, None), (1.5, None), ("2026-01-01T00:00:00Z", None)])
def test_a_date_is_a_string_or_a_number_never_a_boolean(value, problem):
    got = fields.shape_checker(WEBHOOKS)({"id": "w-1", "createdAt": value})
    assert got == (None if problem is None else f"('w-1'): `createdAt` {problem}")
