"""Writing rows a use case created or changed: the one way services store a table object."""

from __future__ import annotations

from sqlmodel import Session, SQLModel


def save(session: Session, *rows: SQLModel) -> None:
    """Insert or update *rows* now (flushed, so new rows have their ids; the request commits)."""
    session.add_all(rows)
    session.flush()
