"""The tick: claim the jobs that are due, run each through its kind's handler, reschedule.

APScheduler drives one short periodic tick per process; the jobs themselves live in the
database (never one APScheduler job per person, never a shared APScheduler job store).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from storage.db import Database
from storage.jobs import claim_due, finish, retry_later
from storage.models import ScheduledJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """What a handler is told: which job, for whom, due when."""

    kind: str
    tenant_id: str
    subject_id: int
    due_at: datetime
    attempts: int


# A handler does the job and answers when it is next due (None: never again).
Handler = Callable[[Due, datetime], Awaitable[datetime | None]]
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    def __init__(
        self,
        database: Database,
        handlers: Mapping[str, Handler],
        *,
        clock: Clock = _utcnow,
        owner: str | None = None,
        concurrency: int = 32,
        batch: int = 256,
        lease: timedelta = timedelta(minutes=10),
        tick_seconds: float = 10.0,
    ) -> None:
        self.database = database
        self.handlers = dict(handlers)
        self.clock = clock
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.batch = batch
        self.lease = lease
        self.tick_seconds = tick_seconds
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._concurrency = concurrency
        self._aps: AsyncIOScheduler | None = None
        # Run before each tick's claim: e.g. give newly imported people their first job.
        self.maintenance: list[Callable[[], Awaitable[object]]] = []

    async def tick(self) -> int:
        """One round: claim due work and run it. Returns how many jobs were claimed."""
        for task in self.maintenance:
            try:
                await task()
            except Exception:
                log.exception("scheduler maintenance failed")
        now = self.clock()
        async with self.database.session() as session:
            jobs = await claim_due(
                session, now, owner=self.owner, limit=self.batch, lease=self.lease
            )
        if jobs:
            await asyncio.gather(*(self._run(job) for job in jobs))
        return len(jobs)

    async def run_until_idle(self, max_rounds: int = 1000) -> int:
        """Tick until nothing is due (tests, catch-up). Returns the jobs run."""
        total = 0
        for _ in range(max_rounds):
            claimed = await self.tick()
            total += claimed
            if claimed == 0:
                break
        return total

    async def _run(self, job: ScheduledJob) -> None:
        # A bounded pipeline per platform, so a wave on one can't starve the other.
        platform = job.tenant_id.split(":", 1)[0]
        slots = self._slots.setdefault(platform, asyncio.Semaphore(self._concurrency))
        async with slots:
            due = Due(job.kind, job.tenant_id, job.subject_id, job.due_at, job.attempts)
            handler = self.handlers.get(job.kind)
            try:
                if handler is None:
                    raise LookupError(f"no handler for scheduled jobs of kind {job.kind!r}")
                next_due = await handler(due, self.clock())
            except Exception:
                log.exception("a %s job failed (attempt %d)", job.kind, job.attempts + 1)
                backoff = timedelta(seconds=min(3600, 30 * 2**job.attempts))
                await self._record(job, retry_at=self.clock() + backoff)
                return
            await self._record(job, next_due=next_due)

    async def _record(
        self,
        job: ScheduledJob,
        *,
        next_due: datetime | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """How the job ended: its next due time, or its retry. Should that write fail, the job
        stays leased and runs again when the lease runs out (handlers know work already done),
        so one failure here must not end the whole tick."""
        try:
            async with self.database.session() as session:
                if retry_at is not None:
                    await retry_later(session, job, retry_at, owner=self.owner)
                else:
                    await finish(session, job, next_due, owner=self.owner)
        except Exception:
            log.exception("could not record the end of a %s job; it runs again later", job.kind)

    def start(self) -> None:
        """Tick every few seconds in this process's event loop."""
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._aps.add_job(
            self.tick,
            "interval",
            seconds=self.tick_seconds,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
            misfire_grace_time=None,
        )
        self._aps.start()

    def stop(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
