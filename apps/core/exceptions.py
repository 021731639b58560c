"""The one error family services raise; the API handler and the views turn it into 4xx answers."""


class ApplicationError(Exception):
    """A problem the user can fix or must be told about, with a message for people."""

    status_code = 400

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(ApplicationError):
    status_code = 404


class PermissionDenied(ApplicationError):
    status_code = 403


class Conflict(ApplicationError):
    status_code = 409


class PayloadTooLarge(ApplicationError):
    status_code = 413


class UnsupportedMediaType(ApplicationError):
    status_code = 415


class Throttled(ApplicationError):
    status_code = 429
