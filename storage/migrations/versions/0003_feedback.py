"""feedback: requests, invitations and answers

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedbackrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("due_on", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("due_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("shared_with_subject", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["requester_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["subject_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("tenant_id", "requester_id", "subject_id"):
        op.create_index(f"ix_feedbackrequest_{column}", "feedbackrequest", [column])
    op.create_table(
        "feedbackinvite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("asking", sa.Integer(), nullable=True),
        sa.Column("asked_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("reminded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["giver_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["request_id"], ["feedbackrequest.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "giver_id"),
    )
    for column in ("tenant_id", "request_id", "giver_id"):
        op.create_index(f"ix_feedbackinvite_{column}", "feedbackinvite", [column])
    op.create_table(
        "feedbackanswer",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("released", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["giver_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["request_id"], ["feedbackrequest.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("tenant_id", "request_id"):
        op.create_index(f"ix_feedbackanswer_{column}", "feedbackanswer", [column])


def downgrade() -> None:
    op.drop_table("feedbackanswer")
    op.drop_table("feedbackinvite")
    op.drop_table("feedbackrequest")
