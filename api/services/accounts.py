"""Accounts: creating users, logging in (throttled), issuing and revoking tokens."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from api.repositories.accounts import LoginFailureRepository, TokenRepository, UserRepository
from api.repositories.rows import save
from api.security import hash_password, hash_token, needs_rehash, new_token, verify_password
from api.services.audit import record_event
from api.services.errors import BadRequest, Conflict, NotFound, TooManyRequests, Unauthorized
from api.settings import Settings
from api.signing import BadLink, LinkClaims, password_fingerprint, secret_key, sign, verify
from api.tables import ApiToken, LoginFailure, User, utc_now

# An account without a usable password (invited, or reset): no argon2 hash starts with "!".
UNUSABLE_PREFIX = "!"
INVITATION = "invitation"
RESET = "reset"
LINK_TTL = {INVITATION: timedelta(days=7), RESET: timedelta(days=1)}


@dataclass(frozen=True, slots=True)
class PasswordLink:
    url: str  # a path on this site; the secret part is in the fragment, never sent to a server
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_at: datetime
    token_type: str = "bearer"


def _unusable_password() -> str:
    return UNUSABLE_PREFIX + new_token()


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str | None,
    is_admin: bool = False,
    actor: User | None = None,
) -> User:
    """An account; without a password it cannot sign in until one is set through a link."""
    users = UserRepository(session)
    email = email.strip().lower()
    if users.by_email(email) is not None:
        raise Conflict(f"a user with e-mail {email} already exists")
    password_hash = hash_password(password) if password else _unusable_password()
    user = users.add(
        User(email=email, name=name.strip(), password_hash=password_hash, is_admin=is_admin)
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
    save(session, user)


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


def list_users(session: Session) -> Sequence[User]:
    return UserRepository(session).list_all()


def list_tokens(session: Session, user: User) -> Sequence[ApiToken]:
    """The user's tokens, newest first."""
    return TokenRepository(session).for_user(user.id or 0)


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    repo = TokenRepository(session)
    token = next((t for t in repo.for_user(user.id or 0) if t.id == token_id), None)
    if token is None:
        raise NotFound("token", token_id)
    if token.revoked_at is None:
        token.revoked_at = utc_now()
        save(session, token)
        record_event(session, actor=user, action="token.revoke", target=f"token:{token_id}")
    return token


def update_user(
    session: Session,
    admin: User,
    user_id: int,
    *,
    name: str | None = None,
    is_admin: bool | None = None,
    is_active: bool | None = None,
) -> User:
    """An administrator's change to an account; deactivating it also ends all its sessions."""
    user = UserRepository(session).get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    if user.id == admin.id and (is_active is False or is_admin is False):
        raise Conflict("you cannot deactivate yourself or take away your own administrator role")
    changes: dict[str, object] = {}
    if name is not None and name.strip() != user.name:
        user.name = changes["name"] = name.strip()
    if is_admin is not None and is_admin != user.is_admin:
        user.is_admin = changes["is_admin"] = is_admin
    if is_active is not None and is_active != user.is_active:
        user.is_active = changes["is_active"] = is_active
        if not is_active:
            changes["tokens_revoked"] = revoke_all_tokens(session, user)
    save(session, user)
    if changes:
        record_event(
            session, actor=admin, action="user.update", target=f"user:{user.id}", details=changes
        )
    return user


def revoke_all_tokens(session: Session, user: User) -> int:
    now = utc_now()
    revoked = [t for t in TokenRepository(session).for_user(user.id or 0) if t.revoked_at is None]
    for token in revoked:
        token.revoked_at = now
    save(session, *revoked)
    return len(revoked)


def password_link(session: Session, settings: Settings, user: User, purpose: str) -> PasswordLink:
    """A signed link to set the account's password, good until it is used or expires."""
    assert user.id is not None
    expires_at = utc_now() + LINK_TTL[purpose]
    claims = LinkClaims(user.id, purpose, expires_at, password_fingerprint(user.password_hash))
    token = sign(claims, secret_key(settings))
    return PasswordLink(url=f"/set-password#token={token}", expires_at=expires_at)


def reset_password(session: Session, settings: Settings, admin: User, user_id: int) -> PasswordLink:
    """The old password stops working and every session ends; the link sets a new one."""
    user = UserRepository(session).get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    if not user.is_active:
        raise Conflict("this account is deactivated; reactivate it first")
    user.password_hash = _unusable_password()
    save(session, user)
    revoked = revoke_all_tokens(session, user)
    record_event(
        session,
        actor=admin,
        action="user.password_reset",
        target=f"user:{user.id}",
        details={"tokens_revoked": revoked},
    )
    return password_link(session, settings, user, RESET)


def user_for_link(session: Session, settings: Settings, token: str) -> tuple[User, LinkClaims]:
    """The account a link may set the password of, or 400 saying why not."""
    try:
        claims = verify(token, secret_key(settings), now=utc_now())
    except BadLink as exc:
        raise BadRequest(str(exc)) from exc
    user = UserRepository(session).get(claims.user_id)
    if user is None or not user.is_active:
        raise BadRequest("this account is deactivated; ask an administrator")
    if claims.fingerprint != password_fingerprint(user.password_hash):
        raise BadRequest("this link was already used; ask for a new one")
    return user, claims


def set_password_with_link(session: Session, settings: Settings, token: str, password: str) -> User:
    user, claims = user_for_link(session, settings, token)
    set_password(session, user, password)
    LoginFailureRepository(session).clear_account(user.email)
    record_event(
        session,
        actor=user,
        action="user.password_set",
        target=f"user:{user.id}",
        details={"through": claims.purpose},
    )
    return user
