"""Who may do what in a review: outsiders get 404 (the review's existence is not disclosed),
members whose role lacks the permission get 403."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from api.permissions import Permission, Role, allows
from api.repositories.reviews import ReviewRepository
from api.services.errors import Forbidden, NotFound
from api.tables import Membership, Review, User


@dataclass(frozen=True, slots=True)
class ReviewAccess:
    review: Review
    membership: Membership
    user: User

    @property
    def role(self) -> Role:
        return self.membership.role


def authorize(session: Session, user: User, review_id: int, permission: Permission) -> ReviewAccess:
    """The single check: outsiders get 404 (the review's existence is not disclosed), members
    whose role lacks *permission* get 403."""
    assert user.id is not None
    found = ReviewRepository(session).with_membership(review_id, user.id)
    if found is None:
        raise NotFound("review", review_id)
    review, membership = found
    return check_permission(
        ReviewAccess(review=review, membership=membership, user=user), permission
    )


def check_permission(access: ReviewAccess, permission: Permission) -> ReviewAccess:
    if not allows(access.role, permission):
        raise Forbidden(
            f"your role in this review ({access.role.value}) does not allow this "
            f"(needs permission '{permission.value}')"
        )
    return access
