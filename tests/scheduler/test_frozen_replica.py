"""A replica frozen past its lease (a paused VM, CPU starvation, a long back-off) wakes to find
its batch taken over, and sends nothing more of it: each send first asks whether the claim is
still held. Simulated with a fake clock: replica A freezes between two sends of its batch, the
clock runs past its lease, replica B takes the batch over and sends the rest; then A wakes."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app.scheduling import build_scheduler
from bot.checkins.scheduled import PROMPT, ScheduledCheckins
from bot.engine import Engine
from scheduler.due import Due, Fence
from scheduler.runner import Scheduler
from storage.db import Database
from storage.jobs import claim_due
from storage.models import CheckinRun, ScheduledJob
from tests.conftest import FakeClock
from tests.scheduler.conftest import TimedOutbox, World

PEOPLE = 12
SENT_BEFORE_THE_FREEZE = 5


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def replicas_world(request: pytest.FixtureRequest) -> World:
    database: Database = request.getfixturevalue(f"{request.param}_db")
    clock = FakeClock(datetime(2026, 1, 1, 0, 0, tzinfo=UTC))
    outbox = TimedOutbox(clock)
    engine = Engine(database, outbox, clock)
    scheduler = build_scheduler(engine, 1)
    return World(database, clock, outbox, engine, scheduler, ScheduledCheckins(engine))


async def marked(world: World, count: int) -> None:
    """Wait until `count` runs are recorded as prompted."""
    for _ in range(1000):
        async with world.database.session() as session:
            runs = (await session.exec(select(CheckinRun))).all()
        if sum(run.prompted_at is not None for run in runs) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"fewer than {count} sends recorded")


def freeze_at_check(replica: Scheduler, number: int) -> tuple[asyncio.Event, asyncio.Event]:
    """The replica's process stops at its `number`th claim check (the world goes on) until
    the second event is set. The first is set when it stops."""
    frozen, wake = asyncio.Event(), asyncio.Event()
    checks = 0
    fence_of = replica._fence

    def freezing_fence(job: ScheduledJob) -> Fence:
        held = fence_of(job)

        async def check() -> bool:
            nonlocal checks
            checks += 1
            if checks == number:
                frozen.set()
                await wake.wait()
            return await held()

        return check

    replica._fence = freezing_fence  # type: ignore[method-assign]
    return frozen, wake


async def test_a_replica_frozen_past_its_lease_doubles_no_one(
    replicas_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world = replicas_world
    for n in range(PEOPLE):
        await world.add_person(f"p{n}@x.com", "UTC", days="daily", at="00:15")
    a, b = build_scheduler(world.engine, 1), build_scheduler(world.engine, 1)
    a.owner, b.owner = "replica-a", "replica-b"
    a.lease = b.lease = timedelta(minutes=5)
    # A sends one prompt at a time, so that it can freeze between two of them.
    a.batch_handlers[PROMPT] = ScheduledCheckins(world.engine, senders=1).prompt_many
    frozen, wake = freeze_at_check(a, SENT_BEFORE_THE_FREEZE + 1)
    await a.tick()  # plans everyone's first prompt, at 00:15
    world.clock.advance(minutes=15)
    caplog.set_level(logging.WARNING)
    running = asyncio.create_task(a.tick())
    await asyncio.wait_for(frozen.wait(), 30)
    assert len(world.prompts()) == SENT_BEFORE_THE_FREEZE
    # A recorded those sends before it froze (its writer runs beside the sends): else B finds
    # them in doubt and asks the platform, which this recording outbox can't answer.
    await marked(world, SENT_BEFORE_THE_FREEZE)
    world.clock.advance(minutes=6)  # past A's lease
    await b.tick()  # B takes the batch over and sends the rest
    assert len(world.prompts()) == PEOPLE
    wake.set()
    await asyncio.wait_for(running, 30)
    per_person = Counter(user for user, _ in world.prompts())
    assert len(per_person) == PEOPLE and set(per_person.values()) == {1}, per_person
    lost = [r for r in caplog.records if "their claim was lost" in r.getMessage()]
    assert len(lost) == 1 and "7 prompts" in lost[0].getMessage()


async def test_a_replica_frozen_between_opening_a_prompt_and_sending_it_doubles_no_one(
    replicas_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The one-at-a-time path (a prompt out of the ordinary, or a single job): A opens the
    check-in and marks it as being sent, then freezes before the send. B takes the job over,
    finds the send in doubt, learns it never arrived and sends it. A wakes and sends nothing."""
    world = replicas_world
    await world.add_person("ada@x.com", "UTC", days="daily", at="00:15")
    a, b = build_scheduler(world.engine, 1), build_scheduler(world.engine, 1)
    a.owner, b.owner = "replica-a", "replica-b"
    a.lease = b.lease = timedelta(minutes=5)
    a.batch_handlers.clear()  # the single-job path
    # The second check is the one right before the send: the run is marked as being sent.
    frozen, wake = freeze_at_check(a, 2)
    await a.tick()
    world.clock.advance(minutes=15)
    caplog.set_level(logging.WARNING)
    running = asyncio.create_task(a.tick())
    await asyncio.wait_for(frozen.wait(), 10)
    assert world.prompts() == []
    world.clock.advance(minutes=6)  # past A's lease
    await b.tick()
    assert len(world.prompts()) == 1
    wake.set()
    await asyncio.wait_for(running, 30)
    assert len(world.prompts()) == 1
    assert any("claim was lost" in r.getMessage() for r in caplog.records)


async def test_work_for_a_lost_claim_is_not_written(replicas_world: World) -> None:
    """The fencing check is made in the transaction that opens the check-ins: a batch whose
    claim was taken over before it opened anything opens and sends nothing."""
    world = replicas_world
    for n in range(3):
        await world.add_person(f"p{n}@x.com", "UTC", days="daily", at="00:15")
    a, b = build_scheduler(world.engine, 1), build_scheduler(world.engine, 1)
    a.owner, b.owner = "replica-a", "replica-b"
    a.lease = b.lease = timedelta(minutes=5)
    await a.tick()
    world.clock.advance(minutes=15)
    async with world.database.session() as session:
        claimed = await claim_due(
            session, world.clock.now(), owner="replica-a", limit=10, lease=a.lease
        )
    assert len(claimed) == 3
    # Its lease runs out before it gets to work; B claims the jobs (and is slow to start).
    world.clock.advance(minutes=6)
    async with world.database.session() as session:
        assert len(await claim_due(session, world.clock.now(), owner="replica-b", limit=10,
                                   lease=b.lease)) == 3  # fmt: skip
    dues = [
        Due(j.kind, j.tenant_id, j.subject_id, j.due_at, j.attempts, j.id or 0, a._fence(j),
            a.owner)
        for j in claimed
    ]  # fmt: skip
    outcomes = await ScheduledCheckins(world.engine).prompt_many(dues, world.clock.now())
    assert outcomes == {}  # every claim lost: nothing to record
    assert world.prompts() == []
    async with world.database.session() as session:
        assert (await session.exec(select(CheckinRun))).all() == []
