"""Jobs that check their claim at the same moment are answered by one read, each with its own
answer; a check asked later gets a read of its own, from the database as it is then."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from scheduler import fences
from scheduler.fences import HeldChecks
from storage.db import Database
from storage.jobs import claim_due
from storage.models import ScheduledJob, Tenant
from tests.seeded import SEEDED_AT

TENANT = "slack:T1"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


async def claimed(database: Database, owner: str, count: int) -> list[int]:
    async with database.session() as session:
        session.add(Tenant(id=TENANT, platform="slack", external_id="T1", created_at=SEEDED_AT))
        await session.flush()
        for subject in range(1, count + 1):
            session.add(ScheduledJob(tenant_id=TENANT, kind="note", subject_id=subject, due_at=NOW))
    async with database.session() as session:
        jobs = await claim_due(session, NOW, owner=owner, limit=count, lease=LEASE)
    return [job.id or 0 for job in jobs]


async def take_over(database: Database, job_id: int, owner: str) -> None:
    async with database.session() as session:
        job = (await session.exec(select(ScheduledJob).where(ScheduledJob.id == job_id))).one()
        job.claimed_by = owner
        session.add(job)


async def test_checks_asked_together_are_one_read_and_each_gets_its_own_answer(
    sqlite_db: Database,
) -> None:
    ids = await claimed(sqlite_db, "replica-a", 6)
    await take_over(sqlite_db, ids[2], "replica-b")
    checks = HeldChecks(sqlite_db, lambda: "replica-a", lambda: NOW)

    answers = await asyncio.gather(*(checks.held(job_id) for job_id in ids))

    assert answers == [True, True, False, True, True, True]
    assert checks.reads == 1


async def test_a_check_asked_after_a_read_sees_what_changed_since(sqlite_db: Database) -> None:
    ids = await claimed(sqlite_db, "replica-a", 2)
    checks = HeldChecks(sqlite_db, lambda: "replica-a", lambda: NOW)
    assert await checks.held(ids[0])
    await take_over(sqlite_db, ids[0], "replica-b")
    assert not await checks.held(ids[0])
    assert checks.reads == 2


async def test_a_lease_run_out_is_not_held(sqlite_db: Database) -> None:
    ids = await claimed(sqlite_db, "replica-a", 1)
    later = HeldChecks(sqlite_db, lambda: "replica-a", lambda: NOW + LEASE + timedelta(seconds=1))
    assert not await later.held(ids[0])


async def test_a_failed_read_fails_every_check_waiting_on_it(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await claimed(sqlite_db, "replica-a", 3)
    checks = HeldChecks(sqlite_db, lambda: "replica-a", lambda: NOW)

    async def database_away(*_args: object) -> set[int]:
        raise ConnectionError("the database is away")

    monkeypatch.setattr(fences, "held_of", database_away)
    results = await asyncio.gather(*(checks.held(i) for i in ids), return_exceptions=True)
    assert [type(result) for result in results] == [ConnectionError] * 3
    monkeypatch.undo()
    assert await checks.held(ids[0])  # the next check reads again
