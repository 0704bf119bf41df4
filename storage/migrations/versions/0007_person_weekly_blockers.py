"""a manager's "blockers weekly" choice is a column of their own, not a list in the org settings

Revision ID: 0007
Revises: 0006
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KEY = "weekly_blockers"
tenant = sa.table("tenant", sa.column("id", sa.String), sa.column("settings", sa.JSON))
person = sa.table(
    "person",
    sa.column("id", sa.Integer),
    sa.column("tenant_id", sa.String),
    sa.column("weekly_blockers", sa.Boolean),
)


def _settings(raw: object) -> dict:
    if isinstance(raw, str):  # SQLite hands JSON back as text through a bare table
        raw = json.loads(raw)
    return dict(raw) if isinstance(raw, dict) else {}


def upgrade() -> None:
    op.add_column(
        "person",
        sa.Column("weekly_blockers", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    connection = op.get_bind()
    for tenant_id, raw in connection.execute(sa.select(tenant.c.id, tenant.c.settings)).all():
        settings = _settings(raw)
        if KEY not in settings:
            continue
        ids = [i for i in settings.pop(KEY) or [] if isinstance(i, int)]
        if ids:
            connection.execute(
                person.update()
                .where(person.c.tenant_id == tenant_id, person.c.id.in_(ids))
                .values(weekly_blockers=True)
            )
        connection.execute(
            tenant.update().where(tenant.c.id == tenant_id).values(settings=settings)
        )


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(person.c.tenant_id, person.c.id).where(person.c.weekly_blockers == sa.true())
    ).all()
    weekly: dict[str, list[int]] = {}
    for tenant_id, person_id in rows:
        weekly.setdefault(tenant_id, []).append(person_id)
    for tenant_id, ids in weekly.items():
        raw = connection.execute(sa.select(tenant.c.settings).where(tenant.c.id == tenant_id))
        settings = _settings(raw.scalar_one())
        settings[KEY] = sorted(ids)
        connection.execute(
            tenant.update().where(tenant.c.id == tenant_id).values(settings=settings)
        )
    op.drop_column("person", "weekly_blockers")
