"""The signing secret of `clever events listen --forward-to`: made once, kept in a private file, reused.

Kept so that a receiver configured with it (`export SECRET=$(clever events listen --print-secret)`) keeps
verifying across runs of `listen`. `--secret` (or CLEVER_LISTEN_SECRET) replaces it for one run.
"""

from __future__ import annotations

from pathlib import Path

from clever_notify.config import files
from clever_notify.errors import ConfigError

FILE_NAME = "listen-secret"
MAX_BYTES = 4096
SECRET_PREFIX = "cnsec_"
MIN_SECRET_LENGTH = 16


def new_secret() -> str:
    import secrets

    return SECRET_PREFIX + secrets.token_urlsafe(32)


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("clever-notify", appauthor=False)) / FILE_NAME


def _usable(text: str) -> bool:
    return len(text) >= MIN_SECRET_LENGTH and all("!" <= ch <= "~" for ch in text)


def load_or_create(path: Path | None = None) -> tuple[str, bool]:
    """(secret, created): the kept secret, or a new one written 0600 when there is none yet."""
    path = path or default_path()
    try:
        text = files.read_regular(path, MAX_BYTES).decode("utf-8").strip()
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the signing secret in {path}: {exc}; remove the file to make a new one") \
            from None
    if text is not None:
        if not _usable(text):
            raise ConfigError(f"the signing secret in {path} is not usable (at least 16 visible ASCII characters); "
                              "remove the file to make a new one")
        return text, False
    secret = new_secret()
    try:
        files.write_private(path, (secret + "\n").encode())
    except OSError as exc:
        raise ConfigError(f"cannot keep the signing secret in {path}: {exc.strerror or exc}") from None
    return secret, True


def check_given(secret: str) -> str:
    """A secret given with --secret or CLEVER_LISTEN_SECRET, checked like a kept one."""
    secret = secret.strip()
    if not _usable(secret):
        from clever_notify.errors import InputError

        raise InputError("--secret must be at least 16 visible ASCII characters (no spaces)")
    return secret
