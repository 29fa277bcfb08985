"""studies of one for every record (GET /studies no longer creates them)

Revision ID: 5d1f0c3a9b27
Revises: 9555e0e51814
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "5d1f0c3a9b27"
down_revision: str | None = "9555e0e51814"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHUNK = 5_000
# Tables (not table clauses): INSERT ... RETURNING in parameter order needs the primary key.
_metadata = sa.MetaData()
_study = sa.Table(
    "study",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("review_id", sa.Integer),
    sa.Column("label", sa.String),
    sa.Column("created_at", sa.DateTime(timezone=True)),
)
_record = sa.Table(
    "record",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("review_id", sa.Integer),
    sa.Column("authors", sa.JSON),
    sa.Column("year", sa.Integer),
    sa.Column("study_id", sa.Integer),
)


def _label(authors: list[str] | None, year: int | None) -> str:
    # As api.repositories.studies.study_label (a migration does not import the application).
    first = (authors[0].split(",")[0] if authors else "").strip() or "Anonymous"
    return f"{first} {year or 'n.d.'}"[:500]


def upgrade() -> None:
    # Every record (kept, merged or removed) gets the study of one that GET /studies used to
    # create on first read, so undoing a merge or a removal finds its study again.
    bind = op.get_bind()
    found = bind.execute(
        sa.select(_record.c.id, _record.c.review_id, _record.c.authors, _record.c.year)
        .where(_record.c.study_id.is_(None))
        .order_by(_record.c.id)
    ).all()
    now = datetime.now(UTC)
    for start in range(0, len(found), _CHUNK):
        chunk = found[start : start + _CHUNK]
        rows = [
            {"review_id": review_id, "label": _label(authors, year), "created_at": now}
            for _, review_id, authors, year in chunk
        ]
        inserted = bind.execute(
            sa.insert(_study).returning(_study.c.id, sort_by_parameter_order=True), rows
        )
        links = [
            {"record": row[0], "study": study_id}
            for row, study_id in zip(chunk, inserted.scalars().all(), strict=True)
        ]
        bind.execute(
            sa.update(_record)
            .where(_record.c.id == sa.bindparam("record"))
            .values(study_id=sa.bindparam("study")),
            links,
        )


def downgrade() -> None:
    # Studies of one are data, and the earlier code reads them as it created them: kept.
    pass
