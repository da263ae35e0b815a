"""`clever notifications plan -F markdown`: the review for a pull request or a job summary, secrets masked."""

from __future__ import annotations

import textwrap

import responses

from helpers import APP_ID, ORG2_ID, ORG_ID, USER_ID, write
from test_nac_cli import DEFAULT_MAIL, FILE, OLD_HOOK, SECRET_URL, STRAY, WORKER_ID, FakeApi

SLACK_NOW = "https://hooks.slack.com/services/T0/B0/old-t0ken-in-the-api"
# A hook whose name tries to close the code block, open HTML and mention everyone
HOSTILE = {"id": "w-evil", "ownerId": ORG_ID, "name": "x ``` </details> <img src=x> @everyone", "createdAt": 4,
           "urls": [{"format": "raw", "url": "https://evil.org"}], "state": "DISABLED"}


def api_state():
    slack = {"id": "w-slack", "ownerId": ORG_ID, "name": "deployment results on Slack", "createdAt": 5,
             "urls": [{"format": "slack", "url": SLACK_NOW}], "events": ["META_DEPLOYMENT_RESULT"],
             "scope": [APP_ID]}
    return {("webhooks", ORG_ID): [slack, OLD_HOOK, STRAY, HOSTILE], ("emailhooks", ORG_ID): [DEFAULT_MAIL]}


@responses.activate
def test_markdown_plan_snapshot_counts_first_owners_folded_secrets_masked(run, creds, tmp_path, monkeypatch):
    monkeypatch.setenv("SLACK_URL", SECRET_URL)
    api = FakeApi(api_state())
    text = FILE + f"  {ORG2_ID}: {{webhooks: []}}\n  self: {{}}\n"
    text = text.replace("    emails:\n", "      - name: \"x ``` </details> <img src=x> @everyone\"\n"
                                        "        urls: [{url: 'https://evil.org'}]\n    emails:\n")
    result = run("notifications", "plan", write(tmp_path, text), "--prune", "-F", "markdown", "--detailed-exitcode")
    assert result.exit_code == 2, result.stderr
    assert api.writes() == []
    assert SECRET_URL not in result.output and "old-t0ken" not in result.output
    assert result.stdout == textwrap.dedent(f"""\
        ### Notifications plan: 0 to create, 4 to update, 1 to delete

        | to create | to update | to delete | unchanged | not in the file |
        |---:|---:|---:|---:|---:|
        | 0 | 4 | 1 | 0 | 0 |

        <details><summary>Acme ({ORG_ID}): 4 to update, 1 to delete</summary>

        ````diff
        ! update webhook "old name" (id w-old)
        !     name: 'old name' → 'renamed'
        ! update webhook "deployment results on Slack" (id w-slack)
        !     urls: https://hooks.slack.com/… (slack) → ${{SLACK_URL}} (slack)
        !     services: web ({APP_ID}) → web ({APP_ID}), worker ({WORKER_ID})
        ! update webhook "x ``` </details> <img src=x> @everyone" (id w-evil)
        !     state: DISABLED → ENABLED
        ! update e-mail notification "Default deployment result e-mails" (id e-default)
        !     notified: old@example.org → whole team
        - delete webhook "stray" (id w-stray)
        ````

        </details>

        No change at 2 owners: {ORG2_ID}, self ({USER_ID}).
        """)


def test_markdown_of_no_change_and_of_a_large_plan_that_must_fit_a_comment():
    from clever_notify.guards.masks import Mask
    from clever_notify.hooks.kinds import KINDS, WEBHOOKS
    from clever_notify.hooks.plan import Action, OwnerCounts, Plan
    from clever_notify.output.plan_markdown import plan_markdown

    def owner(n):
        return OwnerCounts(f"org {n}", f"orga_{n}", {k: 0 for k in KINDS}, {k: 0 for k in KINDS}, KINDS)

    quiet = Plan([], [owner(1)], [])
    assert plan_markdown(quiet, Mask({}), {}, prune=False).startswith(
        "### Notifications: no changes, the API matches the file\n")
    many = Plan([Action("delete", WEBHOOKS, f"org {n}", f"orga_{n}", f"hook {n}", f"w-{n}") for n in range(3000)],
                [owner(n) for n in range(3000)], [])
    text = plan_markdown(many, Mask({}), {}, prune=True)
    assert len(text) < 65_536
    assert text.count("<details>") < 3000
    assert "more changes at " in text and "not shown here" in text
