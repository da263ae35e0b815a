"""Text from the API, a receiver or a local file, made safe for a terminal; JSON made safe for one too.

What never reaches a terminal raw: C0 and C1 controls and DEL (escape sequences start with ESC or
a C1 CSI/OSC), Unicode format characters (bidi embeddings, overrides and isolates U+202A–202E,
U+2066–2069, the marks U+200E/200F/061C, zero-width spaces, BOM, tag characters…), lone surrogates
and the line/paragraph separators U+2028/2029. They are shown as visible escapes (`\\x1b`, `\\u202e`),
so a reader sees that something was there. Tabs stay; line feeds stay only in multi-line text.
The zero-width joiners U+200C/200D stay: scripts and emoji sequences need them, and they move nothing.

Three layers use the one predicate below: `for_terminal` for values put into a line, `json_for_terminal`
for `-F json`/`--json`, and `guarded_streams`, which makes stdout/stderr of a command escape the same
characters whatever printed them (a forgotten path cannot write an escape sequence).
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SAFE_ANYWAY = frozenset("\t\u200c\u200d")


def is_unsafe(ch: str, *, keep_newlines: bool = False) -> bool:
    if ch in _SAFE_ANYWAY or (keep_newlines and ch == "\n"):
        return False
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _plainly_safe(text: str, keep_newlines: bool) -> bool:
    """True when no character needs a look of its own (str methods only: a listing of thousands of hooks
    is one write, and a per-character loop over it would show)."""
    if text.isprintable():
        return True
    stripped = text.replace("\t", "")
    if keep_newlines:
        stripped = stripped.replace("\n", "")
    return stripped.isprintable()


def for_terminal(value: Any, *, keep_newlines: bool = False) -> str:
    """`value` as text with every unsafe character escaped; one line unless `keep_newlines`."""
    text = value if isinstance(value, str) else str(value)
    if _plainly_safe(text, keep_newlines):  # the usual case, checked at C speed
        return text
    if keep_newlines:  # only the lines that hold something go character by character
        return "\n".join(for_terminal(line) for line in text.split("\n"))
    return "".join(_escape(ch) if is_unsafe(ch) else ch for ch in text)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code > 0xFFFF:  # JSON spells astral characters as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


class NotRepresentable(ValueError):
    """A value JSON has no spelling for (NaN, Infinity)."""


def json_for_terminal(value: Any, *, indent: int | None = 2) -> str:
    """Valid JSON (no NaN/Infinity) in which every unsafe character of a string is a \\u escape.

    json.dumps already escapes C0 controls inside strings; DEL, C1 and format characters it leaves
    raw with ensure_ascii=False. Raw line feeds of the output are the indentation's own.
    """
    try:
        text = json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise NotRepresentable("NaN or Infinity, which JSON cannot represent") from None
    if _plainly_safe(text, keep_newlines=True):
        return text
    return "\n".join(line if _plainly_safe(line, False) else
                     "".join(_json_escape(ch) if is_unsafe(ch) else ch for ch in line) for line in text.split("\n"))


# --- strict JSON reading: what the API or a file sends is refused rather than turned into NaN ---------


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e999 parses as inf
        raise ValueError(f"{text} is out of range")
    return number


MAX_INT_DIGITS = 1000  # the tool's own bound, whatever the interpreter's (4,300 digits in 3.11, none before)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a number of {len(text.lstrip('-'))} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def strict_loads(text: str | bytes) -> Any:
    """json.loads that refuses NaN, Infinity, numbers out of float range and integers of more than
    MAX_INT_DIGITS digits (ValueError), and nesting deeper than the interpreter can follow (ValueError
    instead of RecursionError)."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except RecursionError:
        raise ValueError("nested too deeply") from None


# --- the streams of a command -----------------------------------------------------------------------


_OUTPUT_MASKS: list = []  # callables text → text, applied to whatever a guarded stream writes


def hide_in_output(mask) -> None:
    """While the command runs, `mask` (text → text, e.g. a notifications file's Mask.text) is applied to every
    write to stdout and stderr, before the characters are escaped: a value read from `${VAR}` is then hidden
    in whatever prints it (plan, JSON, dry run, -v log, notes, errors), however it is spelled or cut."""
    if mask not in _OUTPUT_MASKS:
        _OUTPUT_MASKS.append(mask)


class _GuardedStream:
    """A text stream that escapes unsafe characters on their way to the real stream.

    Characters are judged one by one, so an escape sequence split over several writes is still caught.
    Exposes no `buffer`, so nothing (click included) can go round it with bytes.
    """

    def __init__(self, stream):
        self._stream = stream

    def write(self, text) -> int:
        size = len(text)
        if isinstance(text, (bytes, bytearray)):  # click writes shell completions as bytes
            text = bytes(text).decode("utf-8", "replace")
        for mask in _OUTPUT_MASKS:
            text = mask(text)
        safe = for_terminal(text, keep_newlines=True)
        try:
            self._stream.write(safe)
        except UnicodeEncodeError:  # a terminal that cannot show some character: show its escape
            encoding = getattr(self._stream, "encoding", None) or "ascii"
            self._stream.write(safe.encode(encoding, "backslashreplace").decode(encoding))
        return size

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    @property
    def unguarded(self):
        """The real stream, for a writer that has already escaped its text and adds its own styling."""
        return self._stream

    @property
    def encoding(self):
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def errors(self):
        return getattr(self._stream, "errors", None)

    def __getattr__(self, name):  # flush, isatty, fileno, closed, close…
        if name == "buffer":
            raise AttributeError(name)
        return getattr(self._stream, name)


def unguarded(stream):
    return getattr(stream, "unguarded", stream)


@contextlib.contextmanager
def guarded_streams() -> Iterator[None]:
    """While a command runs, whatever it prints to stdout/stderr goes through the sanitiser."""
    saved = sys.stdout, sys.stderr
    saved_masks = list(_OUTPUT_MASKS)
    if sys.stdout is not None and not isinstance(sys.stdout, _GuardedStream):
        sys.stdout = _GuardedStream(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, _GuardedStream):
        sys.stderr = _GuardedStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        _OUTPUT_MASKS[:] = saved_masks
