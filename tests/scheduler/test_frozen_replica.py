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

from app.scheduling import build_scheduler
from bot.checkins.scheduled import PROMPT, ScheduledCheckins
from bot.engine import Engine
from scheduler.due import Fence
from storage.db import Database
from storage.models import ScheduledJob
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
    frozen, wake = asyncio.Event(), asyncio.Event()
    checks = 0
    fence_of = a._fence

    def freezing_fence(job: ScheduledJob) -> Fence:
        held = fence_of(job)

        async def check() -> bool:
            nonlocal checks
            checks += 1
            if checks == SENT_BEFORE_THE_FREEZE + 1:
                frozen.set()
                await wake.wait()  # the process stops here; the world goes on
            return await held()

        return check

    a._fence = freezing_fence  # type: ignore[method-assign]
    await a.tick()  # plans everyone's first prompt, at 00:15
    world.clock.advance(minutes=15)
    caplog.set_level(logging.WARNING)
    running = asyncio.create_task(a.tick())
    await asyncio.wait_for(frozen.wait(), 30)
    assert len(world.prompts()) == SENT_BEFORE_THE_FREEZE
    world.clock.advance(minutes=6)  # past A's lease
    await b.tick()  # B takes the batch over and sends the rest
    assert len(world.prompts()) == PEOPLE
    wake.set()
    await asyncio.wait_for(running, 30)
    per_person = Counter(user for user, _ in world.prompts())
    assert len(per_person) == PEOPLE and set(per_person.values()) == {1}, per_person
    lost = [r for r in caplog.records if "their claim was lost" in r.getMessage()]
    assert len(lost) == 1 and "7 prompts" in lost[0].getMessage()
