"""A plan's actions sent in order (creates, then updates, then deletes), each step reported as it happens.

On a failure nothing more is sent, and the error says what was done and what was not; since a plan is
computed from what the API holds, running apply again picks up where this one stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clever_notify.errors import CleverNotifyError, ExitCode, NotFound
from clever_notify.guards.masks import Mask
from clever_notify.hooks.plan import Action, Plan
from clever_notify.output.plan import step_words


@dataclass
class Step:
    action: Action
    status: str = "notDone"  # "done" | "failed" | "interrupted" | "notDone" | "dryRun"
    created_id: str | None = None
    error: str | None = None


class ApplyFailed(CleverNotifyError):
    """Raised when a step of `apply` fails: the message says which steps were done and which were not."""

    exit_code = ExitCode.API

    def __init__(self, message: str, steps: list[Step], exit_code: int = ExitCode.API):
        super().__init__(message)
        self.steps = steps
        self.exit_code = exit_code


# set_state(client, owner_id, hook, state, listed=…) → an outcome with `hook_id` and `replaced_id`: the operation
# behind `webhooks enable|disable` (operations/webhook_state.py), handed in by the caller (it sits above writes/).
SetState = Callable[..., object]


def execute(client, plan: Plan, mask: Mask, report: Callable[[int, int, Step], None],
            set_state: SetState | None = None) -> list[Step]:
    """Send each action; `report(n, total, step)` after each one that succeeded. ApplyFailed on the first failure.
    A change of a webhook's state goes through `set_state`, the write path of `webhooks enable|disable`."""
    steps = [Step(a) for a in plan.actions]
    total = len(steps)
    for n, step in enumerate(steps, 1):
        a = step.action
        try:
            if a.state is not None and set_state is None:
                raise ValueError("a change of state needs the state operation")  # pragma: no cover - a caller's bug
            if a.op == "create":
                created = client.create_hook(a.kind, a.owner_id, a.body)
                step.created_id = created.get("id") if isinstance(created, dict) else None
                if a.state is not None and isinstance(created, dict) and created.get("id"):  # (a dry run has none)
                    set_state(client, a.owner_id, created, a.state.new)
            elif a.state is not None:
                # The hook as the PUT would leave it, in its old state: the state operation sends that same body
                # with the new state, checks what the API did, and re-creates it if the API keeps it disabled.
                hook = {**a.body, "id": a.hook_id, "state": a.state.old}
                outcome = set_state(client, a.owner_id, hook, a.state.new)
                if getattr(outcome, "replaced_id", None):
                    step.created_id = outcome.hook_id
            elif a.op == "update":
                client.update_hook(a.kind, a.owner_id, a.hook_id, a.body)
            else:
                try:
                    client.delete_hook(a.kind, a.owner_id, a.hook_id)
                except NotFound:
                    pass  # gone already (removed by hand, or by an earlier apply whose answer was lost)
        except CleverNotifyError as exc:
            step.status, step.error = "failed", mask.text(str(exc))
            raise ApplyFailed(_failure(steps, n, mask), steps) from None
        except KeyboardInterrupt:
            step.status, step.error = "interrupted", "interrupted: it may or may not have been applied"
            raise ApplyFailed(_failure(steps, n, mask), steps, ExitCode.INTERRUPTED) from None
        step.status = "done"
        report(n, total, step)
    return steps


def done_line(n: int, total: int, step: Step, mask: Mask) -> str:
    made = f" (id {step.created_id})" if step.created_id else ""
    return f"[{n}/{total}] {step_words(step.action, mask, done=True)}{made}"


def _failure(steps: list[Step], n: int, mask: Mask) -> str:
    failed = steps[n - 1]
    done = [s for s in steps if s.status == "done"]
    left = [s for s in steps if s.status == "notDone"]
    message = (f"apply stopped at step {n} of {len(steps)}: could not {step_words(failed.action, mask, done=False)}: "
               f"{(failed.error or '').rstrip('.')}. ")
    message += f"Done: {_counted(done)}. " if done else "Nothing was changed before it. "
    message += f"Not done: {_counted([failed] + left)}. Run apply again once the cause is fixed: it converges."
    return message


def _counted(steps: list[Step]) -> str:
    ops = [("create", "creates"), ("update", "updates"), ("delete", "deletes")]
    parts = []
    for op, plural in ops:
        n = sum(1 for s in steps if s.action.op == op)
        if n:
            parts.append(f"{n} {op if n == 1 else plural}")
    return ", ".join(parts)
