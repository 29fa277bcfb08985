"""Background jobs as the API shows them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from api.tables import JobStatus


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    status: JobStatus
    done: int
    total: int | None
    error: str | None
    result: dict[str, Any] | None
