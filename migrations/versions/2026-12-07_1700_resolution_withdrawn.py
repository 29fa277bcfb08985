"""resolution.withdrawn: an undo of a resolution is a row that takes it back

Revision ID: b7e2c4d91a06
Revises: 3e4d45b9e993
Create Date: 2026-12-07 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e2c4d91a06"
down_revision: str | None = "3e4d45b9e993"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both backends (SQLite >= 3.35 drops a column in place): a batch copy
# would drop and recreate `resolution`, which `screening_state` rows reference.
def upgrade() -> None:
    op.add_column(
        "resolution",
        sa.Column("withdrawn", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("resolution", "withdrawn")
