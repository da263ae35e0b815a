"""The notifications file's fast paths answer what their definitions answer: the rules' fast walk
(rules._fast) what check_generic alone records and returns, on generated files good and bad."""

from __future__ import annotations

from unittest import mock

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clever_notify.notifications_file import desired, rules
from clever_notify.notifications_file.source import FileProblems, parse

PROP = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

odd = st.one_of(st.none(), st.booleans(), st.integers(-1, 3), st.sampled_from(["", " ", "x", "\t", "a/b"]),
                st.just([]), st.just({}), st.just(["x"]), st.just({"x": 1}))


def mostly(good, *others):
    """Mostly `good`: files the fast walk takes whole, and files with a problem here or there for check_generic."""
    return st.integers(0, 39).flatmap(lambda n: others[n % len(others)] if n in (13, 27) else good)


def rarely_odd(good):
    return mostly(good, odd)


def text(good: list[str], bad: list[str]):
    return mostly(st.sampled_from(good), st.sampled_from(bad), odd)


names = text(["a", "b", "c", "d", "e", "f", "g", " h "], ["  ", ""])
hook_ids = text(["abc", "abd", " abe ", "x1", "x2"], ["a b", "a/b", "..", ""])
urls = text(["https://example.org/a", "https://example.org/b", "https://h.example.org:8443/c?d#e", "http://localhost/x",
             "https://[::1]/y", "https://u:p@example.org/z", "http://example.org/plain", " https://example.org/sp "],
            ["https://ex ample.org", "example.org/x",
             "ftp://x", "https://127.1/", "https://a.org:0/", "https://a.org/\u00a0"])
formats = text(["raw", "RAW", " slack ", "gitter", "newformat"], ["bad format!", ""])
events = text(["DEPLOYMENT_FAIL", "deployment_fail", "DEPLOYMENT_SUCCESS", "NEW_EVENT"], ["all", "bad event!", " "])
services = text(["web", "My App", "db"], ["a\tb", " "])
states = text(["ENABLED", "disabled"], ["ON_FIRE", "1x"])
notify = text(["a@b.co", "organisation", "user_1", "c@d.org"], ["Organisation", "organization", "user_!", "bad@", "x"])
owner_ids = text(["orga_1f175053-ffd6-4851-a424-406ddc4644e8"], ["orga_x", " "])
ignores = text(["plain-http", "plain-http:CI", " duplicate-hook "], ["nope", "plain-http:"])


def lists(item, min_size=0):
    return rarely_odd(st.lists(item, min_size=min_size, max_size=3))


def keys(required: dict, optional: dict):
    return mostly(st.fixed_dictionaries(required, optional=optional),
                  st.fixed_dictionaries(required, optional={**optional, "colour": odd, "hooks": odd}), odd)


url_entries = mostly(keys({"url": urls}, {"format": formats}), keys({}, {"url": urls}))
scope = mostly(services, keys({"id": text(["x"], [""])}, {}))
recipient = mostly(notify, keys({"type": text(["x", "email"], [""])}, {"target": text(["t"], [" "])}))
webhook = keys({"name": names, "urls": lists(url_entries, 1)},
               {"id": hook_ids, "events": lists(events, 1), "services": lists(scope, 1), "state": states})
email = keys({"name": names}, {"id": hook_ids, "notify": lists(recipient), "events": lists(events, 1),
                               "services": lists(scope, 1)})
owner = keys({}, {"id": owner_ids, "name": names, "webhooks": lists(webhook, 1), "emails": lists(email, 1)})
owners = rarely_odd(st.dictionaries(st.sampled_from(["Acme", "self", "orga_x", "Other", "Other2"]), owner,
                                    min_size=1, max_size=3))
files = mostly(st.fixed_dictionaries({"version": st.just(1), "owners": owners},
                                     optional={"audit": keys({}, {"ignore": lists(ignores)})}),
               st.fixed_dictionaries({}, optional={"version": st.sampled_from([1, 2, True, "1", None]),
                                                   "owners": owners, "colour": odd}))


def _generic_only():
    """Every value walked by the rules' definition (check_generic), the fast walk never asked."""
    return mock.patch.object(rules, "check", rules.check_generic)


def _document(data):
    return parse(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), json_file=False, env={})


def _checked(doc):
    problems, warnings = [], []
    value = rules.check(rules.FILE, doc.data, (), doc, problems, warnings)
    return ("INVALID" if value is rules.INVALID else value), [(type(p), p) for p in problems], warnings


def _read(doc):
    try:
        read = desired.check(doc, "n.yml")
    except desired.FileInvalid as exc:
        return str(exc)
    return [(o.key, o.line, o.hooks, o.services, o.scope_as_held, o.owner_id, o.owner_name) for o in read.owners], \
        read.warnings, read.unverified


@PROP
@given(files)
def test_the_fast_walk_answers_what_the_rules_definition_answers(data):
    try:
        doc = _document(data)
    except FileProblems:
        return
    fast = _checked(doc), _read(doc)
    with _generic_only():
        generic = _checked(doc), _read(doc)
    assert fast == generic


@PROP
@given(webhook, email)
def test_each_rule_alone_answers_as_its_definition(hook, mail):
    for rule, value in [(rules.WEBHOOK, hook), (rules.EMAIL, mail), (rules.URL, hook.get("urls") if isinstance(
            hook, dict) else hook), (rules.EVENTS, mail.get("events") if isinstance(mail, dict) else mail)]:
        doc = desired.Document(value, lines={(): 3})
        answers = []
        for walk in (rules.check, rules.check_generic):
            problems, warnings = [], []
            with _generic_only() if walk is rules.check_generic else mock.patch.object(rules, "check", rules.check):
                out = walk(rule, value, ("at",), doc, problems, warnings)
            answers.append((out is rules.INVALID, out, [(type(p), p) for p in problems], warnings))
        assert answers[0] == answers[1]


def test_a_clean_file_is_taken_by_the_fast_walk_alone():
    data = {"version": 1, "owners": {"Acme": {"webhooks": [
        {"name": "a", "urls": [{"url": "http://example.org/x", "format": "RAW"}], "events": ["deployment_fail"]}]}}}
    doc = _document(data)
    with mock.patch.object(rules, "check_generic", side_effect=AssertionError("generic walk")):
        value, problems, warnings = _checked(doc)
    assert value["owners"]["Acme"]["webhooks"][0]["events"] == ["DEPLOYMENT_FAIL"]
    assert problems == [] and [w.line for w in warnings] == [7]  # the plain-http warning, at its line


# --- variables: a file with no `$` is not walked for them, and the event reader's file only at its texts with a
# `$` (source._may_hold_variables, yaml_events.read_noting_dollars); both answer as the walk of every value -------

ENV = {"V": " https://v.example/x ", "W": "w"}
dollar_texts = st.sampled_from(["${V}", "${W}x", "$$", "a$", "${NOPE}", "${bad name}", "${", "plain", "", "\\", "é"])
dollar_values = st.recursive(st.one_of(dollar_texts, st.integers(0, 2), st.none()),
                             lambda children: st.lists(children, max_size=3)
                             | st.dictionaries(st.sampled_from(["a", "b", "url"]), children, max_size=3),
                             max_leaves=12)


def _parsed(text: str, json_file: bool):
    from clever_notify.notifications_file import source

    try:
        doc = source.parse(text, json_file=json_file, env=ENV)
    except FileProblems as exc:
        return exc.problems
    return (doc.data, doc.problems, doc.unresolved, list(doc.expanded.items()), list(doc.variables.items()),
            doc.lines, doc.key_lines)


def _walked(text: str, json_file: bool):
    """parse as if every file might hold a variable and every value were walked for them."""
    from clever_notify.notifications_file import source

    read_yaml = source._read_yaml
    with mock.patch.object(source, "_may_hold_variables", return_value=True), \
            mock.patch.object(source, "_read_yaml", lambda text: (read_yaml(text)[0], None)):
        return _parsed(text, json_file)


@PROP
@given(st.dictionaries(st.sampled_from(["version", "owners", "x"]), dollar_values, min_size=1), st.booleans(),
       st.sampled_from([None, '"', "'"]), st.sampled_from(["", "x: ${W}\n", "x: 1\n", "a: &a ${V}\nb: *a\n"]))
def test_parse_answers_as_if_every_value_were_walked_for_variables(data, as_json, style, extra):
    import json

    text = json.dumps(data) if as_json else yaml.safe_dump(data, default_style=style, allow_unicode=True) + extra
    assert _parsed(text, as_json) == _walked(text, as_json)


def test_a_key_given_twice_is_walked_for_variables_in_the_walks_order():
    text = "a: ${NOPE}\nb:\n- ${V}\n- ${bad name}\na: ${W}x\nc:\n  d: ${NOPE2}\n"
    parsed = _parsed(text, False)
    assert parsed == _walked(text, False)
    assert parsed[0] == {"a": "wx", "b": ["https://v.example/x", ""], "c": {"d": ""}}
    assert [(p.path, p.message.split(" ")[0]) for p in parsed[1]] == [
        (("a",), "key"), (("b", 1), "${bad"), (("c", "d"), "the")]


def test_a_dollar_written_as_an_escape_is_a_variable_still():
    for written in ['"\\x24{V}"', '"\\u0024{V}"', '"\\U00000024{V}"']:
        data, *_ = _parsed(f"url: {written}\n", False)
        assert data == {"url": "https://v.example/x"}, written
    data, *_ = _parsed('{"url": "\\u0024{V}"}', True)
    assert data == {"url": "https://v.example/x"}


def test_a_key_given_three_times_is_located_at_its_first_line_each_time():
    from clever_notify.notifications_file import source, yaml_events

    text = "version: 1\nowners:\n  a:\n    name: x\n    name:\n      y\n    name: z\n  b: {}\n  a: {}\n"
    events = yaml_events.read(text)
    assert [(p.path, p.line, p.message) for p in events.problems] == [
        (("owners", "a", "name"), 5, "key 'name' given twice (also on line 4)"),
        (("owners", "a", "name"), 7, "key 'name' given twice (also on line 4)"),
        (("owners", "a"), 9, "key 'a' given twice (also on line 3)")]
    assert sorted(map(repr, events.problems)) == sorted(map(repr, source._walk_nodes(text).problems))


def test_the_event_reader_declines_a_file_of_too_many_values_whatever_they_are():
    from clever_notify.notifications_file import yaml_events

    shapes = {"texts in a list": "x:\n" + "- a\n" * 12, "mappings in a list": "x:\n" + "- {}\n" * 12,
              "lists in a list": "x:\n" + "- []\n" * 12, "numbers in a list": "x:\n" + "- 1\n" * 12,
              "texts in a mapping": "".join(f"k{i}: v\n" for i in range(12)),
              "mappings in a mapping": "".join(f"k{i}: {{}}\n" for i in range(12))}
    with mock.patch.object(yaml_events, "MAX_NODES", 10):
        for shape, text in shapes.items():
            assert yaml_events.read(text) is None, shape  # source.py's walker says why
    with mock.patch.object(yaml_events, "MAX_NODES", 14):
        for shape, text in shapes.items():
            assert yaml_events.read(text) is not None, shape


# --- lines: found when first asked (a file without a problem asks none), the same as a reading that records them --


def test_a_file_without_a_problem_is_read_and_checked_without_looking_for_a_line(tmp_path):
    from clever_notify.notifications_file import yaml_events

    path = tmp_path / "n.yml"
    path.write_text("version: 1\nowners:\n  orga_00000000-0000-0000-0000-000000000001:\n    webhooks:\n"
                    "    - name: a\n      urls:\n      - url: https://example.org/a\n        format: raw\n"
                    "      events: [DEPLOYMENT_FAIL, deployment_success]\n      services: [web]\n"
                    "    emails:\n    - name: b\n      notify: [ops@example.org]\n")
    with mock.patch.object(yaml_events, "_lines_of", side_effect=AssertionError("a line was looked for")):
        wanted = desired.read(str(path), {})
    assert [len(o.hooks) for o in wanted.owners] == [2] and wanted.warnings == []
    assert wanted.owners[0].line == 3  # asked: found then
    assert wanted.document.line(("owners", "orga_00000000-0000-0000-0000-000000000001", "webhooks", 0, "events")) == 9


@PROP
@given(st.dictionaries(st.sampled_from(["version", "owners", "x"]), dollar_values, min_size=1),
       st.sampled_from([None, '"', "'"]))
def test_lines_found_when_asked_are_the_lines_a_recording_reading_finds(data, style):
    from clever_notify.notifications_file import yaml_events

    text = yaml.safe_dump(data, default_style=style, allow_unicode=True)
    lazy, recorded = yaml_events.read(text), yaml_events._read(text, record_lines=True)
    if lazy is None:
        assert recorded is None
        return
    assert lazy.find_lines is not None  # nothing was looked for yet
    assert (lazy.lines, lazy.key_lines) == (recorded[0].lines, recorded[0].key_lines)
    assert lazy.data == recorded[0].data
