"""PRISMA report, diagram and exports of a screened review, timed through the API (SQLite).

Run: ``.venv/bin/python -m benchmarks.reports [--records 1000 10000]``. Each review has two
sources, 5% duplicates, dual title/abstract votes (10% included), full texts for the included
records (5% not retrieved) and dual full-text votes with reasons. Synthetic: needs no shared data.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.db import make_engine
from api.main import create_app
from api.migrate import upgrade_to_head
from api.services.screening.store import rebuild
from api.settings import Settings
from api.tables import Decision, FullText, FullTextStatus, ImportBatch, Record, Review
from screening.model import Stage, Vote
from tests.api.builders import Account, Builder, ReviewRows

ROUTES = ("prisma", "prisma.csv", "prisma.svg", "export?format=ris", "export?format=csv", "archive")


def _screened_review(builder: Builder, n: int) -> tuple[int, Account]:
    lead = builder.user()
    review_id = int(builder.review(lead)["id"])
    voters = [builder.member(lead, review_id, "reviewer").id for _ in range(2)]
    rows = ReviewRows(builder.engine, review_id)
    sources = [rows.source("MEDLINE"), rows.source("Embase")]
    reason = rows.reason("Wrong population")
    rng = random.Random(20)
    with Session(builder.engine) as session, session.begin():
        records = []
        for index, source in enumerate(sources):
            batch = ImportBatch(review_id=review_id, source_id=source, format="ris")
            session.add(batch)
            session.flush()
            assert batch.id is not None
            records += [
                Record(
                    review_id=review_id, batch_id=batch.id, source_id=source, title=f"{index}-{i}"
                )
                for i in range(n // 2)
            ]
        session.add_all(records)
        session.flush()
        for record in records:
            _screen(session, review_id, record, voters, reason, rng, records[0].id)
    with Session(builder.engine) as session, session.begin():
        # The votes went in as rows: derive the stage state from them (`winnow screening rebuild`).
        rebuild(session, session.get_one(Review, review_id))
    return review_id, lead


def _screen(
    session: Session,
    review_id: int,
    record: Record,
    voters: list[int],
    reason: int,
    rng: random.Random,
    first_id: int | None,
) -> None:
    if rng.random() < 0.05 and record.id != first_id:
        record.duplicate_of_id = first_id
        return
    vote = Vote.INCLUDE if rng.random() < 0.1 else Vote.EXCLUDE
    for voter in voters:
        session.add(_vote(review_id, record, voter, Stage.TITLE_ABSTRACT, vote))
    if vote is Vote.EXCLUDE:
        return
    assert record.id is not None
    missing = rng.random() < 0.05
    status = FullTextStatus.NOT_RETRIEVED if missing else FullTextStatus.RETRIEVED
    session.add(FullText(review_id=review_id, record_id=record.id, status=status))
    full = Vote.INCLUDE if rng.random() < 0.5 else Vote.EXCLUDE
    for voter in voters:
        reason_id = reason if full is Vote.EXCLUDE else None
        session.add(_vote(review_id, record, voter, Stage.FULL_TEXT, full, reason_id))


def _vote(
    review_id: int, record: Record, voter: int, stage: Stage, vote: Vote, reason: int | None = None
) -> Decision:
    assert record.id is not None
    return Decision(
        review_id=review_id,
        record_id=record.id,
        reviewer_id=voter,
        stage=stage,
        vote=vote,
        reason_id=reason,
    )


def measure(n: int, workdir: Path) -> list[tuple[str, float, int]]:
    url = f"sqlite:///{workdir / f'reports-{n}.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    settings = Settings(database_url=url, data_dir=workdir / "data")
    figures = []
    with TestClient(create_app(engine, settings)) as client:
        review_id, lead = _screened_review(Builder(client, engine), n)
        for route in ROUTES:
            started = time.perf_counter()
            response = client.get(f"/api/v1/reviews/{review_id}/{route}", headers=lead.headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.text
            figures.append((route, elapsed, len(response.content)))
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    print(f"{'records':>8}  {'route':<20} {'seconds':>8} {'bytes':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.records:
            for route, seconds, size in measure(n, Path(tmp)):
                print(f"{n:>8}  {route:<20} {seconds:>8.2f} {size:>12,}")


if __name__ == "__main__":
    main()
