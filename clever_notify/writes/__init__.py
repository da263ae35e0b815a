"""The one write path: every change is steps, run by one executor, each write counted done when the API shows it.

    steps.py     create, update, delete, replace (reuse a copy already listed, or create it; then delete the old)
    executor.py  `run`: creates → updates → deletes, each step reported; WriteFailed / WriteInterrupted say
                 what was done, what was not, and the command that finishes the job
    verified.py  one write: read back when the answer is not what was asked; confirmed after an ambiguous
                 failure; the rule for a DELETE answered 404
    confirm.py   is it there? a listed hook compared with what was sent; a create told by ids, never clocks
    outcome.py   Result, Outcome, WriteFailed, WriteInterrupted
"""
