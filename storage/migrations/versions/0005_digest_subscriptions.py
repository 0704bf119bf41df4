"""digest subscriptions: channels that get a team's weekly goal digest

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digestsubscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("channel_key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("channel_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("channel", sa.JSON(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("team_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "channel_key", "team_key"),
    )
    op.create_index("ix_digestsubscription_tenant_id", "digestsubscription", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("digestsubscription")
