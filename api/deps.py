"""The dependency vocabulary routes declare: session, settings, caller, and review access.

Every route under ``/reviews/{rid}`` takes a ``ReviewAccess`` from :func:`require`; that is the
one place where membership and role are checked (a test walks the routes to keep it so).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import BackgroundTasks, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import class_mapper
from sqlmodel import Session

from api.permissions import Permission, Role
from api.repositories.accounts import TokenRepository
from api.repositories.reviews import ReviewRepository
from api.schemas.ids import DbId
from api.security import CSRF_HEADER, SESSION_COOKIE, csrf_matches, hash_token
from api.services.access import ReviewAccess, check_permission
from api.services.accounts import check_token, check_token_values, resolve_token
from api.services.errors import Forbidden, NotFound, Unauthorized
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
        except BaseException:
            await run_in_threadpool(_end, session, commit=False)
            raise
        await run_in_threadpool(_end, session, commit=True)


def _end(session: Session, *, commit: bool) -> None:
    """Commit (or roll back) and close in one trip to a worker thread."""
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
# scope="function": commit before the response is sent, so a failed commit is not reported as 200.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
MISSING_TOKEN = "missing bearer token: send 'Authorization: Bearer <token>'"
T = TypeVar("T")
Row = TypeVar("Row", User, Review, Membership)
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


def _request_token(request: Request, bearer: str | None) -> str | None:
    """The caller's token: the bearer token (the API) or, without one, the session cookie's."""
    return bearer or _session_token(request)


def get_caller(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    background: BackgroundTasks,
    bearer: Annotated[str | None, Depends(oauth2_scheme)],
) -> Caller:
    """The caller, by bearer token (the API) or, without one, by the web app's session cookie."""
    token = _request_token(request, bearer)
    if not token:
        raise Unauthorized(MISSING_TOKEN)
    user, stored = resolve_token(session, token)
    _note_use(engine, background, stored)
    return Caller(user=user, token=stored)


def _note_use(engine: Engine, background: BackgroundTasks, stored: ApiToken) -> None:
    now = utc_now()
    if stored.last_used_at is None or stored.last_used_at < now - _LAST_USED_RESOLUTION:
        # Coarsely, and after the response: written in the request's transaction it would
        # hold SQLite's write lock for the whole request.
        background.add_task(_touch_token, engine, stored.id, now)


def _touch_token(engine: Engine, token_id: int | None, now: datetime) -> None:
    with Session(engine) as session, session.begin():
        TokenRepository(session).mark_used(token_id, now)


CallerDep = Annotated[Caller, Depends(get_caller)]


async def get_current_user(caller: CallerDep) -> User:
    return caller.user  # no I/O: async, so it needs no trip to a worker thread


CurrentUserDep = Annotated[User, Depends(get_current_user)]


def get_admin(user: CurrentUserDep) -> User:
    if not user.is_admin:
        raise Forbidden("only an administrator may do this")
    return user


AdminDep = Annotated[User, Depends(get_admin)]


def require(permission: Permission) -> Callable[..., ReviewAccess]:
    """Dependency for routes under ``/reviews/{rid}``: the caller's access with *permission*."""

    def dependency(
        request: Request,
        session: SessionDep,
        engine: EngineDep,
        background: BackgroundTasks,
        bearer: Annotated[str | None, Depends(oauth2_scheme)],
        rid: Annotated[DbId, Path()],
    ) -> ReviewAccess:
        # The caller and their role in one query and one trip to a worker thread.
        token = _request_token(request, bearer)
        return _access(session, engine, background, token, rid, permission)

    dependency.required_permission = permission  # type: ignore[attr-defined]
    return dependency


def _access(
    session: Session,
    engine: Engine,
    background: BackgroundTasks,
    token: str | None,
    review_id: int,
    permission: Permission,
) -> ReviewAccess:
    if not token:
        raise Unauthorized(MISSING_TOKEN)
    found = ReviewRepository(session).access_by_token(hash_token(token), review_id)
    if found is None:
        raise Unauthorized("invalid token")
    stored, user, membership, review = found
    check_token(stored, user)
    _note_use(engine, background, stored)
    if membership is None or review is None:
        raise NotFound("review", review_id)
    return check_permission(
        ReviewAccess(review=review, membership=membership, user=user), permission
    )


@dataclass(frozen=True, slots=True)
class OneTrip:
    """A review route's request, to be served in a single trip to a worker thread: checking
    the caller, the work and the commit together (the busiest routes: each trip between the
    event loop and the threads costs about as much as the work itself)."""

    request: Request
    background: BackgroundTasks
    token: str | None
    review_id: int
    permission: Permission

    async def run(self, work: Callable[[Session, ReviewAccess], T]) -> T:
        """*work(session, access)* in one transaction, committed before the response."""
        slots: asyncio.Semaphore = self.request.app.state.session_slots
        async with slots:
            return await run_in_threadpool(self._run, work)

    def _run(self, work: Callable[[Session, ReviewAccess], T]) -> T:
        engine = get_engine(self.request)
        with Session(engine, expire_on_commit=False) as session:
            try:
                access = self._access(session, engine)
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                # A connection cut since its last use (see api.db._ping_when_idle), found by
                # the trip's first statement: nothing was done yet, so go again on a new one.
                session.close()
                access = self._access(session, engine)
            result = work(session, access)
            session.commit()
            return result

    def _access(self, session: Session, engine: Engine) -> ReviewAccess:
        """As `require` checks it, read as plain values: the review, user and membership
        handed to the work are snapshots outside the session (to read, not to change)."""
        if not self.token:
            raise Unauthorized(MISSING_TOKEN)
        found = ReviewRepository(session).access_snapshot(hash_token(self.token), self.review_id)
        if found is None:
            raise Unauthorized("invalid token")
        check_token_values(found.revoked_at, found.expires_at, active=found.is_active)
        if found.last_used_at is None or found.last_used_at < utc_now() - _LAST_USED_RESOLUTION:
            self.background.add_task(_touch_token, engine, found.token_id, utc_now())
        if found.role is None or found.review_created_at is None:
            raise NotFound("review", self.review_id)
        created, updated = (
            found.review_created_at,
            found.review_updated_at or found.review_created_at,
        )
        user = _as_loaded(
            User, id=found.user_id, email=found.email, name=found.name, password_hash="",
            is_admin=found.is_admin, is_active=found.is_active,
        )  # fmt: skip
        review = _as_loaded(
            Review,
            id=self.review_id,
            title=found.review_title or "",
            settings=found.review_settings or {},
            created_at=created,
            updated_at=updated,
        )
        role = Role(found.role)
        membership = _as_loaded(
            Membership, review_id=self.review_id, user_id=found.user_id, role=role
        )
        return check_permission(
            ReviewAccess(review=review, membership=membership, user=user), self.permission
        )


def _as_loaded(table: type[Row], **values: Any) -> Row:
    """A row object built as the ORM builds the rows it loads: the values, as read from the
    database, go straight in, without the validation and change tracking of the constructor
    (a tenth of its cost, which was a tenth of the busiest requests)."""
    row: Row = class_mapper(table).class_manager.new_instance()
    row.__dict__.update(values)
    return row


def in_one_trip(permission: Permission) -> Callable[..., Awaitable[OneTrip]]:
    """Like `require`, for a route that does its work with `OneTrip.run`: the permission is
    declared here and checked in the worker thread, with the work."""

    async def dependency(
        request: Request,
        background: BackgroundTasks,
        bearer: Annotated[str | None, Depends(oauth2_scheme)],
        rid: Annotated[DbId, Path()],
    ) -> OneTrip:
        return OneTrip(request, background, _request_token(request, bearer), rid, permission)

    dependency.required_permission = permission  # type: ignore[attr-defined]
    return dependency


ReadAccess = Annotated[ReviewAccess, Depends(require(Permission.READ))]
LeadAccess = Annotated[ReviewAccess, Depends(require(Permission.MANAGE_REVIEW))]
LibrarianAccess = Annotated[ReviewAccess, Depends(require(Permission.MANAGE_SOURCES))]
ScreenAccess = Annotated[ReviewAccess, Depends(require(Permission.SCREEN))]
ScreenInOneTrip = Annotated[OneTrip, Depends(in_one_trip(Permission.SCREEN))]
ExtractAccess = Annotated[ReviewAccess, Depends(require(Permission.EXTRACT))]
RetrieveAccess = Annotated[ReviewAccess, Depends(require(Permission.RETRIEVE))]
