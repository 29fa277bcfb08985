"""Text arriving in a request: control characters are refused at the edge, the same on every
database (PostgreSQL's text columns cannot hold NUL; SQLite would store it and every other
control character as given).

Every string of a request is checked: path and query parameters, JSON bodies (keys and values,
at any depth) and form fields, upload file names included. Tab, line feed and carriage return
are allowed (descriptions, notes and queries have lines); every other C0 control character,
NUL first, is a 422. Names and titles are one line: `api.schemas.text.SingleLine`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from api.services.errors import InvalidInput

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


async def refuse_control_characters(request: Request) -> None:
    """Dependency of every API route: 422 when any text of the request holds a control
    character. The body was read (and cached) by FastAPI before dependencies run."""
    for where, text in _request_texts(request):
        found = _CONTROL.search(text)
        if found:
            raise InvalidInput(
                f"{where}: control character U+{ord(found.group()):04X} is not allowed in text"
            )
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if b"\\u" in body:  # control characters in JSON strings are escapes
            _check_json(body)
    elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        for name, value in (await request.form()).multi_items():
            text = value.filename or "" if isinstance(value, UploadFile) else value
            found = _CONTROL.search(f"{name}{text}")
            if found:
                raise InvalidInput(
                    f"body.{name}: control character U+{ord(found.group()):04X} is not allowed"
                )


def _request_texts(request: Request) -> Iterator[tuple[str, str]]:
    for name, value in request.path_params.items():
        yield f"path.{name}", str(value)
    for name, value in request.query_params.multi_items():
        yield f"query.{name}", f"{name}{value}"


def _check_json(body: bytes) -> None:
    # Raw control characters are invalid JSON already (400); escaped ones (\u0000) are only
    # seen once parsed. Malformed JSON is left to FastAPI's own error.
    try:
        document = json.loads(body)
    except ValueError:
        return
    for path, text in _strings(document, "body"):
        found = _CONTROL.search(text)
        if found:
            raise InvalidInput(
                f"{path}: control character U+{ord(found.group()):04X} is not allowed in text"
            )


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path} (a key)", key
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}")
