"""Text fields of the request models."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def _one_line(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValueError("must not be blank")
    return cleaned


SingleLine = Annotated[str, AfterValidator(_one_line)]
"""A name or title: its runs of whitespace (tabs, line breaks) become one space."""
