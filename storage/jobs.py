"""Scheduled jobs: upsert, claim what is due (atomically, with a lease), finish or retry."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.insert import insert_if_absent
from storage.models import Person, ScheduledJob


async def upsert_job(
    session: AsyncSession, tenant_id: str, kind: str, subject_id: int, due_at: datetime
) -> None:
    """Schedule (or move) the one job of this kind for this subject."""
    job = ScheduledJob(tenant_id=tenant_id, kind=kind, subject_id=subject_id, due_at=due_at)
    if not await insert_if_absent(session, job):
        await session.exec(
            update(ScheduledJob)
            .where(col(ScheduledJob.kind) == kind, col(ScheduledJob.subject_id) == subject_id)
            .values(due_at=due_at, lease_until=None, claimed_by=None, attempts=0)
        )


async def upsert_jobs(
    session: AsyncSession, kind: str, due: Sequence[tuple[str, int, datetime]]
) -> None:
    """`upsert_job` for many subjects at once: (tenant id, subject id, due at) each."""
    if not due:
        return
    table = ScheduledJob.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [
        {"tenant_id": tenant, "kind": kind, "subject_id": subject, "due_at": at, "attempts": 0}
        for tenant, subject, at in due
    ]
    statement = dialect.insert(table)
    await (await session.connection()).execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "subject_id"],
            set_={
                "due_at": statement.excluded.due_at,
                "lease_until": None,
                "claimed_by": None,
                "attempts": 0,
            },
        ),
        rows,
    )


async def add_job(
    session: AsyncSession, tenant_id: str, kind: str, subject_id: int, due_at: datetime
) -> bool:
    """Schedule the job unless the subject has one of this kind; True when this call added it.

    Never moves an existing job: another replica planning at the same moment may have added it
    already, and may be running it under its lease.
    """
    job = ScheduledJob(tenant_id=tenant_id, kind=kind, subject_id=subject_id, due_at=due_at)
    return await insert_if_absent(session, job)


async def claim_due(
    session: AsyncSession, now: datetime, *, owner: str, limit: int, lease: timedelta
) -> list[ScheduledJob]:
    """Take up to `limit` due jobs for `owner` until now + lease.

    On PostgreSQL, FOR UPDATE SKIP LOCKED lets replicas claim disjoint batches at once. A job
    whose lease ran out (its claimer died) is due again.
    """
    free = or_(col(ScheduledJob.lease_until).is_(None), col(ScheduledJob.lease_until) < now)
    statement = (
        select(ScheduledJob)
        .where(col(ScheduledJob.due_at) <= now, free)
        .order_by(col(ScheduledJob.due_at))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    jobs = list((await session.exec(statement)).all())
    if not jobs:
        return []
    await session.exec(
        update(ScheduledJob)
        .where(col(ScheduledJob.id).in_([job.id for job in jobs]))
        .values(lease_until=now + lease, claimed_by=owner)
        .execution_options(synchronize_session=False)
    )
    for job in jobs:
        # Detached first: changed in the session, each would be written again, row by row.
        session.expunge(job)
        job.lease_until, job.claimed_by = now + lease, owner
    return jobs


def _held_by(job_ids: Collection[int], owner: str, now: datetime) -> tuple[Any, ...]:
    """Of these jobs, those claimed by `owner` whose lease hasn't run out."""
    return (
        col(ScheduledJob.id).in_(list(job_ids)),
        col(ScheduledJob.claimed_by) == owner,
        col(ScheduledJob.lease_until) > now,
    )


async def held_of(
    session: AsyncSession, job_ids: Collection[int], owner: str, now: datetime
) -> set[int]:
    """Of these jobs, the ones `owner` still holds (claimed by it, lease not run out)."""
    if not job_ids:
        return set()
    statement = select(ScheduledJob.id).where(*_held_by(job_ids, owner, now))
    return {job_id for job_id in (await session.exec(statement)).all() if job_id is not None}


async def hold(
    session: AsyncSession, job_ids: Sequence[int], owner: str, now: datetime
) -> set[int]:
    """Of these jobs, the ones `owner` still holds, locked until the session commits: the
    fencing check a handler makes in the transaction that records work done for its claim.
    Another replica can't take them over before that commit (on PostgreSQL the rows are locked;
    on SQLite the write lock is taken), so what the transaction writes is the holder's."""
    if not job_ids:
        return set()
    statement = (
        update(ScheduledJob)
        .where(*_held_by(job_ids, owner, now))
        .values(claimed_by=owner)
        .returning(col(ScheduledJob.id))
        .execution_options(synchronize_session=False)
    )
    return set((await session.exec(statement)).scalars().all())


async def finish(
    session: AsyncSession, job: ScheduledJob, next_due: datetime | None, *, owner: str
) -> None:
    """Done: move the job to its next time, or remove it. Only the claimer may."""
    mine = (col(ScheduledJob.id) == job.id, col(ScheduledJob.claimed_by) == owner)
    if next_due is None:
        await session.exec(delete(ScheduledJob).where(*mine))
        return
    await session.exec(
        update(ScheduledJob)
        .where(*mine)
        .values(due_at=next_due, lease_until=None, claimed_by=None, attempts=0)
    )


@dataclass(frozen=True)
class JobEnd:
    """How one job of a batch ended: its next due time (None: done for good), or a retry."""

    job: ScheduledJob
    next_due: datetime | None
    retry_at: datetime | None = None


async def finish_many(session: AsyncSession, ends: Sequence[JobEnd], *, owner: str) -> None:
    """`finish` and `retry_later` for a whole batch, in three statements at most."""
    table = ScheduledJob.__table__  # type: ignore[attr-defined]
    gone = [end.job.id for end in ends if end.next_due is None and end.retry_at is None]
    if gone:
        await session.exec(
            delete(ScheduledJob).where(
                col(ScheduledJob.id).in_(gone), col(ScheduledJob.claimed_by) == owner
            )
        )
    moves = [
        {
            "job": end.job.id,
            "due": end.retry_at or end.next_due,
            "tries": end.job.attempts + 1 if end.retry_at else 0,
        }
        for end in ends
        if end.retry_at is not None or end.next_due is not None
    ]
    if moves:
        statement = (
            update(table)
            .where(table.c.id == bindparam("job"), table.c.claimed_by == owner)
            .values(
                due_at=bindparam("due"),
                lease_until=None,
                claimed_by=None,
                attempts=bindparam("tries"),
            )
        )
        await (await session.connection()).execute(statement, moves)


async def retry_later(
    session: AsyncSession, job: ScheduledJob, at: datetime, *, owner: str
) -> None:
    await session.exec(
        update(ScheduledJob)
        .where(col(ScheduledJob.id) == job.id, col(ScheduledJob.claimed_by) == owner)
        .values(due_at=at, lease_until=None, claimed_by=None, attempts=job.attempts + 1)
    )


async def people_without_job(session: AsyncSession, kind: str, limit: int) -> Sequence[Person]:
    scheduled = select(ScheduledJob.subject_id).where(ScheduledJob.kind == kind)
    statement = (
        select(Person)
        .where(col(Person.active).is_(True), col(Person.id).not_in(scheduled))
        .order_by(col(Person.id))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def move_job(
    session: AsyncSession,
    tenant_id: str,
    kind: str,
    subject_id: int,
    due_at: datetime,
    now: datetime,
) -> bool:
    """Re-plan the subject's job of this kind to `due_at` (or plan it, if it has none), unless
    it is due or claimed: then it runs as planned, and whoever runs it plans the next one from
    the subject as they are by then. True when the job is now due at `due_at`."""
    free = or_(col(ScheduledJob.lease_until).is_(None), col(ScheduledJob.lease_until) < now)
    moved = await session.exec(
        update(ScheduledJob)
        .where(
            col(ScheduledJob.kind) == kind,
            col(ScheduledJob.subject_id) == subject_id,
            col(ScheduledJob.due_at) > now,
            free,
        )
        .values(due_at=due_at, lease_until=None, claimed_by=None, attempts=0)
    )
    if moved.rowcount:
        return True
    return await add_job(session, tenant_id, kind, subject_id, due_at)


async def drop_job(session: AsyncSession, kind: str, subject_id: int) -> None:
    """Forget one subject's job of a kind (a subscription cancelled, say)."""
    await session.exec(
        delete(ScheduledJob).where(
            col(ScheduledJob.kind) == kind, col(ScheduledJob.subject_id) == subject_id
        )
    )


async def job_for(session: AsyncSession, kind: str, subject_id: int) -> ScheduledJob | None:
    statement = select(ScheduledJob).where(
        ScheduledJob.kind == kind, ScheduledJob.subject_id == subject_id
    )
    return (await session.exec(statement)).first()
