"""Liveness and database reachability, for load balancers and container health checks."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import EngineDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(engine: EngineDep) -> JSONResponse:
    """`200 {"status": "ok", "database": "ok"}`, or 503 when the database cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not reachable" to a health check
        detail = f"unreachable: {type(exc).__name__}"
        return JSONResponse(status_code=503, content={"status": "degraded", "database": detail})
    return JSONResponse(content={"status": "ok", "database": "ok", "backend": engine.dialect.name})
