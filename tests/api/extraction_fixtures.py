"""Extraction rows for API tests (forms, studies, entries) and the access matrix's requests."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.tables import Extraction, ExtractionForm, ExtractionKind, Review, Study

FIELDS: list[dict[str, Any]] = [
    {"key": "design", "label": "Study design", "type": "choice", "options": ["RCT", "Cohort"]},
    {"key": "sample_size", "label": "Sample size", "type": "integer", "required": True},
    {"key": "country", "label": "Country", "type": "text"},
    {
        "key": "arms",
        "label": "Arms",
        "type": "group",
        "fields": [
            {"key": "name", "label": "Arm name", "type": "text", "required": True},
            {"key": "n", "label": "Allocated", "type": "integer"},
        ],
    },
]
_labels = itertools.count(1)


def ensure_form(engine: Engine, review_id: int, fields: list[dict[str, Any]] | None = None) -> int:
    """The review's latest form, created (version 1) if it has none; returns its id."""
    with Session(engine) as session, session.begin():
        form = session.exec(
            select(ExtractionForm)
            .where(ExtractionForm.review_id == review_id)
            .order_by(col(ExtractionForm.version).desc())
        ).first()
        if form is None:
            form = ExtractionForm(review_id=review_id, version=1, fields=fields or FIELDS)
            session.add(form)
            session.flush()
        assert form.id is not None
        return form.id


def new_study(engine: Engine, review_id: int, label: str = "") -> int:
    with Session(engine) as session, session.begin():
        study = Study(review_id=review_id, label=label or f"Study {next(_labels)}")
        session.add(study)
        session.flush()
        assert study.id is not None
        return study.id


def add_entry(
    engine: Engine,
    review_id: int,
    study_id: int,
    extractor_id: int,
    values: dict[str, Any],
    kind: str = "extraction",
) -> None:
    form_id = ensure_form(engine, review_id)
    with Session(engine) as session, session.begin():
        session.add(
            Extraction(
                review_id=review_id,
                study_id=study_id,
                form_id=form_id,
                extractor_id=extractor_id,
                kind=ExtractionKind(kind),
                values=values,
            )
        )


def set_mode(engine: Engine, review_id: int, mode: str) -> None:
    with Session(engine) as session, session.begin():
        review = session.get(Review, review_id)
        assert review is not None
        review.settings = {**review.settings, "extraction": {"mode": mode}}
        session.add(review)


# Valid requests for tests/api/test_access_matrix.py (``world`` is its World).
VALUES = {"values": {"sample_size": 10}}


def with_form(world: Any) -> dict[str, Any]:
    ensure_form(world.build.engine, world.review_id)
    return {"rid": world.review_id}


def study_with_form(world: Any) -> dict[str, Any]:
    ensure_form(world.build.engine, world.review_id)
    return {"rid": world.review_id, "sid": new_study(world.build.engine, world.review_id)}


def study_to_verify(world: Any) -> dict[str, Any]:
    """single_with_verification, and a study extracted by someone who is not the caller."""
    engine, rid = world.build.engine, world.review_id
    set_mode(engine, rid, "single_with_verification")
    params = study_with_form(world)
    extractor = world.build.member(world.lead, rid, "reviewer")
    add_entry(engine, rid, params["sid"], extractor.id, {"sample_size": 10})
    return params


def study_with_two_extractions(world: Any) -> dict[str, Any]:
    engine, rid = world.build.engine, world.review_id
    params = study_with_form(world)
    for _ in range(2):
        extractor = world.build.member(world.lead, rid, "reviewer")
        add_entry(engine, rid, params["sid"], extractor.id, {"sample_size": 10})
    return params


FORM_BODY = {"fields": FIELDS}
