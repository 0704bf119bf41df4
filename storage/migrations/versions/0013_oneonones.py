"""1:1s: recurring meetings between two people, their meetings and agendas; when a feedback
request closed (an agenda brings up those that closed since the last meeting)

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = storage.types.UTCDateTime


def upgrade() -> None:
    op.add_column(
        "feedbackrequest", sa.Column("closed_at", WHEN(timezone=True), nullable=True)
    )
    op.create_table(
        "oneonone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", TEXT(length=200), nullable=False),
        sa.Column("starter_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("at", TEXT(length=5), nullable=False),
        sa.Column("timezone", TEXT(length=64), nullable=False),
        sa.Column("status", TEXT(length=16), nullable=False),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["other_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["starter_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("tenant_id", "starter_id", "other_id"):
        op.create_index(f"ix_oneonone_{column}", "oneonone", [column])
    op.create_table(
        "oneononemeeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", TEXT(length=200), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", WHEN(timezone=True), nullable=False),
        sa.Column("nudged_at", WHEN(timezone=True), nullable=True),
        sa.Column("opened_at", WHEN(timezone=True), nullable=True),
        sa.Column("followed_up_at", WHEN(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["series_id"], ["oneonone.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("series_id", "starts_at"),
    )
    op.create_index("ix_oneononemeeting_series_id", "oneononemeeting", ["series_id"])
    op.create_table(
        "agendaitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", TEXT(length=200), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", TEXT(length=16), nullable=False),
        sa.Column("text", TEXT(length=1000), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("source", TEXT(length=300), nullable=False),
        sa.Column("seed_key", TEXT(length=120), nullable=True),
        sa.Column("only_for_id", sa.Integer(), nullable=True),
        sa.Column("done_at", WHEN(timezone=True), nullable=True),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["oneononemeeting.id"]),
        sa.ForeignKeyConstraint(["only_for_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "seed_key"),
    )
    for column in ("meeting_id", "author_id", "only_for_id"):
        op.create_index(f"ix_agendaitem_{column}", "agendaitem", [column])


def downgrade() -> None:
    op.drop_column("feedbackrequest", "closed_at")
    op.drop_table("agendaitem")
    op.drop_table("oneononemeeting")
    op.drop_table("oneonone")
