"""Integers as the database columns hold them, for every id, offset and count in the schema.

PostgreSQL's ``integer`` is 32-bit (SQLite's integers are 64-bit, Python's unbounded): an id
outside 1..2**31-1 names no row, and passing it on fails in the driver (``OverflowError`` on
SQLite, an out-of-range error on PostgreSQL), so it is refused with the request (422). The
bounds are ``annotated_types`` constraints, which FastAPI keeps beside ``Path()``/``Query()``
and pydantic applies in bodies alike: ``Annotated[DbId, Path()]``, ``list[DbId]``.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval

INT4_MAX = 2**31 - 1

DbId = Annotated[int, Interval(ge=1, le=INT4_MAX)]
"""A row id (path, query or body)."""

Offset = Annotated[int, Interval(ge=0, le=INT4_MAX)]
"""How many rows a page skips."""
