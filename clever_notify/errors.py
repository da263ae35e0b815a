"""The project's exceptions. Each carries the exit code the CLI boundary turns it into."""

from __future__ import annotations

EXIT_OK = 0
EXIT_API = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_UNHEALTHY = 5
EXIT_INTERRUPTED = 130


class CleverNotifyError(Exception):
    """Base class: raised for any failure the user should see as a one-line message."""

    exit_code = EXIT_API


class InputError(CleverNotifyError):
    """Raised when the user's input is invalid; nothing has been sent."""

    exit_code = EXIT_USAGE


class ConfigError(CleverNotifyError):
    """Raised when a local file (clever-tools config, .clever.json, cache) cannot be read or parsed."""

    exit_code = EXIT_USAGE


class NotAuthenticated(CleverNotifyError):
    """Raised when no credentials are found or the API answers 401."""

    exit_code = EXIT_AUTH


class NotFound(CleverNotifyError):
    """Raised when the API answers 404, or an owner/hook named by the user does not exist."""

    exit_code = EXIT_NOT_FOUND


class Unhealthy(CleverNotifyError):
    """Raised by `webhooks check` when a webhook is failing or disabled (after printing every result)."""

    exit_code = EXIT_UNHEALTHY


class ApiError(CleverNotifyError):
    """Raised when the API answers an error (4xx/5xx other than 401/404) or an unusable body."""

    exit_code = EXIT_API

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class NetworkError(CleverNotifyError):
    """Raised when the API cannot be reached: DNS, connection, TLS or timeout failures."""

    exit_code = EXIT_API


NOT_LOGGED_IN = (
    "Not logged in: set CLEVER_TOKEN and CLEVER_SECRET, or run `clever login` from clever-tools "
    "(or try the sandbox: `clever --sandbox …`)."
)
