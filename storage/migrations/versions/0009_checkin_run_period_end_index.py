"""an index for closing the check-ins whose period ended: open runs by period end

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_checkinrun_status_period_end", "checkinrun", ["status", "period_end"])


def downgrade() -> None:
    op.drop_index("ix_checkinrun_status_period_end", table_name="checkinrun")
