"""The values of secrets (a notifications file's `${VAR}`s) replaced by their names in anything shown.

A value is masked in every form the tool or the API may print it in, not only as the environment holds it:
stripped of surrounding whitespace (a trailing newline from `echo`, `\\r\\n` from a Windows-edited secret, a
leading space, a tab: the tool checks and sends the stripped URL), with inner whitespace collapsed (as API
messages are quoted), JSON-escaped, as Python's `!r` and the terminal's escapes spell it, percent-encoded,
and cut: a message cut at N characters that ends (or reaches a `…`) inside a value is masked from where the
value starts. For a URL, a cut that stops within `scheme://host/` shows nothing secret and is left alone
(plan shows the URL a variable replaces as `https://host/…` on purpose); with a `user:password@` part, any
cut past `scheme://` is masked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

SHORT_VALUE = 4  # a variable's value shorter than this is masked only where it is the whole value
MIN_CUT = 8  # a cut of a value that is not a URL is masked from this many characters on
# Characters a URL may hold as they are: percent-encoding with these kept only escapes what is not (`\n` → %0A).
_URL_CHARS = ":/?#[]@!$&'()*+,;=%~"
_CUT_ENDS = re.compile(r"\n|\r|…|\.\.\.")
_WORD = re.compile(r"[A-Za-z0-9]{3,}")


def _escapes() -> list[Callable[[str], str]]:
    from clever_notify.guards.sanitise import for_terminal

    return [
        lambda s: s,
        lambda s: json.dumps(s)[1:-1],
        lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
        lambda s: repr(s)[1:-1],
        for_terminal,
        lambda s: quote(s, safe=""),
        lambda s: quote(s),
        lambda s: quote(s, safe=_URL_CHARS),
        quote_plus,
    ]


def _safe_prefix(value: str) -> str:
    """The start of `value` that holds no secret when a cut stops within it: `scheme://host/` of a URL
    without userinfo, `scheme://` of one with; nothing otherwise."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if not parts.scheme or not parts.netloc or not value.startswith(f"{parts.scheme}://"):
        return ""
    if "@" in parts.netloc:
        return f"{parts.scheme}://"
    return f"{parts.scheme}://{parts.netloc}/"


class _Form:
    __slots__ = ("safe", "text", "var")

    def __init__(self, text: str, var: str, safe: int):
        self.text, self.var, self.safe = text, var, safe


class Mask:
    """Replaces the values of the file's variables by `${NAME}` in anything shown: the file's values and the
    API's (a URL the API holds may be the very secret the variable carries)."""

    def __init__(self, variables: dict[str, str], *, label: str | None = None):
        """`label`: what every value is replaced by (the credentials' `<hidden>`); else `${NAME}`."""
        self.variables = {k: v for k, v in variables.items() if isinstance(v, str) and v.strip()}
        forms: dict[str, _Form] = {}
        self.whole: dict[str, str] = {}  # a short value: masked only where it is the whole text
        self.words: list[tuple[str, list[_Form]]] = []  # (a word every form of the value holds, its forms)
        escapes = _escapes()
        for name, value in sorted(self.variables.items()):
            var = label if label is not None else f"${{{name}}}"
            own: list[_Form] = []
            bases = {value, value.strip(), value.lstrip(), value.rstrip(), " ".join(value.split())}
            for base in bases:
                if not base:
                    continue
                self.whole.setdefault(base, var)
                if len(base.strip()) < SHORT_VALUE:
                    continue
                safe = _safe_prefix(base.strip())
                lead = base[:len(base) - len(base.lstrip())]
                for escape in escapes:
                    try:
                        text = escape(base)
                        safe_len = len(escape(lead + safe)) if safe else MIN_CUT - 1
                    except UnicodeEncodeError:  # a lone surrogate has no percent-encoding
                        continue
                    if text and text not in forms:
                        forms[text] = _Form(text, var, safe_len)
                        own.append(forms[text])
            word = max(_WORD.findall(value), key=len, default="")
            own.sort(key=lambda f: -len(f.text))
            if own:
                self.words.append((word, own))
        self.forms = sorted(forms.values(), key=lambda f: -len(f.text))
        # A cut is found by the last MIN_CUT characters before where the text stops: prefixes by that tail.
        self.cuts: dict[str, list[tuple[int, _Form]]] = {}
        for form in self.forms:
            for k in range(max(form.safe + 1, MIN_CUT, SHORT_VALUE), len(form.text)):
                self.cuts.setdefault(form.text[k - MIN_CUT:k], []).append((k, form))
        for candidates in self.cuts.values():
            candidates.sort(key=lambda kf: -kf[0])

    def __bool__(self) -> bool:
        return bool(self.variables)

    def text(self, text: str) -> str:
        if not self.variables or not isinstance(text, str) or not text:
            return text
        if text in self.whole:
            return self.whole[text]
        for word, forms in self.words:
            if word and word not in text:  # every form of the value holds this word: not there, none is
                continue
            for form in forms:
                if form.text in text:
                    text = text.replace(form.text, form.var)
        return self._cuts(text) if self.cuts else text

    def _cuts(self, text: str) -> str:
        """A value cut where the text stops: at its end, a line's end, or an ellipsis."""
        ends = [m.start() for m in _CUT_ENDS.finditer(text)] + [len(text)]
        out, pos = [], 0
        for end in ends:
            if end < pos or end < MIN_CUT:
                continue
            for k, form in self.cuts.get(text[end - MIN_CUT:end], ()):
                start = end - k
                if start >= pos and text.startswith(form.text[:k], start):
                    out.append(text[pos:start] + form.var)
                    pos = end
                    break
        return "".join(out) + text[pos:] if out else text

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value
