"""Files this tool writes (sandbox database, caches): created 0600 inside 0700 folders, never chmod-ed after."""

from __future__ import annotations

import errno
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


# Where the platform has them: O_NOFOLLOW refuses a symbolic link planted at the final name,
# O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class NotARegularFile(OSError):
    """The path names a FIFO, a device, a socket or a folder: nothing this tool reads or writes."""


class TooBig(OSError):
    """The file is larger than any file of its kind could be."""


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path` if it is a regular file of at most `max_bytes` (a followed link is fine).

    Raises FileNotFoundError, NotARegularFile (a FIFO is refused at once, never waited on), TooBig,
    or another OSError.
    """
    fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(f"{path} is not a regular file")
        if info.st_size > max_bytes:
            raise TooBig(f"{path} is larger than {max_bytes} bytes")
        chunks, size = [], 0
        while True:  # the size may have changed since fstat: read at most one byte past the limit
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise TooBig(f"{path} is larger than {max_bytes} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def touch_private(path: Path) -> Path:
    """Make sure `path` exists as a regular file, created with mode 0600 (umask cannot widen it).

    A link planted at `path` is not followed (it is refused), nor is a FIFO or a device accepted.
    """
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR | _NOFOLLOW, 0o600)
    except FileExistsError:
        try:
            fd = os.open(path, os.O_RDWR | _NOFOLLOW | _NONBLOCK)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise NotARegularFile(f"{path} is a symbolic link, not followed") from None
            raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(f"{path} is not a regular file")
        _tighten(fd)
    finally:
        os.close(fd)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` atomically with `data`, creating its folders 0700; the file is 0600 from the start."""
    private_dir(path.parent)
    replace_file(path, data)


def replace_file(path: Path, data: bytes) -> None:
    """Replace `path` atomically with `data` (mode 0600: an export may hold webhook URLs, which are secrets).

    The temporary file gets an unpredictable name and is created exclusively (O_EXCL) in the target
    folder, so a link planted in advance is never written through; the rename then replaces whatever
    is at `path` (a planted link included) without following it. A reader never sees half a file.
    """
    import tempfile

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            _tighten(fh.fileno())
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
