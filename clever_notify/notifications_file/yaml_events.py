"""The usual notifications file read straight from libyaml's events: no node tree, so a file of 20,000 hooks
is read in a fraction of the time and memory.

A line is recorded only where Document.line would not find it through a parent (most values sit on the line
of their mapping or of their key): the same answers for every path, a third of the entries.

source.py composes a node tree, then walks it (aliases, merge keys, tags, bombs: all handled there). Most
files use none of those: a mapping of plain, untagged values, as `export` writes them. This reader builds
the same values, lines and problems from the event stream, and gives up (answers None, and source.py reads
the file its way) at the first thing outside that subset: an anchor or alias, an explicit tag, a merge key,
a key that is not a plain value, a second document, a root that is not a mapping, a value too many, or any
YAML error (whose message source.py then gives, located).
"""

from __future__ import annotations

from typing import Any

from clever_notify.notifications_file.document import (
    MAX_NODES,
    MAX_NUMBER_CHARS,
    Document,
    LongNumber,
    Path,
    Problem,
    _long_number_problem,
)

_STR = "tag:yaml.org,2002:str"
_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Unusual(Exception):
    """Outside the subset read here: source.py's node walker reads the file."""


def read(text: str) -> Document | None:
    """The document, as source.py's walker would make it; None when the file needs that walker."""
    import yaml

    if not hasattr(yaml, "CSafeLoader"):  # the pure-Python parser: no events worth reading one by one
        return None
    loader = yaml.CSafeLoader(text)
    try:
        if not isinstance(loader.get_event(), yaml.StreamStartEvent):
            return None
        if not isinstance(loader.get_event(), yaml.DocumentStartEvent):
            return None
        if not isinstance(loader.peek_event(), yaml.MappingStartEvent):
            return None
        doc = Document(None)
        events = _Events(loader, doc)
        doc.data = events.value(())
        if not isinstance(loader.get_event(), yaml.DocumentEndEvent):
            return None
        if not isinstance(loader.get_event(), yaml.StreamEndEvent):
            return None  # a second document: source.py refuses it, in its words
        doc.problems.extend(events.problems)
        return doc
    except (_Unusual, yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


class _Events:
    def __init__(self, loader, doc: Document):
        import yaml

        self.loader = loader
        self.doc = doc
        self.lines = doc.lines
        self.problems: list[Problem] = []
        self.visited = 0
        self.resolvers = loader.yaml_implicit_resolvers  # first character → the implicit types it may start
        self.any_start = None in self.resolvers
        self.Scalar, self.MappingStart, self.MappingEnd = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.MappingEndEvent
        self.SequenceStart, self.SequenceEnd = yaml.SequenceStartEvent, yaml.SequenceEndEvent
        self.ScalarNode = yaml.ScalarNode

    def value(self, path: Path, above: int | None = None) -> Any:
        """The value whose events come next, at `path`; `above` is the line its nearest recorded parent is on."""
        event = self.loader.get_event()
        self.visited += 1
        if self.visited > MAX_NODES or event.anchor is not None or getattr(event, "tag", None) is not None:
            raise _Unusual  # too many values, an anchor (aliases may repeat it), an explicit tag
        kind = type(event)
        line = event.start_mark.line + 1
        if line != above:  # a value on its parent's line is found through the parent (Document.line)
            line = self.lines.setdefault(path, line)
        if kind is self.Scalar:
            return self._scalar(event, path)
        if kind is self.SequenceStart:
            out = []
            while type(self.loader.peek_event()) is not self.SequenceEnd:
                out.append(self.value(path + (len(out),), line))
            self.loader.get_event()
            return out
        if kind is self.MappingStart:
            return self._mapping(path, line)
        raise _Unusual  # an alias

    def _tag(self, event) -> str:
        value = event.value
        if not event.implicit[0]:  # quoted: a text, whatever it reads like
            return _STR
        if self.any_start or value == "" or value[0] in self.resolvers:
            return self.loader.resolve(self.ScalarNode, value, event.implicit)
        return _STR

    def _scalar(self, event, path: Path) -> Any:
        tag = self._tag(event)
        if tag == _STR:
            return event.value
        if tag in _NUMBERS and len(event.value) > MAX_NUMBER_CHARS:
            self.problems.append(Problem(path, event.start_mark.line + 1, _long_number_problem(len(event.value))))
            self.doc.unresolved.add(path)
            return LongNumber(len(event.value))
        node = self.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, path: Path, line_of_mapping: int) -> dict:
        out: dict = {}
        seen: dict[str, int] = {}
        key_lines = self.doc.key_lines
        while True:
            event = self.loader.get_event()
            if type(event) is self.MappingEnd:
                return out
            if type(event) is not self.Scalar or event.anchor is not None or event.tag is not None:
                raise _Unusual  # a key that is not a plain value, or is tagged or anchored
            if event.implicit[0] and event.value == "<<" and self._tag(event) != _STR:
                raise _Unusual  # a merge key: source.py resolves merges
            # A key is a name, read as written: `yes:` and `1:` are the texts "yes" and "1" (as source.py reads them).
            key = event.value
            line = event.start_mark.line + 1
            at = path + (key,)
            if key in seen:
                twice = f"key {key!r} given twice (also on line {seen[key]})"
                self.problems.append(Problem(at, line, twice))
                for stale in [p for p in self.lines if p[:len(at)] == at]:  # the later value wins, with its lines
                    del self.lines[stale]
                key_lines.pop(at, None)
            else:
                seen[key] = line
            out[key] = self.value(at, line_of_mapping)
            if self.doc.line(at) != line:  # a key on its value's line is found through the value
                key_lines[at] = line
