"""A plan as Markdown for a review: a pull-request comment or a CI job summary (`$GITHUB_STEP_SUMMARY`).

    text = plan_markdown(plan, mask, service_names, prune=False)

Counts come first, then each owner with changes in its own folded `<details>` block holding the changes as a
`diff` code block (`+` create, `!` update, `-` delete), then the owners without change in one line. Every value
read from `${VAR}` is shown as `${VAR}` (the mask), the URL a variable replaces as `https://host/…` (done on the
plan before rendering). Text from the API or the file cannot break out of the code block, open HTML, or mention
anyone. The GitHub Action writes this same text to the job summary.
"""

from __future__ import annotations

import re

from clever_notify.guards.masks import Mask
from clever_notify.hooks.kinds import KINDS
from clever_notify.hooks.plan import Action, OwnerCounts, Plan
from clever_notify.output.plan import change_lines, title
from clever_notify.output.render import printable

# A pull-request comment holds at most 65,536 characters; a job summary 1 MiB. Owners past this are counted, not
# detailed, so the text always fits a comment.
MAX_CHARS = 60_000
MARKS = {"create": "+", "update": "!", "delete": "-"}


def plan_markdown(plan: Plan, mask: Mask, service_names: dict[str, dict[str, str]], *, prune: bool,
                  max_chars: int = MAX_CHARS) -> str:
    out = [f"### {_headline(plan)}", "", _counts_table(plan), ""]
    by_owner: dict[str, list[Action]] = {}
    for action in plan.actions:
        by_owner.setdefault(action.owner_id, []).append(action)
    changed = [o for o in plan.owners if o.owner_id in by_owner]
    used = sum(len(line) + 1 for line in out)
    for n, owner in enumerate(changed):
        block = _owner_block(owner, by_owner[owner.owner_id], mask, service_names.get(owner.owner_id, {}))
        if used + len(block) > max_chars:
            left = changed[n:]
            count = sum(len(by_owner[o.owner_id]) for o in left)
            out += [f"… and {count} more change{'s' if count != 1 else ''} at {len(left)} more "
                    f"owner{'s' if len(left) != 1 else ''}, not shown here to keep this short: the job log has "
                    "the whole plan (`clever notifications plan FILE`).", ""]
            break
        out.append(block)
        used += len(block) + 1
    quiet = [o for o in plan.owners if o.owner_id not in by_owner]
    if quiet:
        names = ", ".join(_inline(mask.text(_owner_label(o))) for o in quiet[:20])
        more = f" and {len(quiet) - 20} more" if len(quiet) > 20 else ""
        out += [f"No change at {len(quiet)} owner{'s' if len(quiet) != 1 else ''}: {names}{more}.", ""]
    if plan.unmanaged and not prune:
        out += ["Hooks not in the file are kept (`--prune` would delete those in the sections the file has).", ""]
    return "\n".join(out)


def _headline(plan: Plan) -> str:
    if not plan.changes:
        return "Notifications: no changes, the API matches the file"
    return (f"Notifications plan: {plan.count('create')} to create, {plan.count('update')} to update, "
            f"{plan.count('delete')} to delete")


def _counts_table(plan: Plan) -> str:
    rows = ["| to create | to update | to delete | unchanged | not in the file |",
            "|---:|---:|---:|---:|---:|",
            f"| {plan.count('create')} | {plan.count('update')} | {plan.count('delete')} | {plan.unchanged} "
            f"| {plan.unmanaged} |"]
    return "\n".join(rows)


def _owner_label(owner: OwnerCounts) -> str:
    return f"{owner.owner} ({owner.owner_id})" if owner.owner != owner.owner_id else owner.owner


def _owner_block(owner: OwnerCounts, actions: list[Action], mask: Mask, names: dict[str, str]) -> str:
    counts = [f"{n} to {op}" for op in ("create", "update", "delete") if (n := sum(a.op == op for a in actions))]
    unchanged = sum(owner.unchanged.values())
    if unchanged:
        counts.append(f"{unchanged} unchanged")
    kept = sum(owner.unmanaged[k] for k in KINDS)
    if kept:
        counts.append(f"{kept} not in the file")
    lines: list[str] = []
    for a in actions:
        mark = MARKS[a.op]
        lines.append(f"{mark} {a.op} {title(a, mask)}")
        lines += [printable(f"{mark}     {line}") for line in change_lines(a, mask, names)]
    body = "\n".join(mask.text(line) for line in lines)
    fence = "`" * max(3, _longest_backtick_run(body) + 1)  # a name holding ``` cannot close the block
    summary = _inline(mask.text(_owner_label(owner))) + ": " + ", ".join(counts)
    return "\n".join([f"<details><summary>{summary}</summary>", "", f"{fence}diff", body, fence, "", "</details>",
                      ""])


def _longest_backtick_run(text: str) -> int:
    return max((len(m) for m in re.findall(r"`+", text)), default=0)


def _inline(text: str) -> str:
    """Text from the API or the file inside HTML: no tag, no entity, no @mention, no Markdown emphasis or link."""
    return _SPECIAL.sub(lambda m: f"&#{ord(m.group())};", printable(text))


_SPECIAL = re.compile(r"[&<>\"'@\\`*\[\]|~]")
