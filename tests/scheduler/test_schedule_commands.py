"""People set their own schedule: schedule, pause, resume, skip, reminders."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.checkins.cadence import CadenceError, person_cadence
from bot.core.events import Actor, TextReceived
from bot.imports.holidays_file import parse_holidays
from bot.org.defaults import updated_defaults
from storage.models import CheckinRun, Person, ScheduledJob
from storage.settings import OrgSettings
from tests.scheduler.conftest import World
from tests.seeded import SEEDED_AT

_ids = itertools.count()


async def say(world: World, text: str) -> str:
    actor = Actor("slack", "T1", "U1")
    await world.engine.handle(TextReceived(actor, text, f"cmd{next(_ids)}"))
    return world.outbox.texts()[-1]


async def prompt_job(world: World) -> ScheduledJob:
    async with world.database.session() as session:
        return (
            await session.exec(select(ScheduledJob).where(ScheduledJob.kind == "checkin_prompt"))
        ).one()


async def test_schedule_sets_days_time_and_repeat_and_moves_the_next_prompt(world: World) -> None:
    await world.add_person("ada@x.com", "Asia/Kolkata")
    reply = await say(world, "checkin schedule tue,thu 16:30 every 2 weeks")
    assert "Tue, Thu at 16:30 (Asia/Kolkata), every 2 weeks" in reply
    async with world.database.session() as session:
        ada = (await session.exec(select(Person))).one()
    assert (ada.checkin_days, ada.checkin_time, ada.cadence_weeks) == ("tue,thu", "16:30", 2)
    job = await prompt_job(world)
    local = job.due_at.astimezone(ZoneInfo("Asia/Kolkata"))
    assert local.strftime("%a %H:%M") in ("Tue 16:30", "Thu 16:30")


async def test_bad_schedules_are_explained(world: World) -> None:
    await world.add_person("ada@x.com", "UTC")
    for text, expected in [
        ("checkin schedule 09:30", "I need the days and a time"),
        ("checkin schedule funday 09:30", "not a day of the week"),
        ("checkin schedule mon 25:00", "not a time of day"),
        ("checkin schedule mon 09:30 every 3 weeks", "every 1, 2 or 4 weeks"),
        ("checkin schedule mon 09:30 sometimes", "I didn't understand"),
    ]:
        assert expected in await say(world, text), text


async def test_home_names_the_next_check_in_after_a_pause_and_holidays(world: World) -> None:
    await world.add_person("ada@x.com", "UTC")  # Mondays 09:00; the clock reads Thu 1 Jan
    assert "The next opens Mon 5 Jan" in await say(world, "home")
    await say(world, "checkin pause 2026-01-05")
    await world.settings(holidays=["2026-01-12"])
    assert "The next opens Mon 19 Jan" in await say(world, "home")


async def test_pause_then_resume(world: World) -> None:
    await world.add_person("ada@x.com", "UTC")
    assert "through Fri 30 Jan" in await say(world, "checkin pause 2026-01-30")
    assert "Pause through which day" in await say(world, "checkin pause soon")
    assert "has passed already" in await say(world, "checkin pause 2025-01-01")
    # The clock reads Thursday 1 January: "friday" is the 2nd, and "through" reads as the bot says.
    assert "through Fri 2 Jan" in await say(world, "checkin pause through friday")
    assert "through Fri 2 Jan" in await say(world, "checkin pause until 2026-01-02")
    reply = await say(world, "checkin resume")
    assert "Welcome back" in reply and "Mon 5 Jan at 09:00" in reply
    async with world.database.session() as session:
        assert (await session.exec(select(Person))).one().paused_until is None


async def test_skip_skips_this_period_or_the_next_once_done(world: World) -> None:
    await world.add_person("ada@x.com", "UTC")
    world.clock.current = datetime(2026, 1, 6, 12, tzinfo=UTC)  # inside the 5 Jan period
    assert "week of Mon 5 Jan" in await say(world, "checkin skip")
    async with world.database.session() as session:
        run = (await session.exec(select(CheckinRun))).one()
        run.status = "submitted"
        session.add(run)
    assert "week of Mon 12 Jan" in await say(world, "checkin skip")


async def test_reminders_can_be_turned_off_and_on(world: World) -> None:
    await world.add_person("ada@x.com", "UTC")
    assert "Reminders are off" in await say(world, "checkin reminders off")
    async with world.database.session() as session:
        assert (await session.exec(select(Person))).one().reminders is False
    assert "Reminders are on" in await say(world, "checkin reminders on")


def test_holidays_are_read_with_their_line_numbers() -> None:
    days, problems = parse_holidays(
        "date,name\n2026-12-25,Christmas\n2026-13-01,Bad\n\n2026-01-01\n"
    )
    assert days == ["2026-01-01", "2026-12-25"]
    assert [(p.line, "not a date" in p.reason) for p in problems] == [(3, True)]


def test_org_and_team_defaults_are_checked_and_the_individual_setting_still_wins() -> None:
    settings = updated_defaults(
        OrgSettings(),
        team=None,
        days="Mon Thu",
        at="9:30",
        every_weeks=2,
        timezone="Europe/Berlin",
        reminder_hours=3,
    )
    settings = updated_defaults(
        settings,
        team="Sales",
        days="fri",
        at=None,
        every_weeks=None,
        timezone=None,
        reminder_hours=None,
    )
    written = settings.written()
    assert written["cadence"] == {
        "days": "mon,thu",
        "time": "09:30",
        "every_weeks": 2,
        "timezone": "Europe/Berlin",
    }
    assert written["team_cadence"] == {"Sales": {"days": "fri"}} and written["reminder_hours"] == 3
    seller = Person(tenant_id="t", email="s@x", team="Sales", created_at=SEEDED_AT)
    cadence = person_cadence(seller, settings)
    assert (cadence.days, cadence.at.hour, cadence.every_weeks) == ((4,), 9, 2)
    seller.checkin_days = "tue"
    assert person_cadence(seller, settings).days == (1,)
    with pytest.raises(CadenceError):
        updated_defaults(
            OrgSettings(),
            team=None,
            days="funday",
            at=None,
            every_weeks=None,
            timezone=None,
            reminder_hours=None,
        )


def test_the_org_sets_its_pulse_threshold_within_bounds() -> None:
    blank = OrgSettings()
    kwargs = {"team": None, "days": None, "at": None, "every_weeks": None, "timezone": None}
    settings = updated_defaults(blank, reminder_hours=None, pulse_k=7, **kwargs)
    assert settings.written()["pulse_k"] == 7
    for bad in (2, 0, 51):
        with pytest.raises(CadenceError, match="between 3"):
            updated_defaults(blank, reminder_hours=None, pulse_k=bad, **kwargs)
    with pytest.raises(CadenceError, match="leave out --team"):
        updated_defaults(blank, reminder_hours=None, pulse_k=5, **{**kwargs, "team": "Sales"})
