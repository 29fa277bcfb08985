"""Logging in and out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import CallerDep, SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES, Unauthorized, error_response
from api.schemas.accounts import TokenRead
from api.services import accounts

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERROR_RESPONSES)


@router.post("/token", response_model=TokenRead)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> accounts.IssuedToken | JSONResponse:
    """Exchange e-mail (`username`) and password for a bearer token.

    Repeated failures for one account or from one address are refused with 429 for a while."""
    address = request.client.host if request.client else "unknown"
    accounts.check_login_allowed(session, settings, email=form.username, address=address)
    try:
        user = accounts.authenticate(session, email=form.username, password=form.password)
    except Unauthorized as exc:
        # Answer instead of raising, so this transaction commits the failure it records.
        accounts.record_login_failure(session, email=form.username, address=address)
        return error_response(exc.status_code, "Unauthorized", exc.detail, exc.headers)
    return accounts.issue_token(session, user, ttl=timedelta(hours=settings.token_ttl_hours))


@router.delete("/token", status_code=status.HTTP_204_NO_CONTENT)
def logout(caller: CallerDep, session: SessionDep) -> None:
    """Revoke the token this request was made with."""
    assert caller.token.id is not None
    accounts.revoke_token(session, caller.user, caller.token.id)
