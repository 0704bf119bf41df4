"""people with no CSV and goals written in chat: a person's locale and the manager they asked
to confirm; objectives archived, closed with what was learned, carried over; key results graded

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(
            sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=True)
        )
        batch.add_column(sa.Column("manager_asked_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_person_manager_asked_id_person", "person", ["manager_asked_id"], ["id"]
        )
    with op.batch_alter_table("objective") as batch:
        batch.add_column(
            sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("learned", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch.add_column(
            sa.Column("closed_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_objective_carried_from_id_objective", "objective", ["carried_from_id"], ["id"]
        )
    with op.batch_alter_table("keyresult") as batch:
        batch.add_column(sa.Column("grade", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("keyresult") as batch:
        batch.drop_column("grade")
    with op.batch_alter_table("objective") as batch:
        batch.drop_constraint("fk_objective_carried_from_id_objective", type_="foreignkey")
        for column in ("carried_from_id", "closed_at", "learned", "archived"):
            batch.drop_column(column)
    with op.batch_alter_table("person") as batch:
        batch.drop_constraint("fk_person_manager_asked_id_person", type_="foreignkey")
        batch.drop_column("manager_asked_id")
        batch.drop_column("locale")
