"""Users (created by administrators) and each user's own tokens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path, status

from api.deps import AdminDep, CurrentUserDep, SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.schemas.accounts import (
    ApiTokenRead,
    PasswordLinkRead,
    UserCreate,
    UserCreated,
    UserRead,
    UserUpdate,
)
from api.schemas.ids import DbId
from api.services import accounts
from api.tables import ApiToken, User

router = APIRouter(prefix="/users", tags=["users"], responses=ERROR_RESPONSES)
UserIdPath = Annotated[DbId, Path()]


@router.post("", response_model=UserCreated, status_code=status.HTTP_201_CREATED)
def create_user(
    data: UserCreate, admin: AdminDep, session: SessionDep, settings: SettingsDep
) -> UserCreated:
    """Create an account (administrators only). Without a `password`, the answer carries a
    one-time `password_link` for the person to set their own."""
    user = accounts.create_user(
        session,
        email=data.email,
        name=data.name,
        password=data.password,
        is_admin=data.is_admin,
        actor=admin,
    )
    link = None
    if data.password is None:
        link = accounts.password_link(session, settings, user, accounts.INVITATION)
    created = UserCreated.model_validate(user, from_attributes=True)
    if link is not None:
        created.password_link = PasswordLinkRead.model_validate(link, from_attributes=True)
    return created


@router.patch("/{user_id}", response_model=UserRead)
def update_user(
    user_id: UserIdPath, data: UserUpdate, admin: AdminDep, session: SessionDep
) -> User:
    """Rename, make administrator, deactivate or reactivate an account (administrators only).
    A deactivated account cannot sign in and all its tokens and sessions are revoked."""
    return accounts.update_user(
        session,
        admin,
        user_id,
        name=data.name,
        is_admin=data.is_admin,
        is_active=data.is_active,
    )


@router.post("/{user_id}/password-reset", response_model=PasswordLinkRead)
def reset_password(
    user_id: UserIdPath, admin: AdminDep, session: SessionDep, settings: SettingsDep
) -> accounts.PasswordLink:
    """Reset a password (administrators only): the old one stops working, every session ends,
    and the answer is a one-time link, valid for a day, for the person to set a new one."""
    return accounts.reset_password(session, settings, admin, user_id)


@router.get("", response_model=list[UserRead])
def list_users(_admin: AdminDep, session: SessionDep) -> Sequence[User]:
    """All accounts (administrators only)."""
    return accounts.list_users(session)


@router.get("/me", response_model=UserRead)
def read_me(user: CurrentUserDep) -> User:
    """The account the token belongs to."""
    return user


@router.get("/me/tokens", response_model=list[ApiTokenRead])
def list_my_tokens(user: CurrentUserDep, session: SessionDep) -> Sequence[ApiToken]:
    """Your tokens, newest first (the secrets themselves are never shown again)."""
    return accounts.list_tokens(session, user)


@router.delete("/me/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_my_token(token_id: DbId, user: CurrentUserDep, session: SessionDep) -> None:
    """Revoke one of your tokens; requests with it get 401 from now on."""
    accounts.revoke_token(session, user, token_id)
