"""What a use case can refuse, as plain exceptions: the shell maps each kind to an HTTP answer
(`api.errors`) or a one-line CLI error, so services and jobs never speak HTTP.

    WinnowError
    ├── BadRequest         the request cannot be read as asked
    ├── Unauthorized       no valid credentials
    ├── Forbidden          the caller's role does not allow it
    ├── NotFound           no such thing (or not visible to the caller)
    ├── Conflict           it clashes with what is stored
    ├── PayloadTooLarge    an upload over the limit
    ├── InvalidInput       well-formed but not acceptable
    └── TooManyRequests    throttled; retry after ``retry_after`` seconds
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class WinnowError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequest(WinnowError):
    pass


class Unauthorized(WinnowError):
    pass


class Forbidden(WinnowError):
    pass


class NotFound(WinnowError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key} not found")


class Conflict(WinnowError):
    pass


class PayloadTooLarge(WinnowError):
    pass


class InvalidInput(WinnowError):
    pass


class TooManyRequests(WinnowError):
    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


def describe_validation_errors(errors: Sequence[Any]) -> str:
    """One readable line per problem: ``body.email: value is not a valid email address``."""
    parts = []
    for error in errors:
        location = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{location}: {error.get('msg', 'invalid value')}")
    return "; ".join(parts)
