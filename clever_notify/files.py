"""Files this tool writes (sandbox database, caches): created 0600 inside 0700 folders, never chmod-ed after."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def private_dir(path: Path) -> Path:
    """Create `path` and each missing parent with mode 0700 whatever the umask; existing folders are left alone.

    Path.mkdir(parents=True) would create the parents with the umask's rights (0777 under umask 0).
    """
    missing = []
    cur = Path(path)
    while not cur.exists() and cur != cur.parent:
        missing.append(cur)
        cur = cur.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made by someone else meanwhile: not ours to change
        os.chmod(folder, 0o700)  # ours and empty: undo what the umask took away (0700 at most)
    return path


def _tighten(fd: int) -> None:
    """A file of ours left readable by others (an older version, a copy) is made 0600 again."""
    getuid = getattr(os, "getuid", None)  # POSIX only: Windows has no such modes
    if getuid is None:
        return
    info = os.fstat(fd)
    if info.st_uid == getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        os.fchmod(fd, stat.S_IMODE(info.st_mode) & 0o700)


def touch_private(path: Path) -> Path:
    """Make sure `path` exists, created with mode 0600 (umask cannot widen it)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        _tighten(fd)
    finally:
        os.close(fd)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` atomically with `data`; the file is created 0600 from the start."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            _tighten(fh.fileno())
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
