"""a replica's claim on refreshing a Slack installation's rotating token

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = storage.types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("slackinstallation") as installation:
        installation.add_column(sa.Column("refresh_claimed_by", TEXT(length=100), nullable=True))
        installation.add_column(
            sa.Column("refresh_claim_until", WHEN(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("slackinstallation") as installation:
        installation.drop_column("refresh_claim_until")
        installation.drop_column("refresh_claimed_by")
