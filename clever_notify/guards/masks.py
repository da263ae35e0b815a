"""The values of secrets (a notifications file's `${VAR}`s) replaced by their names in anything shown."""

from __future__ import annotations

from typing import Any

SHORT_VALUE = 4  # a variable's value shorter than this is masked only where it is the whole value


class Mask:
    """Replaces the values of the file's variables by `${NAME}` in anything shown: the file's values and the
    API's (a URL the API holds may be the very secret the variable carries)."""

    def __init__(self, variables: dict[str, str]):
        self.pairs = sorted(((v, f"${{{k}}}") for k, v in variables.items() if v), key=lambda p: -len(p[0]))

    def text(self, text: str) -> str:
        for value, var in self.pairs:
            if text == value:
                return var
            if len(value) >= SHORT_VALUE:
                text = text.replace(value, var)
        return text

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value
