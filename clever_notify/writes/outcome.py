"""What a run of steps did: one result per step, the outcome of the run, and its two ways to stop.

    Outcome.results       one Result per step, in the order they were run (creates, updates, deletes)
    WriteFailed           a step failed (exit 1; 3 when the API refused the credentials): what was done,
                          what was not, and the command that finishes the job
    WriteInterrupted      Ctrl-C (exit 130): the same account of what was done

Both carry the outcome (`.outcome`), so a renderer can still print it (JSON) after the failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clever_notify.errors import CleverNotifyError, ExitCode, Interrupted
from clever_notify.writes.steps import Step

DONE, FAILED, INTERRUPTED, NOT_DONE, DRY_RUN = "done", "failed", "interrupted", "notDone", "dryRun"


@dataclass
class Result:
    step: Step
    status: str = NOT_DONE
    hook: dict | None = None  # create, update, replace: the hook standing now, as the API shows it
    created_id: str | None = None  # create, replace: the id this run created (None when a copy was reused)
    reused_id: str | None = None  # create, replace: a copy already listed, used instead of creating one
    gone: bool = False  # delete, replace: the API answered 404 and no longer lists the hook
    old_deleted: bool = False  # replace: the old hook is deleted (or gone)
    error: str | None = None
    cause: CleverNotifyError | None = None
    instead: Result | None = None  # update not applied: the step run instead (its `otherwise`)
    copied: bool = False  # replace: its copy stands (created or reused); its old hook is deleted last
    phase: str = ""  # replace: "copy" or "delete", the part last started (what an interruption cut)

    @property
    def action(self):
        """The plan Action the step stands for (apply's renderer reads it)."""
        return self.step.action

    @property
    def hook_id(self) -> str | None:
        """The id of the hook the step leaves standing (the copy for a replacement)."""
        if self.created_id or self.reused_id:
            return self.created_id or self.reused_id
        if self.instead is not None:
            return self.instead.hook_id
        return self.step.hook_id


@dataclass
class Outcome:
    results: list[Result] = field(default_factory=list)
    dry_run: bool = False

    def having(self, *statuses: str) -> list[Result]:
        return [r for r in self.results if r.status in statuses]

    @property
    def done(self) -> list[Result]:
        return self.having(DONE, DRY_RUN)

    @property
    def stopped_at(self) -> Result | None:
        return next((r for r in self.results if r.status in (FAILED, INTERRUPTED)), None)

    @property
    def not_done(self) -> list[Result]:
        return self.having(FAILED, INTERRUPTED, NOT_DONE)


class WriteFailed(CleverNotifyError, exit_code=ExitCode.API):
    """A step failed: the message says what was done, what was not, and the command that finishes the job."""

    def __init__(self, message: str, outcome: Outcome, exit_code: int = ExitCode.API):
        super().__init__(message)
        self.outcome = outcome
        self.exit_code = exit_code

    @property
    def steps(self) -> list[Result]:  # the name apply's renderer used
        return self.outcome.results


class WriteInterrupted(Interrupted):
    """Ctrl-C during a run: what was done, the step in flight (it may or may not be applied), what was not."""

    def __init__(self, message: str, outcome: Outcome):
        super().__init__(message)
        self.outcome = outcome

    @property
    def steps(self) -> list[Result]:
        return self.outcome.results
