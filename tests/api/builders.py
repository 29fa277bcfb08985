"""Plain builder functions for API tests: users go straight into the DB, the rest via the API."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.services.accounts import create_user

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@dataclass
class Account:
    id: int
    email: str
    headers: dict[str, str]


class Builder:
    def __init__(self, client: TestClient, engine: Engine) -> None:
        self.client = client
        self.engine = engine

    def user(self, *, admin: bool = False, name: str = "") -> Account:
        email = f"user{next(_counter)}@example.org"
        with Session(self.engine) as session, session.begin():
            user = create_user(
                session,
                email=email,
                name=name or email.split("@")[0],
                password=PASSWORD,
                is_admin=admin,
            )
            user_id = user.id
        assert user_id is not None
        return Account(id=user_id, email=email, headers=self.login(email))

    def login(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        response = self.client.post(
            "/api/v1/auth/token", data={"username": email, "password": password}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def review(self, lead: Account, **fields: Any) -> dict[str, Any]:
        body = {"title": "Exercise for low back pain", **fields}
        response = self.client.post("/api/v1/reviews", json=body, headers=lead.headers)
        assert response.status_code == 201, response.text
        review: dict[str, Any] = response.json()
        return review

    def member(self, lead: Account, review_id: int, role: str, *, name: str = "") -> Account:
        account = self.user(name=name)
        response = self.client.put(
            f"/api/v1/reviews/{review_id}/members/{account.id}",
            json={"role": role},
            headers=lead.headers,
        )
        assert response.status_code == 200, response.text
        return account

    def source(self, account: Account, review_id: int, name: str = "MEDLINE") -> dict[str, Any]:
        response = self.client.post(
            f"/api/v1/reviews/{review_id}/sources", json={"name": name}, headers=account.headers
        )
        assert response.status_code == 201, response.text
        source: dict[str, Any] = response.json()
        return source


def screening_records(
    engine: Engine, review_id: int, texts: list[tuple[str, str]], *, source: str = "Screening"
) -> list[int]:
    """A source, an import batch and one record per ``(title, abstract)``, straight into the DB
    (independent of the import pipeline); returns the record ids in import order."""
    from api.tables import ImportBatch, Record, Source

    with Session(engine) as session, session.begin():
        found = Source(review_id=review_id, name=f"{source} {next(_counter)}")
        session.add(found)
        session.flush()
        assert found.id is not None
        batch = ImportBatch(
            review_id=review_id, source_id=found.id, format="ris", records_total=len(texts)
        )
        session.add(batch)
        session.flush()
        assert batch.id is not None
        rows = [
            Record(
                review_id=review_id,
                batch_id=batch.id,
                source_id=found.id,
                record_number=number,
                title=title,
                abstract=abstract,
                authors=["Doe, J"],
                year=2020,
            )
            for number, (title, abstract) in enumerate(texts, start=1)
        ]
        session.add_all(rows)
        session.flush()
        _studies_of_one(session, review_id, batch.id)
        return [row.id for row in rows if row.id is not None]


class ReviewRows:
    """Reporting tests: a review's rows (sources, records, merges, votes, full texts, studies)
    written straight into the database, as the import, dedup and screening APIs would (votes,
    resolutions and full texts update the stored stage state in the same transaction)."""

    def __init__(self, engine: Engine, review_id: int) -> None:
        self.engine = engine
        self.review_id = review_id

    def source(self, name: str, kind: str = "database") -> int:
        from api.tables import Source, SourceKind

        with Session(self.engine) as session, session.begin():
            source = Source(review_id=self.review_id, name=name, kind=SourceKind(kind))
            session.add(source)
            session.flush()
            assert source.id is not None
            return source.id

    def records(self, source_id: int, *titles: str, **fields: Any) -> list[int]:
        """One import batch with a record per title (plus shared *fields*)."""
        from api.tables import ImportBatch, Record

        with Session(self.engine) as session, session.begin():
            batch = ImportBatch(
                review_id=self.review_id, source_id=source_id, format="ris", sha256=None
            )
            session.add(batch)
            session.flush()
            assert batch.id is not None
            rows = [
                Record(
                    review_id=self.review_id,
                    batch_id=batch.id,
                    source_id=source_id,
                    record_number=number,
                    title=title,
                    **fields,
                )
                for number, title in enumerate(titles, start=1)
            ]
            session.add_all(rows)
            session.flush()
            _studies_of_one(session, self.review_id, batch.id)
            return [row.id for row in rows if row.id is not None]

    def merge(self, duplicate_id: int, kept_id: int, status: str = "auto") -> None:
        """A duplicate link; ``undone`` leaves both records in, any other merge removes one."""
        from api.tables import DuplicateLink, DuplicateStatus, Record

        with Session(self.engine) as session, session.begin():
            a, b = sorted((duplicate_id, kept_id))
            link = DuplicateLink(
                review_id=self.review_id,
                record_a_id=a,
                record_b_id=b,
                status=DuplicateStatus(status),
                score=0.99,
            )
            session.add(link)
            duplicate = session.get(Record, duplicate_id)
            assert duplicate is not None
            duplicate.duplicate_of_id = None if status == "undone" else kept_id
            session.add(duplicate)

    def reason(self, label: str, stage: str = "full_text") -> int:
        from sqlmodel import select

        from api.tables import ExclusionReason
        from screening.model import Stage

        with Session(self.engine) as session, session.begin():
            found = session.exec(
                select(ExclusionReason).where(
                    ExclusionReason.review_id == self.review_id,
                    ExclusionReason.stage == Stage(stage),
                    ExclusionReason.label == label,
                )
            ).first()
            if found is None:
                found = ExclusionReason(review_id=self.review_id, stage=Stage(stage), label=label)
                session.add(found)
                session.flush()
            assert found.id is not None
            return found.id

    def vote(
        self,
        record_id: int,
        reviewer_id: int,
        vote: str,
        stage: str = "title_abstract",
        reason_id: int | None = None,
    ) -> int:
        """A vote; it supersedes the reviewer's current vote on the record at that stage."""
        from sqlmodel import col, select

        from api.tables import Decision
        from screening.model import Stage, Vote

        with Session(self.engine) as session, session.begin():
            previous = session.exec(
                select(Decision)
                .where(
                    Decision.record_id == record_id,
                    Decision.reviewer_id == reviewer_id,
                    Decision.stage == Stage(stage),
                )
                .order_by(col(Decision.id).desc())
            ).first()
            row = Decision(
                review_id=self.review_id,
                record_id=record_id,
                reviewer_id=reviewer_id,
                stage=Stage(stage),
                vote=Vote(vote),
                reason_id=reason_id,
                supersedes_id=previous.id if previous else None,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            _refresh(session, self.review_id, stage, record_id)
            return row.id

    def resolve(
        self,
        record_id: int,
        resolver_id: int,
        vote: str,
        stage: str = "title_abstract",
        reason_id: int | None = None,
    ) -> None:
        from api.tables import Resolution
        from screening.model import Stage, Vote

        with Session(self.engine) as session, session.begin():
            session.add(
                Resolution(
                    review_id=self.review_id,
                    record_id=record_id,
                    stage=Stage(stage),
                    vote=Vote(vote),
                    reason_id=reason_id,
                    reason="discussed",
                    resolver_id=resolver_id,
                )
            )
            session.flush()
            _refresh(session, self.review_id, stage, record_id)

    def full_text(self, record_id: int, status: str = "retrieved") -> None:
        from api.tables import FullText, FullTextStatus

        with Session(self.engine) as session, session.begin():
            session.add(
                FullText(
                    review_id=self.review_id,
                    record_id=record_id,
                    status=FullTextStatus(status),
                    filename="report.pdf" if status == "retrieved" else "",
                )
            )
            session.flush()
            from api.services.screening.store import retrieval_changed
            from api.tables import Review

            retrieval_changed(session, session.get_one(Review, self.review_id), record_id)

    def study(self, label: str, *record_ids: int) -> int:
        """A study with these records as its reports."""
        from api.tables import Record, Study

        with Session(self.engine) as session, session.begin():
            study = Study(review_id=self.review_id, label=label)
            session.add(study)
            session.flush()
            for record_id in record_ids:
                record = session.get(Record, record_id)
                assert record is not None
                record.study_id = study.id
                session.add(record)
            assert study.id is not None
            return study.id


def _refresh(session: Session, review_id: int, stage: str, record_id: int) -> None:
    from api.services.screening.store import refresh_records
    from api.tables import Review
    from screening.model import Stage

    refresh_records(session, session.get_one(Review, review_id), Stage(stage), [record_id])


def insert_duplicate_pair(engine: Engine, review_id: int, source_id: int, status: str) -> int:
    """Two copies of one article and the duplicate link between them with *status*
    (``auto``/``confirmed`` ones merged); returns the link's id."""
    from api.tables import DuplicateLink, DuplicateStatus, Record

    article = {"title": f"Exercise for neck pain {next(_counter)}", "year": 2020}
    first, second = insert_records(engine, review_id, source_id, [article, article])
    link_status = DuplicateStatus(status)
    with Session(engine) as session, session.begin():
        link = DuplicateLink(
            review_id=review_id,
            record_a_id=first,
            record_b_id=second,
            status=link_status,
            reason="title 100",
            scores={"title": 100.0},
        )
        session.add(link)
        if link_status in (DuplicateStatus.AUTO, DuplicateStatus.CONFIRMED):
            record = session.get(Record, second)
            assert record is not None
            record.duplicate_of_id = first
            session.add(record)
        session.flush()
        assert link.id is not None
        return link.id


def insert_records(
    engine: Engine, review_id: int, source_id: int, records: list[dict[str, Any]]
) -> list[int]:
    """One import batch of *records* (``Record`` field values) straight into the database, as
    an import would leave them; returns their ids in order."""
    from api.tables import ImportBatch, Record

    with Session(engine) as session, session.begin():
        batch = ImportBatch(
            review_id=review_id,
            source_id=source_id,
            format="ris",
            records_total=len(records),
            records_imported=len(records),
        )
        session.add(batch)
        session.flush()
        assert batch.id is not None
        rows = [
            Record(review_id=review_id, batch_id=batch.id, source_id=source_id, **fields)
            for fields in records
        ]
        session.add_all(rows)
        session.flush()
        _studies_of_one(session, review_id, batch.id)
        return [row.id for row in rows if row.id is not None]


def _studies_of_one(session: Session, review_id: int, batch_id: int) -> None:
    """What an import does after storing a batch: a study for each of its records."""
    from api.repositories.studies import StudyRepository

    StudyRepository(session).add_studies_of_one(review_id, batch_id)
