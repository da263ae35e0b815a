"""The file's owners and services turned into ids, and each owner's two hook lists read concurrently.

Requests: the API's catalog of events (or of webhook formats) only when the file names one this tool's catalog
lacks; one /v2/summary when an owner or a service is given by name (`self` is read from it then, else from
/v2/self); then the two lists of each owner, read by a bounded pool of threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clever_notify.api.bounded_reads import MAX_READERS, read_each
from clever_notify.errors import InputError, NotFound
from clever_notify.hooks.kinds import KINDS, HookKind
from clever_notify.hooks.plan import OwnerInput, Wanted
from clever_notify.notifications_file.desired import DesiredFile, OwnerSection
from clever_notify.notifications_file.source import Path, Problem
from clever_notify.owners import resolve as owner_ids
from clever_notify.owners import services
from clever_notify.owners.summary import Summary


@dataclass
class Resolved:
    section: OwnerSection
    owner_id: str
    service_names: dict[str, str] = field(default_factory=dict)  # id → name, when the summary was read


def needs_summary(desired: DesiredFile) -> bool:
    names = any(o.key != "self" and not owner_ids.is_owner_id(o.key) for o in desired.owners)
    identities = any(o.owner_name is not None or (o.key == "self" and o.owner_id) for o in desired.owners)
    return names or identities or any(not services.looks_like_id(s) for o in desired.owners
                                      for s in o.services.values())


def check_catalog(client, desired: DesiredFile) -> list[Problem]:
    """The events and formats this tool's catalog lacks, checked against the API's own (an API newer than the
    tool): one request per catalog needed, none when the file names only known ones. Those the API lacks too
    are refused, located; those it lists are answered as warnings, so they are never silently called known."""
    from clever_notify.hooks import catalog

    if not desired.unverified:
        return []
    known: dict[str, set[str]] = {}
    if any(p.catalog == "events" for p in desired.unverified):
        known["events"] = catalog.names_in_api_answer(client.get_events_info())
    if any(p.catalog == "formats" for p in desired.unverified):
        known["formats"] = {f.lower() for f in client.get_webhook_formats() if isinstance(f, str)}
    refused = [p for p in desired.unverified if p.value not in known[p.catalog]]
    if refused:
        raise desired.refuse([Problem(p.path, p.line, f"{p.message} (the API's catalog lacks it too)")
                              for p in refused])
    word = {"events": "event", "formats": "webhook format"}
    return [Problem(p.path, p.line, f"warning: {word[p.catalog]} {p.value} is not in this tool's catalog; "
                                    "the API's lists it") for p in desired.unverified]


def resolve(client, desired: DesiredFile) -> list[Resolved]:
    """Owner keys and services as ids; every name that matches nothing (or several) is a located problem."""
    doc = desired.document
    problems: list[Problem] = []
    summary = Summary.parse(client.get_summary()) if needs_summary(desired) else None
    out: list[Resolved] = []
    seen: dict[str, str] = {}
    for section in desired.owners:
        try:
            owner_id = _owner_id(client, section.key, summary)
        except (InputError, NotFound) as exc:  # an unknown or ambiguous name: the file's mistake
            problems.append(Problem(section.path, section.line, str(exc)))
            continue
        if owner_id in seen:
            problems.append(Problem(section.path, section.line,
                                    f"the same owner as owners.{seen[owner_id]} ({owner_id}): merge the two"))
            continue
        seen[owner_id] = section.key
        wrong = _identity_problem(section, owner_id, summary)
        if wrong:
            problems.append(Problem(section.path, section.line, wrong))
            continue
        names = services.names(summary, owner_id) if summary is not None and summary.knows(owner_id) else {}
        out.append(Resolved(section, owner_id, names))
        first: dict[tuple, str] = {}  # (hook's path, service id) → the service as first written
        found: dict[str, str] = {}  # value → service id: most hooks of an owner name the same few services
        for path, value in section.services.items():
            if value not in found:
                try:  # the typed summary finds an owner by id at once, whatever the number of owners
                    [found[value]] = services.resolve(lambda: summary, owner_id, [value])
                except (InputError, NotFound) as exc:
                    problems.append(Problem(path, doc.line(path), str(exc)))
                    continue
            service_id = found[value]
            seen_as = first.setdefault((path[:-2], service_id), value.strip())
            if seen_as != value.strip():  # a name and an id of one service (a literal repeat was said already)
                desired.warnings.append(Problem(path, doc.line(path), f"warning: the service {value.strip()} is the "
                                                f"one already given as {seen_as} ({service_id}); it is sent once"))
    if problems:
        raise desired.refuse(problems)
    return out


def _owner_id(client, key: str, summary: Summary | None) -> str:
    if key == "self":
        if summary is not None and summary.user_or_none is not None:
            return summary.user_or_none.id
        return owner_ids.self_id(client)
    if owner_ids.is_owner_id(key):
        return key
    return (summary or Summary.parse(client.get_summary())).organisation_id(key)


def _identity_problem(section: OwnerSection, owner_id: str, summary: Summary | None) -> str | None:
    """What makes the owner the key names now another one than the file was written for (its `id:`/`name:`)."""
    found = summary.find(owner_id) if summary is not None else None
    api_name = found.name if found is not None else None
    if section.owner_id is not None and section.owner_id != owner_id:
        if section.key == "self":  # a file exported by one account, run with another's credentials (a CI bot)
            written = _label(section.owner_id, section.owner_name)
            return (f"the file is for the account {written}, but the credentials are for {_label(owner_id, api_name)}:"
                    f" run it with {written}'s credentials, or write that owner's id instead of `self` (the "
                    "credentials must then have access to it)")
        return f"{section.key!r} is {owner_id}, not {section.owner_id} as the file's `id:` says"
    if section.owner_name is not None and summary is not None and section.owner_name != api_name:
        if found is not None and api_name is None:
            return None  # the API gives it no name: nothing to check it against
        if found is None:
            return f"{owner_id} is not among the owners these credentials reach, so its name cannot be checked"
        return (f"{owner_id} is named {api_name!r} at the API, not {section.owner_name!r} as the file's `name:` "
                "says: is the file for this owner? Correct the name if it was renamed")
    return None


def _label(owner_id: str, name: str | None) -> str:
    return f"{name!r} ({owner_id})" if name else owner_id


def wanted_with_scope(resolved: Resolved, summary_of) -> dict[HookKind, list[Wanted]]:
    """The section's hooks with `services` turned into the scope's ids (names were checked by resolve)."""
    out: dict[HookKind, list[Wanted]] = {}
    section = resolved.section
    by_hook: dict[Path, list[tuple[int, str, bool]]] = {}  # hook path → (index, value, kept as held)
    for held, values in ((False, section.services), (True, section.scope_as_held)):
        for p, v in values.items():
            by_hook.setdefault(p[:-2], []).append((p[-1], v, held))
    ids_of: dict[tuple[str, ...], list[str]] = {}  # the names of a scope → their ids: hooks share a few scopes
    for kind, hooks in section.hooks.items():
        out[kind] = []
        for w in hooks:
            entries = sorted(by_hook.get(w.where, ()))
            if not entries and "scope" in w.fields and w.fields["scope"] is None:
                out[kind].append(w)  # no service named: the hook as read, its scope already "all"
                continue
            scope = None
            if entries:
                names = tuple(v for _, v, held in entries if not held)
                if names not in ids_of:
                    ids_of[names] = services.resolve(summary_of, resolved.owner_id, list(names)) if names else []
                resolved_names = ids_of[names]
                scope = _dedupe(resolved_names + [v for _, v, held in entries if held])
            out[kind].append(Wanted(w.kind, w.name, w.id, {**w.fields, "scope": scope}, w.where))
    return out


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def read_hooks(client, owner_ids_: list[str], workers: int = MAX_READERS) -> dict[str, dict[HookKind, list[dict]]]:
    """owner id → kind → hooks, both lists of every owner, at most `workers` requests at a time.

    Every list is read even when one fails; then the first failure in the file's order is raised."""
    jobs = [(o, k) for o in owner_ids_ for k in KINDS]
    outcomes = read_each(jobs, lambda job: client.list_hooks(job[1], job[0]), max_workers=workers)
    out: dict[str, dict[HookKind, list[dict]]] = {o: {} for o in owner_ids_}
    for (o, k), outcome in zip(jobs, outcomes, strict=True):
        if outcome.error is not None:
            raise outcome.error
        out[o][k] = outcome.value
    return out


def owner_inputs(client, desired: DesiredFile, workers: int = MAX_READERS) -> tuple[list[OwnerInput], list[Resolved]]:
    desired.warnings.extend(check_catalog(client, desired))
    resolved = resolve(client, desired)
    actual = read_hooks(client, [r.owner_id for r in resolved], workers)
    parsed: list[Summary] = []

    def summary_of() -> Summary:  # read (and parsed) only when a service is named, and then once
        if not parsed:
            parsed.append(Summary.parse(client.get_summary()))
        return parsed[0]

    inputs = [OwnerInput(r.section.key, r.owner_id, wanted_with_scope(r, summary_of), actual[r.owner_id])
              for r in resolved]
    return inputs, resolved
