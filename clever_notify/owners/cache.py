"""Organisation name → id cache, so a read with `--org NAME` costs one /v2/summary per new name, not one per command.

clever-tools keeps a similar ids cache. Ours lives in the user cache folder (0700), in one 0600 file,
split per account (API host + token, stored only as a short one-way digest) so that two logins or a
sandbox never see each other's names. The cache is an optimisation: an unreadable, corrupt or
unwritable file is ignored (and rewritten on the next refresh), never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from clever_notify.config.files import write_private

# Reads (listings, show) may trust a name resolved this recently; writes never use the cache at all: an
# organisation renamed, and another given its old name, must not receive a change meant for the other.
READ_MAX_AGE = 10 * 60.0
APP_NAME = "clever-notify"
FILE_NAME = "organisations.json"
VERSION = 1
MAX_CACHE_BYTES = 4 * 1024 * 1024  # names and ids of a few thousand organisations


def default_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("CLEVER_NOTIFY_CACHE_DIR"):
        return Path(env["CLEVER_NOTIFY_CACHE_DIR"]).expanduser() / FILE_NAME
    import platformdirs  # only when a name has to be resolved

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / FILE_NAME


def account_key(api_host: str, token: str) -> str:
    return hashlib.sha256(f"{api_host}\n{token}".encode()).hexdigest()[:24]


class OrgCache:
    def __init__(self, path: Path, account: str):
        self.path = path
        self.account = account

    def _load(self) -> dict[str, Any]:
        from clever_notify.config.files import read_regular
        from clever_notify.guards.sanitise import strict_loads

        try:  # a FIFO or a device planted here is refused at once, a huge file unread
            data = strict_loads(read_regular(self.path, MAX_CACHE_BYTES).decode("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("accounts"), dict):
            return {}
        return data

    def _names(self, data: dict[str, Any]) -> dict[str, Any]:
        entry = data.get("accounts", {}).get(self.account)
        names = entry.get("organisations") if isinstance(entry, dict) else None
        return names if isinstance(names, dict) else {}

    def lookup(self, name: str, max_age: float = READ_MAX_AGE) -> list[str] | None:
        """The ids cached for `name` less than `max_age` seconds ago, or None when the name is unknown, the
        entry older (or dated in the future) or damaged."""
        data = self._load()
        entry = data.get("accounts", {}).get(self.account)
        stored = entry.get("updatedAt") if isinstance(entry, dict) else None
        if not isinstance(stored, (int, float)) or isinstance(stored, bool) or not 0 <= time.time() - stored < max_age:
            return None
        ids = self._names(data).get(name)
        if isinstance(ids, list) and ids and all(isinstance(i, str) and i for i in ids):
            return ids
        return None

    def store(self, organisations: list[tuple[str, str]]) -> None:
        """Replace this account's names with the (name, id) pairs of a fresh /v2/summary
        (owners/summary.py `Summary.organisation_names`)."""
        names: dict[str, list[str]] = {}
        for name, org_id in organisations:
            names.setdefault(name, []).append(org_id)
        data = self._load() or {"version": VERSION, "accounts": {}}
        data["accounts"] = {k: v for k, v in data["accounts"].items() if isinstance(v, dict)}  # drop damage
        data["accounts"][self.account] = {"updatedAt": int(time.time()), "organisations": names}
        self._save(data)

    def forget(self, name: str) -> None:
        data = self._load()
        names = self._names(data)
        if name in names:
            del names[name]
            self._save(data)

    def _save(self, data: dict[str, Any]) -> None:
        try:
            write_private(self.path, json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8"))
        except OSError:
            pass  # read-only home, full disk…: the next run asks /v2/summary again, nothing worse
