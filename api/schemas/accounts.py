"""Users and tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from api.schemas.text import SingleLine

MIN_PASSWORD_LENGTH = 10


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    name: SingleLine = Field(min_length=1, max_length=200)
    # Without one, the answer carries a link for the person to set their own.
    password: str | None = Field(default=None, min_length=MIN_PASSWORD_LENGTH, max_length=1024)
    is_admin: bool = False

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name must not be blank")
        return value


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    is_admin: bool
    is_active: bool
    has_password: bool  # False for an invited or reset account until its link is used
    created_at: datetime


class PasswordLinkRead(BaseModel):
    """A one-time link to set a password: hand it to the person (it is shown only once)."""

    model_config = ConfigDict(from_attributes=True)

    url: str
    expires_at: datetime


class UserCreated(UserRead):
    password_link: PasswordLinkRead | None = None


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    is_admin: bool | None = None
    is_active: bool | None = None


class PasswordSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=2000)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)


class LinkCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=2000)


class LinkRead(BaseModel):
    email: str
    name: str
    purpose: str
    expires_at: datetime


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class SessionRead(BaseModel):
    """A web app session: the token itself is only in the HttpOnly cookie."""

    expires_at: datetime
    csrf_token: str


class ApiTokenRead(BaseModel):
    """A token's metadata; the token itself is only ever shown when it is issued."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
