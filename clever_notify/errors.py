"""The project's exceptions and exit codes. Each exception carries the code the CLI boundary turns it into."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What `clever` exits with; scripts rely on these numbers."""

    OK = 0
    API = 1  # the API or the network failed
    USAGE = 2  # invalid usage or input: nothing was sent
    AUTH = 3  # not authenticated
    NOT_FOUND = 4  # an owner or hook named by the user does not exist
    UNHEALTHY = 5  # `webhooks check` found an unhealthy hook
    INTERRUPTED = 130  # Ctrl-C


class CleverNotifyError(Exception):
    """Base class: raised for any failure the user should see as a one-line message."""

    exit_code = ExitCode.API

    def message_lines(self) -> list[str]:
        """What the CLI prints, line by line. One line, unless a subclass lists several (a file's problems):
        the error boundary escapes each line on its own, so text from the API cannot start a line."""
        return [str(self)]

    def __init_subclass__(cls, exit_code: ExitCode | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if exit_code is not None:
            cls.exit_code = exit_code


class InputError(CleverNotifyError, exit_code=ExitCode.USAGE):
    """Raised when the user's input is invalid; nothing has been sent."""


class ConfigError(CleverNotifyError, exit_code=ExitCode.USAGE):
    """Raised when a local file (clever-tools config, .clever.json, cache) cannot be read or parsed."""


class NotAuthenticated(CleverNotifyError, exit_code=ExitCode.AUTH):
    """Raised when no credentials are found or the API answers 401."""


class NotFound(CleverNotifyError, exit_code=ExitCode.NOT_FOUND):
    """Raised when the API answers 404, or an owner/hook named by the user does not exist."""


class Unhealthy(CleverNotifyError, exit_code=ExitCode.UNHEALTHY):
    """Raised by `webhooks check` when a webhook is failing or disabled (after printing every result)."""


class ApiError(CleverNotifyError, exit_code=ExitCode.API):
    """Raised when the API answers an error (4xx/5xx other than 401/404) or an unusable body."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class NotApplied(ApiError):
    """Raised when the API answered a write 2xx, yet its list, read back, does not show the change."""


class StateKept(NotApplied):
    """Raised when an update of a webhook's `state` was answered 2xx, every other field applied, and the list
    read back still shows the old state (`webhooks enable` then replaces the webhook by an enabled copy)."""


class NetworkError(CleverNotifyError, exit_code=ExitCode.API):
    """Raised when the API cannot be reached: DNS, connection, TLS or timeout failures."""


class StalePlan(CleverNotifyError, exit_code=ExitCode.API):
    """Raised by `apply PLANFILE` when a hook the saved plan touches (or a `${VAR}` it used) is no longer as the
    plan read it; nothing was sent."""


class Interrupted(CleverNotifyError, exit_code=ExitCode.INTERRUPTED):
    """Raised on Ctrl-C in the middle of a change made of several requests: the message says where it stopped."""


NOT_LOGGED_IN = (
    "Not logged in: set CLEVER_TOKEN and CLEVER_SECRET, or run `clever login` from clever-tools "
    "(or try the sandbox: `clever --sandbox …`)."
)
