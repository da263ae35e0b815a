"""Reading a notifications file into plain values, remembering each value's line and its `${VAR}`s.

YAML is composed into a node tree with PyYAML's SafeLoader (never a full loader: a file from a pull request
must not build Python objects), then walked here so that every value keeps the line it came from and a
duplicated key is reported instead of silently overwritten. A `.json` file is read as JSON.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Mapping
from contextlib import contextmanager
from typing import Any

from clever_notify.notifications_file.document import (  # noqa: F401 (names other modules take from here)
    MAX_FILE_BYTES,
    MAX_NODES,
    MAX_NUMBER_CHARS,
    MAX_REPEATS,
    Document,
    FileProblems,
    LongNumber,
    Path,
    Problem,
    _long_number_problem,
    format_path,
)

_VARIABLE = re.compile(r"\$(\$|\{([^}]*)\})")
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse(text: str, *, json_file: bool, env: Mapping[str, str]) -> Document:
    """The document in `text`; FileProblems when it is not valid YAML/JSON. A key given twice or an unset
    variable is recorded in `problems` (the caller reports them with the rest)."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise FileProblems([Problem((), None, f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")])
    with collector_paused():
        doc, dollars = (_parse_json(text), None) if json_file else _read_yaml(text)
        if _may_hold_variables(text):  # else the walk would change nothing, and visit every list and mapping
            if dollars is None:
                doc.data = _expand_all(doc, doc.data, (), env, doc.problems)
            else:  # the texts with a `$`, in the walk's order: only they are expanded
                for path in dollars:
                    _expand_in_place(doc, path, env)
    return doc


def _expand_in_place(doc: Document, path: Path, env: Mapping[str, str]) -> None:
    """The text at `path` as the walk would expand it (the same problems, variables and `expanded`), in its list
    or mapping: doc.data is read from the file just now and held by nothing else."""
    parent = doc.data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = _expand_all(doc, parent[path[-1]], path, env, doc.problems)


@contextmanager
def collector_paused():
    """The cyclic garbage collector paused while many values are built (a file's, then its owners' lists and the
    plan: operations.notifications): a file of 20,000 hooks is hundreds of thousands of lists, mappings and paths,
    none of them garbage, and each burst of them would make it walk them all again (a fifth of the reading, half
    of a plan). A cycle left meanwhile (none is made here) waits for the next collection; it runs again, as it
    was, afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _may_hold_variables(text: str) -> bool:
    """False when no value read from `text` can hold a `$`: the text has none, nor an escape that writes one
    (YAML's and JSON's \\x24, \\u0024, \\U00000024 all start with a backslash)."""
    return "$" in text or "\\" in text


def _parse_json(text: str) -> Document:
    twice: list[str] = []

    def pairs(items: list) -> dict:
        seen = set()
        for key, _ in items:
            if key in seen:
                twice.append(key)
            seen.add(key)
        return dict(items)

    def bounded(read):
        # The tool's bound first: int() never meets the interpreter's (or none, on an older Python).
        return lambda text: LongNumber(len(text)) if len(text) > MAX_NUMBER_CHARS else read(text)

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_int=bounded(int), parse_float=bounded(float))
    except json.JSONDecodeError as exc:
        raise FileProblems([Problem((), exc.lineno, f"not valid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise FileProblems([Problem((), None, "not valid JSON: nested too deeply")]) from None
    try:
        located = _parse_yaml(text)  # JSON is YAML's flow style: composing it again gives the lines
    except FileProblems:
        located = None
    if located is not None and located.data == data:
        return located
    # json.loads keeps the last of two equal keys silently: without YAML's lines, still say so.
    doc = Document(data, problems=[Problem((), None, f"key {key!r} given twice") for key in twice])
    _note_long_numbers(doc, data, ())
    return doc


def _note_long_numbers(doc: Document, value: Any, path: Path) -> None:
    if isinstance(value, LongNumber):
        doc.problems.append(Problem(path, None, _long_number_problem(value.chars)))
        doc.unresolved.add(path)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _note_long_numbers(doc, item, path + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            _note_long_numbers(doc, item, path + (key,))


def _parse_yaml(text: str) -> Document:
    return _read_yaml(text)[0]


def _read_yaml(text: str) -> tuple[Document, list[Path] | None]:
    """The document, and the paths of its texts with a `$` when the event reader knows them (None: walk them all)."""
    from clever_notify.notifications_file import yaml_events

    usual = yaml_events.read_noting_dollars(text)  # the usual file (no alias, tag or merge) without a node tree
    return usual if usual is not None else (_walk_nodes(text), None)


def _walk_nodes(text: str) -> Document:
    import yaml

    # libyaml's parser when PyYAML has it (ten times faster on a large file), the same safe constructor either way
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        doc = Document(None)
        if node is not None:
            walker = _Walker(loader, doc)
            doc.data = walker.value(node, ())
            doc.problems.extend(walker.problems)
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(filter(None, [exc.context, exc.problem]))
        raise FileProblems([Problem((), line, f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        raise FileProblems([Problem((), None, f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise FileProblems([Problem((), None, "not valid YAML: nested too deeply")]) from None
    finally:
        loader.dispose()


class _Walker:
    """Node tree → plain values, lines recorded per path; duplicate keys, alias bombs and long numbers reported.

    Merge keys (`<<: *defaults`) are resolved here, not by PyYAML's flatten_mapping: 6.0.0-6.0.3 copy every
    merged pair again at each level, so a 1 KB file of nested merges exhausts memory. Here each mapping's
    merged keys are worked out once (memoised) and each key kept once, so the work is bounded by the file's
    size whatever PyYAML version is installed."""

    def __init__(self, loader, doc: Document):
        self.loader = loader
        self.doc = doc
        self.visited = 0
        self.repeats = 0  # visits of a node already walked: what aliases add
        self.walked: set[int] = set()
        self.problems: list[Problem] = []
        self.stack: set[int] = set()
        self.merged: dict[int, list] = {}  # id(mapping node) → its (key, key node, value node), merges resolved
        self.merging: set[int] = set()
        self.merge_work = 0

    def value(self, node, path: Path) -> Any:
        import yaml

        self.visited += 1
        if id(node) in self.walked:
            self.repeats += 1
            if self.repeats > MAX_REPEATS:
                raise FileProblems([Problem((), None, f"aliases (*name) repeat more than {MAX_REPEATS} values")])
        else:
            self.walked.add(id(node))
        if self.visited > MAX_NODES:
            raise FileProblems([Problem((), None, f"the file holds more than {MAX_NODES} values")])
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if node.tag not in (_SEQ_TAG, _MAP_TAG):  # !!python/… and friends: refused, as safe_load refuses them
            raise yaml.constructor.ConstructorError(None, None, f"could not determine a constructor for the tag "
                                                                f"{node.tag!r}", node.start_mark)
        if id(node) in self.stack:
            raise FileProblems([Problem(path, node.start_mark.line + 1, "a value contains itself (recursive alias)")])
        self.stack.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.value(child, path + (i,)) for i, child in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self.stack.discard(id(node))

    def _scalar(self, node, path: Path) -> Any:
        if node.tag in (_INT_TAG, _FLOAT_TAG) and len(node.value) > MAX_NUMBER_CHARS:
            self.problems.append(Problem(path, node.start_mark.line + 1, _long_number_problem(len(node.value))))
            self.doc.unresolved.add(path)  # its own problem says it all: the rules' would only repeat it
            return LongNumber(len(node.value))
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node, path: Path) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self._key(key_node, path)
            line = key_node.start_mark.line + 1
            if key in seen:
                self.problems.append(Problem(path + (key,), line,
                                             f"key {key!r} given twice (also on line {seen[key]})"))
            seen.setdefault(key, line)
        out: dict = {}
        for key, key_node, value_node in self._pairs(node, path):
            self.doc.key_lines[path + (key,)] = key_node.start_mark.line + 1
            if key in out:  # a later (overriding) value wins, with its own lines, its children's too
                at = path + (key,)
                for stale in [p for p in self.doc.lines if p[:len(at)] == at]:
                    del self.doc.lines[stale]
            out[key] = self.value(value_node, path + (key,))
        return out

    def _pairs(self, node, path: Path) -> list:
        """The mapping's pairs with `<<` merges resolved as YAML says: a key of the mapping itself wins over a
        merged one, and of several mappings merged, the first that has a key gives it. Merged pairs come
        first, then the mapping's own (in order), so the walk's "later wins" keeps the mapping's own value."""
        import yaml

        cached = self.merged.get(id(node))
        if cached is not None:
            return cached
        if id(node) in self.merging:
            raise FileProblems([Problem(path, node.start_mark.line + 1, "a mapping merges itself (recursive `<<`)")])
        self.merging.add(id(node))
        try:
            own, sources = [], []
            for key_node, value_node in node.value:
                if key_node.tag != _MERGE_TAG:
                    own.append((self._key(key_node, path), key_node, value_node))
                    continue
                merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in merged:
                    if not isinstance(source, yaml.MappingNode) or source.tag != _MAP_TAG:
                        raise FileProblems([Problem(path, source.start_mark.line + 1,
                                                    "`<<` merges a mapping or a list of mappings only")])
                    sources.append(source)
            own_keys = {key for key, _, _ in own}
            taken: set = set()
            inherited = []
            for source in sources:
                for key, key_node, value_node in self._pairs(source, path):
                    self.merge_work += 1
                    if self.merge_work > MAX_NODES:
                        raise FileProblems([Problem((), None, f"merges (`<<`) copy more than {MAX_NODES} keys")])
                    if key not in own_keys and key not in taken:
                        taken.add(key)
                        inherited.append((key, key_node, value_node))
            pairs = inherited + own
        finally:
            self.merging.discard(id(node))
        self.merged[id(node)] = pairs
        return pairs

    def _key(self, key_node, path: Path) -> Any:
        import yaml

        if not isinstance(key_node, yaml.ScalarNode):
            raise FileProblems([Problem(path, key_node.start_mark.line + 1, "a key must be a plain value")])
        if key_node.tag in (_INT_TAG, _FLOAT_TAG, _VALUE_TAG):
            return str(key_node.value)  # a name, read as written (never turned into a number first)
        key = self.loader.construct_object(key_node, deep=True)
        # `yes:`/`1:` are booleans and numbers in YAML; keys here are names, so they are read as written.
        return key if isinstance(key, str) else str(key_node.value)


def _expand_all(doc: Document, value: Any, path: Path, env: Mapping[str, str], problems: list[Problem]) -> Any:
    if isinstance(value, str):
        if "$" not in value:
            return value
        def problem(message: str) -> None:
            problems.append(Problem(path, doc.line(path), message))
            doc.unresolved.add(path)

        expanded = expand(value, env, doc.variables, problem)
        if expanded != value:
            doc.expanded[path] = value
        return expanded
    # A list or mapping is copied only where a value in it changed: a file of 20,000 hooks without `$` is not
    # built twice.
    if isinstance(value, (list, dict)):
        changed = None
        for k, v in enumerate(value) if isinstance(value, list) else value.items():
            if isinstance(v, (list, dict)) or (isinstance(v, str) and "$" in v):
                new = _expand_all(doc, v, path + (k,), env, problems)
                if new is not v:
                    changed = changed if changed is not None else type(value)(value)
                    changed[k] = new
        return value if changed is None else changed
    return value


def expand(text: str, env: Mapping[str, str], used: dict[str, str], problem) -> str:
    """`${VAR}` replaced by the variable's value without surrounding whitespace; `$$` is a literal `$`. Unset or
    misspelt → problem(message)."""
    out, pos = [], 0
    unclosed = False
    for match in _VARIABLE.finditer(text):
        out.append(text[pos:match.start()])
        unclosed = unclosed or "${" in out[-1]
        pos = match.end()
        if match.group(1) == "$":
            out.append("$")
            continue
        name = match.group(2)
        if not _VARIABLE_NAME.match(name):
            problem(f"${{{name}}} is not a variable name (letters, digits and _; write $$ for a literal $)")
        elif name not in env:
            problem(f"the environment variable {name} is not set")
        else:
            used[name] = env[name]  # as set: the mask and a saved plan's digest read the value itself
            # Whitespace around a value is how it was set (`echo` adds a newline, a Windows editor \r\n), never
            # part of a URL or a name: it is dropped. Whitespace written in the file itself is kept as written.
            out.append(env[name].strip())
    rest = text[pos:]
    if unclosed or "${" in rest:
        problem("`${` without a closing `}` (write $$ for a literal $)")
    out.append(rest)
    return "".join(out)
