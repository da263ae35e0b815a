"""Files the tool writes are 0600 in 0700 folders, whatever the umask; the sandbox database included."""

from __future__ import annotations

import os
import stat

import pytest

from clever_notify.config import files

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=[0o000, 0o022, 0o077], ids=["umask0", "umask022", "umask077"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def test_private_dir_makes_every_missing_folder_0700(tmp_path, umask):
    target = tmp_path / "a" / "b" / "c"
    files.private_dir(target)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", target):
        assert mode(folder) == 0o700, folder


def test_existing_folders_are_left_alone(tmp_path, umask):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    files.private_dir(shared / "mine")
    assert mode(shared) == 0o755 and mode(shared / "mine") == 0o700


def test_touch_private_creates_0600_and_keeps_content(tmp_path, umask):
    path = tmp_path / "x" / "db"
    files.touch_private(path)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    path.write_bytes(b"keep")
    files.touch_private(path)
    assert path.read_bytes() == b"keep" and mode(path) == 0o600


def test_a_file_left_readable_by_others_is_tightened(tmp_path):
    path = tmp_path / "old.db"
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    files.touch_private(path)
    assert mode(path) == 0o600


def test_write_private_is_0600_atomic_and_leaves_no_temp_file(tmp_path, umask):
    path = tmp_path / "cache" / "deep" / "c.json"
    files.write_private(path, b"one")
    files.write_private(path, b"two")
    assert path.read_bytes() == b"two" and mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["c.json"]


def test_sandbox_database_and_its_journal_files_are_private(tmp_path, umask):
    from clever_notify.sandbox.store import Store

    db_path = tmp_path / "data" / "clever-notify" / "sandbox.db"
    store = Store(db_path)
    owner = store.user()["id"]
    store.create_hook("webhooks", owner, {"name": "n", "urls": [{"format": "raw", "url": "https://x.org"}]})
    with store.read() as db:  # keep a connection open so the WAL files exist while we look
        db.execute("SELECT count(*) FROM webhooks").fetchone()
        made = [p for p in db_path.parent.iterdir()]
        assert db_path in made
        for path in made:
            assert mode(path) == 0o600, (path.name, oct(mode(path)))
    assert mode(db_path.parent) == 0o700 and mode(db_path.parent.parent) == 0o700
