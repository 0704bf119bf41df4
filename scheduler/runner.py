"""The tick: claim the jobs that are due, run each through its kind's handler, reschedule.

APScheduler drives one short periodic tick per process; the jobs themselves live in the
database (never one APScheduler job per person, never a shared APScheduler job store).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.due import BatchHandler, ClaimLost, Due, Fence, Handler
from scheduler.fences import HeldChecks
from storage.db import Database
from storage.jobs import JobEnd, claim_due, finish, finish_many, retry_later
from storage.models import ScheduledJob

log = logging.getLogger(__name__)


Clock = Callable[[], datetime]
# Batches a wave has claimed at once: the next is made ready while this one sends. Each batch's
# lease must outlast both: 512 prompts at Slack's 300 a minute take 1 min 42 s of a 10-minute
# lease.
AHEAD = 2


class Scheduler:
    def __init__(
        self,
        database: Database,
        handlers: Mapping[str, Handler],
        *,
        batch_handlers: Mapping[str, BatchHandler] | None = None,
        clock: Clock,
        owner: str | None = None,
        concurrency: int = 32,
        batch: int = 256,
        lease: timedelta = timedelta(minutes=10),
        tick_seconds: float = 10.0,
    ) -> None:
        self.database = database
        self.handlers = dict(handlers)
        self.batch_handlers = dict(batch_handlers or {})
        self.clock = clock
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.batch = batch
        self.lease = lease
        self.tick_seconds = tick_seconds
        # "Do I still hold this job?", asked right before acting for it: answered in one read
        # for every job asking at the same moment.
        self.held_checks = HeldChecks(database, lambda: self.owner, lambda: self.clock())
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._concurrency = concurrency
        self._aps: AsyncIOScheduler | None = None
        self._failed_ticks = 0  # in a row: a database away fails every tick until it is back
        # Run before each tick's claim: e.g. give newly imported people their first job.
        self.maintenance: list[Callable[[], Awaitable[object]]] = []
        # Waits for work the upkeep started in the background (statuses read ahead).
        self.settle: list[Callable[[], Awaitable[object]]] = []
        # How claimed jobs ended, when the database was away as they did: written by the next
        # tick, so that a database outage doesn't hold them until their lease runs out.
        self._unrecorded: list[JobEnd] = []

    async def tick(self) -> int:
        """One round: claim due work and run it. Returns how many jobs were claimed."""
        await self._upkeep()
        jobs = await self._claim()
        await self._run_all(jobs)
        return len(jobs)

    async def _upkeep(self) -> None:
        await self._record_late()
        for task in self.maintenance:
            try:
                await task()
            except Exception:
                log.exception("scheduler maintenance failed")

    async def _claim(self) -> list[ScheduledJob]:
        async with self.database.session() as session:
            return await claim_due(
                session, self.clock(), owner=self.owner, limit=self.batch, lease=self.lease
            )

    async def _run_all(self, jobs: list[ScheduledJob]) -> None:
        waves: dict[str, list[ScheduledJob]] = {}
        for job in jobs:
            if job.kind in self.batch_handlers:
                waves.setdefault(job.kind, []).append(job)
        singles = [job for job in jobs if job.kind not in self.batch_handlers]
        await asyncio.gather(
            *(self._run_batch(kind, wave) for kind, wave in waves.items()),
            *(self._run(job) for job in singles),
        )

    def _fence(self, job: ScheduledJob) -> Fence:
        async def held() -> bool:
            return await self.held_checks.held(job.id or 0)

        return held

    async def run_until_idle(self, max_rounds: int = 1000) -> int:
        """Tick until nothing is due (tests, catch-up). Returns the jobs run."""
        total = 0
        for _ in range(max_rounds):
            claimed = await self.tick()
            total += claimed
            if claimed == 0:
                break
        for background in self.settle:
            await background()
        return total

    async def _run(self, job: ScheduledJob) -> None:
        # A bounded pipeline per platform, so a wave on one can't starve the other.
        platform = job.tenant_id.split(":", 1)[0]
        slots = self._slots.setdefault(platform, asyncio.Semaphore(self._concurrency))
        async with slots:
            due = _due(job, self._fence(job), self.owner)
            handler = self.handlers.get(job.kind)
            try:
                if not await due.held():  # frozen past the lease: another replica has it now
                    log.warning("a %s job not run: its claim was lost", job.kind)
                    return
                if handler is None:
                    raise LookupError(f"no handler for scheduled jobs of kind {job.kind!r}")
                next_due = await handler(due, self.clock())
            except ClaimLost:
                log.warning("a %s job stopped: its claim was lost", job.kind)
                return
            except Exception:
                log.exception("a %s job failed (attempt %d)", job.kind, job.attempts + 1)
                backoff = timedelta(seconds=min(3600, 30 * 2**job.attempts))
                await self._record(job, retry_at=self.clock() + backoff)
                return
            await self._record(job, next_due=next_due)

    async def _run_batch(self, kind: str, jobs: list[ScheduledJob]) -> None:
        try:
            dues = [_due(job, self._fence(job), self.owner) for job in jobs]
            outcomes = await self.batch_handlers[kind](dues, self.clock())
        except Exception as error:
            log.exception("a batch of %d %s jobs failed", len(jobs), kind)
            outcomes = {}
            failure: Exception = error
        else:
            failure = LookupError("the batch handler gave no outcome for this job")
        ends: list[JobEnd] = []
        for job in jobs:
            outcome = outcomes.get(job.id or 0, failure)
            if isinstance(outcome, Exception):
                if outcome is not failure:
                    log.error("a %s job failed (attempt %d): %s", kind, job.attempts + 1, outcome)
                backoff = timedelta(seconds=min(3600, 30 * 2**job.attempts))
                ends.append(JobEnd(job, None, retry_at=self.clock() + backoff))
            else:
                ends.append(JobEnd(job, outcome))
        try:
            async with self.database.session() as session:
                await finish_many(session, ends, owner=self.owner)
        except Exception:
            log.exception(
                "could not record the end of %d %s jobs; trying again next tick", len(ends), kind
            )
            self._unrecorded.extend(ends)

    async def _record(
        self,
        job: ScheduledJob,
        *,
        next_due: datetime | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """How the job ended: its next due time, or its retry. Should that write fail, the next
        tick tries again; the job stays leased meanwhile, and runs again should its lease run
        out first (handlers know work already done). One failure here must not end the tick."""
        try:
            async with self.database.session() as session:
                if retry_at is not None:
                    await retry_later(session, job, retry_at, owner=self.owner)
                else:
                    await finish(session, job, next_due, owner=self.owner)
        except Exception:
            log.exception("could not record the end of a %s job; trying again next tick", job.kind)
            self._unrecorded.append(JobEnd(job, next_due, retry_at=retry_at))

    async def _record_late(self) -> None:
        """Write the job ends an earlier tick could not. Only while their lease holds: after
        it, the job is due again, and may be another claim's (even this process's own)."""
        now = self.clock()
        ends = [e for e in self._unrecorded if e.job.lease_until and e.job.lease_until > now]
        self._unrecorded = []
        if not ends:
            return
        try:
            async with self.database.session() as session:
                await finish_many(session, ends, owner=self.owner)
        except Exception as error:
            log.warning("still could not record the end of %d jobs: %s", len(ends), error)
            self._unrecorded = ends
            return
        log.warning("recorded the end of %d jobs the database had missed", len(ends))

    async def tick_while_full(self, max_rounds: int = 1000) -> int:
        """A tick, and more at once for as long as each claims a full batch. A wave goes out
        batch after batch, not a batch a tick: waiting for the next tick after each batch
        (about 50 s of Slack's pace) left Slack idle up to a tick each time, 88 % of the
        allowed rate for 1,000 people instead of 99.5 % (bench/wave_limits.py). And the next
        batch is claimed and made ready while this one still sends (at most AHEAD batches at
        once), so the platform isn't left idle while a batch is finished and the next one is
        claimed and opened. Returns the jobs run."""
        await self._upkeep()
        total = 0
        running: deque[asyncio.Task[None]] = deque()
        try:
            for _ in range(max_rounds):
                jobs = await self._claim()
                total += len(jobs)
                running.append(asyncio.create_task(self._run_all(jobs)))
                if len(jobs) < self.batch:
                    break
                if len(running) >= AHEAD:
                    await running.popleft()
        finally:
            # Batches under way finish whatever stopped the claims (the last batch, a failed
            # claim): each records how its jobs ended.
            await asyncio.gather(*running)
        return total

    async def periodic_tick(self) -> None:
        """The periodic job. A tick that fails is logged with its traceback the first time;
        while the next ones fail too (a database away for a while), a line a minute, and one
        when ticks work again. Nothing is lost: the jobs stay due."""
        try:
            await self.tick_while_full()
        except Exception:
            self._failed_ticks += 1
            if self._failed_ticks == 1:
                log.exception("a scheduler tick failed; the jobs due stay due")
            elif self._failed_ticks % max(1, round(60 / self.tick_seconds)) == 0:
                log.error("scheduler ticks still failing (%d in a row)", self._failed_ticks)
            return
        if self._failed_ticks:
            log.warning("scheduler ticks work again after %d failed", self._failed_ticks)
            self._failed_ticks = 0

    def start(self) -> None:
        """Tick every few seconds in this process's event loop."""
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._aps.add_job(
            self.periodic_tick,
            "interval",
            seconds=self.tick_seconds,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),  # APScheduler runs on the real clock
            misfire_grace_time=None,
        )
        self._aps.start()

    def stop(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None


def _due(job: ScheduledJob, held: Fence, owner: str) -> Due:
    return Due(
        job.kind, job.tenant_id, job.subject_id, job.due_at, job.attempts, job.id or 0, held, owner
    )
