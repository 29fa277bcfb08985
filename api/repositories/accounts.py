"""Users, tokens and login failures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, delete, func, select

from api.tables import ApiToken, LoginFailure, User


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        return self.session.exec(select(User).where(User.email == email.lower())).first()

    def list_all(self) -> Sequence[User]:
        return self.session.exec(select(User).order_by(col(User.id))).all()

    def add(self, user: User) -> User:
        self.session.add(user)
        self.session.flush()
        return user

    def names(self, user_ids: Iterable[int | None]) -> dict[int, str]:
        """``{user id: name}`` for the given ids (``None`` and unknown ids are left out)."""
        wanted = sorted({user_id for user_id in user_ids if user_id is not None})
        if not wanted:
            return {}
        statement = select(User.id, User.name).where(col(User.id).in_(wanted))
        return {user_id: name for user_id, name in self.session.exec(statement).all() if user_id}


class TokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def with_user(self, token_hash: str) -> tuple[ApiToken, User] | None:
        """A token and its user in one query (every authenticated request starts here)."""
        statement = (
            select(ApiToken, User)
            .join(User, col(User.id) == col(ApiToken.user_id))
            .where(ApiToken.token_hash == token_hash)
        )
        found = self.session.exec(statement).first()
        return (found[0], found[1]) if found is not None else None

    def for_user(self, user_id: int) -> Sequence[ApiToken]:
        statement = (
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(col(ApiToken.id).desc())
        )
        return self.session.exec(statement).all()

    def mark_used(self, token_id: int | None, now: datetime) -> None:
        statement = update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now)
        self.session.execute(statement)

    def add(self, token: ApiToken) -> ApiToken:
        self.session.add(token)
        self.session.flush()
        return token


class LoginFailureRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count_since(
        self, *, since: datetime, email: str | None = None, address: str | None = None
    ) -> tuple[int, datetime | None]:
        """Failures since *since* for an account or an address, and the oldest of them."""
        statement = select(func.count(), func.min(LoginFailure.failed_at)).where(
            LoginFailure.failed_at >= since
        )
        if email is not None:
            statement = statement.where(LoginFailure.email == email)
        if address is not None:
            statement = statement.where(LoginFailure.address == address)
        count, oldest = self.session.exec(statement).one()
        return int(count), oldest

    def add(self, failure: LoginFailure) -> None:
        self.session.add(failure)
        self.session.flush()

    def clear_account(self, email: str) -> None:
        self.session.exec(delete(LoginFailure).where(col(LoginFailure.email) == email))

    def purge_before(self, cutoff: datetime) -> None:
        self.session.exec(delete(LoginFailure).where(col(LoginFailure.failed_at) < cutoff))
