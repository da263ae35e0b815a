"""The one executor: every change (apply, add, remove, enable, `notify-email default …`) is steps run here.

    outcome = run(client, steps, listed={(kind, owner_id): hooks}, report=callback, words=Words(finish=…))

Steps run creates → updates → deletes (writes/steps.py `ordered`); a replacement's copy is made with the
creates and its old hook deleted with the deletes, so nothing is ever without its hook. Each step is one
verified write (writes/verified.py): it counts as done when the API shows it done. `report(n, total, result)`
is called as each step is done; nothing here prints.

- `listed`: the owners' lists read before the write (the plan's). They tell a hook a create just made from an
  older one like it (by id, never by clock), and give a replacement the copy an earlier run left, which is
  reused, never duplicated. A replacement without its owner's list reads it first.
- A failure stops the run: WriteFailed (exit 1; 3 if the credentials were refused) says what was done, what
  was not, and the command that finishes the job; since steps come from what the API holds, running that
  command again converges. Ctrl-C stops it the same way: WriteInterrupted (exit 130). A run of one single
  write without words of its own (add, update, remove) has nothing half-done to tell: its failure is that
  write's own error, with its own exit code.
- A DELETE answered 404 (the rule, in writes/verified.py): for a hook listed before, the list is read back;
  no longer listed = gone already, the step is done; still listed = a failed step. For a hook never listed
  (`remove ID` names one), it is "not found" (exit 4).
- With a client whose transport records instead of sending (`--dry-run`), the same steps run unsent: each is
  reported "dryRun" and the requests are in `client.transport.changes`.
"""

from __future__ import annotations

from collections.abc import Callable

from clever_notify.errors import ApiError, CleverNotifyError, ExitCode, StateKept
from clever_notify.guards.masks import Mask
from clever_notify.hooks.plan import Plan
from clever_notify.writes import confirm, verified
from clever_notify.writes.outcome import (
    DONE,
    DRY_RUN,
    FAILED,
    INTERRUPTED,
    Outcome,
    Result,
    WriteFailed,
    WriteInterrupted,
)
from clever_notify.writes.steps import CREATE, DELETE, REPLACE, UPDATE, Step, ordered

Report = Callable[[int, int, Result], None]


class CopyInOtherState(ApiError):
    """A replacement's copy is listed (or was just created) in another state than the one asked: no other copy
    is made, so a re-run never leaves two."""

Listed = dict  # (kind, owner_id) -> list of hooks, as read before the write


class Words:
    """How a run's failure is told. Flows with their own words (default e-mails, enable) subclass it."""

    def __init__(self, finish: str = ""):
        self.finish = finish  # the command that finishes the job (run again: it converges)

    def step(self, step: Step, *, done: bool) -> str:
        verb = {CREATE: "created", UPDATE: "updated", DELETE: "deleted", REPLACE: "replaced"}[step.op] \
            if done else step.op
        name = f' "{step.name}"' if step.name is not None else ""
        hook_id = f" (id {step.hook_id})" if step.hook_id else ""
        return f"{verb} {step.kind.noun}{name}{hook_id} at {step.owner or step.owner_id}"

    def failed(self, outcome: Outcome, result: Result) -> str:
        n = outcome.results.index(result) + 1
        message = (f"stopped at step {n} of {len(outcome.results)}: could not {self.step(result.step, done=False)}: "
                   f"{(result.error or '').rstrip('.')}. ")
        return message + self.account(outcome)

    def interrupted(self, outcome: Outcome, result: Result) -> str:
        return "Interrupted: " + self.failed(outcome, result)

    def account(self, outcome: Outcome) -> str:
        done = outcome.done
        message = f"Done: {counted(done)}. " if done else "Nothing was changed before it. "
        made = [r for r in outcome.not_done if r.step.op == REPLACE and r.copied and r.created_id]
        if made:
            message += "Created by this run, its old hook not yet deleted: " \
                       + ", ".join(str(r.created_id) for r in made) + ". "
        message += f"Not done: {counted(outcome.not_done)}. "
        if self.finish:
            return message + f"Once the cause is fixed, run it again (it converges): {self.finish}"
        return message + f"Run {self.again} again once the cause is fixed: it converges."

    again = "it"


def counted(results: list[Result]) -> str:
    parts = []
    for op, plural in ((CREATE, "creates"), (REPLACE, "replacements"), (UPDATE, "updates"), (DELETE, "deletes")):
        n = sum(1 for r in results if r.step.op == op)
        if n:
            parts.append(f"{n} {op if n == 1 else plural}")
    return ", ".join(parts)


# set_state(client, owner_id, hook, state, listed=…) → an outcome with `hook_id` and `replaced_id`: the operation
# behind `webhooks enable|disable` (operations/webhook_state.py, itself steps run here), handed in by the caller
# (it sits above writes/). Apply sends a change of a webhook's state through it.
SetState = Callable[..., object]


def run(client, steps: list[Step], *, listed: Listed | None = None, report: Report | None = None,
        words: Words | None = None, set_state: SetState | None = None) -> Outcome:
    own_words, words = words is not None, words or Words()
    dry = verified.is_dry(client)
    lists: Listed = dict(listed or {})
    outcome = Outcome([Result(s) for s in ordered(steps)], dry_run=dry)
    total = len(outcome.results)
    # creates and replacements' copies, then updates, then deletes and replacements' old hooks
    order = [(r, "copy" if r.step.op == REPLACE else "") for r in outcome.results if r.step.op in (CREATE, REPLACE)]
    order += [(r, "") for r in outcome.results if r.step.op == UPDATE]
    order += [(r, "delete" if r.step.op == REPLACE else "") for r in outcome.results if r.step.op in (DELETE, REPLACE)]
    for result, phase in order:
        result.phase = phase
        try:
            if phase == "copy":
                _make_copy(client, result, lists)
                result.copied = True
                continue  # its old hook is deleted with the deletes
            _run_one(client, result, lists, set_state)
        except KeyboardInterrupt:
            result.status, result.error = INTERRUPTED, "interrupted: it may or may not have been applied"
            raise WriteInterrupted(words.interrupted(outcome, result), outcome) from None
        except CleverNotifyError as exc:
            result.status, result.error, result.cause = FAILED, str(exc), exc
            if not own_words and total == 1 and step_count(result) == 1:
                raise  # one write and nothing else: its own error (and exit code) says it all
            code = ExitCode.AUTH if exc.exit_code == ExitCode.AUTH else ExitCode.API
            raise WriteFailed(words.failed(outcome, result), outcome, code) from None
        result.status = DRY_RUN if dry else DONE
        if report is not None:
            report(outcome.results.index(result) + 1, total, result)
    return outcome


def step_count(result: Result) -> int:
    """How many writes a step may send: a replacement (or an update that may become one) has two parts."""
    return 2 if result.step.op == REPLACE or result.step.otherwise is not None or _state_change(result.step) else 1


def _known(client, lists: Listed, step: Step) -> list[dict]:
    key = (step.kind, step.owner_id)
    if key not in lists:
        lists[key] = list(client.list_hooks(step.kind, step.owner_id))
    return lists[key]


def _state_change(step: Step):
    """The change of a webhook's state a plan's action carries (apply), or None."""
    return getattr(step.action, "state", None) if step.action is not None else None


def _run_one(client, result: Result, lists: Listed, set_state: SetState | None = None) -> None:
    step = result.step
    key = (step.kind, step.owner_id)
    state = _state_change(step)
    if state is not None and set_state is None:
        raise ValueError("a change of state needs the state operation")  # pragma: no cover - a caller's bug
    if state is not None and step.op == UPDATE:
        # The hook as the PUT would leave it, in its old state: the state operation sends that same body with
        # the new state, reads back what the API did, and replaces it if the API keeps it disabled.
        hook = {**step.body, "id": step.hook_id, "state": state.old}
        outcome = set_state(client, step.owner_id, hook, state.new, listed=lists.get(key, []))
        if getattr(outcome, "replaced_id", None):
            result.created_id = outcome.hook_id
        return
    if step.op == CREATE:
        before = lists.get(key)
        ids = None if before is None else {h.get("id") for h in before}
        result.hook = verified.create(client, step.kind, step.owner_id, step.body, before=ids)
        result.created_id = _id(result.hook)
        if before is not None and result.hook is not None:
            before.append(result.hook)
        if state is not None and result.created_id:  # a new webhook starts enabled (a dry run's has no id)
            set_state(client, step.owner_id, result.hook, state.new, listed=lists.get(key, []))
    elif step.op == UPDATE:
        try:
            before = confirm.listed(step.hook_id, lists[key]) if key in lists else None
            result.hook = verified.update(client, step.kind, step.owner_id, step.hook_id, step.body, before=before)
        except StateKept as not_applied:
            if step.otherwise is None:
                raise
            result.instead = instead = Result(step.otherwise, error=str(not_applied))
            instead.phase = "copy"
            _make_copy(client, instead, lists)
            instead.copied, instead.phase = True, "delete"
            _run_one(client, instead, lists)
            result.instead.status = DRY_RUN if verified.is_dry(client) else DONE
    elif step.op == DELETE:
        listed = key in lists and confirm.listed(step.hook_id, lists[key]) is not None
        result.gone = verified.delete(client, step.kind, step.owner_id, step.hook_id, listed=listed) == "gone"
    else:  # REPLACE, its copy standing: delete the old hook
        result.gone = verified.delete(client, step.kind, step.owner_id, step.hook_id, listed=True) == "gone"
        result.old_deleted = True


def _make_copy(client, result: Result, lists: Listed) -> None:
    """A replacement's copy: one already listed (left by an earlier run) is reused, else it is created."""
    step = result.step
    hooks = _known(client, lists, step)
    copies = [h for h in hooks if h.get("id") != step.hook_id and confirm.same_hook(step.body, h)
              and (step.copy_state is None or _state(h) == step.copy_state)]
    if copies:
        result.hook, result.reused_id = copies[-1], _id(copies[-1])
        return
    others = [h for h in hooks if h.get("id") != step.hook_id and confirm.same_hook(step.body, h)]
    if others and not verified.is_dry(client):  # never a second copy: one in another state is not reused either
        raise CopyInOtherState(
            f"{step.kind.noun} {step.hook_id} already has a copy, {_id(others[-1])} (left by an earlier run), that "
            f"the API shows {_state(others[-1])}, not {step.copy_state}; no other copy is created")
    result.hook = verified.create(client, step.kind, step.owner_id, step.body, before={h.get("id") for h in hooks})
    result.created_id = _id(result.hook)
    hooks.append(result.hook)
    if step.copy_state is not None and not verified.is_dry(client) and _state(result.hook) != step.copy_state:
        raise CopyInOtherState(
            f"{step.kind.noun} {step.hook_id} was re-created as {result.created_id}, but the API reports the new "
            f"one {_state(result.hook)} too; both are kept")


def _state(hook: dict) -> str:
    state = hook.get("state") if isinstance(hook, dict) else None
    return state.upper() if isinstance(state, str) and state else "ENABLED"


def _id(hook) -> str | None:
    hook_id = hook.get("id") if isinstance(hook, dict) else None
    return hook_id if isinstance(hook_id, str) and hook_id else None


# --- apply (notifications apply FILE): its plan's actions as steps ------------------------------------------


class ApplyWords(Words):
    again = "apply"

    def __init__(self, mask: Mask, finish: str = ""):
        super().__init__(finish)
        self.mask = mask

    def step(self, step: Step, *, done: bool) -> str:
        from clever_notify.output.plan import step_words

        return step_words(step.action, self.mask, done=done)

    def failed(self, outcome: Outcome, result: Result) -> str:
        result.error = self.mask.text(result.error or "")  # an API's message may quote a ${VAR}'s value
        return "apply " + super().failed(outcome, result)

    def interrupted(self, outcome: Outcome, result: Result) -> str:
        return self.failed(outcome, result)  # "apply stopped at step n of N: … interrupted …"


ApplyFailed = WriteFailed  # its earlier name


def plan_steps(plan: Plan) -> list[Step]:
    steps = []
    for a in plan.actions:
        common = {"name": a.name, "owner": a.owner, "action": a}
        if a.op == CREATE:
            steps.append(Step(CREATE, a.kind, a.owner_id, body=a.body, **common))
        elif a.op == UPDATE:
            steps.append(Step(UPDATE, a.kind, a.owner_id, hook_id=a.hook_id, body=a.body, **common))
        else:
            steps.append(Step(DELETE, a.kind, a.owner_id, hook_id=a.hook_id, **common))
    return steps


def execute(client, plan: Plan, mask: Mask, report: Callable[[int, int, Result], None],
            set_state: SetState | None = None, *, listed: Listed | None = None, finish: str = "") -> list[Result]:
    """A plan's actions run by `run`; `report(n, total, result)` after each one done. WriteFailed /
    WriteInterrupted on the first failure (both exit as their codes say; apply's JSON reads `.steps`).
    A change of a webhook's state goes through `set_state`, the write path of `webhooks enable|disable`."""
    return run(client, plan_steps(plan), listed=listed if listed is not None else plan_lists(plan),
               report=report, words=ApplyWords(mask, finish), set_state=set_state).results


def plan_lists(plan: Plan) -> Listed:
    """The lists the plan was made from (hooks/plan.py Plan.listed), copied: the run adds what it creates."""
    return {key: list(hooks) for key, hooks in (getattr(plan, "listed", None) or {}).items()}
