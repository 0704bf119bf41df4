"""indexes for a team's people and a person's objectives (the digest's first two queries)

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_person_tenant_id_team", "person", ["tenant_id", "team"])
    op.create_index("ix_objective_owner_id", "objective", ["owner_id"])


def downgrade() -> None:
    op.drop_index("ix_objective_owner_id", table_name="objective")
    op.drop_index("ix_person_tenant_id_team", table_name="person")
