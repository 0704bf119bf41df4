"""indexes for the daily housekeeping: handled events and prompts by org and age

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_processedevent_tenant_received", "processedevent", ["tenant_id", "received_at"]
    )
    op.create_index(
        "ix_pendingprompt_tenant_created", "pendingprompt", ["tenant_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_pendingprompt_tenant_created", table_name="pendingprompt")
    op.drop_index("ix_processedevent_tenant_received", table_name="processedevent")
