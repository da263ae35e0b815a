"""A notifications file read into values: the values, the line of each, the variables used, the problems found.

Shared by both readers (source.py's node walker and yaml_events.py's event reader) and by everything that reports
a problem at its line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clever_notify.guards.masks import Mask

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 1_000_000  # values written out: the size bound already keeps a file well under this
MAX_REPEATS = 200_000  # values an alias repeats: aliases can multiply a small file (billion laughs)
# A number is at most this many characters. The file's only number is `version: 1`; the bound is the tool's
# own, not the interpreter's (Python 3.11 refuses ints over 4,300 digits with a ValueError, 3.10.0-3.10.6 reads
# any, slowly) nor PyYAML's (a YAML 1.1 int may be written `1:2:3:…`, one bignum product per part).
MAX_NUMBER_CHARS = 100

Path = tuple  # ("owners", "Acme", "webhooks", 1, "events", 0)

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


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
class LongNumber:
    """A number written with more than MAX_NUMBER_CHARS characters, kept unread: its problem is recorded."""

    chars: int

    def __repr__(self) -> str:
        return f"a number of {self.chars} characters"


def _long_number_problem(chars: int) -> str:
    return f"a number of {chars} characters: numbers here have at most {MAX_NUMBER_CHARS}"


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


class Document:
    """A file's values, with the line of each value (and of each mapping key) and the variables it used.

    The lines are recorded while reading, or, for a file read without them (yaml_events: most runs ask for none,
    a file without a problem or a warning), found by `find_lines` the first time one is asked."""

    def __init__(self, data: Any, lines: dict[Path, int] | None = None, key_lines: dict[Path, int] | None = None,
                 *, problems: list[Problem] | None = None,
                 find_lines: Callable[[], tuple[dict[Path, int], dict[Path, int]]] | None = None):
        self.data = data
        self._lines = {} if lines is None else lines
        self._key_lines = {} if key_lines is None else key_lines
        self.find_lines = find_lines
        self.variables: dict[str, str] = {}  # name → value, for masking output
        self.expanded: dict[Path, str] = {}  # path → the text as written, for a value with ${…}
        # Found while reading (a key given twice, a variable unset): reported with the rules' problems, not before
        # them, so one run lists every problem of the file.
        self.problems: list[Problem] = [] if problems is None else problems
        self.unresolved: set[Path] = set()  # values whose ${VAR} could not be expanded

    def __repr__(self) -> str:
        return f"Document({self.data!r}, problems={self.problems!r})"

    @property
    def lines(self) -> dict[Path, int]:
        """path → the line of its value, where a parent's would not say it."""
        if self.find_lines is not None:
            self._found_lines()
        return self._lines

    @property
    def key_lines(self) -> dict[Path, int]:
        """path → the line of its key, where its value's would not say it."""
        if self.find_lines is not None:
            self._found_lines()
        return self._key_lines

    def _found_lines(self) -> None:
        find, self.find_lines = self.find_lines, None
        self._lines, self._key_lines = find()

    def line(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest parent that has one."""
        lines = self.lines
        for end in range(len(path), -1, -1):
            found = lines.get(path[:end])
            if found:
                return found
        return None

    def key_line(self, path: Path) -> int | None:
        return self.key_lines.get(path) or self.line(path)

    def mask(self) -> Mask:
        """One Mask per document (its forms are worked out once): the variables do not change once read."""
        cached = self.__dict__.get("_mask")
        if cached is None or cached.variables != {k: v for k, v in self.variables.items() if v and v.strip()}:
            cached = self.__dict__["_mask"] = Mask(self.variables)
        return cached


class FileProblems(Exception):
    """Raised (and turned into InputError by the caller) when a file cannot be read into values."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
