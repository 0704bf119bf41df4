"""kudos: praise tied to the company's values, its receivers, and the values

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "kudosvalue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", TEXT(length=200), nullable=False),
        sa.Column("tag", TEXT(length=60), nullable=False),
        sa.Column("name", TEXT(length=200), nullable=False),
        sa.Column("description", TEXT(length=500), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "tag"),
    )
    op.create_index("ix_kudosvalue_tenant_id", "kudosvalue", ["tenant_id"])
    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", TEXT(length=200), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=True),
        sa.Column("message", TEXT(length=1000), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("posted", sa.JSON(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["giver_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kudos_tenant_id", "kudos", ["tenant_id"])
    op.create_index("ix_kudos_giver_id", "kudos", ["giver_id"])
    op.create_table(
        "kudosreceiver",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", TEXT(length=200), nullable=False),
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["kudos_id"], ["kudos.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kudos_id", "person_id"),
    )
    op.create_index("ix_kudosreceiver_kudos_id", "kudosreceiver", ["kudos_id"])
    op.create_index("ix_kudosreceiver_person_id", "kudosreceiver", ["person_id"])


def downgrade() -> None:
    op.drop_table("kudosreceiver")
    op.drop_table("kudos")
    op.drop_table("kudosvalue")
