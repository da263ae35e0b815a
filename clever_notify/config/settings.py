"""Credentials and settings, read the way clever-tools reads them, and the linked app (.clever.json)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from clever_notify.errors import NOT_LOGGED_IN, ConfigError, NotAuthenticated

DEFAULT_API_HOST = "https://api.clever-cloud.com"
# clever-tools' public consumer pair: published in its source and documented there as not secret.
DEFAULT_CONSUMER_KEY = "T5nFjKeHH4AIlEveuGhB5S3xg8T19e"
DEFAULT_CONSUMER_SECRET = "MgVMqTr6fWlf2M0tkC2MXOnhfqBWDT"
DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read (seconds)
DEFAULT_DELIVERY_TIMEOUT = 10.0  # one delivery to a receiver, its whole answer included
APP_CONFIG_NAME = ".clever.json"
# The sandbox has no real authentication: any OAuth header is accepted. These fixed values are what
# `clever --sandbox` sends and what `clever sandbox serve` prints; they are not secrets. They live here, not in
# the sandbox package, because Settings.is_sandbox_login needs them and nothing below cli/ may import the sandbox.
SANDBOX_TOKEN = "sandbox-token"
SANDBOX_SECRET = "sandbox-secret"


@dataclass(frozen=True)
class Credentials:
    token: str
    secret: str

    def __repr__(self) -> str:  # never let a secret reach a log through repr()
        return "Credentials(token=<hidden>, secret=<hidden>)"


def _fits_in_a_header(value: str) -> bool:
    """Printable ASCII only: what every Clever Cloud credential is made of, and what any HTTP stack sends as is."""
    return value.isascii() and value.isprintable()  # for ASCII text: every character within " " … "~"


@dataclass(frozen=True)
class Settings:
    api_host: str
    consumer_key: str
    consumer_secret: str = field(repr=False)  # an OAUTH_CONSUMER_SECRET override is a secret
    credentials: Credentials | None
    source: str  # where the credentials came from, for messages
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    missing_env: str | None = None  # "CLEVER_SECRET" when CLEVER_TOKEN alone is set (or the other way round)

    def require_credentials(self) -> Credentials:
        """The credentials, checked to fit in an HTTP header; NotAuthenticated when there are none."""
        if self.credentials is None:
            if self.missing_env:
                given = "CLEVER_TOKEN" if self.missing_env == "CLEVER_SECRET" else "CLEVER_SECRET"
                raise NotAuthenticated(
                    f"Not logged in: {given} is set but {self.missing_env} is not; set both "
                    "(or unset it and run `clever login` from clever-tools)."
                )
            raise NotAuthenticated(NOT_LOGGED_IN)
        for value, name in ((self.credentials.token, "token"), (self.credentials.secret, "secret"),
                            (self.consumer_key, "OAuth consumer key"), (self.consumer_secret, "OAuth consumer secret")):
            if not _fits_in_a_header(value):
                # exit 2 like any malformed local setting: nothing was sent. The value itself is never shown.
                raise ConfigError(
                    f"the {name} from {self.source if name in ('token', 'secret') else 'the environment'} contains "
                    "a line break, a control or a non-ASCII character, which cannot be sent in an HTTP header: "
                    "it is not a valid credential. Set it again (or run `clever login` from clever-tools)."
                )
        return self.credentials

    def is_sandbox_login(self) -> bool:
        """The sandbox's fixed, published credentials: nothing secret travels, whatever the host."""
        return (self.credentials == Credentials(SANDBOX_TOKEN, SANDBOX_SECRET)
                and self.consumer_secret == DEFAULT_CONSUMER_SECRET)

    def secrets(self) -> list[str]:
        """Every value that must never be printed."""
        out = [self.consumer_secret]
        if self.credentials:
            out += [self.credentials.token, self.credentials.secret]
        return [s for s in out if s]


def config_file_path(env: Mapping[str, str]) -> Path:
    if env.get("CONFIGURATION_FILE"):
        return Path(env["CONFIGURATION_FILE"]).expanduser()
    import platformdirs

    base = platformdirs.user_config_dir("clever-cloud", appauthor=False, roaming=True)
    return Path(base) / "clever-tools.json"


MAX_CONFIG_BYTES = 1024 * 1024  # a clever-tools config or a .clever.json is a few hundred bytes


def _read_json(path: Path, what: str):
    from clever_notify.config.files import NotARegularFile, TooBig, read_regular
    from clever_notify.guards.sanitise import strict_loads

    try:
        data = read_regular(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return None
    except NotARegularFile:
        raise ConfigError(f"cannot read {what} {path}: not a regular file (a FIFO, a device or a folder)") from None
    except TooBig:
        raise ConfigError(f"cannot read {what} {path}: larger than {MAX_CONFIG_BYTES // 1024} KB, "
                          "not a config file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{what} {path} is not UTF-8 text") from None
    try:
        return strict_loads(text)
    except ValueError as exc:
        raise ConfigError(f"{what} {path} is not valid JSON: {exc}") from None


def _string(value, path: Path, field: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"clever-tools config {path}: `{field}` must be a string, got {_json_type(value)}")
    return value


def _json_type(value) -> str:
    """What a JSON value is, in words: a message names the wrong type, never the value (it may be a secret)."""
    if value is None:
        return "null"
    return {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


# The keys clever-tools writes, with the JSON types it writes them with. A key given with another type is a
# hand edit gone wrong: refused with the file named (exit 2), never sent (`{"OAUTH_CONSUMER_KEY": {}}` would
# otherwise end up in the Authorization header as text). Keys not listed here are kept and never read.
_PROFILE_KEYS = {"alias": (str,), "token": (str,), "secret": (str,), "userId": (str,), "email": (str,),
                 "expirationDate": (str, int, float), "overrides": (dict,)}
_LEGACY_KEYS = {"token": (str,), "secret": (str,), "expirationDate": (str, int, float)}


def _check_types(data: dict, types: dict, path: Path, where: str) -> None:
    for key, allowed in types.items():
        value = data.get(key)
        if key in data and value is not None and (isinstance(value, bool) or not isinstance(value, allowed)):
            words = " or ".join(_json_type(t()) for t in allowed if t is not float)
            raise ConfigError(f"clever-tools config {path}: `{where}{key}` must be {words}, got {_json_type(value)}")


def _check_overrides(overrides: dict, path: Path) -> None:
    """Every override is an environment variable's value (API_HOST, OAUTH_CONSUMER_KEY…): a string, or null."""
    for key, value in overrides.items():
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"clever-tools config {path}: `profiles[0].overrides.{key}` must be a string, "
                              f"got {_json_type(value)}; nothing was sent")


def read_profile(path: Path) -> dict | None:
    """The active (first) profile of the clever-tools config file, or None when there is none."""
    data = _read_json(path, "clever-tools config")
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ConfigError(f"clever-tools config {path}: expected a JSON object")
    if "profiles" in data or data.get("version") is not None:
        version = data.get("version")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise ConfigError(f"clever-tools config {path}: `version` must be a number, got {_json_type(version)}")
        profiles = data.get("profiles", [])
        if not isinstance(profiles, list):
            raise ConfigError(f"clever-tools config {path}: `profiles` must be a list")
        if not profiles:
            return None
        profile = profiles[0]
        if not isinstance(profile, dict):
            raise ConfigError(f"clever-tools config {path}: profiles[0] must be an object")
        for key in ("token", "secret"):
            if key not in profile:
                raise ConfigError(f"clever-tools config {path}: profiles[0] has no `{key}`")
            _string(profile[key], path, f"profiles[0].{key}")
        _check_types(profile, _PROFILE_KEYS, path, "profiles[0].")
        overrides = profile.get("overrides") or {}
        if not isinstance(overrides, dict):
            raise ConfigError(f"clever-tools config {path}: profiles[0].overrides must be an object")
        _check_overrides(overrides, path)
        return {"token": profile["token"], "secret": profile["secret"], "overrides": overrides,
                "alias": profile.get("alias") or "default"}
    # Legacy format: {"token", "secret", "expirationDate"?}
    if "token" in data and "secret" in data:
        _check_types(data, _LEGACY_KEYS, path, "")
        return {"token": _string(data["token"], path, "token"),
                "secret": _string(data["secret"], path, "secret"), "overrides": {}, "alias": "legacy"}
    if not data:
        return None
    raise ConfigError(f"clever-tools config {path}: neither a `profiles` list nor a legacy token/secret pair")


MAX_TIMEOUT = 600.0


def seconds(raw: str, what: str) -> float:
    """A timeout given as text: a number of seconds in (0, 600]; ConfigError (exit 2) otherwise."""
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{what} must be a number of seconds, got {raw!r}") from None
    if not 0 < value <= MAX_TIMEOUT:  # also refuses nan and inf
        raise ConfigError(f"{what} must be between 0 and {MAX_TIMEOUT:g} seconds, got {raw!r}")
    return value


def clever_timeout(env: Mapping[str, str], default: float) -> float:
    """CLEVER_TIMEOUT in seconds, `default` when unset: the deadline of one API call or one delivery."""
    raw = env.get("CLEVER_TIMEOUT")
    return seconds(raw, "CLEVER_TIMEOUT") if raw else default


def delivery_timeout(env: Mapping[str, str] | None = None) -> float:
    """How long one delivery to a receiver may take (`webhooks test`, the sandbox's emit): CLEVER_TIMEOUT,
    else 10 s. Read without the rest of the settings: testing a URL needs no credentials nor config file."""
    return clever_timeout(os.environ if env is None else env, DEFAULT_DELIVERY_TIMEOUT)


def _timeout(env: Mapping[str, str]) -> tuple[float, float]:
    value = clever_timeout(env, DEFAULT_TIMEOUT[1])
    return (min(value, DEFAULT_TIMEOUT[0]), value)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings as clever-tools computes them: env > active profile overrides > defaults."""
    env = os.environ if env is None else env
    overrides: dict = {}
    missing_env = None
    if env.get("CLEVER_TOKEN", "").strip() and env.get("CLEVER_SECRET", "").strip():
        credentials = Credentials(env["CLEVER_TOKEN"], env["CLEVER_SECRET"])
        source = "CLEVER_TOKEN/CLEVER_SECRET"
    else:
        path = config_file_path(env)
        profile = read_profile(path)
        if profile is None or not profile["token"].strip() or not profile["secret"].strip():
            # A profile whose token or secret is empty (a logout, a hand edit) is "not logged in", not a
            # request sent with empty credentials.
            credentials, source = None, "nowhere"
            if profile is not None:
                overrides = profile["overrides"]
            # clever-tools reads the pair or neither; half of it is a mistake worth naming.
            if env.get("CLEVER_TOKEN", "").strip() or env.get("CLEVER_SECRET", "").strip():
                missing_env = "CLEVER_SECRET" if env.get("CLEVER_TOKEN", "").strip() else "CLEVER_TOKEN"
        else:
            credentials = Credentials(profile["token"], profile["secret"])
            overrides = profile["overrides"]
            source = f"{path} (profile {profile['alias']})"
    api_host = env.get("API_HOST") or overrides.get("API_HOST") or DEFAULT_API_HOST
    return Settings(
        api_host=str(api_host).rstrip("/"),
        consumer_key=env.get("OAUTH_CONSUMER_KEY") or overrides.get("OAUTH_CONSUMER_KEY") or DEFAULT_CONSUMER_KEY,
        consumer_secret=env.get("OAUTH_CONSUMER_SECRET") or overrides.get("OAUTH_CONSUMER_SECRET")
        or DEFAULT_CONSUMER_SECRET,
        credentials=credentials,
        source=source,
        timeout=_timeout(env),
        missing_env=missing_env,
    )


# --- the linked application (.clever.json) ---------------------------------------------------------


@dataclass(frozen=True)
class LinkedApp:
    app_id: str
    org_id: str | None
    alias: str | None
    path: Path


def find_app_config(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """The .clever.json clever-tools would use: APP_CONFIGURATION_FILE's folder, or cwd, then upwards."""
    env = os.environ if env is None else env
    if env.get("APP_CONFIGURATION_FILE"):
        start_file = Path(env["APP_CONFIGURATION_FILE"]).expanduser().resolve()
        name, folder = start_file.name, start_file.parent
    else:
        name, folder = APP_CONFIG_NAME, (cwd or Path.cwd()).resolve()
    for candidate_dir in (folder, *folder.parents):
        candidate = candidate_dir / name
        # Anything there but a folder is clever-tools' file: a FIFO or a device is then refused when read.
        if os.path.lexists(candidate) and not candidate.is_dir():
            return candidate
    return None


def load_linked_app(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> LinkedApp | None:
    path = find_app_config(cwd, env)
    if path is None:
        return None
    data = _read_json(path, "linked-app file")
    if not isinstance(data, dict):
        raise ConfigError(f"linked-app file {path}: expected a JSON object with an `apps` list")
    apps = data.get("apps", [])
    if not isinstance(apps, list) or not all(isinstance(a, dict) for a in apps):
        raise ConfigError(f"linked-app file {path}: `apps` must be a list of objects")
    if not apps:
        return None
    default = data.get("default")
    if default is not None:
        chosen = [a for a in apps if a.get("app_id") == default]
        if not chosen:
            raise ConfigError(f"linked-app file {path}: the default application {default} is not in `apps`")
        app = chosen[0]
    elif len(apps) == 1:
        app = apps[0]
    else:
        aliases = ", ".join(str(a.get("alias") or a.get("app_id")) for a in apps)
        raise ConfigError(
            f"several applications are linked in {path} and none is the default; "
            f"pass --org, or set `default` there. Available aliases: {aliases}"
        )
    from clever_notify.guards.ids import is_well_formed_id

    app_id = app.get("app_id")
    if not isinstance(app_id, str) or not app_id:
        raise ConfigError(f"linked-app file {path}: the linked application has no `app_id`")
    org_id = app.get("org_id")
    if org_id is not None and not isinstance(org_id, str):
        raise ConfigError(f"linked-app file {path}: `org_id` must be a string")
    # These ids go into URL paths and hook scopes: `..`, `/`, `%2e`, `?` would address something else.
    for key, value in (("app_id", app_id), ("org_id", org_id or None)):
        if value is not None and not is_well_formed_id(value):
            raise ConfigError(f"linked-app file {path}: `{key}` {value[:80]!r} is not a well-formed id "
                              "(letters, digits, `_` and `-`)")
    return LinkedApp(app_id=app_id, org_id=org_id or None, alias=app.get("alias"), path=path)
