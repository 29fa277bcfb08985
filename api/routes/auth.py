"""Logging in and out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import Session

from api.deps import CallerDep, SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES, refusal_response
from api.schemas.accounts import LinkCheck, LinkRead, PasswordSet, SessionRead, TokenRead
from api.security import CSRF_COOKIE, SESSION_COOKIE, csrf_for
from api.services import accounts
from api.services.errors import Unauthorized
from api.settings import Settings
from api.tables import utc_now

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERROR_RESPONSES)


def _sign_in(
    form: OAuth2PasswordRequestForm,
    request: Request,
    session: Session,
    settings: Settings,
    name: str,
) -> accounts.IssuedToken | JSONResponse:
    address = request.client.host if request.client else "unknown"
    accounts.check_login_allowed(session, settings, email=form.username, address=address)
    try:
        user = accounts.authenticate(session, email=form.username, password=form.password)
    except Unauthorized as exc:
        # Answer instead of raising, so this transaction commits the failure it records.
        accounts.record_login_failure(session, email=form.username, address=address)
        return refusal_response(exc)
    ttl = timedelta(hours=settings.token_ttl_hours)
    return accounts.issue_token(session, user, ttl=ttl, name=name)


@router.post("/token", response_model=TokenRead)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> accounts.IssuedToken | JSONResponse:
    """Exchange e-mail (`username`) and password for a bearer token.

    Repeated failures for one account or from one address are refused with 429 for a while."""
    return _sign_in(form, request, session, settings, name="")


@router.post("/session", response_model=SessionRead)
def start_session(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> SessionRead | JSONResponse:
    """Sign the web app in: the token goes into an HttpOnly, SameSite=Strict cookie that scripts
    cannot read, valid in every tab until sign-out or expiry. Beside it a readable
    `winnow_csrf` cookie: send its value as `X-CSRF-Token` with every unsafe request."""
    issued = _sign_in(form, request, session, settings, name="web app session")
    if isinstance(issued, JSONResponse):
        return issued
    csrf = csrf_for(issued.access_token)
    max_age = int((issued.expires_at - utc_now()).total_seconds())
    secure = request.url.scheme == "https"
    for name, value, http_only in (
        (SESSION_COOKIE, issued.access_token, True),
        (CSRF_COOKIE, csrf, False),
    ):
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            secure=secure,
            httponly=http_only,
            samesite="strict",
        )
    return SessionRead(expires_at=issued.expires_at, csrf_token=csrf)


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT)
def end_session(caller: CallerDep, session: SessionDep, response: Response) -> None:
    """Sign the web app out: revoke the session's token and clear its cookies."""
    assert caller.token.id is not None
    accounts.revoke_token(session, caller.user, caller.token.id)
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", samesite="strict")


@router.delete("/token", status_code=status.HTTP_204_NO_CONTENT)
def logout(caller: CallerDep, session: SessionDep) -> None:
    """Revoke the token this request was made with."""
    assert caller.token.id is not None
    accounts.revoke_token(session, caller.user, caller.token.id)


@router.post("/password-link", response_model=LinkRead)
def check_password_link(data: LinkCheck, session: SessionDep, settings: SettingsDep) -> LinkRead:
    """Whose password a link sets, while it is valid (400 when altered, expired or used)."""
    user, claims = accounts.user_for_link(session, settings, data.token)
    return LinkRead(
        email=user.email, name=user.name, purpose=claims.purpose, expires_at=claims.expires_at
    )


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
def set_password(data: PasswordSet, session: SessionDep, settings: SettingsDep) -> None:
    """Set a password with a one-time link (an invitation or a reset); the link is then spent."""
    accounts.set_password_with_link(session, settings, data.token, data.password)
