"""checkin run: sending_at, written before the scheduler sends a prompt

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "checkinrun",
        sa.Column("sending_at", storage.types.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("checkinrun") as batch:
        batch.drop_column("sending_at")
