"""The handlers that give every error one shape, ``{"error": <Kind>, "detail": <text>}``.

The refusals themselves are plain exceptions (`api.services.errors`); this module alone knows
their HTTP status (400 BadRequest, 401 Unauthorized with WWW-Authenticate, 403 Forbidden,
404 NotFound, 409 Conflict, 413 PayloadTooLarge, 422 InvalidInput, 429 TooManyRequests with
Retry-After), and that of the core's errors and of the framework's own.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.services.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    Unauthorized,
    WinnowError,
    describe_validation_errors,
)
from importers.errors import ImporterError
from screening.model import InvalidTransition, NotPermitted, ScreeningError

logger = logging.getLogger("winnow")


class ErrorBody(BaseModel):
    error: str
    detail: str


# The HTTP status of each kind of refusal; the body's "error" is the kind's name.
STATUS_BY_ERROR: dict[type[WinnowError], int] = {
    BadRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    PayloadTooLarge: 413,
    InvalidInput: 422,
    TooManyRequests: 429,
}


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


def refusal_response(exc: WinnowError) -> JSONResponse:
    """The answer to a refused use case: its kind's status, name and headers."""
    status = next((code for cls, code in STATUS_BY_ERROR.items() if isinstance(exc, cls)), 500)
    headers: dict[str, str] = {}
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    return error_response(status, type(exc).__name__, exc.detail, headers)


async def _winnow_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WinnowError)
    return refusal_response(exc)


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
