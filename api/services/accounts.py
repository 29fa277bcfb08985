"""Accounts: creating users, logging in (throttled), issuing and revoking tokens."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from api.errors import Conflict, NotFound, TooManyRequests, Unauthorized
from api.repositories.accounts import LoginFailureRepository, TokenRepository, UserRepository
from api.security import hash_password, hash_token, needs_rehash, new_token, verify_password
from api.services.audit import record_event
from api.settings import Settings
from api.tables import ApiToken, LoginFailure, User, utc_now


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_at: datetime
    token_type: str = "bearer"


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    is_admin: bool = False,
    actor: User | None = None,
) -> User:
    users = UserRepository(session)
    email = email.strip().lower()
    if users.by_email(email) is not None:
        raise Conflict(f"a user with e-mail {email} already exists")
    user = users.add(
        User(
            email=email, name=name.strip(), password_hash=hash_password(password), is_admin=is_admin
        )
    )
    record_event(
        session,
        actor=actor,
        action="user.create",
        target=f"user:{user.id}",
        details={"email": email, "is_admin": is_admin},
    )
    return user


def set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    session.add(user)
    session.flush()


def check_login_allowed(session: Session, settings: Settings, *, email: str, address: str) -> None:
    """Refuse with 429 while an account or an address has too many recent failures."""
    window = timedelta(minutes=settings.login_failure_window_minutes)
    now = utc_now()
    failures = LoginFailureRepository(session)
    limits = (
        ("account", {"email": email.lower()}, settings.login_max_failures_per_account),
        ("address", {"address": address}, settings.login_max_failures_per_address),
    )
    for label, key, limit in limits:
        count, oldest = failures.count_since(since=now - window, **key)
        if count >= limit and oldest is not None:
            retry = max(1, math.ceil((oldest + window - now).total_seconds()))
            raise TooManyRequests(
                f"too many failed logins for this {label}; try again in {retry} s",
                retry_after=retry,
            )


def record_login_failure(session: Session, *, email: str, address: str) -> None:
    repo = LoginFailureRepository(session)
    repo.purge_before(utc_now() - timedelta(days=1))
    repo.add(LoginFailure(email=email.lower()[:320], address=address[:64]))


def authenticate(session: Session, *, email: str, password: str) -> User:
    user = UserRepository(session).by_email(email.strip())
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid:
        raise Unauthorized("incorrect e-mail or password")
    if not user.is_active:
        raise Unauthorized("this account is deactivated")
    if needs_rehash(user.password_hash):
        set_password(session, user, password)
    LoginFailureRepository(session).clear_account(user.email)
    return user


def issue_token(session: Session, user: User, *, ttl: timedelta, name: str = "") -> IssuedToken:
    assert user.id is not None
    token = new_token()
    expires_at = utc_now() + ttl
    TokenRepository(session).add(
        ApiToken(user_id=user.id, token_hash=hash_token(token), name=name, expires_at=expires_at)
    )
    return IssuedToken(access_token=token, expires_at=expires_at)


def resolve_token(session: Session, token: str) -> tuple[User, ApiToken]:
    """The user behind a bearer token, or 401 saying precisely why not."""
    found = TokenRepository(session).with_user(hash_token(token))
    if found is None:
        raise Unauthorized("invalid token")
    stored, user = found
    check_token(stored, user)
    return user, stored


def check_token(stored: ApiToken, user: User) -> None:
    """401 saying precisely why a found token does not let its user in, if it does not."""
    check_token_values(stored.revoked_at, stored.expires_at, active=user.is_active)


def check_token_values(revoked_at: datetime | None, expires_at: datetime, *, active: bool) -> None:
    if revoked_at is not None:
        raise Unauthorized("token has been revoked")
    if expires_at <= utc_now():
        raise Unauthorized("token has expired; log in again")
    if not active:
        raise Unauthorized("this account is deactivated")


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    repo = TokenRepository(session)
    token = next((t for t in repo.for_user(user.id or 0) if t.id == token_id), None)
    if token is None:
        raise NotFound("token", token_id)
    if token.revoked_at is None:
        token.revoked_at = utc_now()
        session.add(token)
        record_event(session, actor=user, action="token.revoke", target=f"token:{token_id}")
        session.flush()
    return token
