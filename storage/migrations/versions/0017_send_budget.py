"""the send rate shared by replicas: one timeline of slots per workspace and kind of call

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "sendbudget",
        sa.Column("tenant_id", TEXT(length=200), nullable=False),
        sa.Column("method", TEXT(length=60), nullable=False),
        sa.Column("per_minute", sa.Float(), nullable=False),
        sa.Column("refused_at", sa.Float(), nullable=True),
        sa.Column("quiet_until", sa.Float(), nullable=False),
        sa.Column("next_slot", sa.Float(), nullable=False),
        sa.Column("last_reserved", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "method"),
    )


def downgrade() -> None:
    op.drop_table("sendbudget")
