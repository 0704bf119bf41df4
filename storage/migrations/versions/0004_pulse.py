"""pulse surveys: surveys, rounds, invitations and anonymous responses

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TENANT = ("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=200))


def _when(name: str, nullable: bool) -> sa.Column:
    return sa.Column(name, storage.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(*_TENANT, nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=True),
        sa.Column("open_days", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        _when("created_at", False),
        sa.ForeignKeyConstraint(["creator_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_survey_tenant_id", "survey", ["tenant_id"])
    op.create_table(
        "surveyround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(*_TENANT, nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        _when("opened_at", False),
        _when("closes_at", False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("slices", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "number"),
    )
    op.create_index("ix_surveyround_tenant_id", "surveyround", ["tenant_id"])
    op.create_index("ix_surveyround_survey_id", "surveyround", ["survey_id"])
    op.create_table(
        "surveyinvite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(*_TENANT, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("asking", sa.Integer(), nullable=True),
        _when("asked_at", True),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("reminded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["surveyround.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "person_id"),
    )
    for column in ("tenant_id", "round_id", "person_id"):
        op.create_index(f"ix_surveyinvite_{column}", "surveyinvite", [column])
    op.create_table(
        "surveyresponse",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column(*_TENANT, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("slices", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["surveyround.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_surveyresponse_tenant_id", "surveyresponse", ["tenant_id"])
    op.create_index("ix_surveyresponse_round_id", "surveyresponse", ["round_id"])


def downgrade() -> None:
    op.drop_table("surveyresponse")
    op.drop_table("surveyinvite")
    op.drop_table("surveyround")
    op.drop_table("survey")
