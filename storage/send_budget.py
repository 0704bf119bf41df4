"""The shared send rate's rows (storage/models/pacing.py): read locked, for one replica at a
time to reserve slots on it and write it back in the same transaction."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.insert import insert_if_absent
from storage.models import SendBudget


async def locked_budget(
    session: AsyncSession, tenant_id: str, method: str, per_minute: float
) -> SendBudget:
    """The budget's row, locked until the session commits (on PostgreSQL the row; on SQLite
    the write lock, taken by the insert's attempt); made at `per_minute` if there is none."""
    await insert_if_absent(
        session, SendBudget(tenant_id=tenant_id, method=method, per_minute=per_minute)
    )
    statement = (
        select(SendBudget)
        .where(col(SendBudget.tenant_id) == tenant_id, col(SendBudget.method) == method)
        .with_for_update()
    )
    return (await session.exec(statement)).one()
