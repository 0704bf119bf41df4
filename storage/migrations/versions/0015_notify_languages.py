"""notification settings, languages, countries, statuses read, and messages held by quiet
hours

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = storage.types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("person") as person:
        person.add_column(sa.Column("language", TEXT(length=8), nullable=True))
        person.add_column(sa.Column("country", TEXT(length=2), nullable=True))
        person.add_column(sa.Column("notify", sa.JSON(), nullable=True))
        person.add_column(sa.Column("away_until", WHEN(timezone=True), nullable=True))
        person.add_column(sa.Column("status_read_at", WHEN(timezone=True), nullable=True))
    op.create_table(
        "heldmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", TEXT(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("release_at", WHEN(timezone=True), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("purpose", TEXT(length=100), nullable=True),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_heldmessage_tenant_id", "heldmessage", ["tenant_id"])
    op.create_index("ix_heldmessage_person_release", "heldmessage", ["person_id", "release_at"])


def downgrade() -> None:
    op.drop_index("ix_heldmessage_person_release", table_name="heldmessage")
    op.drop_index("ix_heldmessage_tenant_id", table_name="heldmessage")
    op.drop_table("heldmessage")
    with op.batch_alter_table("person") as person:
        person.drop_column("status_read_at")
        person.drop_column("away_until")
        person.drop_column("notify")
        person.drop_column("country")
        person.drop_column("language")
