"""On a real terminal (a pty), `--all-owners` with many owners draws rich's progress bar as rich's (its control
sequences reach the terminal as such), while text from the API is still escaped."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import termios
import time

import pytest

from clever_notify.sandbox.store import Store

EVIL_ORG = "Evil\x1b[31mRed\x1b]0;title\x07"
EVIL_HOOK = "hook\x1b[2Jcleared"


def run_on_pty(argv, env, timeout=60.0) -> bytes:
    """What a terminal would receive from `argv` (stdout and stderr both on the pty), read with a deadline."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env,
                            start_new_session=True)
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed its end
                    break
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None:
                break
        proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert proc.returncode == 0, bytes(out)
    return bytes(out)


@pytest.fixture
def twelve_owners():
    store = Store()  # CLEVER_SANDBOX_DB points into tmp_path (conftest)
    store.seed_organisations(10)
    evil = store.add_organisation(EVIL_ORG, applications=("web",))
    store.create_hook("webhooks", evil["id"], {"name": EVIL_HOOK, "urls": [{"format": "raw",
                                                                           "url": "https://example.org/h"}]})
    owners = 1 + len(store.summary()["organisations"])  # the user, Acme, Org 001…010, the evil one
    assert owners >= 12
    return owners


@pytest.mark.slow
def test_progress_bar_is_drawn_and_api_text_is_escaped_on_a_pty(clever_exe, twelve_owners):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI", "FORCE_COLOR", "COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    out = run_on_pty([clever_exe, "--sandbox", "webhooks", "--all-owners"], env)
    text = out.decode("utf-8", "replace")
    # rich's own drawing reached the terminal as control sequences: the cursor hidden then shown, the bar drawn
    assert b"\x1b[?25l" in out and b"\x1b[?25h" in out
    assert "Reading the webhooks of every owner" in text and "━" in text
    assert f"0/{twelve_owners}" in text
    # …and none of it was turned into visible escapes
    assert "\\x1b" not in text.replace("\\x1b[31mRed", "").replace("\\x1b]0;title", "").replace("\\x1b[2J", "")
    # text from the API is still escaped: the org's and the hook's names show their escapes as text
    assert "Evil\\x1b[31mRed\\x1b]0;title\\x07" in text
    assert "hook\\x1b[2Jcleared" in text
    for raw in (b"\x1b[31mRed", b"\x1b]0;title", b"\x07", b"\x1b[2J"):
        assert raw not in out


@pytest.mark.slow
def test_no_bar_below_six_owners_or_off_a_terminal(clever_exe):
    Store().seed_organisations(2)  # the user, Acme, two more: four owners
    env = {**os.environ, "TERM": "xterm-256color"}
    out = run_on_pty([clever_exe, "--sandbox", "webhooks", "--all-owners"], env)
    assert b"Reading the webhooks" not in out and b"\x1b[?25l" not in out
    Store().seed_organisations(12)
    piped = subprocess.run([clever_exe, "--sandbox", "webhooks", "--all-owners"], env=env, capture_output=True,
                           timeout=60, stdin=subprocess.DEVNULL)
    assert piped.returncode == 0 and b"Reading the webhooks" not in piped.stderr and b"\x1b" not in piped.stderr
