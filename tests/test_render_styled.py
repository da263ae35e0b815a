"""Styled (terminal) output: one rich Text for all lines must write exactly what a print per line wrote."""

from __future__ import annotations

import io

from clever_notify.hooks.describe import listing_block
from clever_notify.hooks.kinds import WEBHOOKS
from clever_notify.output import render


class Tty(io.StringIO):
    def isatty(self):
        return True


HOOKS = [
    {"id": "h1", "ownerId": "orga_x", "name": "deploys", "urls": [{"format": "slack", "url": "https://a/1"}]},
    {"id": "h2", "ownerId": "orga_x", "scope": ["app_1", "app_2"], "events": ["DEPLOYMENT_FAIL"],
     "urls": [{"format": "raw", "url": "https://b/2"}, {"format": "gitter", "url": "https://c/3"}]},
    {"id": "h3", "ownerId": "orga_x", "name": "[bold]not markup[/] é ✓ \t tab", "urls": []},
]


def per_line_reference(blocks) -> str:
    from rich.console import Console
    from rich.text import Text

    out = Tty()
    console = Console(file=out, highlight=False, soft_wrap=True)
    for title, fields in blocks:
        console.print(Text(title, style="bold"))
        for label, value in fields:
            if isinstance(value, list):
                if len(value) == 1:
                    console.print(Text(f"  {label}: {value[0]}"))
                else:
                    console.print(Text(f"  {label}:"))
                    for item in value:
                        console.print(Text(f"    {item}"))
            else:
                console.print(Text(f"  {label}: {value}"))
    return out.getvalue()


def test_styled_blocks_match_a_print_per_line(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    blocks = [listing_block(WEBHOOKS, h) for h in HOOKS]
    out = Tty()
    render.Output(out).blocks(blocks)
    text = out.getvalue()
    assert "\x1b[1m" in text  # it is styled: the titles are bold
    assert text == per_line_reference(blocks)


def test_styled_with_no_blocks_writes_nothing():
    out = Tty()
    render.Output(out).blocks([])
    assert out.getvalue() == ""
