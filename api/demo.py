"""A demo review with one account per role, so a newcomer can log in at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.permissions import Role
from api.repositories.accounts import UserRepository
from api.schemas.reviews import ReviewCreate, SourceCreate
from api.services import accounts, reviews
from api.tables import Membership, Review, SourceKind, User

DEMO_REVIEW_TITLE = "Demo: exercise therapy for chronic low back pain"
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("lead@example.org", "Lea Lead", Role.LEAD),
    ("reviewer1@example.org", "Rafa Reviewer", Role.REVIEWER),
    ("reviewer2@example.org", "Rita Reviewer", Role.REVIEWER),
    ("librarian@example.org", "Lior Librarian", Role.LIBRARIAN),
    ("viewer@example.org", "Vic Viewer", Role.VIEWER),
)
DEMO_ADMIN = ("admin@example.org", "Ada Admin")
DEMO_SOURCES = (
    SourceCreate(
        name="MEDLINE (PubMed)",
        kind=SourceKind.DATABASE,
        query='"low back pain"[MeSH] AND exercise therapy[MeSH]',
        searched_on=date(2026, 1, 15),
    ),
    SourceCreate(
        name="Embase (Ovid)",
        kind=SourceKind.DATABASE,
        query="exp low back pain/ and exp kinesiotherapy/",
        searched_on=date(2026, 1, 15),
    ),
    SourceCreate(
        name="ClinicalTrials.gov",
        kind=SourceKind.REGISTER,
        query="low back pain AND exercise",
        searched_on=date(2026, 1, 16),
    ),
)


@dataclass(frozen=True, slots=True)
class DemoCredential:
    email: str
    password: str
    role: str


def load_demo(engine: Engine) -> list[DemoCredential]:
    """Create (or refresh) the demo accounts and review; returns fresh passwords for each account.

    Passwords are new on every call so that what was printed is always what works."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        credentials = [
            _demo_account(session, DEMO_ADMIN[0], DEMO_ADMIN[1], admin=True, role="admin")
        ]
        users: list[tuple[User, Role]] = []
        for email, name, role in DEMO_USERS:
            credentials.append(_demo_account(session, email, name, role=role.value))
            user = UserRepository(session).by_email(email)
            assert user is not None
            users.append((user, role))
        _demo_review(session, users)
    return credentials


def _demo_account(
    session: Session, email: str, name: str, *, role: str, admin: bool = False
) -> DemoCredential:
    password = secrets.token_urlsafe(9)
    user = UserRepository(session).by_email(email)
    if user is None:
        accounts.create_user(session, email=email, name=name, password=password, is_admin=admin)
    else:
        accounts.set_password(session, user, password)
    return DemoCredential(email=email, password=password, role=role)


def _demo_review(session: Session, users: list[tuple[User, Role]]) -> None:
    if session.exec(select(Review).where(Review.title == DEMO_REVIEW_TITLE)).first() is not None:
        return
    lead = users[0][0]
    review = reviews.create_review(
        session,
        lead,
        ReviewCreate(
            title=DEMO_REVIEW_TITLE,
            description="A small demonstration review. Import records as the librarian to begin.",
        ),
    )
    assert review.id is not None
    for user, role in users[1:]:
        assert user.id is not None
        session.add(Membership(review_id=review.id, user_id=user.id, role=role))
    for source in DEMO_SOURCES:
        reviews.create_source(session, review, lead, source)
