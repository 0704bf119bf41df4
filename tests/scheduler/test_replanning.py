"""A change to what decides someone's next prompt plans it again at once, and a change that
doesn't leaves every prompt alone: re-imports across zones, days and times, and the org's
defaults, with a fake clock. A prompt due or being sent is never dropped or moved."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from app.commands.defaults import save_defaults
from bot.core.events import Actor, TextReceived
from bot.imports.org_import import import_org
from storage.models import Person, ScheduledJob
from tests.scheduler.conftest import TENANT, World
from tests.scheduler.test_checkin_schedule import step_to

QUARTER_HOUR = timedelta(minutes=15)
SATURDAY = datetime(2026, 1, 3, 12, 0, tzinfo=UTC)
NEXT_TUESDAY = datetime(2026, 1, 6, tzinfo=UTC)


async def reimport(world: World, zone: str, days: str, at: str) -> None:
    csv = f"email,name,timezone,checkin_days,checkin_time\nada@x.com,Ada,{zone},{days},{at}\n"
    report = await import_org(world.database, TENANT, csv, now=world.clock.now())
    assert report.updated == 1, report


@pytest.mark.parametrize(
    ("before", "after", "prompted_at"),
    [
        # Monday 09:00 in Tokyo is Sunday 24:00 GMT: moved to London, once, at 09:00 GMT.
        (("Asia/Tokyo", "mon", "09:00"), ("Europe/London", "mon", "09:00"), "2026-01-05 09:00"),
        # The other way: Monday 09:00 in Tokyo, not nine hours late.
        (("Europe/London", "mon", "09:00"), ("Asia/Tokyo", "mon", "09:00"), "2026-01-05 00:00"),
    ],
)
async def test_a_reimport_that_moves_someone_plans_their_prompt_in_the_new_zone(
    world: World, before: tuple[str, str, str], after: tuple[str, str, str], prompted_at: str
) -> None:
    await world.add_person("ada@x.com", before[0], days=before[1], at=before[2])
    await world.scheduler.tick()  # planned on the old schedule
    await step_to(world, SATURDAY, QUARTER_HOUR)
    await reimport(world, *after)
    await step_to(world, NEXT_TUESDAY, QUARTER_HOUR)
    assert [at.strftime("%Y-%m-%d %H:%M") for _, at in world.prompts()] == [prompted_at]


async def test_a_reimport_that_changes_the_day_drops_the_old_days_prompt(world: World) -> None:
    await world.add_person("ada@x.com", "UTC", days="fri", at="15:00")
    await world.scheduler.tick()  # Friday 2 January, 15:00
    await reimport(world, "UTC", "mon", "09:00")  # on Thursday
    await step_to(world, NEXT_TUESDAY, QUARTER_HOUR)
    assert [at.strftime("%a %H:%M") for _, at in world.prompts()] == ["Mon 09:00"]


async def jobs(world: World) -> dict[int, tuple[datetime, str | None]]:
    async with world.database.session() as session:
        rows = (await session.exec(select(ScheduledJob))).all()
    return {j.subject_id: (j.due_at, j.claimed_by) for j in rows if j.kind == "checkin_prompt"}


async def defaults(world: World, **options: Any) -> None:
    names = (
        "team",
        "days",
        "time",
        "every",
        "timezone",
        "reminder_hours",
        "pulse_k",
        "retention_days",
    )
    args = argparse.Namespace(org=TENANT, **{name: options.get(name) for name in names})
    assert await save_defaults(world.database, args, world.clock.now()) == 0


async def due_claimed_and_later(world: World) -> tuple[int, int, int, int]:
    """Four people on the org's default cadence (Fridays 15:00 UTC) but one with a time of
    their own: Ada's prompt is due now, Bob's is being sent by a replica, Cy's and Di's later."""
    ids = []
    for email in ("ada@x.com", "bob@x.com", "cy@x.com", "di@x.com"):
        ids.append(await world.add_person(email, "UTC", days="", at=""))
    async with world.database.session() as session:
        for person_id, due, owner in (
            (ids[0], world.clock.now() - timedelta(minutes=1), None),
            (ids[1], world.clock.now() - timedelta(minutes=1), "replica-2"),
            (ids[2], datetime(2026, 1, 2, 15, 0, tzinfo=UTC), None),
            (ids[3], datetime(2026, 1, 2, 15, 0, tzinfo=UTC), None),
        ):
            lease = world.clock.now() + timedelta(minutes=5) if owner else None
            session.add(
                ScheduledJob(
                    tenant_id=TENANT,
                    kind="checkin_prompt",
                    subject_id=person_id,
                    due_at=due,
                    claimed_by=owner,
                    lease_until=lease,
                )
            )
    return ids[0], ids[1], ids[2], ids[3]


async def test_defaults_that_dont_touch_the_cadence_touch_no_prompt(world: World) -> None:
    await due_claimed_and_later(world)
    planned = await jobs(world)
    await defaults(world, pulse_k=6)
    await defaults(world, reminder_hours=2.0)
    assert await jobs(world) == planned


async def test_new_defaults_move_only_prompts_not_due_nor_being_sent(world: World) -> None:
    ada, bob, cy, di = await due_claimed_and_later(world)
    async with world.database.session() as session:
        own = await session.get(Person, di)
        assert own is not None
        own.checkin_time = "15:00"  # Di keeps her own time
        session.add(own)
    planned = await jobs(world)
    await defaults(world, time="10:00")
    after = await jobs(world)
    assert after[ada] == planned[ada]  # due: it goes out as planned
    assert after[bob] == planned[bob]  # claimed by a replica sending it: left to it
    assert after[cy] == (datetime(2026, 1, 2, 10, 0, tzinfo=UTC), None)  # the new time
    assert after[di] == planned[di]  # her own time, unchanged


async def test_checkin_now_after_the_opening_but_before_the_tick_is_not_asked_twice(
    world: World,
) -> None:
    await world.add_person("ada@x.com", "UTC", days="daily", at="00:15")
    await world.scheduler.tick()  # planned for 00:15
    world.clock.advance(minutes=16)  # the opening passed; the wave hasn't reached Ada yet
    ada = Actor("slack", "T1", "U1")
    await world.engine.handle(TextReceived(ada, "checkin now", "e-now"))
    asked = len(world.outbox.sent)
    assert "(1/3)" in world.outbox.sent[-1][1].fallback_text()
    await world.scheduler.tick()
    assert len(world.outbox.sent) == asked, [m.fallback_text() for _, m in world.outbox.sent]
    # Her next day's prompt is planned as usual.
    assert (await jobs(world))[1][0] == datetime(2026, 1, 2, 0, 15, tzinfo=UTC)
