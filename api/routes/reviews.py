"""Reviews and their members."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from api.deps import CurrentUserDep, LeadAccess, ReadAccess, SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.permissions import Role
from api.schemas.ids import DbId
from api.schemas.reviews import (
    MemberInvite,
    MemberPut,
    MemberRead,
    ReviewCreate,
    ReviewRead,
    ReviewUpdate,
)
from api.services import reviews

router = APIRouter(prefix="/reviews", tags=["reviews"], responses=ERROR_RESPONSES)

UserIdPath = Annotated[DbId, Path()]


@router.post("", response_model=ReviewRead, status_code=status.HTTP_201_CREATED)
def create_review(data: ReviewCreate, user: CurrentUserDep, session: SessionDep) -> ReviewRead:
    """Start a review; you become its lead."""
    return reviews.review_read(reviews.create_review(session, user, data), Role.LEAD)


@router.get("", response_model=list[ReviewRead])
def list_reviews(user: CurrentUserDep, session: SessionDep) -> list[ReviewRead]:
    """The reviews you are a member of, with your role in each."""
    return reviews.list_reviews(session, user)


@router.get("/{rid}", response_model=ReviewRead)
def read_review(access: ReadAccess) -> ReviewRead:
    """One review and its settings."""
    return reviews.review_read(access.review, access.role)


@router.patch("/{rid}", response_model=ReviewRead)
def update_review(data: ReviewUpdate, access: LeadAccess, session: SessionDep) -> ReviewRead:
    """Change the title, description or settings (settings are merged key by key)."""
    review = reviews.update_review(session, access.review, access.user, data)
    return reviews.review_read(review, access.role)


@router.get("/{rid}/members", response_model=list[MemberRead])
def list_members(access: ReadAccess, session: SessionDep) -> list[MemberRead]:
    """Everyone in the review and their role."""
    return reviews.list_members(session, access.review)


@router.post("/{rid}/members", response_model=MemberRead, response_model_exclude_none=True)
def add_member(
    data: MemberInvite, access: LeadAccess, session: SessionDep, settings: SettingsDep
) -> MemberRead:
    """Add the person who signs in with `email` (or change their role). An address without an
    account is invited: the account is made (named `name`, or after the address) and the answer
    carries `invitation`, a one-time link to set a password, valid for a week, to hand over.
    409 when the account was deactivated."""
    return reviews.add_member_by_email(
        session,
        settings,
        access.review,
        access.user,
        email=data.email,
        role=data.role,
        name=data.name,
    )


@router.put("/{rid}/members/{user_id}", response_model=MemberRead)
def put_member(
    user_id: UserIdPath, data: MemberPut, access: LeadAccess, session: SessionDep
) -> MemberRead:
    """Add a user with a role, or change their role (`lead`, `reviewer`, `librarian`, `viewer`)."""
    return reviews.set_member(session, access.review, access.user, user_id=user_id, role=data.role)


@router.delete("/{rid}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_member(user_id: UserIdPath, access: LeadAccess, session: SessionDep) -> None:
    """Remove a member; the work they did stays in the review's log."""
    reviews.remove_member(session, access.review, access.user, user_id=user_id)
