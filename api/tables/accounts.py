"""Accounts, bearer tokens and failed logins."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from api.tables.base import Timestamp, utc_now


class User(SQLModel, table=True):
    __tablename__ = "user"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True, index=True)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    is_admin: bool = False
    is_active: bool = True
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)

    @property
    def has_password(self) -> bool:
        """Invited and reset accounts hold an unusable marker (no argon2 hash starts with "!")."""
        return not self.password_hash.startswith("!")


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    # SHA-256 of the bearer token: the token itself is shown once and never stored.
    token_hash: str = Field(max_length=64, unique=True)
    name: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)
    expires_at: datetime = Field(sa_type=Timestamp)
    revoked_at: datetime | None = Field(default=None, sa_type=Timestamp)
    last_used_at: datetime | None = Field(default=None, sa_type=Timestamp)


class LoginFailure(SQLModel, table=True):
    __tablename__ = "login_failure"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, index=True)
    address: str = Field(max_length=64, index=True)
    failed_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp, index=True)
