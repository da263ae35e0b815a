"""docs/python-api.md runs: its ```python blocks are executed in order, in one namespace, against a fresh
sandbox (the in-process one, and the same database served on 127.0.0.1 for `from_environment()`)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "python-api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


@pytest.fixture
def sandbox_on_loopback(monkeypatch):
    """The sandbox app (the test's database) on a free port of 127.0.0.1, and the environment of a user
    pointed at it with the sandbox's published login."""
    from werkzeug.serving import make_server

    from clever_notify.sandbox import SANDBOX_SECRET, SANDBOX_TOKEN
    from clever_notify.sandbox.app import make_app

    server = make_server("127.0.0.1", 0, make_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("CLEVER_TOKEN", SANDBOX_TOKEN)
    monkeypatch.setenv("CLEVER_SECRET", SANDBOX_SECRET)
    monkeypatch.setenv("API_HOST", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("CLEVER_TIMEOUT", "10")
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_the_page_has_examples_of_every_part():
    code = "\n".join(blocks())
    for call in ("Notifications.sandbox()", "Notifications.from_environment()", "n.webhooks.add(", ".list(",
                 ".get(", ".update(", ".remove(", ".check(", ".enable(", ".disable(", "n.emails.add(",
                 "n.emails.default.", "n.export(", "n.plan(", "n.apply(", "n.audit("):
        assert call in code, call


def test_every_example_runs_in_order_against_a_fresh_sandbox(sandbox_on_loopback, capsys):
    namespace: dict = {"__name__": "python_api_doc"}
    for n, code in enumerate(blocks(), 1):
        try:
            exec(compile(code, f"{DOC.name} block {n}", "exec"), namespace)
        except Exception as exc:  # noqa: BLE001 - name the block: the traceback alone points into a string
            pytest.fail(f"block {n} of {DOC.name} failed: {type(exc).__name__}: {exc}\n{code}")
    printed = capsys.readouterr().out
    assert "Notifications(api_host='http://127.0.0.1:" in printed  # the from_environment() block used API_HOST
    assert "unknown event DEPLOY_FAIL" in printed
