"""The audit's findings as text: human (grouped by owner, worst first), JSON, and a JUnit XML report for CI.

`command` turns a fix's argv words into the line to paste (the CLI adds its program name, --sandbox and shell
quoting); without it, `clever` and shlex quoting. Every text from the API goes through the terminal guard;
the XML is built with xml.etree (which escapes markup) from text that holds only characters XML 1.0 allows.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from clever_notify.hooks import audit_rules as ar

CommandLine = Callable[[tuple[str, ...]], str]


def default_command(words: tuple[str, ...]) -> str:
    return shlex.join(("clever", *words))


def fix_line(finding: ar.Finding, command: CommandLine = default_command) -> str | None:
    """The commands to paste, in order, joined by `&&` (each runs only if the one before worked)."""
    return " && ".join(command(words) for words in finding.fix) if finding.fix else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def counts(findings: list[ar.Finding]) -> str:
    """`8 findings (6 errors, 2 warnings)`."""
    errors = sum(f.severity == ar.ERROR for f in findings)
    return (f"{_plural(len(findings), 'finding')} ({_plural(errors, 'error')}, "
            f"{_plural(len(findings) - errors, 'warning')})")


def human(findings: list[ar.Finding], command: CommandLine = default_command) -> list[str]:
    """Lines for stdout: a header per owner (worst owner first), then each finding, worst first, and its fix."""
    lines: list[str] = []
    width = max(len(r) for r in ar.RULE_IDS)
    owner = None
    for f in findings:
        if f.owner_id != owner:
            owner = f.owner_id
            mine = [g for g in findings if g.owner_id == owner]
            if lines:
                lines.append("")
            lines.append(f"{f.owner_name} ({f.owner_id}): {counts(mine)}")
        lines.append(f"  {f.severity:<7}  {f.rule:<{width}}  {f.message}")
        fix = fix_line(f, command)
        if fix:
            lines.append(f"  {'':<7}  {'':<{width}}  fix: {fix}")
    return lines


def summary(result, *, ignored: int) -> str:
    """The one-line summary (stderr)."""
    owners = _plural(len(result.audited), "owner")
    what = (f"Audited {owners} ({_plural(result.applications, 'application')}, "
            f"{_plural(result.hooks, 'hook')}) in {result.requests} requests")
    tail = f"; {ignored} ignored" if ignored else ""
    if not result.findings:
        return f"{what}: nothing found{tail}."
    spread = len({f.owner_id for f in result.findings})
    return f"{what}: {counts(result.findings)} at {_plural(spread, 'owner')}{tail}."


def as_json(findings: list[ar.Finding], command: CommandLine = default_command) -> list[dict]:
    """`-F json`: one object per finding, camelCase keys; `fix` the line to paste (null when none exists),
    `fixArgs` the same commands as argv lists for scripts."""
    out = []
    for f in findings:
        doc = f.as_json()
        doc["fixArgs"] = doc.pop("fix")
        doc["fix"] = fix_line(f, command)
        out.append(doc)
    return out


# --- JUnit ----------------------------------------------------------------------------------------


def _xml_text(value: object) -> str:
    """Text XML 1.0 can hold: the terminal guard's escapes for controls, bidi and the like, then the two
    non-characters it leaves (U+FFFE, U+FFFF) escaped too. xml.etree escapes markup (&, <, >, quotes)."""
    from clever_notify.guards.sanitise import for_terminal

    text = for_terminal("" if value is None else str(value), keep_newlines=True)
    return text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


def junit(result, *, command: CommandLine = default_command, timestamp: str, hostname: str,
          duration_s: float) -> str:
    """A JUnit XML report: a test suite per rule; in it one test case per owner (per application for
    uncovered-app) that passes when nothing is found there, and one failing test case per finding, with one
    <failure> each (the strictest common schema allows one per test case).

    Attributes are those the JUnit XSDs GitLab and Jenkins read require: testsuite name, tests, failures,
    errors, skipped, time, timestamp, hostname, id, package; testcase name, classname, time."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="clever notifications audit")
    total = failures = errors = 0
    unread = _unread_suite(result, timestamp, hostname, duration_s)
    if unread is not None:
        root.append(unread)
        total += int(unread.get("tests"))
        errors += int(unread.get("errors"))
    for n, rule in enumerate(ar.RULES, 1):
        cases: list[ET.Element] = []
        mine = [f for f in result.findings if f.rule == rule.id]
        for o in result.audited:
            subjects = ([(s.label, s.id) for s in o.owner.services if s.is_app] if rule is ar.UNCOVERED_APP
                        else [(None, None)])
            for label, service_id in subjects:
                found = [f for f in mine if f.owner_id == o.owner.id
                         and (service_id is None or f.service_id == service_id)]
                where = o.owner.label if label is None else f"{o.owner.label} / {label}"
                if not found:
                    cases.append(_case(rule, where))
                for f in found:
                    case = _case(rule, f"{o.owner.label} / {f.subject}")
                    fix = fix_line(f, command)
                    failure = ET.SubElement(case, "failure", message=_xml_text(f.message), type=rule.id)
                    failure.text = _xml_text(f.message + (f"\nfix: {fix}" if fix else "") + f"\n\n{rule.why}")
                    cases.append(case)
        suite = ET.SubElement(root, "testsuite", {
            "name": rule.id, "tests": str(len(cases)), "failures": str(sum(c.find("failure") is not None
                                                                            for c in cases)),
            "errors": "0", "skipped": "0", "time": f"{duration_s:.3f}", "timestamp": timestamp,
            "hostname": _xml_text(hostname) or "localhost", "id": str(n), "package": "clever-notify.audit"})
        ET.SubElement(suite, "properties")
        for case in cases:
            suite.append(case)
        ET.SubElement(suite, "system-out").text = _xml_text(rule.finds)
        ET.SubElement(suite, "system-err")
        total += len(cases)
        failures += int(suite.get("failures"))
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    root.set("time", f"{duration_s:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _unread_suite(result, timestamp: str, hostname: str, duration_s: float):
    """The owners the audit could not read whole, as test cases in error (a report must not look clean for
    what was never checked); None when every owner was read."""
    import xml.etree.ElementTree as ET

    problems = [(owner, f"cannot read the hooks of {owner.label}: {error}") for owner, error in result.unread]
    problems += [(owner, f"{len(items)} {kind.noun if len(items) == 1 else kind.nouns} of {owner.label} could not "
                         "be read (of an unexpected shape); uncovered-app was not checked there")
                 for owner, kind, items in result.malformed]
    if not problems:
        return None
    suite = ET.Element("testsuite", {
        "name": "read", "tests": str(len(problems)), "failures": "0", "errors": str(len(problems)), "skipped": "0",
        "time": f"{duration_s:.3f}", "timestamp": timestamp, "hostname": _xml_text(hostname) or "localhost",
        "id": "0", "package": "clever-notify.audit"})
    ET.SubElement(suite, "properties")
    for owner, text in problems:
        case = ET.SubElement(suite, "testcase", name=_xml_text(owner.label), classname="audit.read", time="0")
        ET.SubElement(case, "error", message=_xml_text(text), type="unreadable").text = _xml_text(text)
    ET.SubElement(suite, "system-out")
    ET.SubElement(suite, "system-err")
    return suite


def _case(rule: ar.Rule, name: str):
    import xml.etree.ElementTree as ET

    return ET.Element("testcase", name=_xml_text(name), classname=f"audit.{rule.id}", time="0")
