"""Domain errors of the shell and the handlers that give every error one shape.

Hierarchy (each carries its HTTP status; the body is ``{"error": <Kind>, "detail": <text>}``):

    WinnowError
    ├── BadRequest (400)
    ├── Unauthorized (401)
    ├── Forbidden (403)
    ├── NotFound (404)
    ├── Conflict (409)
    ├── PayloadTooLarge (413)
    ├── InvalidInput (422)
    └── TooManyRequests (429, with Retry-After)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from importers.errors import ImporterError
from screening.model import InvalidTransition, NotPermitted, ScreeningError

logger = logging.getLogger("winnow")


class ErrorBody(BaseModel):
    error: str
    detail: str


class WinnowError(Exception):
    status_code = 500

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class BadRequest(WinnowError):
    status_code = 400


class Unauthorized(WinnowError):
    status_code = 401

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(WinnowError):
    status_code = 403


class NotFound(WinnowError):
    status_code = 404

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key} not found")


class Conflict(WinnowError):
    status_code = 409


class PayloadTooLarge(WinnowError):
    status_code = 413


class InvalidInput(WinnowError):
    status_code = 422


class TooManyRequests(WinnowError):
    status_code = 429

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


# Error names for statuses raised by the framework itself (unknown route, wrong method, ...).
_KIND_BY_STATUS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "InvalidInput",
    429: "TooManyRequests",
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": HTTPStatus(status).phrase}
    for status in (400, 401, 403, 404, 409, 413, 422)
}


def error_response(
    status: int, kind: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=kind, detail=detail).model_dump()
    return JSONResponse(status_code=status, content=body, headers=headers)


async def _winnow_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WinnowError)
    return error_response(exc.status_code, type(exc).__name__, exc.detail, exc.headers)


# Errors raised by the pure core, and the status each becomes; the first match wins, so list
# subclasses before their bases.
CORE_ERROR_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (InvalidTransition, 409),
    (NotPermitted, 403),
    (ScreeningError, 422),
    (ImporterError, 422),
)


async def _core_error(_request: Request, exc: Exception) -> JSONResponse:
    status = next(code for cls, code in CORE_ERROR_STATUS if isinstance(exc, cls))
    # A refusal by role reads like every other 403.
    kind = _KIND_BY_STATUS[403] if status == 403 else type(exc).__name__
    return error_response(status, kind, str(exc))


def _browser_page(request: Request) -> Response | None:
    """The web app's not-found page, for a browser asking for a page that is not there (the
    app installs it in ``app.state``); API clients always get the JSON error."""
    page: Callable[[Request], Response | None] | None = getattr(
        request.app.state, "browser_not_found", None
    )
    return page(request) if page is not None else None


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and (page := _browser_page(request)) is not None:
        return page
    kind = _KIND_BY_STATUS.get(exc.status_code, HTTPStatus(exc.status_code).phrase)
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    return error_response(exc.status_code, kind, detail, dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if (page := _browser_page(request)) is not None:  # e.g. /reviews/abc: no such page
        return page
    errors = exc.errors()
    malformed = [e for e in errors if e.get("type") == "json_invalid"]
    if malformed:
        reason = malformed[0].get("ctx", {}).get("error", "invalid JSON")
        return error_response(400, "MalformedJSON", f"request body is not valid JSON: {reason}")
    return error_response(422, "InvalidInput", describe_validation_errors(errors))


def describe_validation_errors(errors: Sequence[Any]) -> str:
    """One readable line per problem: ``body.email: value is not a valid email address``."""
    parts = []
    for error in errors:
        location = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{location}: {error.get('msg', 'invalid value')}")
    return "; ".join(parts)


async def _unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return error_response(500, "InternalError", "an unexpected error occurred; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(WinnowError, _winnow_error)
    for core_error, _status in CORE_ERROR_STATUS:
        app.add_exception_handler(core_error, _core_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
