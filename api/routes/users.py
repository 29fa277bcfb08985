"""Users (created by administrators) and each user's own tokens."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, status

from api.deps import AdminDep, CurrentUserDep, SessionDep
from api.errors import ERROR_RESPONSES
from api.repositories.accounts import TokenRepository, UserRepository
from api.schemas.accounts import ApiTokenRead, UserCreate, UserRead
from api.schemas.ids import DbId
from api.services import accounts
from api.tables import ApiToken, User

router = APIRouter(prefix="/users", tags=["users"], responses=ERROR_RESPONSES)


@router.post("", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(data: UserCreate, admin: AdminDep, session: SessionDep) -> User:
    """Create an account (administrators only)."""
    return accounts.create_user(
        session,
        email=data.email,
        name=data.name,
        password=data.password,
        is_admin=data.is_admin,
        actor=admin,
    )


@router.get("", response_model=list[UserRead])
def list_users(_admin: AdminDep, session: SessionDep) -> Sequence[User]:
    """All accounts (administrators only)."""
    return UserRepository(session).list_all()


@router.get("/me", response_model=UserRead)
def read_me(user: CurrentUserDep) -> User:
    """The account the token belongs to."""
    return user


@router.get("/me/tokens", response_model=list[ApiTokenRead])
def list_my_tokens(user: CurrentUserDep, session: SessionDep) -> Sequence[ApiToken]:
    """Your tokens, newest first (the secrets themselves are never shown again)."""
    return TokenRepository(session).for_user(user.id or 0)


@router.delete("/me/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_my_token(token_id: DbId, user: CurrentUserDep, session: SessionDep) -> None:
    """Revoke one of your tokens; requests with it get 401 from now on."""
    accounts.revoke_token(session, user, token_id)
