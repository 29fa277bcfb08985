"""Reserved request slots for rate limits shared by every worker (NCBI E-utilities)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class RateSlot(SQLModel, table=True):
    __tablename__ = "rate_slot"
    __table_args__ = (sa.Index("ix_rate_slot_key_slot_at", "key", "slot_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    # Seconds since the epoch on the database's clock, the one clock all workers share.
    slot_at: float
