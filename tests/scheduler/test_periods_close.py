"""A period closes when it ends: an unfinished run is missed then, whether or not a prompt
opens the next period (a holiday, a pause, someone who left), and the periods an outage passed
over are recorded, not left out of the record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.models import CheckinRun, Person
from tests.scheduler.conftest import World
from tests.scheduler.test_checkin_schedule import step_to

HOUR = timedelta(hours=1)
# Mondays 09:00 UTC: the 5 January period ends at 09:00 on the 12th.
FIRST_PERIOD_ENDED = datetime(2026, 1, 12, 9, 5, tzinfo=UTC)


async def statuses(world: World) -> dict[tuple[int, str], str]:
    async with world.database.session() as session:
        runs = (await session.exec(select(CheckinRun))).all()
    return {(run.person_id, run.period_label): run.status for run in runs}


async def change(world: World, person_id: int, **values: object) -> None:
    async with world.database.session() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        for name, value in values.items():
            setattr(person, name, value)
        session.add(person)


async def test_a_run_is_missed_when_its_period_ends_though_the_next_is_a_holiday(
    world: World,
) -> None:
    ada = await world.add_person("ada@x.com", "UTC")
    await world.settings(holidays=["2026-01-12"])
    await world.scheduler.tick()
    await step_to(world, datetime(2026, 1, 12, 8, 59, tzinfo=UTC), HOUR)
    assert (await statuses(world))[(ada, "2026-01-05")] == "open"  # late answers still count
    await step_to(world, FIRST_PERIOD_ENDED, timedelta(minutes=1))
    assert await statuses(world) == {(ada, "2026-01-05"): "missed", (ada, "2026-01-12"): "skipped"}


async def test_a_run_is_missed_when_its_period_ends_though_the_person_paused(world: World) -> None:
    ada = await world.add_person("ada@x.com", "UTC")
    await world.scheduler.tick()
    await step_to(world, datetime(2026, 1, 6, tzinfo=UTC), HOUR)  # prompted on the 5th
    await change(world, ada, paused_until="2026-01-30")
    await step_to(world, FIRST_PERIOD_ENDED, HOUR)
    assert (await statuses(world))[(ada, "2026-01-05")] == "missed"


async def test_a_run_is_missed_when_its_period_ends_though_the_person_left(world: World) -> None:
    ada = await world.add_person("ada@x.com", "UTC")
    await world.scheduler.tick()
    await step_to(world, datetime(2026, 1, 6, tzinfo=UTC), HOUR)
    await change(world, ada, active=False)
    await step_to(world, FIRST_PERIOD_ENDED, HOUR)
    assert await statuses(world) == {(ada, "2026-01-05"): "missed"}


async def test_periods_an_outage_passed_over_are_recorded_missed_or_skipped(
    world: World,
) -> None:
    ada = await world.add_person("ada@x.com", "UTC")
    bob = await world.add_person("bob@x.com", "UTC")
    await world.settings(holidays=["2026-01-12"])
    await world.scheduler.tick()  # both planned for Monday 5 January, 09:00
    world.clock.current = datetime(2026, 1, 21, 10, 0, tzinfo=UTC)  # down until Wednesday 21st
    await world.scheduler.run_until_idle()
    await world.scheduler.run_until_idle()
    assert sorted(user for user, _ in world.prompts()) == ["U1", "U2"]  # the current period
    assert await statuses(world) == {
        (ada, "2026-01-05"): "missed",
        (ada, "2026-01-12"): "skipped",  # a holiday: no prompt was owed
        (ada, "2026-01-19"): "open",
        (bob, "2026-01-05"): "missed",
        (bob, "2026-01-12"): "skipped",
        (bob, "2026-01-19"): "open",
    }


async def test_an_outage_of_years_records_a_bounded_number_of_periods(world: World) -> None:
    ada = await world.add_person("ada@x.com", "UTC", days="daily")
    await world.scheduler.tick()
    world.clock.current = datetime(2028, 1, 1, 12, 0, tzinfo=UTC)
    await world.scheduler.run_until_idle()
    recorded = await statuses(world)
    missed = sorted(label for (_, label), status in recorded.items() if status == "missed")
    assert len(missed) == 100
    assert missed[-1] == "2027-12-31"  # the latest ones, up to the current period
    assert recorded[(ada, "2028-01-01")] == "open"
