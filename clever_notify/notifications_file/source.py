"""Reading a notifications file into plain values, remembering each value's line and its `${VAR}`s.

YAML is composed into a node tree with PyYAML's SafeLoader (never a full loader: a file from a pull request
must not build Python objects), then walked here so that every value keeps the line it came from and a
duplicated key is reported instead of silently overwritten. A `.json` file is read as JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clever_notify.guards.masks import Mask

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 1_000_000  # values written out: the size bound already keeps a file well under this
MAX_REPEATS = 200_000  # values an alias repeats: aliases can multiply a small file (billion laughs)

Path = tuple  # ("owners", "Acme", "webhooks", 1, "events", 0)

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_VARIABLE = re.compile(r"\$(\$|\{([^}]*)\})")
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def format_path(path: Path) -> str:
    """owners.Acme.webhooks[1].events[0]; a key that is not a plain word is quoted: owners["My Org"]."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out or "(top)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where it is."""

    path: Path
    line: int | None
    message: str

    def located(self, file_name: str) -> str:
        from clever_notify.guards.sanitise import for_terminal

        where = f"{file_name}:{self.line}" if self.line else file_name
        return for_terminal(f"{where}: {format_path(self.path)}: {self.message}")

    def masked(self, mask: Mask) -> Problem:
        return Problem(self.path, self.line, mask.text(self.message))


@dataclass
class Document:
    """A file's values, with the line of each value (and of each mapping key) and the variables it used."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    key_lines: dict[Path, int] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)  # name → value, for masking output
    expanded: dict[Path, str] = field(default_factory=dict)  # path → the text as written, for a value with ${…}
    # Found while reading (a key given twice, a variable unset): reported with the rules' problems, not before
    # them, so one run lists every problem of the file.
    problems: list[Problem] = field(default_factory=list)
    unresolved: set[Path] = field(default_factory=set)  # values whose ${VAR} could not be expanded

    def line(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest parent that has one."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found:
                return found
        return None

    def key_line(self, path: Path) -> int | None:
        return self.key_lines.get(path) or self.line(path)

    def mask(self) -> Mask:
        return Mask(self.variables)


class FileProblems(Exception):
    """Raised (and turned into InputError by the caller) when a file cannot be read into values."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def parse(text: str, *, json_file: bool, env: Mapping[str, str]) -> Document:
    """The document in `text`; FileProblems when it is not valid YAML/JSON. A key given twice or an unset
    variable is recorded in `problems` (the caller reports them with the rest)."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise FileProblems([Problem((), None, f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")])
    doc = _parse_json(text) if json_file else _parse_yaml(text)
    doc.data = _expand_all(doc, doc.data, (), env, doc.problems)
    return doc


def _parse_json(text: str) -> Document:
    twice: list[str] = []

    def pairs(items: list) -> dict:
        seen = set()
        for key, _ in items:
            if key in seen:
                twice.append(key)
            seen.add(key)
        return dict(items)

    try:
        data = json.loads(text, object_pairs_hook=pairs)
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
    return Document(data, problems=[Problem((), None, f"key {key!r} given twice") for key in twice])


def _parse_yaml(text: str) -> Document:
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
    """Node tree → plain values, lines recorded per path; duplicate keys and alias bombs reported."""

    def __init__(self, loader, doc: Document):
        self.loader = loader
        self.doc = doc
        self.visited = 0
        self.repeats = 0  # visits of a node already walked: what aliases add
        self.walked: set[int] = set()
        self.problems: list[Problem] = []
        self.stack: set[int] = set()

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
            return self.loader.construct_object(node, deep=True)
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

    def _mapping(self, node, path: Path) -> dict:
        import yaml

        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self._key(key_node, path)
            line = key_node.start_mark.line + 1
            if key in seen:
                self.problems.append(Problem(path + (key,), line,
                                             f"key {key!r} given twice (also on line {seen[key]})"))
            seen.setdefault(key, line)
        self.loader.flatten_mapping(node)  # `<<: *defaults` merges, as safe_load does
        out: dict = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            self.doc.key_lines[path + (key,)] = key_node.start_mark.line + 1
            if key in out:  # a later (overriding) value wins, with its own lines, its children's too
                at = path + (key,)
                for stale in [p for p in self.doc.lines if p[:len(at)] == at]:
                    del self.doc.lines[stale]
            out[key] = self.value(value_node, path + (key,))
        return out

    def _key(self, key_node, path: Path) -> Any:
        import yaml

        if not isinstance(key_node, yaml.ScalarNode):
            raise FileProblems([Problem(path, key_node.start_mark.line + 1, "a key must be a plain value")])
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
    if isinstance(value, list):
        return [_expand_all(doc, v, path + (i,), env, problems) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _expand_all(doc, v, path + (k,), env, problems) for k, v in value.items()}
    return value


def expand(text: str, env: Mapping[str, str], used: dict[str, str], problem) -> str:
    """`${VAR}` replaced by the variable's value; `$$` is a literal `$`. Unset or misspelt → problem(message)."""
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
            used[name] = env[name]
            out.append(env[name])
    rest = text[pos:]
    if unclosed or "${" in rest:
        problem("`${` without a closing `}` (write $$ for a literal $)")
    out.append(rest)
    return "".join(out)
