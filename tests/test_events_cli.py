"""`clever events`: the embedded catalog (human, JSON), and `--live` against the API's."""

from __future__ import annotations

import json
import subprocess
import sys

import responses

from clever_notify.hooks import catalog
from helpers import API

INFO_URL = f"{API}/v2/notifications/info/events"


def test_human_groups_events_by_family_and_expands_meta_events(run):
    result = run("events")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Events (for --event; case-insensitive):\n  Account:\n    ACCOUNT_CREATION\n")
    families = ["Account", "Add-on", "Application", "Deployment", "Organisation", "Others"]
    positions = [out.index(f"  {f}:\n") for f in families]
    assert positions == sorted(positions)
    assert "  Deployment:\n    DEPLOYMENT_ACTION_BEGIN\n    DEPLOYMENT_ACTION_END\n    DEPLOYMENT_FAIL\n" in out
    assert "  Others:\n    CLEVER_TOOLS_REQUEST\n    CREDITS_ADDED\n" in out
    assert "  META_DEPLOYMENT_RESULT  = DEPLOYMENT_FAIL, DEPLOYMENT_SUCCESS\n" in out
    assert "  META_CREDITS            = CREDITS_ADDED\n" in out
    for name in catalog.ALL_EVENT_NAMES:
        assert name in out
    assert result.stderr == ""


def test_json_is_the_catalog_with_camel_case_keys(run):
    result = run("events", "-F", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    api = catalog.as_api_document()
    assert doc == {"events": api["events"], "metaEvents": api["meta_events"]}
    assert list(doc) == ["events", "metaEvents"]
    assert run("events", "--json").stdout == result.stdout
    assert doc["metaEvents"]["META_SERVICE_LIFECYCLE"] == [
        "APPLICATION_STOP", "DEPLOYMENT_ACTION_BEGIN", "DEPLOYMENT_FAIL", "DEPLOYMENT_SUCCESS"]
    assert result.stdout.startswith('{\n  "events": [\n    "ACCOUNT_CREATION",')


@responses.activate
def test_embedded_catalog_needs_no_credentials_and_sends_nothing(run):
    result = run("events", "-F", "json")
    assert result.exit_code == 0
    assert len(responses.calls) == 0


@responses.activate
def test_live_reads_the_api_and_reports_no_difference(run, creds, auth_header):
    responses.get(INFO_URL, json=catalog.as_api_document())
    result = run("events", "--live", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    request = responses.calls[0].request
    assert request.method == "GET" and request.url == INFO_URL and request.body is None
    assert request.headers["Authorization"] == auth_header
    api = catalog.as_api_document()
    assert json.loads(result.stdout) == {"events": api["events"], "metaEvents": api["meta_events"]}
    assert result.stderr == "The API's catalog matches this tool's.\n"


@responses.activate
def test_live_prints_the_apis_catalog_and_reports_differences(run, creds, auth_header):
    live = catalog.as_api_document()
    live["events"].append("APPLICATION_RESTART")
    live["events"].remove("CLEVER_TOOLS_REQUEST")
    live["meta_events"]["META_CREDITS"] = ["CREDITS_ADDED", "CREDITS_LOW"]
    responses.get(INFO_URL, json={**live, "extra": 1})
    result = run("events", "--live")
    assert result.exit_code == 0, result.stderr
    assert responses.calls[0].request.headers["Authorization"] == auth_header
    assert "  Not in this tool's catalog:\n    APPLICATION_RESTART\n" in result.stdout
    assert "CLEVER_TOOLS_REQUEST" not in result.stdout
    assert "META_CREDITS            = CREDITS_ADDED, CREDITS_LOW" in result.stdout
    assert result.stderr == (
        "The API's catalog differs from this tool's (3):\n"
        "  event APPLICATION_RESTART is on the API but not in this tool's catalog\n"
        "  event CLEVER_TOOLS_REQUEST is in this tool's catalog but not on the API\n"
        "  meta-event META_CREDITS also expands to CREDITS_LOW on the API\n"
    )

    json_result = run("events", "--live", "-F", "json")
    # the documented two keys only, camelCase as every JSON of this tool
    assert json.loads(json_result.stdout) == {"events": live["events"], "metaEvents": live["meta_events"]}
    assert "differs" in json_result.stderr


@responses.activate
def test_live_with_an_unusable_answer_is_one_line_exit_1(run, creds):
    responses.get(INFO_URL, json={"events": "DEPLOYMENT_FAIL", "meta_events": {}})
    result = run("events", "--live")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: unexpected answer from the API for events info: `events` is not a list of names.\n")
    assert result.stdout == ""


@responses.activate
def test_live_without_credentials_is_exit_3_and_sends_nothing(run):
    result = run("events", "--live")
    assert result.exit_code == 3
    assert "Not logged in" in result.stderr
    assert len(responses.calls) == 0


def test_events_imports_neither_requests_nor_rich():
    code = (
        "import sys\n"
        "from clever_notify.cli import cli\n"
        "try:\n"
        "    cli.main(['events'], prog_name='clever')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('requests', 'rich', 'werkzeug', 'sqlite3'))\n"
        "print(heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "ACCOUNT_CREATION" in proc.stdout
    assert proc.stderr.strip() == "[]"
