"""Each click ParamType of cli/params.py on its own: what it accepts, returns, refuses, and completes."""

from __future__ import annotations

import re

import click
import pytest

from clever_notify.cli import params as p
from clever_notify.errors import InputError
from helpers import USER_ID


def values(items):
    return [item.value for item in items]


# --- EVENTS --------------------------------------------------------------------------------------


def test_events_upper_cased_deduplicated():
    assert p.EVENTS.convert("deployment_fail, GIT_PUSH,Deployment_Fail", None, None) == ["DEPLOYMENT_FAIL", "GIT_PUSH"]


def test_events_default_list_passes_through():
    assert p.EVENTS.convert(["META_CREDITS"], None, None) == ["META_CREDITS"]


@pytest.mark.parametrize("value,message", [
    ("DEPLOYMENT_FAILED", "unknown event DEPLOYMENT_FAILED; did you mean DEPLOYMENT_FAIL?"),
    ("GIT_PUSH,", "empty event name"),
    ("", "empty event name"),
    ("ALL", "ALL is not an event name"),
])
def test_events_refused(value, message):
    with pytest.raises(click.BadParameter, match=re.escape(message)) as exc:
        p.EVENTS.convert(value, None, None)
    assert exc.value.exit_code == 2


def test_events_complete_every_name_including_meta_events():
    from clever_notify.hooks import catalog

    assert values(p.EVENTS.shell_complete(None, None, "")) == list(catalog.ALL_EVENT_NAMES)
    assert values(p.EVENTS.shell_complete(None, None, "meta_")) == [
        "META_SERVICE_LIFECYCLE", "META_DEPLOYMENT_RESULT", "META_SERVICE_MANAGEMENT", "META_CREDITS"]


def test_events_complete_after_a_comma_without_repeating_names():
    assert values(p.EVENTS.shell_complete(None, None, "GIT_PUSH,DEPLOYMENT_FAIL,DEPLOYMENT_")) == [
        "GIT_PUSH,DEPLOYMENT_FAIL,DEPLOYMENT_ACTION_BEGIN",
        "GIT_PUSH,DEPLOYMENT_FAIL,DEPLOYMENT_ACTION_END",
        "GIT_PUSH,DEPLOYMENT_FAIL,DEPLOYMENT_SUCCESS",
    ]


# --- SERVICES ------------------------------------------------------------------------------------


def test_services_split_on_commas():
    assert p.SERVICES.convert("app_a, app_b,addon_c", None, None) == ["app_a", "app_b", "addon_c"]


def test_services_may_be_names_with_spaces():
    assert p.SERVICES.convert(" My App ,app_b", None, None) == ["My App", "app_b"]


@pytest.mark.parametrize("value,message", [
    ("", "empty service id"),
    ("app_a,", "empty service id"),
    ("app_a,,app_b", "empty service id"),
    ("app_a,app\tb", "service 'app\\tb' contains a tab or line break"),
    ("web\nworker", "contains a tab or line break"),
])
def test_services_refused(value, message):
    with pytest.raises(click.BadParameter, match=re.escape(message)):
        p.SERVICES.convert(value, None, None)


# --- FORMAT --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["raw", "slack", "gitter", "flowdock", "SLACK"])
def test_format_accepted(value):
    assert p.FORMAT.convert(value, None, None) == value.lower()


def test_format_refused_listing_the_four():
    with pytest.raises(click.BadParameter, match="choose one of: raw, slack, gitter, flowdock"):
        p.FORMAT.convert("discord", None, None)


def test_format_completion():
    assert values(p.FORMAT.shell_complete(None, None, "")) == ["raw", "slack", "gitter", "flowdock"]
    assert values(p.FORMAT.shell_complete(None, None, "G")) == ["gitter"]


# --- URL -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "https://hooks.slack.com/services/x/y/z",
    "HTTPS://Example.org/Hook?a=1",
    "https://user:pw@example.org:8443/h",
    "https://bücher.example/h",
    "https://[2001:db8::1]/h",
    "http://127.0.0.1:8080/h",
    "http://localhost/h",
    "http://[::1]:9000/h",
])
def test_url_accepted_silently(value, capsys):
    assert p.URL.convert(f"  {value} ", None, None) == value
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("value", ["http://example.org/h", "http://10.0.0.1/h", "http://0.0.0.0:80/h",
                                   "http://api.localhost./h"])
def test_plain_http_is_accepted_with_a_warning(value, capsys):
    assert p.URL.convert(value, None, None) == value
    err = capsys.readouterr().err
    assert err == f"warning: {value} is plain http; payloads would travel unencrypted.\n"


def test_no_warning_while_the_shell_completes(capsys):
    ctx = click.Context(click.Command("x"), resilient_parsing=True)
    assert p.URL.convert("http://example.org/h", None, ctx) == "http://example.org/h"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("value,message", [
    ("", "empty webhook URL"),
    ("example.org/hook", "must be absolute: did you mean https://example.org/hook?"),
    ("example.org:8080/hook", "did you mean https://example.org:8080/hook?"),
    ("ftp://example.org/h", "must start with https://"),
    ("mailto:a@example.org", "must start with https://"),
    ("//example.org/h", "must be absolute: did you mean https://example.org/h?"),
    ("https://", "has no host"),
    ("https:///path", "has no host"),
    ("https:example.org", "has no host"),
    ("https://exa mple.org/h", "contains a space"),
    ("https://example.org/a\nb", "contains a space"),
    ("https://example..org/h", "invalid host"),
    ("https://-example.org/h", "invalid host"),
    ("https://example.org:99999/h", "invalid port"),
    ("https://example.org:0/h", "invalid port"),
    ("https://example.org:http/h", "invalid port"),
    ("https://[not-ipv6]/h", "has an invalid host '[not-ipv6]'"),
])
def test_url_refused(value, message):
    with pytest.raises(click.BadParameter, match=re.escape(message)):
        p.URL.convert(value, None, None)


# --- NOTIFY (the --notify of `clever notify-email add`) ------------------------------------------


@pytest.mark.parametrize("value,entry", [
    ("ops@example.org", {"type": "email", "target": "ops@example.org"}),
    (" first.last+tag@sub.example.co ", {"type": "email", "target": "first.last+tag@sub.example.co"}),
    (USER_ID, {"type": "userid", "target": USER_ID}),
    ("organisation", {"type": "organisation"}),
    ("Organisation", {"type": "organisation"}),
])
def test_notify_target_accepted(value, entry):
    assert p.parse_notify_target(value) == entry


@pytest.mark.parametrize("value,message", [
    ("", "empty notification target"),
    ("ops@example", "invalid e-mail address 'ops@example'"),
    ("a@b@example.org", "invalid e-mail address"),
    ("Ops <ops@example.org>", "invalid e-mail address"),
    ("user_", "invalid user id 'user_'"),
    ("user_abc/def", "invalid user id"),
    ("organization", "did you mean organisation?"),
    ("team", "use an e-mail address, a user id (user_…) or `organisation`"),
])
def test_notify_target_refused(value, message):
    with pytest.raises(InputError) as exc:
        p.parse_notify_target(value)
    assert message in str(exc.value)


def test_notify_param_type_splits_and_fails_as_usage_error():
    assert p.NOTIFY.convert("a@example.org, organisation", None, None) == [
        {"type": "email", "target": "a@example.org"}, {"type": "organisation"}]
    with pytest.raises(click.BadParameter, match="invalid e-mail address 'b@x'"):
        p.NOTIFY.convert("a@example.org,b@x", None, None)


# --- NAME and HOOK_ID ----------------------------------------------------------------------------


def test_name_kept_as_typed():
    assert p.NAME.convert(" deploys on Slack ", None, None) == " deploys on Slack "


@pytest.mark.parametrize("value", ["", "   ", "\t"])
def test_name_refused_when_empty_or_blank(value):
    with pytest.raises(click.BadParameter, match="the name must not be empty"):
        p.NAME.convert(value, None, None)


def test_hook_id():
    assert p.HOOK_ID.convert(" 6e9f1a2c-0000 ", None, None) == "6e9f1a2c-0000"
    for bad in ["", "a/b", "a b"]:
        with pytest.raises(click.BadParameter, match="invalid hook id"):
            p.HOOK_ID.convert(bad, None, None)
