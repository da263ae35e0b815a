"""The usual notifications file read straight from libyaml's events: no node tree, so a file of 20,000 hooks
is read in a fraction of the time and memory.

No line is recorded while the file is read: most runs ask for none (a file without a problem or a warning), and
recording them was a fifth of the reading and a sixth of its memory. The first time a line is asked, the text is
read once more, recording them (Document.find_lines). A line is recorded only where Document.line would not find
it through a parent (most values sit on the line of their mapping or of their key): the same answers for every
path, a third of the entries.

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


class _KeyTwice(Exception):
    """A key given twice, met by a reading that records no lines: its problem needs them."""


def read(text: str) -> Document | None:
    """The document, as source.py's walker would make it; None when the file needs that walker."""
    read = read_noting_dollars(text)
    return None if read is None else read[0]


def read_noting_dollars(text: str) -> tuple[Document, list[Path] | None] | None:
    """read(text), and the paths of the texts that hold a `$`, in the order of the file: the values a walk for
    variables would stop at, in its order. None instead of the paths when a key is given twice (the walk meets the
    later value where the first was)."""
    try:
        read = _read(text, record_lines=False)
    except _KeyTwice:  # a mistake of the file, reported at its lines: read again, recording them
        return _read(text, record_lines=True)
    if read is not None:
        read[0].find_lines = lambda: _lines_of(text)
    return read


def _lines_of(text: str) -> tuple[dict[Path, int], dict[Path, int]]:
    """The lines a reading of `text` records (Document.lines and key_lines)."""
    read = _read(text, record_lines=True)
    assert read is not None, "a text read once is read again"  # the same text, the same events
    return read[0].lines, read[0].key_lines


def _read(text: str, *, record_lines: bool) -> tuple[Document, list[Path] | None] | None:
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
        events = _Events(loader, doc, record_lines)
        doc.data = events.value(loader.get_event(), (), None)
        if not isinstance(loader.get_event(), yaml.DocumentEndEvent):
            return None
        if not isinstance(loader.get_event(), yaml.StreamEndEvent):
            return None  # a second document: source.py refuses it, in its words
        doc.problems.extend(events.problems)
        return doc, None if events.repeated else events.dollars
    except (_Unusual, yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


class _Events:
    """One pass over the events. The loops of a mapping and of a list read a value that is a text themselves
    (most values of a file are): a call for each would cost more than reading it."""

    def __init__(self, loader, doc: Document, record_lines: bool):
        import yaml

        self.record = record_lines  # without: a key given twice is _KeyTwice (its problem needs them)
        self.loader = loader
        self.next_event = loader.get_event
        self.doc = doc
        self.lines = doc.lines
        self.key_lines = doc.key_lines
        self.problems: list[Problem] = []
        self.visited = 0
        self.dollars: list[Path] = []  # the texts holding a `$`, by path
        self.repeated = False  # a key given twice
        resolvers = loader.yaml_implicit_resolvers  # first character → the implicit types it may start
        # A plain value starting with none of these is a text, resolve() need not be asked ("" may be null).
        self.typed_starts = None if None in resolvers else frozenset(resolvers) | {""}
        self.Scalar, self.MappingStart, self.MappingEnd = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.MappingEndEvent
        self.SequenceStart, self.SequenceEnd = yaml.SequenceStartEvent, yaml.SequenceEndEvent
        self.ScalarNode = yaml.ScalarNode

    def value(self, event, path: Path, above: int | None) -> Any:
        """The value that `event` starts, at `path`; `above` is the line its parent starts on."""
        self.visited += 1
        kind = type(event)
        if kind is not self.Scalar and kind is not self.MappingStart and kind is not self.SequenceStart:
            raise _Unusual  # an alias
        if self.visited > MAX_NODES or event.anchor is not None or event.tag is not None:
            raise _Unusual  # too many values, an anchor (aliases may repeat it), an explicit tag
        line = None
        if self.record:
            line = event.start_mark.line + 1
            if line != above:  # a value on its parent's line is found through the parent (Document.line)
                line = self.lines.setdefault(path, line)
        if kind is self.Scalar:
            return self._scalar(event, path)
        if kind is self.SequenceStart:
            return self._sequence(path, line)
        return self._mapping(path, line)

    def _sequence(self, path: Path, line: int | None) -> list:
        out: list = []
        lines, next_event, end, record = self.lines, self.next_event, self.SequenceEnd, self.record
        scalar, typed_starts, mapping_start = self.Scalar, self.typed_starts, self.MappingStart
        while True:
            event = next_event()
            if type(event) is end:
                return out
            if type(event) is scalar and event.anchor is None and event.tag is None \
                    and (not event.implicit[0] or (typed_starts is not None and event.value[:1] not in typed_starts)):
                # A text by its quotes or first character: self.value's answer, without the call.
                self.visited += 1
                if self.visited > MAX_NODES:
                    raise _Unusual
                if record:
                    item_line = event.start_mark.line + 1
                    if item_line != line:
                        lines.setdefault(path + (len(out),), item_line)
                if "$" in event.value:
                    self.dollars.append(path + (len(out),))
                out.append(event.value)
            elif type(event) is mapping_start and event.anchor is None and event.tag is None:
                # A mapping (a hook, a URL's entry): self.value's answer, without the call.
                self.visited += 1
                if self.visited > MAX_NODES:
                    raise _Unusual
                at = path + (len(out),)
                item_line = None
                if record:
                    item_line = event.start_mark.line + 1
                    if item_line != line:
                        lines.setdefault(at, item_line)
                out.append(self._mapping(at, item_line))
            else:
                out.append(self.value(event, path + (len(out),), line))

    def _tag(self, event) -> str:
        if not event.implicit[0]:  # quoted: a text, whatever it reads like
            return _STR
        value = event.value
        if self.typed_starts is not None and value[:1] not in self.typed_starts:
            return _STR
        return self.loader.resolve(self.ScalarNode, value, event.implicit)

    def _scalar(self, event, path: Path) -> Any:
        tag = self._tag(event)
        if tag == _STR:
            if "$" in event.value:
                self.dollars.append(path)
            return event.value
        if tag in _NUMBERS and len(event.value) > MAX_NUMBER_CHARS:
            self.problems.append(Problem(path, event.start_mark.line + 1, _long_number_problem(len(event.value))))
            self.doc.unresolved.add(path)
            return LongNumber(len(event.value))
        node = self.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        value = self.loader.construct_object(node, deep=True)
        if isinstance(value, str) and "$" in value:  # (no other tag makes a text; noted if one ever does)
            self.dollars.append(path)
        return value

    def _mapping(self, path: Path, line_of_mapping: int | None) -> dict:
        out: dict = {}
        firsts: dict[str, int] = {}  # the first line of a key given twice
        lines, key_lines, next_event, record = self.lines, self.key_lines, self.next_event, self.record
        scalar, end, typed_starts = self.Scalar, self.MappingEnd, self.typed_starts
        while True:
            event = next_event()
            if type(event) is end:
                return out
            if type(event) is not scalar or event.anchor is not None or event.tag is not None:
                raise _Unusual  # a key that is not a plain value, or is tagged or anchored
            # A key is a name, read as written: `yes:` and `1:` are the texts "yes" and "1" (as source.py reads them).
            key = event.value
            if key == "<<" and self._tag(event) != _STR:
                raise _Unusual  # a merge key: source.py resolves merges
            if record:
                line = event.start_mark.line + 1
            if key in out:
                if not record:
                    raise _KeyTwice
                at = path + (key,)
                self.repeated = True
                first = firsts.setdefault(key, self.doc.key_line(at))  # (before its lines go: the first ones)
                self.problems.append(Problem(at, line, f"key {key!r} given twice (also on line {first})"))
                for stale in [p for p in lines if p[:len(at)] == at]:  # the later value wins, with its lines
                    del lines[stale]
                key_lines.pop(at, None)
            event = next_event()
            if type(event) is scalar and event.anchor is None and event.tag is None \
                    and (not event.implicit[0] or (typed_starts is not None and event.value[:1] not in typed_starts)):
                # A text (self.value's answer, without the call): counted, and its line kept when not its mapping's.
                self.visited += 1
                if self.visited > MAX_NODES:
                    raise _Unusual
                if record:
                    value_line = event.start_mark.line + 1
                    if value_line != line_of_mapping:
                        lines.setdefault(path + (key,), value_line)
                    if value_line != line:  # (see below)
                        key_lines[path + (key,)] = line
                if "$" in event.value:
                    self.dollars.append(path + (key,))
                out[key] = event.value
            elif not record:
                out[key] = self.value(event, path + (key,), None)
            else:
                at = path + (key,)
                value_line = event.start_mark.line + 1
                out[key] = self.value(event, at, line_of_mapping)
                # Document.line finds the value on the line it starts on (recorded there, or its mapping's): a key
                # on that line is found through its value, with no lookup up the path.
                if value_line != line:
                    key_lines[at] = line
