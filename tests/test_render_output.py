"""Human output: styled on a terminal, plain when piped or with NO_COLOR."""

from __future__ import annotations

import io

from clever_notify.hooks.describe import summary
from clever_notify.hooks.kinds import WEBHOOKS
from clever_notify.output import render


class Tty(io.StringIO):
    def isatty(self):
        return True


BLOCK = ("deploys", [("id", "h1"), ("services", "orga_x"), ("events", "ALL"), ("hooks", ["https://a (raw)"])])


def test_terminal_output_is_styled(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("TERM_PROGRAM", raising=False)
    stream = Tty()
    render.Output(stream).blocks([BLOCK])
    text = stream.getvalue()
    assert "\x1b[1m" in text  # bold title
    assert "deploys" in text and "https://a (raw)" in text


def test_no_color_gives_plain_text_even_on_a_terminal(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    stream = Tty()
    render.Output(stream).blocks([BLOCK])
    assert stream.getvalue() == "deploys\n  id: h1\n  services: orga_x\n  events: ALL\n  hooks: https://a (raw)\n"


def test_server_text_is_not_read_as_markup(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    stream = Tty()
    render.Output(stream).blocks([("[bold red]evil[/]", [("id", "[link=x]y[/link]")])])
    assert "[bold red]evil[/]" in stream.getvalue() and "[link=x]y[/link]" in stream.getvalue()


def test_webhook_summary_keeps_js_null_vs_absent():
    assert summary(WEBHOOKS, {"id": "a", "name": None, "ownerId": "o", "urls": []})["name"] is None
    assert "name" not in summary(WEBHOOKS, {"id": "a", "ownerId": "o"})
    assert summary(WEBHOOKS, {"id": "a", "ownerId": "o", "scope": []})["services"] == []


def test_control_characters_from_the_api_never_reach_the_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    hostile = ("evil\x1b[31m\x1b]8;;http://x\x07", [("id", "a\nforged: line"), ("to", ["b\x9bc", "ok"])])
    for stream in (io.StringIO(), Tty()):
        render.Output(stream).blocks([hostile])
        text = stream.getvalue()
        assert "\x1b]8" not in text and "\x07" not in text and "\x9b" not in text
        assert "\nforged: line" not in text and "a\\x0aforged: line" in text
        assert "evil\\x1b[31m" in text
