"""The application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy.engine import Engine

from api.db import make_engine, request_session_slots
from api.errors import install_error_handlers
from api.input_text import refuse_control_characters
from api.jobs import JobRunner
from api.limits import BodySizeLimit
from api.routes import (
    audit,
    auth,
    dedup,
    extraction,
    full_text,
    health,
    imports,
    jobs,
    notes,
    records,
    reports,
    retrieval,
    reviews,
    screening,
    sources,
    studies,
    ui,
    users,
)
from api.services.screening.prioritization import RankingWorker
from api.settings import Settings, get_settings

API_PREFIX = "/api/v1"
# Every resource router, in the order they are mounted under API_PREFIX. Requests are matched
# route by route in this order: screening, the busiest by far, comes right after health.
ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    screening.router,
    notes.router,
    auth.router,
    users.router,
    reviews.router,
    sources.router,
    jobs.router,
    imports.router,
    records.router,
    dedup.router,
    reports.router,
    extraction.router,
    full_text.router,
    retrieval.router,
    studies.router,
    audit.router,
)


def create_app(engine: Engine | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app; tests pass their own engine and settings, ``winnow serve`` passes none."""
    settings = settings or get_settings()
    owns_engine = engine is None
    app_engine = (
        engine
        if engine is not None
        else make_engine(settings.database_url, pool_size=settings.db_pool_size)
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runner = JobRunner(
            app_engine, settings, lease=timedelta(seconds=settings.job_lease_seconds)
        )
        ranker = RankingWorker(app_engine)
        runner.start()
        ranker.start()
        yield
        ranker.stop()
        runner.stop()
        if owns_engine:
            app_engine.dispose()

    app = FastAPI(
        title="Winnow",
        summary="Evidence synthesis for systematic and rapid reviews.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.engine = app_engine
    app.state.session_slots = asyncio.Semaphore(request_session_slots(app_engine))
    app.state.settings = settings
    app.state.browser_not_found = ui.browser_not_found
    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimit,
        upload_bytes=settings.max_upload_bytes,
        json_bytes=settings.max_json_kb * 1024,
    )
    refuse_control = [Depends(refuse_control_characters)]  # every API route (api.input_text)
    for resource_router in ROUTERS:  # each straight on the app: matching walks one level less
        app.include_router(resource_router, prefix=API_PREFIX, dependencies=refuse_control)
    app.include_router(ui.router)  # the web app: page shells and /ui assets
    return app
