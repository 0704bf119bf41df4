"""The daily housekeeping: bookkeeping older than the org's retention goes, in batches, by one
replica; what people wrote stays, whatever the retention."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from app.scheduling import build_scheduler
from bot.checkins.cadence import CadenceError
from bot.checkins.scheduled import ScheduledCheckins
from bot.core.events import Actor, TextReceived
from bot.engine import Engine
from bot.housekeeping.scheduled import HOUSEKEEPING, ScheduledHousekeeping
from bot.org.defaults import updated_defaults
from scheduler.due import ClaimLost, Due
from storage.db import Database
from storage.models import (
    Answer,
    CheckinRun,
    GoalNudge,
    HeldMessage,
    PendingPrompt,
    Person,
    ProcessedEvent,
    ScheduledJob,
    SlackOAuthState,
)
from storage.repository import Store
from storage.settings import OrgSettings
from tests.conftest import FakeClock
from tests.scheduler.conftest import TENANT, TimedOutbox, World
from tests.seeded import SEEDED_AT
from tests.serve_process import run_cli

START = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)  # a Monday
OTHER = "slack:T2"


@pytest.fixture
def world(any_db: Database) -> World:
    clock = FakeClock(START)
    outbox = TimedOutbox(clock)
    engine = Engine(any_db, outbox, clock)
    scheduler = build_scheduler(engine, 1)
    return World(any_db, clock, outbox, engine, scheduler, ScheduledCheckins(engine))


async def count(database: Database, model: type[SQLModel], *where: object) -> int:
    async with database.session() as session:
        statement = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int((await session.exec(statement)).one())


async def answer_the_week(world: World, week: int) -> None:
    """The person answers each question of the week's check-in, one event each."""
    for n in range(12):
        event = TextReceived(Actor("slack", "T1", "U1"), "skip", event_id=f"w{week}-{n}")
        await world.engine.handle(event)


async def test_weeks_of_check_ins_keep_what_was_written_and_only_recent_bookkeeping(
    world: World,
) -> None:
    await world.add_person("alan@x.com", "UTC", days="mon", at="09:00")
    await world.settings(retention_days=14)
    weeks, per_check_in = 8, 0
    world.clock.advance(hours=9, minutes=1)
    for week in range(weeks):
        if week:
            world.clock.advance(days=7)
        await world.scheduler.run_until_idle()
        await answer_the_week(world, week)
        await world.scheduler.run_until_idle()
        if not per_check_in:  # the first check-in's answers, before anything is old
            per_check_in = await count(world.database, Answer)
    world.clock.advance(days=1)
    await world.scheduler.run_until_idle()
    now = world.clock.now()
    cutoff = now - timedelta(days=14)

    db = world.database
    prompted = len(world.prompts())
    assert prompted >= weeks - 1
    assert await count(db, CheckinRun) == prompted  # every check-in kept, and what it said
    assert per_check_in > 0 and await count(db, Answer) == prompted * per_check_in
    assert await count(db, ProcessedEvent, col(ProcessedEvent.received_at) < cutoff) == 0
    # Of the eight weeks' 96 events, those of the last two weeks (the retention) are kept.
    assert await count(db, ProcessedEvent) == 2 * 12
    old_prompts = await count(db, PendingPrompt, col(PendingPrompt.created_at) < cutoff)
    assert old_prompts == 0
    assert await count(db, PendingPrompt) > 0
    assert await count(db, ScheduledJob, col(ScheduledJob.kind) == HOUSEKEEPING) == 1


async def seed_bookkeeping(database: Database, now: datetime) -> None:
    old, recent = now - timedelta(days=40), now - timedelta(days=2)
    async with database.session() as session:
        store = Store(session)
        for tenant in (TENANT, OTHER):
            await store.ensure_tenant(tenant, "slack", tenant[-2:], SEEDED_AT)
        await session.flush()
        for tenant in (TENANT, OTHER):
            for n in range(10):
                session.add(
                    ProcessedEvent(
                        tenant_id=tenant, platform="slack", event_id=f"old{n}", received_at=old
                    )
                )
            for n in range(2):
                session.add(
                    ProcessedEvent(
                        tenant_id=tenant, platform="slack", event_id=f"new{n}", received_at=recent
                    )
                )
        alan = Person(tenant_id=TENANT, email="alan@x.com", name="Alan", created_at=SEEDED_AT)
        session.add(alan)
        await session.flush()
        assert alan.id is not None
        for released, sent in ((old, now - timedelta(days=130)), (recent, old)):
            session.add(
                HeldMessage(
                    tenant_id=TENANT, person_id=alan.id, release_at=released, created_at=released
                )
            )
            session.add(
                GoalNudge(
                    tenant_id=TENANT,
                    person_id=alan.id,
                    period=f"{sent.date()}",
                    kind="close",
                    sent_at=sent,
                )
            )
        session.add(SlackOAuthState(state="gone", expires_at=now - timedelta(minutes=1)))
        session.add(SlackOAuthState(state="live", expires_at=now + timedelta(minutes=5)))


def due(held: bool = True) -> Due:
    async def fence() -> bool:
        return held

    return Due(HOUSEKEEPING, TENANT, 1, START, 0, held=fence)


async def test_a_large_backlog_goes_in_small_batches_and_only_the_orgs_own(
    any_db: Database,
) -> None:
    await seed_bookkeeping(any_db, START)
    housekeeping = ScheduledHousekeeping(any_db, FakeClock(START), batch=3)

    following = await housekeeping.run(due(), START)

    assert following == START + timedelta(days=1)
    mine = col(ProcessedEvent.tenant_id) == TENANT
    assert await count(any_db, ProcessedEvent, mine) == 2  # 10 old ones, in four batches
    assert await count(any_db, ProcessedEvent, col(ProcessedEvent.tenant_id) == OTHER) == 12
    assert await count(any_db, SlackOAuthState) == 1  # the expired state went, the live one stays
    assert await count(any_db, HeldMessage) == 1  # the one 40 days past its release went
    # A quarter's nudge claim outlives a short retention until the quarter is surely over.
    assert await count(any_db, GoalNudge) == 1


async def test_a_claim_taken_over_prunes_nothing_more(any_db: Database) -> None:
    await seed_bookkeeping(any_db, START)
    housekeeping = ScheduledHousekeeping(any_db, FakeClock(START), batch=3)
    with pytest.raises(ClaimLost):
        await housekeeping.run(due(held=False), START)
    assert await count(any_db, ProcessedEvent) == 24


def test_the_retention_is_the_orgs_and_within_bounds() -> None:
    blank = OrgSettings()
    kwargs = {"team": None, "days": None, "at": None, "every_weeks": None, "timezone": None}
    settings = updated_defaults(blank, reminder_hours=None, retention_days=90, **kwargs)
    assert settings.written()["retention_days"] == 90
    assert OrgSettings.read(settings.written()).retention_days == 90
    for bad in (0, -3, 3651):
        with pytest.raises(CadenceError, match="between 1 day and 3650 days"):
            updated_defaults(blank, reminder_hours=None, retention_days=bad, **kwargs)
    with pytest.raises(CadenceError, match="leave out --team"):
        updated_defaults(
            blank, reminder_hours=None, retention_days=9, **{**kwargs, "team": "Sales"}
        )


async def test_the_cli_sets_the_retention_and_explains_a_bad_one(
    sqlite_db: Database, tmp_path: Path
) -> None:
    async with sqlite_db.session() as session:
        await Store(session).ensure_tenant(TENANT, "slack", "T1", SEEDED_AT)
    env = {**os.environ, "DATABASE_URL": sqlite_db.url.replace("+aiosqlite", "")}
    code, said = await run_cli(env, "defaults", "--org", TENANT, "--retention-days", "0")
    assert code != 0 and "between 1 day and 3650 days" in said and "Traceback" not in said
    code, said = await run_cli(env, "defaults", "--org", TENANT, "--retention-days", "60")
    assert code == 0 and "kept 60 days" in said
    async with sqlite_db.session() as session:
        tenant = await Store(session).tenant(TENANT)
        assert tenant is not None and tenant.settings["retention_days"] == 60
