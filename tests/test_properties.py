"""Property-based tests (hypothesis): every parser and validator either accepts with a well-formed result or
raises the project's error; the JSON renderers never crash on API-shaped input and round-trip through JSON."""

from __future__ import annotations

import json
import tempfile
import uuid
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from clever_notify.api import transport as api
from clever_notify.cli import params
from clever_notify.config.settings import LinkedApp, load_linked_app, load_settings, read_profile
from clever_notify.errors import ConfigError, InputError
from clever_notify.guards.urls import is_loopback_host
from clever_notify.hooks import catalog, describe
from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS
from clever_notify.output import render
from clever_notify.owners.resolve import is_owner_id
from clever_notify.writes import confirm as hookmatch

# Modest: CI has two cores. No deadline: a loaded machine must not turn slowness into failures.
PROP = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
event_names = st.sampled_from(catalog.ALL_EVENT_NAMES)
odd_case = st.builds(
    lambda name, flips, pad: pad + "".join(
        c.lower() if f else c for c, f in zip(name, flips + [False] * 40, strict=False)) + pad,
    event_names, st.lists(st.booleans(), max_size=40), st.sampled_from(["", " ", "\t"]),
)


# --- events --------------------------------------------------------------------------------------------


@PROP
@given(st.lists(st.text(max_size=30), max_size=6))
def test_normalize_events_accepts_only_catalog_names(names):
    try:
        out = catalog.normalize_events(names)
    except InputError as exc:
        assert str(exc)
        return
    assert all(e in catalog.ALL_EVENT_NAMES for e in out)
    assert len(out) == len(set(out))
    assert catalog.normalize_events(out) == out


@PROP
@given(st.lists(odd_case, min_size=1, max_size=8))
def test_normalize_events_is_case_and_space_insensitive_and_dedups_in_order(names):
    expected: list[str] = []
    for name in names:
        if name.strip().upper() not in expected:
            expected.append(name.strip().upper())
    assert catalog.normalize_events(names) == expected


# --- notify targets, URLs, services, owner ids --------------------------------------------------------


@PROP
@given(st.text(max_size=60))
@example("user_bob@example.org")
def test_parse_notify_target_returns_an_api_entry_or_input_error(value):
    try:
        entry = params.parse_notify_target(value)
    except InputError:
        return
    assert entry["type"] in ("email", "userid", "organisation")
    if entry["type"] == "organisation":
        assert entry == {"type": "organisation"} and value.strip().lower() == "organisation"
    else:
        assert entry["target"] == value.strip() and entry["target"]
        assert not any(c.isspace() or c == "," for c in entry["target"])


@PROP
@given(st.emails())
@example("user_bob@example.org")
def test_every_plain_email_address_is_an_email_target(address):
    assume("," not in address)
    assert params.parse_notify_target(address) == {"type": "email", "target": address}


@PROP
@given(st.uuids())
def test_user_ids_are_userid_targets(uid):
    assert params.parse_notify_target(f" user_{uid} ") == {"type": "userid", "target": f"user_{uid}"}


@PROP
@given(st.text(max_size=80))
@example("http://[::1")
@example("https://exa mple.org")
@example("http://x:99999/")
def test_check_webhook_url_accepts_only_absolute_http_urls(value):
    from urllib.parse import urlsplit

    try:
        url, warning = params.check_webhook_url(value)
    except InputError:
        return
    parts = urlsplit(url)
    assert parts.scheme.lower() in ("http", "https") and parts.hostname
    assert not any(c.isspace() for c in url)
    assert (warning is not None) == (parts.scheme.lower() == "http" and not is_loopback_host(parts.hostname))


@PROP
@given(st.sampled_from(["http", "https", "HTTPS"]),
       st.from_regex(r"[a-z]([a-z0-9-]{0,19}[a-z0-9])?(\.[a-z]([a-z0-9-]{0,9}[a-z0-9])?){1,3}", fullmatch=True),
       st.from_regex(r"(/[A-Za-z0-9._~-]{0,12}){0,4}", fullmatch=True))
def test_well_formed_urls_are_accepted_unchanged(scheme, host, path):
    url = f"{scheme}://{host}{path}"
    assert params.check_webhook_url(url)[0] == url


@PROP
@given(st.text(max_size=60))
def test_service_list_yields_clean_ids_or_a_usage_error(value):
    try:
        ids = params.ServiceList().convert(value, None, None)
    except click.BadParameter:
        return
    # Inner plain spaces are allowed (application names); no other whitespace, none at either end.
    assert ids and all(i and i == i.strip() and not any(c.isspace() and c != " " for c in i) and "," not in i
                       for i in ids)
    assert ids == [part.strip() for part in value.split(",")]


@PROP
@given(st.sampled_from(["user_", "orga_"]), st.uuids(version=4))
def test_owner_ids_are_recognised(prefix, uid):
    assert is_owner_id(f"{prefix}{uid}")
    assert is_owner_id(f"{prefix}{str(uid).upper()}")


@PROP
@given(st.text(max_size=50))
@example("orga_3547a882-d464-4c34-8168-add4b3e0c135\n")
def test_owner_id_check_never_accepts_stray_characters(value):
    if is_owner_id(value):
        prefix, rest = value[:5], value[5:]
        assert prefix.lower() in ("user_", "orga_")
        assert str(uuid.UUID(rest)) == rest.lower()


# --- local files: any JSON --------------------------------------------------------------------------------


@PROP
@given(json_values)
@example({"version": 1, "profiles": [{"token": "t", "secret": "s", "overrides": {"API_HOST": 7}}]})
@example({"token": "t", "secret": "s"})
def test_read_profile_on_any_json(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clever-tools.json"
        path.write_text(json.dumps(data))
        try:
            profile = read_profile(path)
        except ConfigError as exc:
            assert str(path) in str(exc)
            return
        if profile is not None:
            assert isinstance(profile["token"], str) and isinstance(profile["secret"], str)
            assert isinstance(profile["overrides"], dict)
        env = {"CONFIGURATION_FILE": str(path)}
        try:
            result = load_settings(env)
        except ConfigError:
            return
        assert result.api_host and (result.credentials is None) == (profile is None)


@PROP
@given(json_values)
@example({"apps": [{"app_id": "a", "org_id": None}], "default": "a"})
@example({"apps": [{"app_id": "a"}, {"app_id": "b", "alias": ["x"]}]})
def test_load_linked_app_on_any_json(data):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / ".clever.json").write_text(json.dumps(data))
        try:
            app = load_linked_app(Path(folder), env={})
        except ConfigError as exc:
            assert ".clever.json" in str(exc)
            return
    assert app is None or (isinstance(app, LinkedApp) and isinstance(app.app_id, str) and app.app_id
                           and (app.org_id is None or isinstance(app.org_id, str)))


# --- renderers ----------------------------------------------------------------------------------------------


def hooks(extra: dict):
    keys = {"id": st.text(max_size=10) | st.none(), "name": st.text(max_size=20) | st.none(),
            "ownerId": st.text(max_size=10), "events": st.lists(event_names, max_size=3) | json_values,
            "scope": st.lists(st.text(max_size=8), max_size=3) | json_values, "createdAt": st.integers(),
            **extra}
    return st.fixed_dictionaries({}, optional=keys)


webhooks = hooks({"urls": st.lists(st.fixed_dictionaries({"format": st.sampled_from(catalog.WEBHOOK_FORMATS),
                                                           "url": st.text(max_size=20)}), max_size=3) | json_values,
                  "state": st.sampled_from(["ENABLED", "DISABLED"]), "failures": json_values})
emailhooks = hooks({"notified": st.lists(st.one_of(
    st.fixed_dictionaries({"type": st.just("email"), "target": st.text(max_size=20)}),
    st.fixed_dictionaries({"type": st.just("userid"), "target": st.text(max_size=20)}),
    st.just({"type": "organisation"}), json_values), max_size=3) | json_values})


@pytest.mark.parametrize("kind", [WEBHOOKS, EMAILHOOKS], ids=["webhook", "emailhook"])
@PROP
@given(data=st.data())
def test_summary_never_crashes_and_round_trips(kind, data):
    hook = data.draw(webhooks if kind is WEBHOOKS else emailhooks)
    summary = describe.summary(kind, hook)
    assert list(summary)[:1] in (["id"], ["name"], ["ownerId"], ["services"])
    assert summary["events"] == (hook["events"] if hook.get("events") is not None else ["ALL"])
    if kind is EMAILHOOKS:
        assert isinstance(summary["notified"], list)
    assert json.loads(render.to_json(summary)) == summary
    describe.listing_block(kind, hook)


@PROP
@given(json_values)
def test_to_json_round_trips_and_keeps_non_ascii(value):
    text = render.to_json(value)
    assert json.loads(text) == value
    assert "\\u00e9" not in render.to_json("é")


# --- the client's small parsers -----------------------------------------------------------------------------


@PROP
@given(st.text(max_size=40) | st.none())
@example("inf")
@example("nan")
@example("-3")
@example("Wed, 21 Oct 2099 07:28:00 GMT")
def test_retry_after_and_backoff_stay_bounded(value):
    seconds = api.retry_after_seconds(value)
    assert seconds is None or seconds >= 0
    waited = 0.0
    for attempt in range(1, api.MAX_TRIES):
        delay = api.retry_delay(attempt, value, waited)
        assert delay is None or 0 < delay <= api.MAX_TOTAL_WAIT
        waited += delay or 0
    assert waited <= api.MAX_TOTAL_WAIT


@PROP
@given(st.text(alphabet=st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)),
               min_size=api.MIN_SECRET_LENGTH_EVERYWHERE, max_size=20),
       st.text(max_size=40), st.text(max_size=40))
@example("<<<<<<<<", "", "")
def test_redact_hides_a_secret_in_any_text(secret, before, after):
    from urllib.parse import quote

    for shown in (secret, quote(secret, safe=""), json.dumps(secret)[1:-1]):
        # the marker itself may contain a tiny "secret" ("<"): look only at what is not a marker
        assert secret not in api.redact(before + shown + after, [secret]).replace("<hidden>", "\0")
    assert api.redact("x\ud800abcdefghy", ["\ud800abcdefgh"]) == "x<hidden>y"


@PROP
@given(webhooks, st.randoms(use_true_random=False))
def test_a_hook_matches_itself_whatever_the_order_of_its_lists(hook, rnd):
    shuffled = dict(hook)
    for key in ("urls", "events", "scope"):
        if isinstance(hook.get(key), list):
            shuffled[key] = rnd.sample(hook[key], len(hook[key]))
    assert hookmatch.same_hook(hook, shuffled)
    assert hookmatch.find_sent(hook, [{"name": object()}, shuffled]) is shuffled
