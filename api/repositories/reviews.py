"""Reviews, memberships, sources, jobs and the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from api.permissions import Role
from api.tables import ApiToken, AuditEvent, Job, Membership, Review, Source, User


@dataclass(frozen=True, slots=True)
class AccessSnapshot:
    token_id: int
    revoked_at: datetime | None
    expires_at: datetime
    last_used_at: datetime | None
    user_id: int
    email: str
    name: str
    is_admin: bool
    is_active: bool
    role: str | None  # None: not a member of the review
    review_title: str | None
    review_settings: dict[str, Any] | None
    review_created_at: datetime | None
    review_updated_at: datetime | None


_TOKEN: Table = ApiToken.__table__  # type: ignore[attr-defined]
_USER: Table = User.__table__  # type: ignore[attr-defined]
_MEMBERSHIP: Table = Membership.__table__  # type: ignore[attr-defined]
_REVIEW: Table = Review.__table__  # type: ignore[attr-defined]
_ACCESS = (
    sa_select(
        _TOKEN.c.id,
        _TOKEN.c.revoked_at,
        _TOKEN.c.expires_at,
        _TOKEN.c.last_used_at,
        _USER.c.id,
        _USER.c.email,
        _USER.c.name,
        _USER.c.is_admin,
        _USER.c.is_active,
        _MEMBERSHIP.c.role,
        _REVIEW.c.title,
        _REVIEW.c.settings,
        _REVIEW.c.created_at,
        _REVIEW.c.updated_at,
    )
    .select_from(
        _TOKEN.join(_USER, _USER.c.id == _TOKEN.c.user_id)
        .outerjoin(
            _MEMBERSHIP,
            (_MEMBERSHIP.c.user_id == _USER.c.id) & (_MEMBERSHIP.c.review_id == bindparam("rid")),
        )
        .outerjoin(_REVIEW, _REVIEW.c.id == _MEMBERSHIP.c.review_id)
    )
    .where(_TOKEN.c.token_hash == bindparam("token_hash"))
)


class ReviewRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, review_id: int) -> Review | None:
        return self.session.get(Review, review_id)

    def with_membership(self, review_id: int, user_id: int) -> tuple[Review, Membership] | None:
        statement = (
            select(Review, Membership)
            .join(Membership, col(Membership.review_id) == col(Review.id))
            .where(Review.id == review_id, Membership.user_id == user_id)
        )
        row = self.session.exec(statement).first()
        return (row[0], row[1]) if row else None

    def access_by_token(
        self, token_hash: str, review_id: int
    ) -> tuple[ApiToken, User, Membership | None, Review | None] | None:
        """A bearer token, its user, and their membership of a review with the review, in one
        query (every review route starts here); None when the token is unknown."""
        statement = (
            select(ApiToken, User, Membership, Review)
            .join(User, col(User.id) == col(ApiToken.user_id))
            .outerjoin(
                Membership,
                (col(Membership.user_id) == col(User.id))
                & (col(Membership.review_id) == review_id),
            )
            .outerjoin(Review, col(Review.id) == col(Membership.review_id))
            .where(ApiToken.token_hash == token_hash)
        )
        row = self.session.exec(statement).first()
        return (row[0], row[1], row[2], row[3]) if row is not None else None

    def access_snapshot(self, token_hash: str, review_id: int) -> AccessSnapshot | None:
        """`access_by_token` as plain values, without the ORM (a quarter of its cost)."""
        row = (
            self.session.connection()
            .execute(_ACCESS, {"token_hash": token_hash, "rid": review_id})
            .first()
        )
        return AccessSnapshot(*row) if row is not None else None  # type: ignore[call-arg]

    def for_member(self, user_id: int) -> Sequence[tuple[Review, Membership]]:
        statement = (
            select(Review, Membership)
            .join(Membership, col(Membership.review_id) == col(Review.id))
            .where(Membership.user_id == user_id)
            .order_by(col(Review.id))
        )
        return [(r, m) for r, m in self.session.exec(statement).all()]

    def add(self, obj: Review | Membership | Source | AuditEvent | Job) -> None:
        self.session.add(obj)
        self.session.flush()


class MembershipRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, review_id: int, user_id: int) -> Membership | None:
        statement = select(Membership).where(
            Membership.review_id == review_id, Membership.user_id == user_id
        )
        return self.session.exec(statement).first()

    def members(self, review_id: int) -> Sequence[tuple[Membership, User]]:
        statement = (
            select(Membership, User)
            .join(User, col(User.id) == col(Membership.user_id))
            .where(Membership.review_id == review_id)
            .order_by(col(User.name), col(User.id))
        )
        return [(m, u) for m, u in self.session.exec(statement).all()]

    def count_role(self, review_id: int, role: Role) -> int:
        statement = select(func.count()).where(
            Membership.review_id == review_id, Membership.role == role
        )
        return int(self.session.exec(statement).one())

    def delete(self, membership: Membership) -> None:
        self.session.delete(membership)
        self.session.flush()


class SourceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def for_review(self, review_id: int) -> Sequence[Source]:
        statement = select(Source).where(Source.review_id == review_id).order_by(col(Source.id))
        return self.session.exec(statement).all()

    def by_name(self, review_id: int, name: str) -> Source | None:
        statement = select(Source).where(Source.review_id == review_id, Source.name == name)
        return self.session.exec(statement).first()

    def get(self, review_id: int, source_id: int) -> Source | None:
        source = self.session.get(Source, source_id)
        return source if source is not None and source.review_id == review_id else None
