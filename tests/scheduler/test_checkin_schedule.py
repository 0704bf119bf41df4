"""Prompts at each person's local time, exactly once; reminders, pauses, skips, holidays."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from storage.models import CheckinRun, Person, ScheduledJob
from tests.scheduler.conftest import World


async def step_to(world: World, until: datetime, every: timedelta = timedelta(minutes=1)) -> None:
    """Tick every `every` until `until`, and at each job's due time in between: a job runs at
    the instant it is due, never at the next step after, so coarse steps hide no wrong time."""
    while world.clock.now() < until:
        step = min(world.clock.now() + every, until)
        async with world.database.session() as session:
            soonest = (
                await session.exec(
                    select(func.min(ScheduledJob.due_at)).where(
                        col(ScheduledJob.due_at) > world.clock.now()
                    )
                )
            ).one()
        world.clock.current = min(step, soonest) if soonest is not None else step
        await world.scheduler.tick()


async def test_a_prompt_fires_once_at_the_local_minute(world: World) -> None:
    await world.add_person("ada@x.com", "Asia/Kathmandu")  # Mondays 09:00, +05:45
    await world.scheduler.tick()  # plans the first job
    await step_to(world, datetime(2026, 1, 6, tzinfo=UTC), timedelta(hours=1))
    ((_user, at),) = world.prompts()
    assert at.astimezone(ZoneInfo("Asia/Kathmandu")).strftime("%a %H:%M") == "Mon 09:00"
    async with world.database.session() as session:
        job = (
            await session.exec(select(ScheduledJob).where(ScheduledJob.kind == "checkin_prompt"))
        ).one()
    assert job.due_at == datetime(2026, 1, 12, 3, 15, tzinfo=UTC)


async def test_one_reminder_follows_an_unanswered_prompt_unless_turned_off(world: World) -> None:
    await world.add_person("ada@x.com", "UTC")
    quiet = await world.add_person("bob@x.com", "UTC")
    async with world.database.session() as session:
        bob = await session.get(Person, quiet)
        assert bob is not None
        bob.reminders = False
        session.add(bob)
    await world.settings(reminder_hours=2)
    await world.scheduler.tick()
    await step_to(world, datetime(2026, 1, 5, 12, 0, tzinfo=UTC), timedelta(hours=1))
    nudges = [(to.user, at) for to, m, at in world.outbox.timed if "nudge" in m.fallback_text()]
    assert [(user, at.hour) for user, at in nudges] == [("U1", 11)]


async def test_pause_holidays_and_skip_suppress_prompts(world: World) -> None:
    paused = await world.add_person("ada@x.com", "UTC")
    await world.add_person("bob@x.com", "UTC")
    async with world.database.session() as session:
        ada = await session.get(Person, paused)
        assert ada is not None
        ada.paused_until = "2026-01-12"
        session.add(ada)
    await world.settings(holidays=["2026-01-19"])
    await world.scheduler.tick()
    await step_to(world, datetime(2026, 1, 27, tzinfo=UTC), timedelta(hours=1))
    days = sorted((user, at.date().isoformat()) for user, at in world.prompts())
    assert days == [
        ("U1", "2026-01-26"),
        ("U2", "2026-01-05"),
        ("U2", "2026-01-12"),
        ("U2", "2026-01-26"),
    ]
    async with world.database.session() as session:
        statuses = {
            (r.person_id, r.period_label): r.status
            for r in (await session.exec(select(CheckinRun))).all()
        }
    assert statuses[(paused, "2026-01-05")] == "skipped"
    assert statuses[(paused, "2026-01-19")] == "skipped"
    assert statuses[(2, "2026-01-05")] == "missed"  # unanswered when the next period opened


@pytest.mark.long
async def test_every_two_weeks_prompts_every_other_week(world: World) -> None:
    await world.add_person("ada@x.com", "Europe/Berlin", days="fri", at="15:00", weeks=2)
    await world.scheduler.tick()
    await step_to(world, datetime(2026, 3, 1, tzinfo=UTC), timedelta(hours=1))
    dates = [at.date() for _, at in world.prompts()]
    assert len(dates) >= 4
    assert all((b - a).days == 14 for a, b in itertools.pairwise(dates))


async def test_after_downtime_a_due_prompt_comes_once_within_its_period(world: World) -> None:
    await world.add_person("ada@x.com", "UTC")
    await world.scheduler.tick()
    world.clock.current = datetime(2026, 1, 7, 10, 0, tzinfo=UTC)  # down from Sunday to Wednesday
    await world.scheduler.run_until_idle()
    await world.scheduler.run_until_idle()
    assert [at.date().isoformat() for _, at in world.prompts()] == ["2026-01-07"]


async def test_a_period_missed_entirely_while_down_is_not_prompted_late(world: World) -> None:
    await world.add_person("ada@x.com", "UTC")
    await world.scheduler.tick()
    world.clock.current = datetime(2026, 1, 13, 10, 0, tzinfo=UTC)  # past the 5 Jan period
    await world.scheduler.run_until_idle()
    # Only the current period (opened Mon 12 Jan) is prompted, once.
    assert [at.date().isoformat() for _, at in world.prompts()] == ["2026-01-13"]
