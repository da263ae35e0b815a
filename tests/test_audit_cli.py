"""`clever notifications audit` against a stand-in API (`responses`): one case per rule and a clean twin of each,
every finding and no false one, the exact requests (1 + owners x 2, each a GET with the OAuth header), exit 5
then 0 once the fixes are applied, the three output formats, --ignore from the flag and from the file."""

from __future__ import annotations

import copy
import json
import time
import xml.etree.ElementTree as ET

import pytest
import responses

from helpers import API, APP_ID, ORG2_ID, ORG_ID, USER_ID, assert_sent, owner, sent, summary, write

HOOKS = f"{API}/v2/notifications"
DAY = 86_400_000
SLACK = "https://hooks.slack.com/services/T0/B0/XXXX"


def wh(hook_id, url, events=None, scope=None, fmt="raw", state="ENABLED", failures=()):
    hook = {"id": hook_id, "ownerId": None, "name": hook_id, "urls": [{"format": fmt, "url": url}],
            "createdAt": 1, "failures": list(failures), "state": state}
    if events:
        hook["events"] = events
    if scope:
        hook["scope"] = scope
    return hook


def em(hook_id, events=None, scope=None, notified=None):
    hook = {"id": hook_id, "ownerId": None, "name": hook_id, "createdAt": 1}
    for key, value in (("events", events), ("scope", scope), ("notified", notified)):
        if value is not None:
            hook[key] = value
    return hook


SUMMARY = summary(
    owner(ORG_ID, "Acme", [("app_a", "web"), (APP_ID, "api")], [{"id": "addon_c", "realId": "postgresql_c",
                                                                  "name": "db"}]),
    owner(ORG2_ID, "Globex", [("app_g", "g")]),
    user=owner(USER_ID, "Me", [("app_mine", "mine")]),
)

# Each case beside its clean twin. Expected: (rule, owner, hook id or service id).
WORLD = {
    USER_ID: {
        "webhooks": [],
        "emailhooks": [
            em("e-me", events=["META_DEPLOYMENT_RESULT"]),  # covers `mine`
            em("e-unreach", events=["DEPLOYMENT_FAIL"], scope=["app_a"],
               notified=[{"type": "email", "target": "a@example.org"}]),  # unreachable-scope: Acme's web
        ],
    },
    ORG_ID: {
        "webhooks": [
            wh("w-cover", "https://ok.example.org/a", scope=["app_a"]),  # covers web (twin of uncovered api)
            wh("w-dangling", "https://ok.example.org/d", scope=["app_gone"]),  # dangling-scope
            wh("w-dangling-twin", "https://ok.example.org/d2", scope=["postgresql_c"]),  # an add-on's real id
            wh("w-dup-1", "https://ok.example.org/dup", ["DEPLOYMENT_SUCCESS"], ["app_a"]),
            wh("w-dup-2", "https://ok.example.org/dup", ["DEPLOYMENT_SUCCESS"], ["app_a"]),  # duplicate-hook
            wh("w-dup-twin", "https://ok.example.org/dup", ["GIT_PUSH"]),  # same URL, other events
            wh("w-disabled", "https://ok.example.org/off", ["GIT_PUSH"], state="DISABLED"),  # unhealthy
            wh("w-failed-long-ago", "https://ok.example.org/old", ["GIT_PUSH"],
               failures=[{"url": "https://ok.example.org/old", "status": 500, "createdAt": 0}]),  # twin
            wh("w-http", "http://plain.example.org/h", ["GIT_PUSH"]),  # plain-http
            wh("w-http-twin", "http://127.0.0.1:9/h", ["GIT_PUSH"]),  # loopback
            wh("w-slack", SLACK, ["META_DEPLOYMENT_RESULT"], ["app_a"]),  # format-mismatch
            wh("w-slack-twin", SLACK + "Y", ["META_DEPLOYMENT_RESULT"], ["app_a"], fmt="slack"),
        ],
        "emailhooks": [
            em("e-api", events=["DEPLOYMENT_SUCCESS"], scope=[APP_ID]),  # api not covered: uncovered-app
            em("e-empty", events=["GIT_PUSH"], notified=[{"type": "email", "target": "nobody"}]),  # empty-recipients
            em("e-empty-twin", events=["GIT_PUSH"], notified=[{"type": "email", "target": "ops@example.org"}]),
        ],
    },
    ORG2_ID: {"webhooks": [], "emailhooks": [em("e-default", events=["META_DEPLOYMENT_RESULT"])]},  # clean
}

EXPECTED = {
    ("unreachable-scope", USER_ID, "e-unreach"),
    ("uncovered-app", ORG_ID, APP_ID),
    ("dangling-scope", ORG_ID, "w-dangling"),
    ("duplicate-hook", ORG_ID, "w-dup-2"),
    ("unhealthy", ORG_ID, "w-disabled"),
    ("plain-http", ORG_ID, "w-http"),
    ("format-mismatch", ORG_ID, "w-slack"),
    ("empty-recipients", ORG_ID, "e-empty"),
}


def fixed_world() -> dict:
    """WORLD as the printed fixes leave it (what each command does to the lists)."""
    world = copy.deepcopy(WORLD)
    me, acme = world[USER_ID], world[ORG_ID]
    moved = next(h for h in me["emailhooks"] if h["id"] == "e-unreach")
    me["emailhooks"].remove(moved)
    acme["emailhooks"].append({**moved, "id": "e-moved"})
    acme["emailhooks"].append(em("e-new", events=["DEPLOYMENT_FAIL"], scope=[APP_ID],
                                 notified=[{"type": "organisation"}]))
    acme["webhooks"] = [h for h in acme["webhooks"] if h["id"] not in ("w-dangling", "w-dup-2")]
    for h in acme["webhooks"]:
        if h["id"] == "w-disabled":
            h["state"] = "ENABLED"
        elif h["id"] == "w-http":
            h["urls"] = [{"format": "raw", "url": "https://plain.example.org/h"}]
        elif h["id"] == "w-slack":
            h["urls"][0]["format"] = "slack"
    for h in acme["emailhooks"]:
        if h["id"] == "e-empty":
            h["notified"] = [{"type": "organisation"}]
    return world


def serve(world=None, summary_doc=None, fail: dict | None = None):
    world = WORLD if world is None else world
    responses.get(f"{API}/v2/summary", json=summary_doc or SUMMARY)
    for owner_id, kinds in world.items():
        for kind, hooks in kinds.items():
            status = (fail or {}).get((owner_id, kind))
            if status:
                responses.get(f"{HOOKS}/{kind}/{owner_id}", status=status, json={"message": "boom"})
            else:
                responses.get(f"{HOOKS}/{kind}/{owner_id}", json=[{**h, "ownerId": owner_id} for h in hooks])


def found(stdout: str) -> set[tuple[str, str, str]]:
    return {(f["rule"], f["ownerId"], f["hookId"] or f["serviceId"]) for f in json.loads(stdout)}


def reads(owners=(USER_ID, ORG_ID, ORG2_ID)) -> None:
    """Exactly one /v2/summary, then one GET per owner and kind, each with the OAuth header and no body."""
    expected = [("GET", f"{API}/v2/summary")] + sorted(
        ("GET", f"{HOOKS}/{kind}/{o}") for o in owners for kind in ("webhooks", "emailhooks"))
    got = sent()
    assert got[0] == expected[0] and sorted(got[1:]) == expected[1:], got
    for call in responses.calls:
        assert_sent(call, "GET", call.request.url)


@responses.activate
def test_every_finding_and_no_false_one_in_seven_requests(run, creds):
    serve()
    result = run("notifications", "audit", "-F", "json")
    assert result.exit_code == 5, result.stderr
    assert found(result.stdout) == EXPECTED
    reads()
    assert len(responses.calls) == 1 + 3 * 2
    assert "in 7 requests: 8 findings (5 errors, 3 warnings) at 2 owners" in result.stderr


@responses.activate
def test_exit_0_once_the_fixes_are_applied(run, creds):
    serve(fixed_world())
    result = run("notifications", "audit", "--all-owners")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "nothing found" in result.stderr
    reads()


@responses.activate
def test_each_fix_is_the_command_to_paste(run, creds):
    serve()
    findings = json.loads(run("notifications", "audit", "--json").stdout)
    fixes = {f["hookId"] or f["serviceId"]: f["fix"] for f in findings}
    assert fixes["w-disabled"] == f"clever webhooks enable w-disabled --org {ORG_ID}"
    assert fixes["w-slack"] == f"clever webhooks update w-slack --format slack --org {ORG_ID}"
    assert fixes["w-http"] == f"clever webhooks update w-http --url https://plain.example.org/h --org {ORG_ID}"
    assert fixes[APP_ID] == (f"clever notify-email add 'Deployment failures of api' --notify organisation "
                             f"--event DEPLOYMENT_FAIL --service {APP_ID} --org {ORG_ID}")
    assert fixes["e-unreach"] == (f"clever notify-email add e-unreach --notify a@example.org --event DEPLOYMENT_FAIL "
                                  f"--service app_a --org {ORG_ID} && clever notify-email remove e-unreach "
                                  f"--org {USER_ID}")
    for f in findings:  # camelCase, the argv form beside the line
        assert set(f) == {"rule", "severity", "ownerId", "ownerName", "hookKind", "hookId", "hookName", "serviceId",
                          "serviceName", "message", "fix", "fixArgs"}
        assert (f["fix"] is None) == (f["fixArgs"] == [])


@responses.activate
def test_human_output_grouped_by_owner_worst_first(run, creds):
    serve()
    result = run("notifications", "audit")
    assert result.exit_code == 5
    lines = result.stdout.splitlines()
    assert lines[0] == f"Acme ({ORG_ID}): 7 findings (4 errors, 3 warnings)"
    severities = [line.split()[0] for line in lines[1:] if line.startswith("  ") and not line.strip()
                  .startswith("fix:")]
    assert severities[:7] == ["error"] * 4 + ["warning"] * 3
    assert f"Me ({USER_ID}): 1 finding (1 error, 0 warnings)" in lines
    assert "Globex" not in result.stdout  # a clean owner is only counted
    assert result.stderr.splitlines()[-2].startswith("Audited 3 owners (4 applications, 18 hooks)")
    assert result.stderr.splitlines()[-1] == "Error: the audit found 8 findings (5 errors, 3 warnings)."


@responses.activate
def test_org_names_are_read_in_the_summary_already_read(run, creds):
    serve()
    result = run("notifications", "audit", "-o", "Globex", "--org", "self", "-F", "json")
    assert result.exit_code == 5, result.stderr
    assert found(result.stdout) == {f for f in EXPECTED if f[1] == USER_ID}
    reads(owners=(ORG2_ID, USER_ID))


@responses.activate
def test_a_clean_owner_exits_0(run, creds):
    serve()
    result = run("notifications", "audit", "--org", ORG2_ID)
    assert result.exit_code == 0, result.stderr
    assert "Audited 1 owner (1 application, 1 hook) in 3 requests: nothing found." in result.stderr


@responses.activate
@pytest.mark.parametrize("args, code", [(["--org", "Nope"], 4), (["--org", "Acme", "--all-owners"], 2),
                                        (["--ignore", "plain_http"], 2), (["-F", "xml"], 2),
                                        (["--json", "-F", "junit"], 2)])
def test_bad_input(run, creds, args, code):
    serve()
    result = run("notifications", "audit", *args)
    assert result.exit_code == code, result.stderr
    assert len(responses.calls) == (1 if code == 4 else 0)  # a usage error sends nothing


@responses.activate
def test_ignore_by_rule_and_by_subject(run, creds):
    serve()
    result = run("notifications", "audit", "-F", "json", "--ignore", "plain-http,duplicate-hook:w-dup-2",
                 "--ignore", "uncovered-app:api", "--ignore", "unhealthy:Acme")
    assert found(result.stdout) == {f for f in EXPECTED
                                    if f[0] not in ("plain-http", "duplicate-hook", "uncovered-app", "unhealthy")}
    assert "; 4 ignored." in result.stderr


@responses.activate
def test_ignore_from_the_notifications_file(run, creds, tmp_path):
    serve()
    path = write(tmp_path, """\
        version: 1
        owners:
          Acme:
            webhooks:
              - name: x
                urls: [{url: "${UNSET_IN_THIS_JOB}"}]
        audit:
          ignore:
            - plain-http
            - empty-recipients:e-empty
        """)
    result = run("notifications", "audit", "-F", "json", "--file", path, "--ignore", "unreachable-scope")
    assert result.exit_code == 5, result.stderr
    assert found(result.stdout) == {f for f in EXPECTED
                                    if f[0] not in ("plain-http", "empty-recipients", "unreachable-scope")}


@responses.activate
def test_a_bad_audit_section_is_refused_located_before_any_request(run, creds, tmp_path):
    serve()
    path = write(tmp_path, "version: 1\nowners: {}\naudit:\n  ignore: [plain-http, nope]\n")
    result = run("notifications", "audit", "--file", path)
    assert result.exit_code == 2
    assert "n.yml:4: audit.ignore[1]: unknown audit rule 'nope'" in result.stderr
    assert len(responses.calls) == 0


def test_the_schema_knows_the_audit_section(run):
    schema = json.loads(run("notifications", "schema").stdout)
    ignore = schema["properties"]["audit"]["properties"]["ignore"]
    import re

    pattern = re.compile(ignore["items"]["pattern"])
    assert pattern.match("plain-http") and pattern.match("duplicate-hook:Shop releases")
    assert not pattern.match("plain_http") and not pattern.match("plain-http:")


@responses.activate
def test_an_unreadable_owner_is_reported_and_the_others_audited(run, creds):
    serve(fail={(ORG_ID, "emailhooks"): 500})
    result = run("notifications", "audit", "-F", "json")
    assert result.exit_code == 5  # definite news beats an incomplete read
    assert found(result.stdout) == {f for f in EXPECTED if f[1] != ORG_ID}
    assert f"cannot read the hooks of Acme ({ORG_ID})" in result.stderr


@responses.activate
def test_an_unreadable_owner_without_findings_exits_1(run, creds):
    serve(fail={(ORG_ID, "webhooks"): 500})
    result = run("notifications", "audit", "--org", "Acme", "--org", "Globex")
    assert result.exit_code == 1, result.stderr


@responses.activate
def test_a_malformed_hook_stops_only_the_coverage_rule_of_its_owner(run, creds):
    world = copy.deepcopy(WORLD)
    world[ORG_ID]["emailhooks"].append({"id": "broken", "notified": "not a list"})
    serve(world)
    result = run("notifications", "audit", "-F", "json")
    assert result.exit_code == 5
    assert found(result.stdout) == EXPECTED - {("uncovered-app", ORG_ID, APP_ID)}
    assert "uncovered-app is not checked there" in result.stderr


@responses.activate
def test_an_unknown_state_is_never_healthy(run, creds):
    world = copy.deepcopy(fixed_world())
    world[ORG2_ID]["webhooks"] = [wh("w-new-state", "https://ok.example.org/n", ["GIT_PUSH"], state="SUSPENDED")]
    serve(world)
    result = run("notifications", "audit", "-F", "json")
    assert result.exit_code == 5
    [f] = json.loads(result.stdout)
    assert (f["rule"], f["hookId"], f["fix"]) == ("unhealthy", "w-new-state", None)
    assert "SUSPENDED" in f["message"]


@responses.activate
def test_since_is_the_window_of_unhealthy(run, creds):
    world = copy.deepcopy(fixed_world())
    now = int(time.time() * 1000)
    world[ORG2_ID]["webhooks"] = [wh("w-f", "https://ok.example.org/f", ["GIT_PUSH"],
                                     failures=[{"url": "https://ok.example.org/f", "status": 502,
                                                "createdAt": now - 2 * DAY}])]
    serve(world)
    assert run("notifications", "audit").exit_code == 0
    responses.calls.reset()
    assert run("notifications", "audit", "--since", "3d").exit_code == 5


# --- JUnit ----------------------------------------------------------------------------------------

# The rules of the JUnit XSDs GitLab and Jenkins read (Jenkins' junit-10.xsd and the stricter Windy Road
# JUnit.xsd): which element holds which, the attributes each requires, and counts that add up.
CHILDREN = {"testsuites": {"testsuite"}, "testsuite": {"properties", "testcase", "system-out", "system-err"},
            "properties": {"property"}, "testcase": {"skipped", "error", "failure", "system-out", "system-err"},
            "failure": set(), "error": set(), "system-out": set(), "system-err": set()}
REQUIRED = {"testsuite": {"name", "tests", "failures", "errors", "time", "timestamp", "hostname", "id", "package"},
            "testcase": {"name", "classname", "time"}, "failure": {"type", "message"}, "error": {"type", "message"}}


def check_junit(xml: str) -> ET.Element:
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    for element in root.iter():
        assert element.tag in CHILDREN, element.tag
        assert {child.tag for child in element} <= CHILDREN[element.tag], element.tag
        assert REQUIRED.get(element.tag, set()) <= set(element.attrib), (element.tag, element.attrib)
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(len(c.findall("failure")) for c in cases)
        assert int(suite.get("errors")) == sum(len(c.findall("error")) for c in cases)
        assert float(suite.get("time")) >= 0
        assert time.strptime(suite.get("timestamp"), "%Y-%m-%dT%H:%M:%S")  # xs:dateTime without a zone
        assert suite.get("hostname").strip() and " " not in suite.get("hostname")
        assert [c.tag for c in suite][0] == "properties" and [c.tag for c in suite][-2:] == ["system-out",
                                                                                          "system-err"]
        for case in cases:
            assert len(case.findall("failure")) + len(case.findall("error")) <= 1  # the strict schema allows one
            float(case.get("time"))
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in root)
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in root)
    assert int(root.get("errors")) == sum(int(s.get("errors")) for s in root)
    return root


@responses.activate
def test_junit_report_is_valid_and_has_a_failure_per_finding(run, creds):
    serve()
    result = run("notifications", "audit", "-F", "junit")
    assert result.exit_code == 5
    root = check_junit(result.stdout)
    assert [s.get("name") for s in root] == ["uncovered-app", "dangling-scope", "unreachable-scope",
                                             "duplicate-hook", "unhealthy", "plain-http", "format-mismatch",
                                             "empty-recipients"]
    failures = [(s.get("name"), c.find("failure").get("message")) for s in root for c in s
                if c.tag == "testcase" and c.find("failure") is not None]
    assert sorted(rule for rule, _ in failures) == sorted(rule for rule, _, _ in EXPECTED)
    uncovered = root.find("testsuite[@name='uncovered-app']")
    # One case per application: mine, web, api, g; api fails.
    assert len(uncovered.findall("testcase")) == 4
    assert int(root.get("tests")) == 4 + 7 * 3 + 0  # 7 rules x 3 owners, no owner with two findings of one rule


@responses.activate
def test_junit_reports_an_owner_it_could_not_read_as_an_error(run, creds):
    world = copy.deepcopy(WORLD)
    world[ORG2_ID]["webhooks"] = [{"id": "broken", "urls": "not a list"}]
    serve(world, fail={(USER_ID, "webhooks"): 500})
    result = run("notifications", "audit", "-F", "junit")
    assert result.exit_code == 5
    root = check_junit(result.stdout)
    read = root.find("testsuite[@name='read']")
    assert [c.get("name") for c in read] [1:3] == [f"Me ({USER_ID})", f"Globex ({ORG2_ID})"]
    assert int(root.get("errors")) == 2 and "500" in read.find("testcase/error").get("message")
    assert "uncovered-app was not checked there" in ET.tostring(read, encoding="unicode")


@responses.activate
def test_junit_escapes_what_the_api_names(run, creds):
    world = copy.deepcopy(WORLD)
    evil = 'x"<b>&\x1b[31m\x00\ufffe]]>'
    world[ORG_ID]["webhooks"][6]["name"] = evil  # w-disabled
    serve(world)
    result = run("notifications", "audit", "-F", "junit")
    root = check_junit(result.stdout)  # parsed: the markup in the name did not break the document
    assert "\x1b" not in result.stdout and "\x00" not in result.stdout and "\ufffe" not in result.stdout
    [case] = [c for c in root.find("testsuite[@name='unhealthy']") if c.find("failure") is not None]
    assert 'webhook "x"<b>&\\x1b[31m\\x00\\ufffe]]>" (w-disabled)' in case.get("name")


@responses.activate
def test_json_and_human_escape_what_the_api_names(run, creds):
    world = copy.deepcopy(WORLD)
    world[ORG_ID]["webhooks"][6]["name"] = "evil\x1b]0;pwned\x07\u202e"
    serve(world)
    for args in ([], ["--json"]):
        responses.calls.reset()
        out = run("notifications", "audit", *args)
        assert "\x1b" not in out.stdout and "\u202e" not in out.stdout and "\x07" not in out.stdout


# --- what /v2/summary may hold ----------------------------------------------------------------------


@responses.activate
def test_an_organisation_listed_twice_is_read_once(run, creds):
    doc = copy.deepcopy(SUMMARY)
    doc["organisations"].append(copy.deepcopy(doc["organisations"][1]))
    serve(summary_doc=doc)
    result = run("notifications", "audit", "-F", "json")
    assert found(result.stdout) == EXPECTED
    reads()


@responses.activate
@pytest.mark.parametrize("bad_id", ["../orga_x", "orga_x/../../v2/self", "orga x"])
def test_an_owner_id_that_cannot_go_in_a_path_is_the_apis_fault(run, creds, bad_id):
    doc = copy.deepcopy(SUMMARY)
    doc["organisations"].append(owner(bad_id, "Evil"))
    serve(summary_doc=doc)
    result = run("notifications", "audit")
    assert result.exit_code == 1 and "cannot go in a URL path" in result.stderr
    assert sent() == [("GET", f"{API}/v2/summary")]  # nothing else was requested


@responses.activate
def test_a_summary_without_a_user_is_the_apis_fault(run, creds):
    serve(summary_doc={"organisations": []})
    result = run("notifications", "audit")
    assert result.exit_code == 1 and "/v2/summary" in result.stderr
