"""Properties of notifications as code: an exported state plans no change; export is a function of the state."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clever_notify.hooks import catalog
from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS
from clever_notify.hooks.plan import OwnerInput, make_plan
from clever_notify.notifications_file import desired, export, remote
from clever_notify.notifications_file.source import FileProblems, parse
from clever_notify.owners import services

PROP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

OWNER = "orga_3547a882-d464-4c34-8168-add4b3e0c135"
APPS = [("app_0a", "web"), ("app_0b", "worker"), ("app_0c", "web2"), ("app_0d", "twin"), ("app_0e", "twin"),
        ("app_0f", "app_lookalike"), ("app_0g", " web"), ("app_0h", "we\tb")]
SUMMARY = {"user": {"id": "user_x", "name": "Me", "applications": [], "addons": []},
           "organisations": [{"id": OWNER, "name": "Acme", "addons": [],
                              "applications": [{"id": i, "name": n} for i, n in APPS]}]}

# Besides the usual values, the states of issue 20 an API can hold: a name '' or '  ', a format in capitals or
# unknown to the tool, lower-case or unknown events, a URL with a trailing space, a scope holding a name or a
# value no service has, `notified: []`, a recipient of an unknown type or with keys the tool does not know.
names = st.one_of(st.none(), st.sampled_from(["a", "b", "deploys", "ünïcode ✓", "with $dollar", "cost ${X}", "a$$b",
                                               "x: y", "- z", "'q'", "", "  ", "web"]))
urls = st.lists(st.tuples(st.sampled_from(["https://a.org/x", "https://b.org/$T/y", "http://127.0.0.1:9/h",
                                           "https://c.org/?a=1&b=2", "https://d.org/x "]),
                          st.sampled_from(catalog.WEBHOOK_FORMATS + ("SLACK", "Raw", "teams"))),
                min_size=1, max_size=3, unique_by=lambda u: u[0])
events = st.one_of(st.none(), st.lists(st.sampled_from(catalog.ALL_EVENT_NAMES + ("git_push", "NEW_EVENT")),
                                       min_size=1, max_size=4, unique=True))
scopes = st.one_of(st.none(), st.lists(st.sampled_from([i for i, _ in APPS] + ["app_unknown", "web", "app_lookalike",
                                                                              "we\tb", " web"]),
                                       min_size=1, max_size=3, unique=True))
targets = st.one_of(st.none(), st.lists(st.sampled_from([
    {"type": "organisation"}, {"type": "email", "target": "a@x.org"}, {"type": "email", "target": "b@x.org,c@x.org"},
    {"type": "userid", "target": "user_1234"}, {"type": "email_digest", "target": "a@x.org"},
    {"type": "email", "target": "d@x.org", "verified": True}, {"type": "userid", "target": "user_a.b"},
    {"type": "ORGANISATION", "target": OWNER}]), max_size=3))


@st.composite
def states(draw):
    webhooks, mails = [], []
    for i in range(draw(st.integers(0, 5))):
        hook = {"id": f"w{i}", "ownerId": OWNER, "urls": [{"format": f, "url": u} for u, f in draw(urls)],
                "createdAt": i, "failures": [], "state": "ENABLED"}
        for key, value in (("name", draw(names)), ("events", draw(events)), ("scope", draw(scopes))):
            if value is not None:
                hook[key] = value
        webhooks.append(hook)
    for i in range(draw(st.integers(0, 4))):
        hook = {"id": f"e{i}", "ownerId": OWNER, "createdAt": i}
        for key, value in (("name", draw(names)), ("events", draw(events)), ("scope", draw(scopes)),
                           ("notified", draw(targets))):
            if value is not None:
                hook[key] = value
        mails.append(hook)
    return {WEBHOOKS: webhooks, EMAILHOOKS: mails}


def exported(state) -> str:
    owned = services.owner_in(SUMMARY, OWNER).services
    data, _ = export.document([export.ExportOwner("Acme", OWNER, state, export.unique_service_names(owned), owned)])
    return export.to_yaml(data)



@PROP
@given(states())
def test_an_exported_state_plans_no_change(state):
    text = exported(state)
    wanted = desired.check(parse(text, json_file=False, env={}), "n.yml")
    resolved = remote.Resolved(wanted.owners[0], OWNER)
    inputs = [OwnerInput("Acme", OWNER, remote.wanted_with_scope(resolved, lambda: SUMMARY), state)]
    plan = make_plan(inputs, prune=True)
    assert plan.refusals == []
    assert plan.actions == []
    assert plan.unchanged == len(state[WEBHOOKS]) + len(state[EMAILHOOKS])


entry_keys = st.dictionaries(st.sampled_from(["verified", "secretHeader", "x-future"]),
                             st.one_of(st.booleans(), st.integers(0, 3), st.text(max_size=3)), max_size=2)


@PROP
@given(urls, entry_keys, urls)
def test_a_url_entry_that_stays_keeps_every_key(read, extra, wanted):
    """Whatever the file wants, each entry as read whose URL and format (any case) stay is sent back whole."""
    from clever_notify.hooks.fields import FIELDS
    from clever_notify.hooks.update import merged_urls

    as_read = [{"format": f, "url": u, **extra} for u, f in read]
    want = [{"format": f.lower(), "url": u} for u, f in wanted]
    sent = merged_urls(as_read, want)
    compare = next(f for f in FIELDS if f.key == "urls").compare
    assert compare(sent) == compare(want)  # what the file says, no more, no less
    for entry in as_read:
        if {"format": entry["format"].lower(), "url": entry["url"]} in want:
            assert entry in sent


@PROP
@given(targets, targets)
def test_a_recipient_that_stays_keeps_its_entry(read, wanted):
    """Each entry as read whose recipients all stay is sent back whole: its type as spelt, its unknown keys."""
    from clever_notify.hooks.fields import FIELDS
    from clever_notify.hooks.update import merged_notified, recipients

    wanted = wanted or []
    sent = merged_notified(read, wanted)
    compare = next(f for f in FIELDS if f.key == "notified").compare
    assert compare(sent) == compare(wanted)
    keys = {k for w in wanted for k in recipients(w)}
    seen: set = set()
    for entry in read or []:
        mine = recipients(entry)
        if all(k in keys and k not in seen for k in mine):
            assert entry in sent
        seen.update(mine)


@PROP
@given(states(), st.randoms(use_true_random=False))
def test_export_bytes_do_not_depend_on_the_api_order(state, rnd: random.Random):
    shuffled = {}
    for kind, hooks in state.items():
        copy = [dict(h) for h in hooks]
        rnd.shuffle(copy)
        for hook in copy:
            for key in ("urls", "events", "scope", "notified"):
                if isinstance(hook.get(key), list):
                    hook[key] = rnd.sample(hook[key], len(hook[key]))
        shuffled[kind] = copy
    assert exported(shuffled) == exported(state)


KEYS = ["version", "owners", "Acme", "self", "webhooks", "emails", "name", "id", "urls", "url", "format", "events",
        "services", "notify", "x"]
leaves = st.one_of(st.none(), st.booleans(), st.integers(-2, 3), st.sampled_from(
    ["", "raw", "SLACK", "https://a.org", "ftp://x", "${V}", "${", "$$", "GIT_PUSH", "all", "organisation", "a@b.co",
     "user_1", "web", "\x1b[31m", "a/b"]))
documents = st.recursive(leaves, lambda children: st.lists(children, max_size=3)
                         | st.dictionaries(st.sampled_from(KEYS), children, max_size=4), max_leaves=25)


@PROP
@given(documents, st.booleans())
def test_any_document_is_either_read_or_refused_with_located_problems(data, as_json):
    import json

    import yaml

    text = json.dumps(data) if as_json else yaml.safe_dump(data)
    try:
        read = desired.check(parse(text, json_file=as_json, env={"V": "https://v.org"}), "n")
    except desired.FileInvalid as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        assert "\x1b" not in str(exc)
        return
    except FileProblems as exc:  # unreadable: a refusal too, with its problems
        assert exc.problems
        return
    assert all(isinstance(o.key, str) for o in read.owners)


# --- the file read from libyaml's events (yaml_events.py) is the file source.py's node walker reads ----------

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**6), st.floats(allow_nan=False, width=32),
                         st.sampled_from(["", "raw", "yes", "No", "~", "null", "1e3", "0x1F", "2024-01-02", "<<", "=",
                                          "a: b", "- x", "#c", "'q'", '"d"', "${V}", "ünï", "\t", " x ", "1" * 120]))
yaml_values = st.recursive(yaml_scalars, lambda children: st.lists(children, max_size=3)
                           | st.dictionaries(st.sampled_from(KEYS + ["yes", "1", "null", "<<", ""]), children,
                                             max_size=4), max_leaves=20)


def _paths(value, path):
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, path + (key,))


def _layout(data, flow: bool) -> str:
    import yaml

    return yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), yaml_values, min_size=1, max_size=4), st.booleans(),
       st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["x: 1\n", "x: 2\n", "  - a\n", "<<: {a: 1}\n",
                                                                "&a b: 1\n", "c: *a\n", "!!str d: e\n"])), max_size=2))
def test_the_event_reader_reads_what_the_node_walker_reads(data, flow, inserts):
    from clever_notify.notifications_file import source, yaml_events

    lines = _layout(data, flow).splitlines(keepends=True)
    for at, line in inserts:  # duplicated keys, merges, anchors, tags, broken indentation: read or declined
        lines.insert(min(at, len(lines)), line)
    text = "".join(lines)
    try:
        walked = source._walk_nodes(text)
    except FileProblems:
        walked = None
    events = yaml_events.read(text)
    if events is None:  # declined: source.py reads it its way (and the property says nothing more)
        return
    assert walked is not None, text
    assert (events.data, events.unresolved) == (walked.data, walked.unresolved), text
    # every line a message can ask for is the same (the event reader records fewer: those a parent gives)
    asked = set(_paths(walked.data, ()))  # (not those of a value a repeated key replaced: they are gone)
    asked |= {p + ("missing",) for p in asked}  # a key that is absent is located at its mapping
    assert {p: (events.line(p), events.key_line(p)) for p in asked} == \
           {p: (walked.line(p), walked.key_line(p)) for p in asked}, text
    assert len(events.lines) + len(events.key_lines) <= len(walked.lines) + len(walked.key_lines)
    assert sorted(map(repr, events.problems)) == sorted(map(repr, walked.problems)), text
