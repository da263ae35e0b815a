"""writes/executor.py on its own, over an in-memory client: the order of steps, a replacement's reuse of a copy
already listed, the account a failure gives, the single-write rule. The command-level rules are in
test_write_rules.py; here the calls the executor makes are checked one by one."""

from __future__ import annotations

import pytest

from clever_notify.errors import ApiError, NotFound
from clever_notify.hooks.kinds import EMAILHOOKS, WEBHOOKS
from clever_notify.writes import steps
from clever_notify.writes.executor import Words, run
from clever_notify.writes.outcome import DONE, FAILED, NOT_DONE, WriteFailed, WriteInterrupted
from helpers import ORG_ID


class Client:
    """The four hook calls over a dict of lists; `fail` maps (method, id or None) to the exception to raise."""

    def __init__(self, hooks=(), fail=None):
        self.hooks = [dict(h) for h in hooks]
        self.calls: list[tuple] = []
        self.fail = fail or {}
        self.n = 0

    def _maybe_fail(self, method, hook_id=None):
        error = self.fail.get((method, hook_id))
        if error is not None:
            raise error

    def list_hooks(self, kind, owner_id):
        self.calls.append(("GET", kind.path))
        return [dict(h) for h in self.hooks]

    def create_hook(self, kind, owner_id, body):
        self.calls.append(("POST", kind.path, body.get("name")))
        self._maybe_fail("POST")
        self.n += 1
        hook = {"id": f"new-{self.n}", **body}
        self.hooks.append(hook)
        return hook

    def update_hook(self, kind, owner_id, hook_id, body):
        self.calls.append(("PUT", hook_id))
        self._maybe_fail("PUT", hook_id)
        return {"id": hook_id, **body}

    def delete_hook(self, kind, owner_id, hook_id):
        self.calls.append(("DELETE", hook_id))
        self._maybe_fail("DELETE", hook_id)
        if not any(h["id"] == hook_id for h in self.hooks):
            raise NotFound(f"{hook_id} not found")
        self.hooks = [h for h in self.hooks if h["id"] != hook_id]


def hook(hook_id, name, **more):
    return {"id": hook_id, "name": name, "urls": [{"format": "raw", "url": "https://e.org/h"}], **more}


def body(name, **more):
    return {k: v for k, v in hook("", name, **more).items() if k != "id"}


def test_steps_run_creates_then_updates_then_deletes_whatever_their_order():
    client = Client([hook("u1", "u"), hook("d1", "d")])
    plan = [steps.delete(WEBHOOKS, ORG_ID, "d1"), steps.update(WEBHOOKS, ORG_ID, "u1", body("u2")),
            steps.create(WEBHOOKS, ORG_ID, body("c"))]
    reported = []
    outcome = run(client, plan, listed={(WEBHOOKS, ORG_ID): list(client.hooks)},
                  report=lambda n, total, r: reported.append((n, total, r.step.op)))
    assert client.calls == [("POST", "webhooks", "c"), ("PUT", "u1"), ("DELETE", "d1")]
    assert reported == [(1, 3, "create"), (2, 3, "update"), (3, 3, "delete")]
    assert [r.status for r in outcome.results] == [DONE] * 3 and outcome.results[0].created_id == "new-1"


def test_a_replacement_reuses_a_copy_listed_and_deletes_only_after_every_create():
    old, copy = hook("old", "x", scope=["a"]), hook("c1", "x", scope=["b"])
    client = Client([old, copy, hook("d1", "y")])
    plan = [steps.replace(EMAILHOOKS, ORG_ID, "old", body("x", scope=["b"])), steps.delete(EMAILHOOKS, ORG_ID, "d1"),
            steps.replace(EMAILHOOKS, ORG_ID, "d1-not-listed", body("z"))]
    outcome = run(client, plan, listed={(EMAILHOOKS, ORG_ID): list(client.hooks)})
    # the copy of "old" is reused (no POST), the other is created; only then any delete
    assert client.calls == [("POST", "emailhooks", "z"), ("DELETE", "old"), ("DELETE", "d1-not-listed"),
                            ("GET", "emailhooks"), ("DELETE", "d1")]
    first = outcome.results[0]
    assert (first.reused_id, first.created_id, first.old_deleted) == ("c1", None, True)
    assert outcome.results[1].gone  # answered 404, and the list read back no longer shows it


def test_a_failure_says_what_was_done_what_was_not_and_the_command_that_finishes():
    client = Client([hook("u1", "u"), hook("d1", "d")], fail={("PUT", "u1"): ApiError("the API answered 500: no")})
    plan = [steps.create(WEBHOOKS, ORG_ID, body("c")), steps.update(WEBHOOKS, ORG_ID, "u1", body("u2")),
            steps.delete(WEBHOOKS, ORG_ID, "d1")]
    with pytest.raises(WriteFailed) as failed:
        run(client, plan, listed={(WEBHOOKS, ORG_ID): list(client.hooks)}, words=Words(finish="clever do it"))
    assert str(failed.value) == (
        'stopped at step 2 of 3: could not update webhook "u2" (id u1) at ' + ORG_ID + ": the API answered 500: no. "
        "Done: 1 create. Not done: 1 update, 1 delete. Once the cause is fixed, run it again (it converges): "
        "clever do it")
    assert failed.value.exit_code == 1
    assert [r.status for r in failed.value.outcome.results] == [DONE, FAILED, NOT_DONE]
    assert client.calls == [("POST", "webhooks", "c"), ("PUT", "u1")]


def test_ctrl_c_stops_the_run_with_exit_130_and_the_same_account():
    client = Client([hook("d1", "d")], fail={("DELETE", "d1"): KeyboardInterrupt()})
    with pytest.raises(WriteInterrupted) as stopped:
        run(client, [steps.create(WEBHOOKS, ORG_ID, body("c")), steps.delete(WEBHOOKS, ORG_ID, "d1")],
            listed={(WEBHOOKS, ORG_ID): list(client.hooks)})
    assert stopped.value.exit_code == 130
    assert str(stopped.value).startswith("Interrupted: stopped at step 2 of 2: could not delete webhook (id d1)")
    assert "Done: 1 create." in str(stopped.value)


def test_one_single_write_fails_with_its_own_error():
    client = Client()
    with pytest.raises(NotFound, match="^gone not found$"):  # `remove ID`: never listed, 404 is exit 4
        run(client, [steps.delete(WEBHOOKS, ORG_ID, "gone")])
    assert client.calls == [("DELETE", "gone")]
