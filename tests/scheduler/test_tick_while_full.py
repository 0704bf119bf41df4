"""The serve loop's tick claims again at once while batches come back full, so a wave goes
out batch after batch instead of one batch a tick (bench/wave_limits.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from scheduler.due import Due
from scheduler.runner import AHEAD, Scheduler
from storage.db import Database
from storage.models import ScheduledJob, Tenant
from tests.seeded import SEEDED_AT

TENANT = "slack:T1"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def seed_notes(database: Database, jobs: int) -> None:
    """`jobs` jobs of kind "note" due at NOW, for subjects 1 to `jobs`."""
    async with database.session() as session:
        session.add(Tenant(id=TENANT, platform="slack", external_id="T1", created_at=SEEDED_AT))
        await session.flush()
        for subject in range(1, jobs + 1):
            session.add(ScheduledJob(tenant_id=TENANT, kind="note", subject_id=subject, due_at=NOW))


async def test_a_tick_takes_batch_after_batch_until_one_comes_back_short(
    sqlite_db: Database,
) -> None:
    await seed_notes(sqlite_db, 5)
    ran: list[int] = []

    async def note(due: Due, now: datetime) -> datetime | None:
        ran.append(due.subject_id)
        return None

    scheduler = Scheduler(sqlite_db, {"note": note}, clock=lambda: NOW, batch=2)
    claims: list[int] = []
    claim = scheduler._claim

    async def counted() -> list[ScheduledJob]:
        jobs = await claim()
        claims.append(len(jobs))
        return jobs

    scheduler._claim = counted  # type: ignore[method-assign]

    assert await scheduler.tick_while_full() == 5
    assert claims == [2, 2, 1]
    assert sorted(ran) == [1, 2, 3, 4, 5]

    claims.clear()
    assert await scheduler.tick_while_full() == 0
    assert claims == [0]


async def test_the_next_batch_is_claimed_while_this_one_still_runs(sqlite_db: Database) -> None:
    await seed_notes(sqlite_db, 7)
    second_batch_started = asyncio.Event()
    running: set[int] = set()
    most_at_once = 0

    async def note(due: Due, now: datetime) -> datetime | None:
        nonlocal most_at_once
        running.add(due.subject_id)
        most_at_once = max(most_at_once, len(running))
        if {3, 4} <= running:
            second_batch_started.set()
        # The first two batches wait until the whole second one is under way.
        await second_batch_started.wait()
        await asyncio.sleep(0.01)
        running.discard(due.subject_id)
        return None

    scheduler = Scheduler(sqlite_db, {"note": note}, clock=lambda: NOW, batch=2)
    async with asyncio.timeout(10):
        assert await scheduler.tick_while_full() == 7
    assert most_at_once == AHEAD * 2  # never more than AHEAD batches at once
    async with sqlite_db.session() as session:
        left = (await session.exec(select(ScheduledJob))).all()
    assert left == []  # every job ran once and was recorded as done


async def test_batches_under_way_finish_when_a_claim_fails(sqlite_db: Database) -> None:
    await seed_notes(sqlite_db, 5)
    ran: list[int] = []

    async def note(due: Due, now: datetime) -> datetime | None:
        await asyncio.sleep(0.05)
        ran.append(due.subject_id)
        return None

    scheduler = Scheduler(sqlite_db, {"note": note}, clock=lambda: NOW, batch=2)
    claim, claims = scheduler._claim, 0

    async def failing_third() -> list[ScheduledJob]:
        nonlocal claims
        claims += 1
        if claims == 3:
            raise ConnectionRefusedError("the database is away")
        return await claim()

    scheduler._claim = failing_third  # type: ignore[method-assign]
    with pytest.raises(ConnectionRefusedError):
        await scheduler.tick_while_full()
    assert sorted(ran) == [1, 2, 3, 4]
    async with sqlite_db.session() as session:
        left = (await session.exec(select(ScheduledJob.subject_id))).all()
    assert left == [5]  # the four that ran are recorded; the fifth stays due
