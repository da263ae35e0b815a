"""The notifications file: every rule refuses with the problem located (path and line), before any request."""

from __future__ import annotations

import json
import os
import textwrap

import pytest
import responses

from clever_notify.hooks import catalog
from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS
from clever_notify.notifications_file import rules
from clever_notify.notifications_file.desired import FileInvalid, read
from clever_notify.notifications_file.source import format_path
from helpers import write

GOOD = """\
version: 1
owners:
  Acme:
    webhooks:
      - name: deployment results on Slack
        urls:
          - url: https://hooks.slack.com/services/a
            format: slack
        events: [META_DEPLOYMENT_RESULT]
        services: [web, worker]
    emails:
      - name: Default deployment result e-mails
        notify: [organisation]
        events: [META_DEPLOYMENT_RESULT]
"""


def problems(tmp_path, text, env=None, name="n.yml"):
    """[(path, line, message)] of a file that must be refused."""
    with pytest.raises(FileInvalid) as caught:
        read(write(tmp_path, text, name), env or {})
    return [(format_path(p.path), p.line, p.message) for p in caught.value.problems]


def test_good_file_reads_into_api_fields(tmp_path):
    desired = read(write(tmp_path, GOOD), {})
    (acme,) = desired.owners
    assert acme.key == "Acme" and acme.line == 3
    (hook,) = acme.hooks[WEBHOOKS]
    assert hook.fields == {"name": "deployment results on Slack",
                           "urls": [{"format": "slack", "url": "https://hooks.slack.com/services/a"}],
                           "events": ["META_DEPLOYMENT_RESULT"], "scope": None, "state": "ENABLED"}
    assert list(acme.services.values()) == ["web", "worker"]
    (mail,) = acme.hooks[EMAILHOOKS]
    assert mail.fields["notified"] == [{"type": "organisation"}]


@pytest.mark.parametrize("snippet, path, line, message", [
    ("    webhoks: []\n", "owners.Acme.webhoks", 4, "unknown key 'webhoks'; did you mean 'webhooks'?"),
    ("    emailhooks: []\n", "owners.Acme.emailhooks", 4, "unknown key 'emailhooks'; did you mean 'emails'?"),
    ("    webhooks:\n      - name: x\n        urls: [{url: 'https://a.org'}]\n        scope: [web]\n",
     "owners.Acme.webhooks[0].scope", 7, "unknown key 'scope'; did you mean 'services'?"),
    ("    webhooks:\n      - name: x\n        urls: [{url: 'https://a.org', formt: raw}]\n",
     "owners.Acme.webhooks[0].urls[0].formt", 6, "unknown key 'formt'; did you mean 'format'?"),
    ("    emails:\n      - name: x\n        notified: [organisation]\n",
     "owners.Acme.emails[0].notified", 6, "unknown key 'notified'; did you mean 'notify'?"),
    ("    emails:\n      - name: x\n        zzz: 1\n",
     "owners.Acme.emails[0].zzz", 6, "unknown key 'zzz'; expected one of: id, name, notify, events, services"),
])
def test_unknown_keys_located_with_did_you_mean(tmp_path, snippet, path, line, message):
    assert problems(tmp_path, "version: 1\nowners:\n  Acme:\n" + snippet) == [(path, line, message)]


def test_unknown_top_key(tmp_path):
    assert problems(tmp_path, "version: 1\nowner: {}\n") == [
        ("(top)", 1, "`owners` is required"),
        ("owner", 2, "unknown key 'owner'; did you mean 'owners'?"),
    ]


HOOK = "version: 1\nowners:\n  Acme:\n    webhooks:\n      - name: x\n        urls: [{url: 'https://a.org'}]\n"


@pytest.mark.parametrize("extra, path, message", [
    ("        events: [ALL]\n", "owners.Acme.webhooks[0].events[0]",
     "ALL is not an event name: leave `events` out to be notified of every event"),
    ("        events: []\n", "owners.Acme.webhooks[0].events",
     "the list is empty: leave `events` out to be notified of every event"),
    ("        events: DEPLOYMENT_FAIL\n", "owners.Acme.webhooks[0].events", "expected a list, got text"),
    ("        services: []\n", "owners.Acme.webhooks[0].services",
     "the list is empty: leave `services` out for every service of the owner"),
    ("        services: [\"a\\tb\"]\n", "owners.Acme.webhooks[0].services[0]",
     "service 'a\\tb' contains a tab or line break"),
    ("        id: 'a/b'\n", "owners.Acme.webhooks[0].id", "invalid hook id 'a/b'"),
])
def test_value_rules_located_on_their_line(tmp_path, extra, path, message):
    assert problems(tmp_path, HOOK + extra) == [(path, 7, message)]


@pytest.mark.parametrize("url, message", [
    ("ftp://a.org/x", "webhook URL must start with https:// (or http://), got 'ftp://a.org/x'"),
    ("a.org/hook", "webhook URL must be absolute: did you mean https://a.org/hook?"),
    ("https://", "webhook URL has no host: 'https://'"),
    ("", "empty webhook URL"),
])
def test_urls_checked(tmp_path, url, message):
    text = f"version: 1\nowners:\n  Acme:\n    webhooks:\n      - name: x\n        urls:\n          - url: '{url}'\n"
    assert problems(tmp_path, text) == [("owners.Acme.webhooks[0].urls[0].url", 7, message)]


def test_formats_checked_and_case_folded(tmp_path):
    text = ("version: 1\nowners:\n  A:\n    webhooks:\n      - name: x\n        urls:\n"
            "          - {url: 'https://a.org', format: SLACK}\n          - {url: 'https://b.org', format: 'te ams'}\n")
    assert problems(tmp_path, text) == [
        ("owners.A.webhooks[0].urls[1].format", 8,
         "unknown webhook format 'te ams'; choose one of: raw, slack, gitter, flowdock"),
    ]
    good = read(write(tmp_path, text.replace("te ams", "raw")), {})
    assert good.owners[0].hooks[WEBHOOKS][0].fields["urls"][0] == {"format": "slack", "url": "https://a.org"}


def test_names_the_catalog_lacks_are_left_to_the_apis_catalog(tmp_path):
    # An API newer than the tool: an event or format it does not know is not refused by the file alone;
    # remote.check_catalog asks the API (tests/test_nac_roundtrip.py), the message is ready if the API lacks it too.
    text = HOOK.replace("'https://a.org'}", "'https://a.org', format: Teams}") + "        events: [deployment_failed]\n"
    desired = read(write(tmp_path, text), {})
    assert [(format_path(p.path), p.line, p.catalog, p.value, p.message) for p in desired.unverified] == [
        ("owners.Acme.webhooks[0].urls[0].format", 6, "formats", "teams",
         "unknown webhook format 'Teams'; choose one of: raw, slack, gitter, flowdock"),
        ("owners.Acme.webhooks[0].events[0]", 7, "events", "DEPLOYMENT_FAILED",
         "unknown event deployment_failed; did you mean DEPLOYMENT_FAIL?"),
    ]
    assert desired.owners[0].hooks[WEBHOOKS][0].fields["events"] == ["DEPLOYMENT_FAILED"]
    # refused anyway for another reason: the unknown names are listed with it, unchecked
    assert problems(tmp_path, text + "        services: []\n") == [
        ("owners.Acme.webhooks[0].urls[0].format", 6,
         "unknown webhook format 'Teams'; choose one of: raw, slack, gitter, flowdock"),
        ("owners.Acme.webhooks[0].events[0]", 7, "unknown event deployment_failed; did you mean DEPLOYMENT_FAIL?"),
        ("owners.Acme.webhooks[0].services", 8,
         "the list is empty: leave `services` out for every service of the owner"),
    ]


def test_plain_http_is_a_warning_not_a_problem(tmp_path):
    text = "version: 1\nowners:\n  A:\n    webhooks:\n      - name: x\n        urls: [{url: 'http://a.org/h'}]\n"
    desired = read(write(tmp_path, text), {})
    assert [(format_path(w.path), w.line) for w in desired.warnings] == [("owners.A.webhooks[0].urls[0].url", 6)]


@pytest.mark.parametrize("target, message", [
    ("nobody", "invalid notification target 'nobody': use an e-mail address, a user id (user_…) or `organisation`"),
    ("organization", "invalid notification target 'organization'; did you mean organisation?"),
    ("a@b", "invalid e-mail address 'a@b'"),
    ("user_$", "invalid user id 'user_$'"),
])
def test_notify_targets_checked(tmp_path, target, message):
    text = (f"version: 1\nowners:\n  A:\n    emails:\n      - name: x\n        notify:\n"
            f"          - ok@example.org\n          - '{target}'\n")
    assert problems(tmp_path, text) == [("owners.A.emails[0].notify[1]", 8, message)]


def test_notify_targets_become_api_entries(tmp_path):
    text = ("version: 1\nowners:\n  A:\n    emails:\n      - name: x\n"
            "        notify: [a@x.org, Organisation, user_abc, a@x.org]\n")
    (hook,) = read(write(tmp_path, text), {}).owners[0].hooks[EMAILHOOKS]
    assert hook.fields["notified"] == [{"type": "email", "target": "a@x.org"}, {"type": "organisation"},
                                       {"type": "userid", "target": "user_abc"}]


def test_name_twice_for_one_owner_and_kind(tmp_path):
    text = """\
    version: 1
    owners:
      A:
        webhooks:
          - {name: same, urls: [{url: 'https://a.org'}]}
          - {name: other, urls: [{url: 'https://a.org'}]}
          - {name: same, urls: [{url: 'https://b.org'}]}
        emails:
          - {name: same}
      B:
        webhooks:
          - {name: same, urls: [{url: 'https://a.org'}]}
    """
    assert problems(tmp_path, text) == [(
        "owners.A.webhooks[2].name", 7,
        ("another webhook of this owner is named 'same' (owners.A.webhooks[0]); names identify hooks: make them "
         "differ, or give each its `id:`"),
    )]
    # with ids, twins are told apart: allowed
    with_ids = textwrap.dedent(text).replace("- {name: same, urls: [{url: 'https://a.org'}]}\n      - {name: other",
                                             "- {id: h1, name: same, urls: [{url: 'https://a.org'}]}\n"
                                             "      - {name: other")
    with_ids = with_ids.replace("- {name: same, urls: [{url: 'https://b.org'}]}",
                                "- {id: h2, name: same, urls: [{url: 'https://b.org'}]}")
    assert "id: h1" in with_ids and "id: h2" in with_ids
    assert len(read(write(tmp_path, with_ids), {}).owners) == 2


def test_id_twice_and_name_or_id_required(tmp_path):
    text = """\
    version: 1
    owners:
      A:
        webhooks:
          - {id: h1, name: a, urls: [{url: 'https://a.org'}]}
          - {id: h1, name: b, urls: [{url: 'https://a.org'}]}
        emails:
          - {notify: [organisation]}
    """
    assert problems(tmp_path, text) == [
        ("owners.A.webhooks[1].id", 6, "id h1 also at owners.A.webhooks[0]"),
        ("owners.A.emails[0]", 8, "`name` is required (or `id`)"),
    ]
    assert problems(tmp_path, text.replace("{id: h1, name: b", "{id: h2, name: b")) == [
        ("owners.A.emails[0]", 8, "`name` is required (or `id`)"),
    ]


def test_every_problem_reported_at_once(tmp_path):
    text = """\
    version: 2
    owners:
      A:
        webhooks:
          - name: ''
            urls: [{url: 'nope'}]
            events: [NOPE]
        emails:
          - name: 12
    """
    found = problems(tmp_path, text)
    assert [(p, line) for p, line, _ in found] == [
        ("version", 1), ("owners.A.webhooks[0].name", 5), ("owners.A.webhooks[0].urls[0].url", 6),
        ("owners.A.webhooks[0].events[0]", 7), ("owners.A.emails[0].name", 9),
    ]
    assert found[0][2] == "must be 1, got 2"
    assert found[-1][2] == "expected text, got a number (quote it)"


# --- variables -------------------------------------------------------------------------------------


def test_variables_expanded_and_remembered(tmp_path):
    text = "version: 1\nowners:\n  A:\n    webhooks:\n      - name: x\n        urls: [{url: '${HOOK_URL}/p?a=$$1'}]\n"
    desired = read(write(tmp_path, text), {"HOOK_URL": "https://a.org/T0KEN"})
    assert desired.owners[0].hooks[WEBHOOKS][0].fields["urls"][0]["url"] == "https://a.org/T0KEN/p?a=$1"
    assert desired.variables == {"HOOK_URL": "https://a.org/T0KEN"}


@pytest.mark.parametrize("value, message", [
    ("${MISSING}", "the environment variable MISSING is not set"),
    ("${1BAD}", "${1BAD} is not a variable name (letters, digits and _; write $$ for a literal $)"),
    ("${OPEN", "`${` without a closing `}` (write $$ for a literal $)"),
])
def test_variable_problems_located(tmp_path, value, message):
    text = f"version: 1\nowners:\n  A:\n    webhooks:\n      - name: x\n        urls:\n          - url: '{value}'\n"
    assert problems(tmp_path, text, env={}) == [("owners.A.webhooks[0].urls[0].url", 7, message)]


# --- syntax ----------------------------------------------------------------------------------------


def test_yaml_syntax_error_has_its_line(tmp_path):
    (found,) = problems(tmp_path, "version: 1\nowners:\n  A: [\n")
    assert found[0] == "(top)" and found[1] == 4 and found[2].startswith("not valid YAML:")


def test_duplicate_yaml_keys_refused(tmp_path):
    text = "version: 1\nowners:\n  A: {}\n  A: {}\n"
    assert problems(tmp_path, text) == [("owners.A", 4, "key 'A' given twice (also on line 3)")]


def test_yaml_objects_are_never_built(tmp_path):
    for text in ("version: 1\nowners: !!python/object/apply:os.system ['echo hi']\n",
                 "version: 1\nowners: !!python/name:os.system\n",
                 "version: 1\nowners: !!python/object:object {}\n"):
        (found,) = problems(tmp_path, text)
        assert found[2].startswith("not valid YAML:") and "python/" in found[2]


def test_alias_bomb_is_bounded(tmp_path):
    lines = ["version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("owners: {}")
    (found,) = problems(tmp_path, "\n".join(lines) + "\n")
    assert found[2] == "aliases (*name) repeat more than 200000 values"


@pytest.mark.slow  # about 8 s: composing a 3 MB YAML file
def test_a_large_file_without_aliases_is_not_taken_for_an_alias_bomb(tmp_path):
    # 30,000 hooks fit in the 5 MB a file may have: they were refused as "more than 200000 values (aliases?)".
    hooks = "".join(f"      - {{name: h{i}, urls: [{{url: 'https://a.org/{i}'}}], events: [DEPLOYMENT_FAIL]}}\n"
                    for i in range(30_000))
    desired = read(write(tmp_path, f"version: 1\nowners:\n  A:\n    webhooks:\n{hooks}"), {})
    assert len(desired.owners[0].hooks[WEBHOOKS]) == 30_000


def test_merge_keys_work(tmp_path):
    text = """\
    version: 1
    owners:
      A:
        webhooks:
          - &base {name: a, urls: [{url: 'https://a.org'}], events: [GIT_PUSH]}
          - <<: *base
            name: b
    """
    hooks = read(write(tmp_path, text), {}).owners[0].hooks[WEBHOOKS]
    assert [(h.name, h.fields["events"]) for h in hooks] == [("a", ["GIT_PUSH"]), ("b", ["GIT_PUSH"])]


def test_json_file_with_lines(tmp_path):
    data = {"version": 1, "owners": {"A": {"webhooks": [{"name": "x", "urls": [{"url": "https://a.org"}],
                                                          "events": ["NO PE"]}]}}}
    found = problems(tmp_path, json.dumps(data, indent=2), name="n.json")
    assert found == [("owners.A.webhooks[0].events[0]", 14, "unknown event NO PE; run `clever events` to list them")]
    (bad,) = problems(tmp_path, '{"version": 1,\n "owners": }', name="n.json")
    assert bad[1] == 2 and bad[2].startswith("not valid JSON")


def test_unreadable_file_is_exit_2(run, tmp_path):
    result = run("notifications", "plan", str(tmp_path / "missing.yml"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot read ")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_fifo_device_or_folder_is_refused_at_once(run, tmp_path, command):
    # `plan /dev/zero` used to read until memory ran out, and a FIFO without a writer to wait forever.
    fifo = tmp_path / "n.yml"
    os.mkfifo(fifo)
    for path in (str(fifo), os.devnull, str(tmp_path)):
        result = run("notifications", command, path)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"Error: cannot read {path}: not a regular file"), result.stderr


# --- the CLI refuses before any request --------------------------------------------------------------


@responses.activate
def test_plan_refuses_with_every_problem_and_no_request(run, creds, tmp_path):
    path = write(tmp_path, HOOK + "        events: [DEPLOYMENT_FAILED]\n        services: []\n")
    result = run("notifications", "plan", path)
    assert result.exit_code == 2
    assert len(responses.calls) == 0
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {path}: 2 problems, nothing was sent:\n"
        f"  {path}:7: owners.Acme.webhooks[0].events[0]: unknown event DEPLOYMENT_FAILED; "
        "did you mean DEPLOYMENT_FAIL?\n"
        f"  {path}:8: owners.Acme.webhooks[0].services: the list is empty: leave `services` out for every service "
        "of the owner\n"
    )
    detailed = run("notifications", "plan", path, "--detailed-exitcode")
    assert detailed.exit_code == 1  # 2 would read as "changes" in CI
    as_json = run("notifications", "plan", path, "--json")
    assert as_json.exit_code == 2
    assert json.loads(as_json.stdout)["problems"][0] == {
        "path": "owners.Acme.webhooks[0].events[0]", "line": 7,
        "message": "unknown event DEPLOYMENT_FAILED; did you mean DEPLOYMENT_FAIL?"}
    assert len(responses.calls) == 0


def test_problem_text_from_the_file_is_sanitised(run, creds, tmp_path):
    path = write(tmp_path, 'version: 1\nowners:\n  A:\n    "web\\x1b[31mhooks": []\n')
    result = run("notifications", "plan", path)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr


# --- schema ----------------------------------------------------------------------------------------


def test_schema_is_made_of_the_rules(run):
    result = run("notifications", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["version", "owners"]
    owner = schema["properties"]["owners"]["additionalProperties"]
    webhook = owner["properties"]["webhooks"]["items"]
    email = owner["properties"]["emails"]["items"]
    assert list(webhook["properties"]) == [k.name for k in rules.WEBHOOK.keys]
    assert list(email["properties"]) == [k.name for k in rules.EMAIL.keys]
    assert webhook["additionalProperties"] is False and webhook["required"] == ["urls"]
    assert webhook["anyOf"] == [{"required": ["name"]}, {"required": ["id"]}]
    # the catalog's names first; another name-like one too (an API newer than the tool: checked against its catalog)
    assert webhook["properties"]["events"]["items"]["anyOf"][0]["enum"] == list(catalog.ALL_EVENT_NAMES)
    fmt = webhook["properties"]["urls"]["items"]["properties"]["format"]
    assert fmt["anyOf"][0]["enum"] == list(catalog.WEBHOOK_FORMATS) and "pattern" in fmt["anyOf"][1]
    # a recipient or a scope entry as the API holds it: a text, or a mapping
    assert [s["type"] for s in email["properties"]["notify"]["items"]["anyOf"]] == ["string", "object"]
    assert [s["type"] for s in webhook["properties"]["services"]["items"]["anyOf"]] == ["string", "object"]
    assert run("notifications", "schema", "--json").stdout == result.stdout


def test_unset_variables_and_twice_given_keys_are_listed_with_every_other_problem(tmp_path):
    # Found while reading, they used to stop the check: a second run then showed the file's other mistakes.
    text = """\
    version: 1
    owners:
      A:
        webhooks:
          - name: x
            urls: [{url: '${MISSING}'}, {url: 'ftp://a.org'}]
            events: [NOPE]
            events: [NOPE2]
    """
    found = problems(tmp_path, text)
    assert [(p, line) for p, line, _ in found] == [
        ("owners.A.webhooks[0].urls[0].url", 6), ("owners.A.webhooks[0].urls[1].url", 6),
        ("owners.A.webhooks[0].events", 8), ("owners.A.webhooks[0].events[0]", 8),
    ]
    # the unset variable's value is not judged as a URL as well
    assert found[0][2] == "the environment variable MISSING is not set"
    assert found[2][2] == "key 'events' given twice (also on line 7)"


def test_json_key_given_twice_is_refused(tmp_path):
    # json.loads keeps the last one silently: `{"A": {"webhooks": [...]}, "A": {"webhooks": []}}` with --prune
    # would delete what the first one lists.
    text = '{"version": 1, "owners": {"A": {"webhooks": []}, "A": {}}}'
    assert problems(tmp_path, text, name="n.json") == [("owners.A", 1, "key 'A' given twice (also on line 1)")]
    # a JSON text YAML cannot compose again (a key over 1024 characters) is still refused, without lines
    text = '{"version": 1, "owners": {"A": {}, "A": {}}, "' + "k" * 1100 + '": 1}'
    found = problems(tmp_path, text, name="n.json")
    assert ("(top)", None, "key 'A' given twice") in found


def test_an_exported_file_holds_no_raw_control_bidi_or_separator_character():
    # The file is reviewed in pull requests and read with `cat`: a name from the API with an escape sequence
    # or a right-to-left override must not reach it raw (Trojan Source), yet read back the same.
    from clever_notify.guards.sanitise import is_unsafe
    from clever_notify.notifications_file import export
    from clever_notify.notifications_file.source import parse

    names = ["evil\x1b[31mRED\x07", "rtl\u202egnp.exe", "zero\u200bwidth", "sep\u2028line\u2029", "c1\x9bx\x85",
             "isolate\u2066x\u2069", "café ✓ 日本", "tab\there"]
    hooks = [{"name": n, "urls": [{"url": f"https://a.org/{i}", "format": "raw"}]} for i, n in enumerate(names)]
    data = {"version": 1, "owners": {"Acme\u202e": {"webhooks": hooks}}}
    for text, as_json in ((export.to_yaml(data), False), (export.to_json(data), True)):
        assert [hex(ord(ch)) for ch in text if is_unsafe(ch, keep_newlines=True)] == []
        assert "café ✓ 日本" in text  # ordinary text stays readable
        assert parse(text, json_file=as_json, env={}).data == data
