"""reviews: performance review cycles and the reviews written in them

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = storage.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "reviewcycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", TEXT(length=200), nullable=False),
        sa.Column("name", TEXT(length=100), nullable=False),
        sa.Column("starts_at", WHEN(timezone=True), nullable=False),
        sa.Column("ends_at", WHEN(timezone=True), nullable=False),
        sa.Column("due_on", TEXT(length=10), nullable=False),
        sa.Column("due_at", WHEN(timezone=True), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("team", TEXT(length=200), nullable=True),
        sa.Column("anonymous_peers", sa.Boolean(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("status", TEXT(length=16), nullable=False),
        sa.Column("stage", TEXT(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "name"),
    )
    op.create_index("ix_reviewcycle_tenant_id", "reviewcycle", ["tenant_id"])
    op.create_index("ix_reviewcycle_created_by", "reviewcycle", ["created_by"])
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", TEXT(length=200), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("writer_id", sa.Integer(), nullable=True),
        sa.Column("kind", TEXT(length=16), nullable=False),
        sa.Column("status", TEXT(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_at", WHEN(timezone=True), nullable=True),
        sa.Column("shared_at", WHEN(timezone=True), nullable=True),
        sa.Column("acknowledged_at", WHEN(timezone=True), nullable=True),
        sa.Column("comment", TEXT(length=2000), nullable=False),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["reviewcycle.id"]),
        sa.ForeignKeyConstraint(["subject_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.ForeignKeyConstraint(["writer_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "subject_id", "writer_id", "kind"),
    )
    for column in ("tenant_id", "cycle_id", "subject_id", "writer_id"):
        op.create_index(f"ix_review_{column}", "review", [column])


def downgrade() -> None:
    op.drop_table("review")
    op.drop_table("reviewcycle")
