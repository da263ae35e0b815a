"""list, add, remove, show and update as both hook kinds share them (`clever webhooks …`, `clever notify-email …`):
owners, exact requests, messages and exit codes. What only one kind has (URLs and formats, recipients, the
default e-mails) is in test_webhooks_cli.py, test_notify_email_cli.py and test_hook_edit_cli.py.
"""

from __future__ import annotations

import json

import pytest
import responses

from helpers import (
    APP_ID,
    KINDS,
    ORG2_ID,
    ORG_ID,
    SELF_URL,
    SUMMARY,
    SUMMARY_URL,
    USER_ID,
    assert_sent,
    hooks_path,
    hooks_url,
    only_get,
    sent,
)

pytestmark = pytest.mark.parametrize("kind", KINDS, ids=str)


def hook(kind, hook_id="h1", owner=ORG_ID, **fields) -> dict:
    """A hook of `kind` as the API lists it (the kind's own field from its `add`)."""
    return {"id": hook_id, "ownerId": owner, "name": "deploys", **kind.fields, **fields, "createdAt": 5}


def writable(kind, **changes) -> dict:
    """The PUT body for `hook(kind, scope=[APP_ID], events=["GIT_PUSH"])`, with `changes`."""
    return {"name": "deploys", **kind.fields, "scope": [APP_ID], "events": ["GIT_PUSH"], **changes}


# --- list ------------------------------------------------------------------------------------------------


@responses.activate
def test_list_org_by_name_resolves_through_summary(run, creds, kind):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.get(hooks_url(kind), json=[])
    result = run(kind.command, "-o", "Acme", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", SUMMARY_URL), ("GET", hooks_url(kind))]
    assert_sent(responses.calls[0], "GET", SUMMARY_URL)
    assert_sent(responses.calls[1], "GET", hooks_url(kind))
    assert result.stdout == "[]\n"


@responses.activate
def test_list_in_linked_app_folder_filters_on_scope(run, creds, linked_app, kind):
    responses.get(hooks_url(kind), json=[hook(kind, "h-all"), hook(kind, "h-app", scope=[APP_ID]),
                                         hook(kind, "h-other", scope=["app_other"])])
    result = run(kind.command, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1  # the linked app gives the owner: no /v2/self
    assert [h["id"] for h in json.loads(result.stdout)] == ["h-all", "h-app"]


@responses.activate
def test_list_all_ignores_linked_app_and_uses_self(run, creds, linked_app, kind):
    responses.get(SELF_URL, json={"id": USER_ID, "name": "Me"})
    responses.get(hooks_url(kind, USER_ID), json=[hook(kind, "h-other", USER_ID, scope=["app_other"])])
    result = run(kind.command, "--list-all", "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", SELF_URL), ("GET", hooks_url(kind, USER_ID))]
    assert [h["id"] for h in json.loads(result.stdout)] == ["h-other"]


@responses.activate
def test_list_without_linked_app_uses_self(run, creds, kind):
    responses.get(SELF_URL, json={"id": USER_ID})
    responses.get(hooks_url(kind, USER_ID), json=[])
    result = run(kind.command)
    assert result.exit_code == 0
    assert result.stdout == ""  # a message, not data
    assert result.stderr.startswith(f"No {kind.noun}s for {USER_ID}.\n")
    assert f"clever {kind.command} add" in result.stderr


@responses.activate
def test_personal_linked_app_without_org_id_uses_self(run, creds, isolated_env, kind):
    (isolated_env / "work" / ".clever.json").write_text(json.dumps({"apps": [{"app_id": APP_ID, "alias": "x"}]}))
    responses.get(SELF_URL, json={"id": USER_ID})
    responses.get(hooks_url(kind, USER_ID), json=[])
    result = run(kind.command, "-F", "json")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", SELF_URL), ("GET", hooks_url(kind, USER_ID))]


@pytest.mark.parametrize("flags", [["--list-all"], ["-F", "json"]])
@responses.activate
def test_listing_flags_before_a_sub_command_are_refused(run, creds, flags, kind):
    result = run(kind.command, *flags, "remove", "h1", "--org", ORG_ID)
    assert result.exit_code == 2
    assert "applies to the listing" in result.stderr
    assert len(responses.calls) == 0


# --- add -------------------------------------------------------------------------------------------------


@responses.activate
def test_add_org_by_id(run, creds, kind):
    responses.post(hooks_url(kind), json={"id": "h-new", "ownerId": ORG_ID})
    result = run(*kind.add("deploys", "--event", "META_DEPLOYMENT_RESULT", "--org", ORG_ID))
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "POST", hooks_url(kind), kind.body("deploys", events=["META_DEPLOYMENT_RESULT"]))
    assert result.stdout == "h-new\n"
    assert result.stderr == f'The {kind.noun} "deploys" has been added to {ORG_ID}.\n'
    other = [k for k in KINDS if k != kind][0]
    assert other.noun not in result.stderr


@responses.activate
def test_add_json_prints_the_created_hook_no_scope_no_events(run, creds, kind):
    created = hook(kind, "h1", name="n")
    responses.post(hooks_url(kind), json=created)
    result = run(*kind.add("n", "-o", ORG_ID, "--json"))
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "POST", hooks_url(kind), kind.body("n"))
    assert json.loads(result.stdout) == created


@responses.activate
def test_add_org_by_name_with_services_and_repeated_lists(run, creds, kind):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.post(hooks_url(kind), json={"id": "h1"})
    result = run(*kind.add("n", "--org", "Acme", "--service", "app_a,app_b", "--service", "addon_c",
                           "--event", "deployment_fail,GIT_PUSH", "--event", "DEPLOYMENT_FAIL"))
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", SUMMARY_URL), ("POST", hooks_url(kind))]
    assert_sent(responses.calls[0], "GET", SUMMARY_URL)
    assert_sent(responses.calls[1], "POST", hooks_url(kind),
                kind.body("n", scope=["app_a", "app_b", "addon_c"], events=["DEPLOYMENT_FAIL", "GIT_PUSH"]))


@responses.activate
def test_add_in_linked_app_folder_scopes_to_the_app(run, creds, linked_app, kind):
    responses.post(hooks_url(kind), json={"id": "h1"})
    result = run(*kind.add("mine"))
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1  # the linked app gives the owner: no /v2/self
    assert_sent(responses.calls[0], "POST", hooks_url(kind), kind.body("mine", scope=[APP_ID]))
    assert result.stdout == "h1\n"


@responses.activate
def test_add_without_linked_app_goes_to_self_unscoped(run, creds, kind):
    responses.get(SELF_URL, json={"id": USER_ID})
    responses.post(hooks_url(kind, USER_ID), json={"id": "h1"})
    result = run(*kind.add("me"))
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", SELF_URL)
    assert_sent(responses.calls[1], "POST", hooks_url(kind, USER_ID), kind.body("me"))


@responses.activate
def test_org_given_to_the_group_is_honoured_by_the_sub_command(run, creds, kind):
    responses.post(hooks_url(kind), json={"id": "h1"})
    result = run(kind.command, "--org", ORG_ID, *kind.add("n")[1:])
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "POST", hooks_url(kind), kind.body("n"))


@responses.activate
def test_service_without_org_is_refused_before_any_request(run, creds, linked_app, kind):
    result = run(*kind.add("n", "--service", "app_a"))
    assert result.exit_code == 2
    assert "--org is required when using --service" in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_add_api_error_is_one_line_exit_1(run, creds, kind):
    responses.post(hooks_url(kind), status=400, json={"message": "bad scope"})
    result = run(*kind.add("n", "-o", ORG_ID))
    assert result.exit_code == 1
    assert result.stderr == "Error: the API answered 400: bad scope\n"
    assert result.stdout == ""


# --- remove ----------------------------------------------------------------------------------------------


@responses.activate
def test_remove_org_by_id(run, creds, kind):
    responses.delete(hooks_url(kind, ORG_ID, "h1"), status=204)
    result = run(kind.command, "remove", "h1", "--org", ORG_ID)
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "DELETE", hooks_url(kind, ORG_ID, "h1"))
    assert result.stdout == "" and result.stderr == f"The {kind.noun} h1 has been removed.\n"


@pytest.mark.parametrize("name,owner_id", [("Acme", ORG_ID), ("Twin", ORG2_ID)])
@responses.activate
def test_remove_org_by_name(run, creds, kind, name, owner_id):
    responses.get(SUMMARY_URL, json=SUMMARY)
    responses.delete(hooks_url(kind, owner_id, "h1"), status=204)
    result = run(kind.command, "remove", "h1", "-o", name)
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", SUMMARY_URL)
    assert_sent(responses.calls[1], "DELETE", hooks_url(kind, owner_id, "h1"))
    assert result.stdout == "" and "removed" in result.stderr


@responses.activate
def test_remove_in_linked_app_folder_uses_app_owner(run, creds, linked_app, kind):
    responses.delete(hooks_url(kind, ORG_ID, "h1"), status=204)
    result = run(kind.command, "remove", "h1")
    assert result.exit_code == 0, result.stderr
    assert len(responses.calls) == 1
    assert_sent(responses.calls[0], "DELETE", hooks_url(kind, ORG_ID, "h1"))


@responses.activate
def test_remove_without_org_or_app_uses_self(run, creds, kind):
    responses.get(SELF_URL, json={"id": USER_ID})
    responses.delete(hooks_url(kind, USER_ID, "h1"), status=204)
    result = run(kind.command, "remove", "h1")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", SELF_URL)
    assert_sent(responses.calls[1], "DELETE", hooks_url(kind, USER_ID, "h1"))


@responses.activate
def test_remove_unknown_is_exit_4(run, creds, kind):
    responses.delete(hooks_url(kind, ORG_ID, "nope"), status=404, json={"message": "Not Found"})
    result = run(kind.command, "remove", "nope", "--org", ORG_ID)
    assert result.exit_code == 4
    assert result.stderr == f"Error: {kind.noun} nope not found for {ORG_ID}\n"


@responses.activate
def test_not_found_without_org_says_where_it_looked(run, creds, linked_app, kind):
    responses.delete(hooks_url(kind, ORG_ID, "nope"), status=404, json={"message": "Not Found"})
    result = run(kind.command, "remove", "nope")
    assert result.exit_code == 4
    assert result.stderr == (f"Error: {kind.noun} nope not found for {ORG_ID} (looked at the owner of the "
                             f"application linked in {linked_app / '.clever.json'}; pass --org to look elsewhere)\n")


@pytest.mark.parametrize("hook_id", [".", "..", "a/b"])
@pytest.mark.parametrize("command", ["remove", "show"])
@responses.activate
def test_bad_ids_are_refused_before_any_request(run, creds, kind, command, hook_id):
    result = run(kind.command, command, hook_id, "--org", ORG_ID)
    assert result.exit_code == 2 and "invalid hook id" in result.stderr
    assert len(responses.calls) == 0


# --- show ------------------------------------------------------------------------------------------------


@responses.activate
def test_show_json_is_the_api_object(run, creds, kind):
    shown = hook(kind, scope=[APP_ID], failures=[], state="ENABLED")
    responses.get(hooks_url(kind), json=[hook(kind, "h2"), shown])
    result = run(kind.command, "show", "h1", "-o", ORG_ID, "-F", "json")
    assert result.exit_code == 0, result.stderr
    only_get(hooks_url(kind))
    assert json.loads(result.stdout) == shown


@responses.activate
def test_show_absent_is_exit_4(run, creds, kind):
    responses.get(hooks_url(kind), json=[hook(kind, "h2")])
    result = run(kind.command, "show", "nope", "--org", ORG_ID)
    assert result.exit_code == 4
    only_get(hooks_url(kind))
    assert result.stderr == f"Error: {kind.noun} nope not found for {ORG_ID}\n"
    assert result.stdout == ""


@responses.activate
def test_show_without_org_or_app_uses_self(run, creds, kind):
    responses.get(SELF_URL, json={"id": USER_ID})
    responses.get(hooks_url(kind, USER_ID), json=[hook(kind, "h2", USER_ID)])
    result = run(kind.command, "show", "h2")
    assert result.exit_code == 0, result.stderr
    assert sent() == [("GET", SELF_URL), ("GET", hooks_url(kind, USER_ID))]


# --- update ----------------------------------------------------------------------------------------------


def listed(kind, *hooks):
    """The owner's list holds `hooks` (default: h2 and h1, scoped to APP_ID, events GIT_PUSH); PUT echoes."""
    responses.get(hooks_url(kind), json=list(hooks) or [hook(kind, "h2"),
                                                        hook(kind, scope=[APP_ID], events=["GIT_PUSH"])])
    responses.add_callback(responses.PUT, hooks_url(kind, ORG_ID, "h1"),
                           callback=lambda req: (200, {}, req.body))


def sent_put(kind, body):
    assert [c.request.method for c in responses.calls] == ["GET", "PUT"]
    assert_sent(responses.calls[1], "PUT", hooks_url(kind, ORG_ID, "h1"), body)


@responses.activate
def test_update_name_sends_the_whole_hook(run, creds, kind):
    listed(kind)
    result = run(kind.command, "update", "h1", "--org", ORG_ID, "--name", "prod deploys")
    assert result.exit_code == 0, result.stderr
    assert_sent(responses.calls[0], "GET", hooks_url(kind))
    sent_put(kind, writable(kind, name="prod deploys"))
    assert result.stdout == "name: 'deploys' → 'prod deploys'\n"
    assert result.stderr == f"The {kind.noun} h1 has been updated.\n"


@responses.activate
def test_update_events_and_services(run, creds, kind):
    listed(kind)
    result = run(kind.command, "update", "h1", "-o", ORG_ID, "--event", "deployment_fail,CREDITS_ADDED",
                 "--service", "app_a,addon_b", "--service", "app_a")
    assert result.exit_code == 0, result.stderr
    sent_put(kind, writable(kind, scope=["app_a", "addon_b"], events=["DEPLOYMENT_FAIL", "CREDITS_ADDED"]))
    assert result.stdout == (f"services: {APP_ID} → app_a, addon_b\n"
                             "events: GIT_PUSH → DEPLOYMENT_FAIL, CREDITS_ADDED\n")


@responses.activate
def test_update_all_events_and_all_services_drop_the_lists(run, creds, kind):
    listed(kind)
    result = run(kind.command, "update", "h1", "-o", ORG_ID, "--all-events", "--all-services")
    assert result.exit_code == 0, result.stderr
    sent_put(kind, {k: v for k, v in writable(kind).items() if k not in ("scope", "events")})
    assert result.stdout == f"services: {APP_ID} → all services of {ORG_ID}\nevents: GIT_PUSH → all events\n"


@responses.activate
def test_update_nothing_to_change_sends_no_put(run, creds, kind):
    listed(kind)
    result = run(kind.command, "update", "h1", "-o", ORG_ID, "--name", "deploys", "--event", "git_push",
                 "--service", APP_ID)
    assert result.exit_code == 0, result.stderr
    only_get(hooks_url(kind))
    assert result.stdout == ""
    assert result.stderr == f"Nothing to change: the {kind.noun} h1 already has these settings.\n"


@responses.activate
def test_update_nothing_to_change_json_prints_the_hook(run, creds, kind):
    listed(kind)
    result = run(kind.command, "update", "h1", "-o", ORG_ID, "--name", "deploys", "--json")
    assert result.exit_code == 0, result.stderr
    only_get(hooks_url(kind))
    assert json.loads(result.stdout) == hook(kind, scope=[APP_ID], events=["GIT_PUSH"])


@responses.activate
def test_update_json_prints_the_api_answer(run, creds, kind):
    answer = hook(kind, name="n2", failures=[])
    responses.get(hooks_url(kind), json=[hook(kind)])
    responses.put(hooks_url(kind, ORG_ID, "h1"), json=answer)
    result = run(kind.command, "update", "h1", "-o", ORG_ID, "--name", "n2", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == answer


@responses.activate
def test_update_absent_at_read_sends_no_put(run, creds, kind):
    listed(kind, hook(kind, "h2"))
    result = run(kind.command, "update", "h1", "--org", ORG_ID, "--name", "x")
    assert result.exit_code == 4
    only_get(hooks_url(kind))
    assert result.stderr == f"Error: {kind.noun} h1 not found for {ORG_ID}\n"


@responses.activate
def test_update_vanished_before_put_is_a_clear_exit_4(run, creds, kind):
    responses.get(hooks_url(kind), json=[hook(kind, scope=[APP_ID], events=["GIT_PUSH"])])
    responses.put(hooks_url(kind, ORG_ID, "h1"), status=404, json={"message": "Not Found"})
    result = run(kind.command, "update", "h1", "--org", ORG_ID, "--name", "x")
    assert result.exit_code == 4
    sent_put(kind, writable(kind, name="x"))
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {kind.noun} h1 not found for {ORG_ID}: it was removed after it was read; nothing was changed\n"
    )


@responses.activate
def test_update_dry_run_prints_the_request_and_sends_nothing(run, creds, kind):
    listed(kind)
    result = run(kind.command, "update", "h1", "--org", ORG_ID, "--all-events", "--dry-run")
    assert result.exit_code == 0, result.stderr
    only_get(hooks_url(kind))
    first, rest = result.stdout.split("\n", 1)
    assert first == f"PUT {hooks_path(kind, ORG_ID, 'h1')}"
    assert json.loads(rest) == {k: v for k, v in writable(kind).items() if k != "events"}
    assert "would change events: GIT_PUSH → all events\n" in result.stderr
    assert "Dry run: nothing was sent.\n" in result.stderr


@responses.activate
def test_update_in_linked_app_folder_uses_app_owner(run, creds, linked_app, kind):
    listed(kind)
    result = run(kind.command, "update", "h1", "--name", "x")
    assert result.exit_code == 0, result.stderr
    sent_put(kind, writable(kind, name="x"))


@pytest.mark.parametrize("args,message", [
    (["--event", "GIT_PUSH", "--all-events"], "--event and --all-events cannot be used together"),
    (["--service", "app_a", "--all-services"], "--service and --all-services cannot be used together"),
    ([], "nothing to update"),
    (["--event", "DEPLOY_FAILED"], "unknown event DEPLOY_FAILED"),
    (["--name", " "], "the name must not be empty"),
    (["--service", "app_a,,app_b"], "empty service id"),
])
@responses.activate
def test_update_bad_usage_is_exit_2_before_any_request(run, creds, kind, args, message):
    result = run(kind.command, "update", "h1", "--org", ORG_ID, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(responses.calls) == 0
