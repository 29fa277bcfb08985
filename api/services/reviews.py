"""Reviews, their members and sources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from api.permissions import Role
from api.repositories.accounts import UserRepository
from api.repositories.reviews import MembershipRepository, ReviewRepository, SourceRepository
from api.repositories.rows import save
from api.schemas.accounts import PasswordLinkRead
from api.schemas.reviews import (
    MemberRead,
    ReviewCreate,
    ReviewRead,
    ReviewSettings,
    ReviewUpdate,
    SourceCreate,
    SourceUpdate,
)
from api.services import accounts
from api.services.audit import record_event
from api.services.errors import Conflict, InvalidInput, NotFound, describe_validation_errors
from api.services.screening import store
from api.services.screening.reasons import seed_default_reasons
from api.settings import Settings
from api.tables import Membership, Review, Source, User, utc_now


def review_read(review: Review, role: Role) -> ReviewRead:
    assert review.id is not None
    return ReviewRead(
        id=review.id,
        title=review.title,
        description=review.description,
        settings=ReviewSettings.model_validate(review.settings),
        created_at=review.created_at,
        updated_at=review.updated_at,
        role=role,
    )


def create_review(session: Session, owner: User, data: ReviewCreate) -> Review:
    """Create a review; its creator becomes its first lead."""
    assert owner.id is not None
    reviews = ReviewRepository(session)
    review = Review(
        title=data.title.strip(),
        description=data.description,
        settings=data.settings.model_dump(mode="json"),
        created_by_id=owner.id,
    )
    reviews.add(review)
    assert review.id is not None
    reviews.add(Membership(review_id=review.id, user_id=owner.id, role=Role.LEAD))
    seed_default_reasons(session, review.id)
    store.rebuild(session, review)  # the stage rows: what new records start as
    record_event(
        session,
        actor=owner,
        action="review.create",
        review_id=review.id,
        target=f"review:{review.id}",
        details={"title": review.title},
    )
    return review


def list_reviews(session: Session, user: User) -> list[ReviewRead]:
    assert user.id is not None
    return [review_read(r, m.role) for r, m in ReviewRepository(session).for_member(user.id)]


def update_review(session: Session, review: Review, actor: User, data: ReviewUpdate) -> Review:
    changed: dict[str, Any] = data.model_dump(exclude_none=True)
    before = review.settings
    if data.title is not None:
        review.title = data.title.strip()
    if data.description is not None:
        review.description = data.description
    if data.settings is not None:
        review.settings = _merged_settings(review.settings, data.settings)
    review.updated_at = utc_now()
    save(session, review)
    store.settings_changed(session, review, before)
    record_event(
        session,
        actor=actor,
        action="review.update",
        review_id=review.id,
        target=f"review:{review.id}",
        details=changed,
    )
    return review


def _merged_settings(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = _deep_merge(ReviewSettings.model_validate(current).model_dump(mode="json"), patch)
    try:
        return ReviewSettings.model_validate(merged).model_dump(mode="json")
    except ValidationError as exc:
        detail = describe_validation_errors(exc.errors())
        raise InvalidInput(f"invalid review settings: {detail}") from exc


def _deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def list_members(session: Session, review: Review) -> list[MemberRead]:
    assert review.id is not None
    return [
        MemberRead(user_id=u.id or 0, email=u.email, name=u.name, role=m.role)
        for m, u in MembershipRepository(session).members(review.id)
    ]


def set_member(
    session: Session, review: Review, actor: User, *, user_id: int, role: Role
) -> MemberRead:
    """Add a user to the review with *role*, or change their role."""
    assert review.id is not None
    user = UserRepository(session).get(user_id)
    if user is None or not user.is_active:
        raise NotFound("user", user_id)
    memberships = MembershipRepository(session)
    membership = memberships.get(review.id, user_id)
    previous = membership.role if membership else None
    if membership is None:
        membership = Membership(review_id=review.id, user_id=user_id, role=role)
    elif previous == Role.LEAD and role != Role.LEAD:
        _keep_one_lead(memberships, review.id)
    membership.role = role
    save(session, membership)
    store.member_changed(session, review, user_id)
    record_event(
        session,
        actor=actor,
        action="member.set",
        review_id=review.id,
        target=f"user:{user_id}",
        details={"role": role.value, "previous": previous.value if previous else None},
    )
    return MemberRead(user_id=user_id, email=user.email, name=user.name, role=role)


def add_member_by_email(
    session: Session,
    settings: Settings,
    review: Review,
    actor: User,
    *,
    email: str,
    role: Role,
    name: str | None = None,
) -> MemberRead:
    """set_member for the account that signs in with *email*. An unknown address is invited: an
    account without a password is made, and the answer carries a one-time link to set one."""
    user = UserRepository(session).by_email(email.strip())
    invitation = None
    if user is None:
        user = accounts.create_user(
            session, email=email, name=name or email.split("@")[0], password=None, actor=actor
        )
        invitation = accounts.password_link(session, settings, user, accounts.INVITATION)
    elif not user.is_active:
        raise Conflict(
            f"the account of {user.email} is deactivated; an administrator can restore it"
        )
    assert user.id is not None
    member = set_member(session, review, actor, user_id=user.id, role=role)
    if invitation is not None:
        member.invitation = PasswordLinkRead(url=invitation.url, expires_at=invitation.expires_at)
    return member


def remove_member(session: Session, review: Review, actor: User, *, user_id: int) -> None:
    """Remove a member; their votes and other work stay in the log."""
    assert review.id is not None
    memberships = MembershipRepository(session)
    membership = memberships.get(review.id, user_id)
    if membership is None:
        raise NotFound("member", user_id)
    if membership.role == Role.LEAD:
        _keep_one_lead(memberships, review.id)
    memberships.delete(membership)
    store.member_changed(session, review, user_id)
    record_event(
        session,
        actor=actor,
        action="member.remove",
        review_id=review.id,
        target=f"user:{user_id}",
        details={"role": membership.role.value},
    )


def _keep_one_lead(memberships: MembershipRepository, review_id: int) -> None:
    if memberships.count_role(review_id, Role.LEAD) <= 1:
        raise Conflict("a review must keep at least one lead; make someone else lead first")


def list_sources(session: Session, review: Review) -> Sequence[Source]:
    assert review.id is not None
    return SourceRepository(session).for_review(review.id)


def get_source(session: Session, review: Review, source_id: int) -> Source:
    assert review.id is not None
    source = SourceRepository(session).get(review.id, source_id)
    if source is None:
        raise NotFound("source", source_id)
    return source


def create_source(session: Session, review: Review, actor: User, data: SourceCreate) -> Source:
    assert review.id is not None
    _name_is_free(session, review.id, data.name.strip())
    source = Source(review_id=review.id, **data.model_dump())
    source.name = source.name.strip()
    ReviewRepository(session).add(source)
    record_event(
        session,
        actor=actor,
        action="source.create",
        review_id=review.id,
        target=f"source:{source.id}",
        details={"name": source.name},
    )
    return source


def update_source(
    session: Session, review: Review, actor: User, source_id: int, data: SourceUpdate
) -> Source:
    assert review.id is not None
    source = get_source(session, review, source_id)
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None and key != "searched_on":
            raise InvalidInput(f"body.{key}: must not be null")
    if "name" in changes and changes["name"].strip() != source.name:
        changes["name"] = changes["name"].strip()
        _name_is_free(session, review.id, changes["name"])
    for key, value in changes.items():
        setattr(source, key, value)
    save(session, source)
    record_event(
        session,
        actor=actor,
        action="source.update",
        review_id=review.id,
        target=f"source:{source.id}",
        details={"fields": sorted(changes)},
    )
    return source


def _name_is_free(session: Session, review_id: int, name: str) -> None:
    if SourceRepository(session).by_name(review_id, name) is not None:
        raise Conflict(f"this review already has a source named {name!r}")
