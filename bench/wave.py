"""The wave benchmark: N people due at the same instant, claimed and handed to the platform.

It times the engine alone. The scheduler claims the wave from the database and runs every
prompt through the real handler (open the run, ask the first question, mark it prompted, plan
the reminder and the next prompt) against an outbox that only counts: no latency, no network.
Two figures per size: the claims alone, and the whole wave. Loopback only: SQLite in a
temporary directory, or PostgreSQL (a throwaway server from tests/postgres.py unless
--postgres-url is given). It stops by itself.

    .venv/bin/python bench/wave.py [--people N [N ...]] [--database sqlite|postgres]
                                   [--postgres-url URL] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import pstats
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/postgres.py starts the throwaway server

from fresh_databases import counting_statements, fresh_databases  # noqa: E402
from sqlalchemy import func, update  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from app.scheduling import build_scheduler  # noqa: E402
from bot.checkins.scheduled import PROMPT  # noqa: E402
from bot.core.messages import Message  # noqa: E402
from bot.core.ports import Recipient  # noqa: E402
from bot.engine import Engine  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.jobs import claim_due  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import CheckinRun, Person, PlatformIdentity, ScheduledJob, Tenant  # noqa: E402

TENANT = "slack:T1"
DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday; everyone checks in daily at 09:00 UTC
GOAL_SECONDS, GOAL_PEOPLE = 10.0, 10_000
BATCH = 256  # the scheduler's default claim size


class CountingOutbox:
    """The platform, minus the platform: counts, and answers with a message reference."""

    def __init__(self) -> None:
        self.sent = 0
        self.per_user: Counter[str] = Counter()

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        self.sent += 1
        self.per_user[to.user] += 1
        return {"channel": "D" + to.user, "ts": str(self.sent)}


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class FailedJobs(logging.Handler):
    """Counts the scheduler's errors (the jobs are taken up again later), and where they were,
    instead of printing each traceback."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.reasons: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            ours = [
                f"{Path(frame.filename).relative_to(ROOT)}:{frame.lineno} {frame.name}"
                for frame in traceback.extract_tb(error.__traceback__)
                if frame.filename.startswith(str(ROOT)) and "/.venv/" not in frame.filename
            ]
            where = f" in {ours[-1]}" if ours else ""
            self.reasons.add(str(error).splitlines()[0][:80] + where)


@dataclass(frozen=True)
class Result:
    database: str
    people: int
    claim_seconds: float
    wave_seconds: float
    statements_per_job: float
    failed: int = 0  # jobs that hit an error and were taken up again later
    retry_seconds: float = 0.0

    @property
    def jobs_per_second(self) -> float:
        return self.people / (self.wave_seconds + self.retry_seconds)


async def seed(database: Database, people: int) -> None:
    """`people` people with a reachable identity and a prompt job due at DUE."""
    async with database.session() as session:
        session.add(
            Tenant(id=TENANT, platform="slack", external_id="T1", name="Bench", created_at=DUE)
        )
        await session.flush()
        for first in range(0, people, 2000):
            rows = [
                Person(
                    tenant_id=TENANT,
                    email=f"p{n}@bench.example.com",
                    name=f"Person {n}",
                    timezone="UTC",
                    checkin_days="daily",
                    checkin_time="09:00",
                    created_at=DUE,
                )
                for n in range(first, min(first + 2000, people))
            ]
            session.add_all(rows)
            await session.flush()
            for person in rows:
                assert person.id is not None
                session.add(
                    PlatformIdentity(
                        tenant_id=TENANT,
                        person_id=person.id,
                        platform="slack",
                        external_user_id=f"U{person.id:06d}",
                    )
                )
                session.add(
                    ScheduledJob(tenant_id=TENANT, kind=PROMPT, subject_id=person.id, due_at=DUE)
                )
            await session.flush()


async def time_claims(database: Database, people: int) -> float:
    """Claim the whole wave in scheduler-sized batches, then release it again."""
    now = DUE + timedelta(seconds=1)
    started = time.perf_counter()
    claimed = 0
    for _ in range(people // BATCH + 2):
        async with database.session() as session:
            jobs = await claim_due(
                session, now, owner="bench", limit=BATCH, lease=timedelta(minutes=10)
            )
        if not jobs:
            break
        claimed += len(jobs)
    elapsed = time.perf_counter() - started
    assert claimed == people, f"claimed {claimed} of {people}"
    async with database.session() as session:
        await session.exec(update(ScheduledJob).values(lease_until=None, claimed_by=None))
    return elapsed


async def time_wave(database: Database, people: int, profile: bool) -> Result:
    """Run the wave through the real scheduler and handlers; check everyone was prompted."""
    outbox = CountingOutbox()
    clock = FixedClock(DUE + timedelta(seconds=1))
    scheduler = build_scheduler(Engine(database, outbox, clock), tick_seconds=1)
    failures = FailedJobs()
    runner_log = logging.getLogger("scheduler.runner")
    runner_log.addHandler(failures)
    runner_log.propagate = False
    profiler = cProfile.Profile() if profile else None
    try:
        with counting_statements(database) as statements:
            started = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            await scheduler.run_until_idle(max_rounds=people // BATCH + 10)
            if profiler is not None:
                profiler.disable()
            elapsed = time.perf_counter() - started
        retry_seconds = 0.0
        if failures.count:
            # Past a failed job's backoff (30 s), and the lease (10 min) of one whose end could
            # not be recorded: the scheduler takes both up again then.
            clock.current += timedelta(minutes=11)
            started = time.perf_counter()
            await scheduler.run_until_idle(max_rounds=people // BATCH + 10)
            retry_seconds = time.perf_counter() - started
    finally:
        runner_log.removeHandler(failures)
        runner_log.propagate = True
    if failures.count:
        print(
            f"  {failures.count} jobs hit an error, taken up again: {failures.reasons}",
            file=sys.stderr,
        )
    twice = sum(1 for n in outbox.per_user.values() if n > 1)
    assert len(outbox.per_user) == people and not twice, (
        f"{len(outbox.per_user)} of {people} prompted, {twice} of them more than once"
    )
    async with database.session() as session:
        marked = select(func.count()).where(col(CheckinRun.prompted_at).is_not(None))
        assert (await session.exec(marked)).one() == people, "not every run was marked"
        left = select(func.count()).where(
            col(ScheduledJob.kind) == PROMPT, col(ScheduledJob.due_at) <= clock.now()
        )
        assert (await session.exec(left)).one() == 0, "some prompts are still due"
    if profiler is not None:
        report(profiler)
    return Result(
        database.engine.dialect.name,
        people,
        0.0,
        elapsed,
        statements[0] / people,
        failures.count,
        retry_seconds,
    )


def report(profiler: cProfile.Profile) -> None:
    for order, lines in (("cumulative", 30), ("tottime", 20)):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(lines)
        print(out.getvalue(), file=sys.stderr)


async def bench(args: argparse.Namespace) -> list[Result]:
    databases = fresh_databases(args.database, args.postgres_url, "wave")
    results = []
    async with databases as fresh:
        for people in args.people:
            async with fresh() as database:
                await upgrade(database.engine)
                seeded = time.perf_counter()
                await seed(database, people)
                print(
                    f"{args.database}: seeded {people:,} people in "
                    f"{time.perf_counter() - seeded:.1f} s",
                    file=sys.stderr,
                )
                claims = await time_claims(database, people)
                profile = args.profile and people == max(args.people)
                wave = await time_wave(database, people, profile)
            results.append(replace(wave, database=args.database, claim_seconds=claims))
            print(line(results[-1]), flush=True)
    return results


def line(result: Result) -> str:
    retried = (
        f"  ({result.failed} hit an error; taking them up again took {result.retry_seconds:.2f} s)"
        if result.failed
        else ""
    )
    return (
        f"{result.database:<9} {result.people:>7,} people  claims {result.claim_seconds:6.2f} s  "
        f"wave {result.wave_seconds:7.2f} s  {result.jobs_per_second:5.0f} jobs/s  "
        f"{result.statements_per_job:5.1f} SQL statements/job{retried}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--people", type=int, nargs="+", default=[GOAL_PEOPLE], help="wave sizes (10000)"
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="an admin URL on a server to use (else one starts)")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the largest wave (to stderr)"
    )
    args = parser.parse_args()
    results = asyncio.run(bench(args))
    for result in results:
        if result.people >= GOAL_PEOPLE:
            pace = (result.wave_seconds + result.retry_seconds) * GOAL_PEOPLE / result.people
            verdict = "meets" if pace < GOAL_SECONDS else "misses"
            print(f"{verdict} the goal of {GOAL_PEOPLE:,} in {GOAL_SECONDS:.0f} s ({pace:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
