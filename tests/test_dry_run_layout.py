"""One layout for the requests of every dry run (issue 19, printed by output/plan.py `requests_text`): `METHOD
path`, the JSON body below it indented by 2, a blank line between two requests; on stdout, nothing else."""

from __future__ import annotations

import json

import pytest
import responses

from helpers import ORG_ID
from test_write_rules import EMAILS, WEBHOOKS, Api, put_body, webhook


def layout(*requests) -> str:
    """`METHOD path`, the JSON body below it indented by 2, a blank line between two requests."""
    return "\n\n".join(f"{m} {p}" + (f"\n{json.dumps(b, indent=2)}" if b is not None else "")
                       for m, p, b in requests) + "\n"


COPY = webhook("c1", createdAt=1_700_000_000_001)
DRY_RUNS = {
    "enable-with-its-copy-listed": (["webhooks", "enable", "h1", "--org", ORG_ID, "--dry-run"],
                                    [webhook(state="DISABLED"), COPY], [("DELETE", f"{WEBHOOKS}/h1", None)]),
    "update": (["webhooks", "update", "h1", "--name", "x", "--org", ORG_ID, "--dry-run"], [webhook()],
               [("PUT", f"{WEBHOOKS}/h1", put_body(webhook(), name="x"))]),
    "remove": (["webhooks", "remove", "h1", "--org", ORG_ID, "--dry-run"], [webhook()],
               [("DELETE", f"{WEBHOOKS}/h1", None)]),
    "default-restore": (["notify-email", "default", "--restore", "--org", ORG_ID, "--dry-run"], [],
                        [("POST", EMAILS, {"name": "Default deployment result e-mails",
                                           "events": ["META_DEPLOYMENT_RESULT"]})]),
}


@pytest.mark.parametrize("case", list(DRY_RUNS))
@responses.activate
def test_every_dry_run_prints_its_requests_in_one_layout(run, creds, case):
    args, hooks, expected = DRY_RUNS[case]
    api = Api(hooks)
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == layout(*expected)
    assert api.writes() == [] and "Dry run: nothing was sent" in result.stderr
