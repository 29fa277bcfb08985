"""The dependency vocabulary routes declare: session, settings, caller, and review access.

Every route under ``/reviews/{rid}`` takes a ``ReviewAccess`` from :func:`require`; that is the
one place where membership and role are checked (a test walks the routes to keep it so).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from api.errors import Forbidden, NotFound, Unauthorized
from api.permissions import Permission, Role, allows
from api.repositories.reviews import ReviewRepository
from api.schemas.ids import DbId
from api.security import CSRF_HEADER, SESSION_COOKIE, csrf_matches
from api.services.accounts import resolve_token
from api.settings import Settings
from api.tables import ApiToken, Membership, Review, User, utc_now


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed if the handler returns, rolled back if it raises.

    Requests wait for a session slot first (see `api.db.request_session_slots`): on SQLite they
    take turns, as its one writer would make them anyway, without holding its write lock while
    40 threads compete for the interpreter. The wait is on the event loop, so a waiting request
    holds no worker thread."""
    slots: asyncio.Semaphore = request.app.state.session_slots
    async with slots:
        session = Session(get_engine(request), expire_on_commit=False)
        try:
            yield session
            await run_in_threadpool(session.commit)
        except BaseException:
            await run_in_threadpool(session.rollback)
            raise
        finally:
            await run_in_threadpool(session.close)


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
# scope="function": commit before the response is sent, so a failed commit is not reported as 200.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
_LAST_USED_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    token: ApiToken


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _session_token(request: Request) -> str | None:
    """The web app's session token from its cookie; unsafe requests must echo the CSRF value."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    if request.method not in _SAFE_METHODS and not csrf_matches(
        token, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden(f"missing or wrong {CSRF_HEADER} header for a cookie-signed request")
    return token


def get_caller(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    background: BackgroundTasks,
    bearer: Annotated[str | None, Depends(oauth2_scheme)],
) -> Caller:
    """The caller, by bearer token (the API) or, without one, by the web app's session cookie."""
    token = bearer or _session_token(request)
    if not token:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    user, stored = resolve_token(session, token)
    now = utc_now()
    if stored.last_used_at is None or stored.last_used_at < now - _LAST_USED_RESOLUTION:
        # Coarsely, and after the response: written in the request's transaction it would
        # hold SQLite's write lock for the whole request.
        background.add_task(_touch_token, engine, stored.id, now)
    return Caller(user=user, token=stored)


def _touch_token(engine: Engine, token_id: int | None, now: datetime) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now)
        )


CallerDep = Annotated[Caller, Depends(get_caller)]


def get_current_user(caller: CallerDep) -> User:
    return caller.user


CurrentUserDep = Annotated[User, Depends(get_current_user)]


def get_admin(user: CurrentUserDep) -> User:
    if not user.is_admin:
        raise Forbidden("only an administrator may do this")
    return user


AdminDep = Annotated[User, Depends(get_admin)]


@dataclass(frozen=True, slots=True)
class ReviewAccess:
    review: Review
    membership: Membership
    user: User

    @property
    def role(self) -> Role:
        return self.membership.role


def authorize(session: Session, user: User, review_id: int, permission: Permission) -> ReviewAccess:
    """The single check: outsiders get 404 (the review's existence is not disclosed), members
    whose role lacks *permission* get 403."""
    assert user.id is not None
    found = ReviewRepository(session).with_membership(review_id, user.id)
    if found is None:
        raise NotFound("review", review_id)
    review, membership = found
    if not allows(membership.role, permission):
        raise Forbidden(
            f"your role in this review ({membership.role.value}) does not allow this "
            f"(needs permission '{permission.value}')"
        )
    return ReviewAccess(review=review, membership=membership, user=user)


def require(permission: Permission) -> Callable[..., ReviewAccess]:
    """Dependency for routes under ``/reviews/{rid}``: the caller's access with *permission*."""

    def dependency(
        session: SessionDep, user: CurrentUserDep, rid: Annotated[DbId, Path()]
    ) -> ReviewAccess:
        return authorize(session, user, rid, permission)

    dependency.required_permission = permission  # type: ignore[attr-defined]
    return dependency


ReadAccess = Annotated[ReviewAccess, Depends(require(Permission.READ))]
LeadAccess = Annotated[ReviewAccess, Depends(require(Permission.MANAGE_REVIEW))]
LibrarianAccess = Annotated[ReviewAccess, Depends(require(Permission.MANAGE_SOURCES))]
ScreenAccess = Annotated[ReviewAccess, Depends(require(Permission.SCREEN))]
ExtractAccess = Annotated[ReviewAccess, Depends(require(Permission.EXTRACT))]
RetrieveAccess = Annotated[ReviewAccess, Depends(require(Permission.RETRIEVE))]
