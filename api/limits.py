"""Request body size limits, enforced before the body is parsed."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response


class BodySizeLimit:
    """413 for bodies over the limit: ``upload_bytes`` for multipart, ``json_bytes`` otherwise.

    A declared Content-Length is refused before reading; a chunked body is counted as it streams.
    """

    def __init__(self, app: ASGIApp, *, upload_bytes: int, json_bytes: int) -> None:
        self.app = app
        self.upload_bytes = upload_bytes
        self.json_bytes = json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        is_upload = headers.get(b"content-type", b"").startswith(b"multipart/")
        limit = self.upload_bytes if is_upload else self.json_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = error_response(413, "PayloadTooLarge", _too_large(limit))
            await response(scope, receive, send)
            return
        await self.app(scope, _counting(receive, limit), send)


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                # An HTTPException passes through FastAPI's body parsing to the error handlers.
                raise HTTPException(status_code=413, detail=_too_large(limit))
        return message

    return counted


def _too_large(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"request body exceeds the limit of {limit // (1024 * 1024)} MB"
    return f"request body exceeds the limit of {limit // 1024} KB"
