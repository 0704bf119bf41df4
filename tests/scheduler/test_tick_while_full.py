"""The serve loop's tick claims again at once while batches come back full, so a wave goes
out batch after batch instead of one batch a tick (bench/wave_limits.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from scheduler.due import Due
from scheduler.runner import Scheduler
from storage.db import Database
from storage.models import ScheduledJob, Tenant
from tests.seeded import SEEDED_AT

TENANT = "slack:T1"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_a_tick_takes_batch_after_batch_until_one_comes_back_short(
    sqlite_db: Database,
) -> None:
    async with sqlite_db.session() as session:
        session.add(Tenant(id=TENANT, platform="slack", external_id="T1", created_at=SEEDED_AT))
        await session.flush()
        for subject in range(1, 6):
            session.add(ScheduledJob(tenant_id=TENANT, kind="note", subject_id=subject, due_at=NOW))
    ran: list[int] = []

    async def note(due: Due, now: datetime) -> datetime | None:
        ran.append(due.subject_id)
        return None

    scheduler = Scheduler(sqlite_db, {"note": note}, clock=lambda: NOW, batch=2)
    claims: list[int] = []
    tick = scheduler.tick

    async def counted() -> int:
        claims.append(await tick())
        return claims[-1]

    scheduler.tick = counted  # type: ignore[method-assign]

    assert await scheduler.tick_while_full() == 5
    assert claims == [2, 2, 1]
    assert sorted(ran) == [1, 2, 3, 4, 5]

    claims.clear()
    assert await scheduler.tick_while_full() == 0
    assert claims == [0]
