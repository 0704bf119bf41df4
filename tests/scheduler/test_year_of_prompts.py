"""A whole simulated year of check-in prompts across awkward time zones and DST changes.

The fake clock jumps straight to the next job's due time, so a year takes seconds. Expected
prompt instants come from the calendar and `zoneinfo` here, never from the code under test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from sqlalchemy import event, func
from sqlmodel import col, select

from storage.db import Database
from storage.models import Person, ScheduledJob
from tests.scheduler.conftest import World
from tests.template_databases import SqliteTemplate

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_TICKS = 5_000  # these people have about 600 due instants in the year


@dataclass(frozen=True)
class Someone:
    email: str
    zone: str
    days: str  # as the person sets it, "sat,sun"
    at: str = "09:00"

    def weekdays(self) -> set[int]:
        return {DAY_NAMES.index(day) for day in self.days.split(",")}


# Sundays are in every DST zone's days: that is when their clocks change.
PEOPLE = (
    Someone("berlin@x.com", "Europe/Berlin", "sun"),
    Someone("newyork@x.com", "America/New_York", "sun"),
    Someone("sydney@x.com", "Australia/Sydney", "sun"),
    Someone("santiago@x.com", "America/Santiago", "sat,sun"),  # changes at Saturday midnight
    Someone("kolkata@x.com", "Asia/Kolkata", "wed"),
    Someone("kathmandu@x.com", "Asia/Kathmandu", "thu"),
    Someone("lordhowe@x.com", "Australia/Lord_Howe", "sun"),  # a half-hour DST shift
    Someone("kiritimati@x.com", "Pacific/Kiritimati", "mon"),  # Monday 09:00 is Sunday in UTC
    Someone("minus12@x.com", "Etc/GMT+12", "fri"),  # Friday 09:00 is Friday 21:00 UTC
    # 02:30 does not exist on Sunday 8 Mar 2026 in New York; 01:30 happens twice on 1 Nov.
    Someone("gap@x.com", "America/New_York", "sun", "02:30"),
    Someone("fold@x.com", "America/New_York", "sun", "01:30"),
)


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture
async def sqlite_db(sqlite_template: SqliteTemplate, tmp_path: Path) -> AsyncIterator[Database]:
    """The usual SQLite file, minus an fsync per commit: a year is some 4,000 commits, and
    durability is not what this test is about."""
    database = Database(sqlite_template.copy_to(tmp_path / "year.db"))
    event.listen(database.engine.sync_engine, "connect", _no_fsync)
    yield database
    await database.dispose()


# The country each zone is in (from the tz database's zone.tab, by hand): its public holidays
# have no prompt.
COUNTRIES = {
    "Europe/Berlin": "DE",
    "America/New_York": "US",
    "Australia/Sydney": "AU",
    "America/Santiago": "CL",
    "Asia/Kolkata": "IN",
    "Asia/Kathmandu": "NP",
    "Australia/Lord_Howe": "AU",
    "Pacific/Kiritimati": "KI",
}


def expected_instants(someone: Someone) -> dict[date, datetime]:
    """Local date -> the UTC instant of its prompt, for every check-in day in (START, END)
    that isn't a public holiday where they are."""
    zone = ZoneInfo(someone.zone)
    wanted = time.fromisoformat(someone.at)
    country = COUNTRIES.get(someone.zone)
    days_off = holidays.country_holidays(country, years=(2025, 2026, 2027)) if country else {}
    found: dict[date, datetime] = {}
    day = START.date() - timedelta(days=2)
    while day <= END.date() + timedelta(days=2):
        if day.weekday() in someone.weekdays() and day not in days_off:
            instant = first_instant_reading(day, wanted, zone)
            if START < instant < END:
                found[day] = instant
        day += timedelta(days=1)
    return found


def first_instant_reading(day: date, wanted: time, zone: ZoneInfo) -> datetime:
    """The first UTC minute at which the local wall clock reads `day` `wanted` or later.

    A wall time that exists comes out as itself (its first occurrence if the clocks go back);
    one skipped by the clocks going forward comes out as the first minute after the gap.
    """
    target = datetime.combine(day, wanted)
    # Every offset in use is a whole quarter-hour within -12 h..+14 h: walk quarter-hours
    # from the earliest possible instant, then minutes across the last quarter.
    step = timedelta(minutes=15)
    instant = datetime.combine(day, wanted, tzinfo=UTC) - timedelta(hours=15)
    for _ in range(30 * 4):
        if instant.astimezone(zone).replace(tzinfo=None) >= target:
            break
        instant += step
    else:
        raise AssertionError(f"no instant for {target} in {zone.key}")
    earlier = instant - step
    for minute in range(1, 16):
        candidate = earlier + timedelta(minutes=minute)
        if candidate.astimezone(zone).replace(tzinfo=None) >= target:
            return candidate
    raise AssertionError("unreachable: the quarter-hour walk found it")


async def run_through_the_year(world: World) -> int:
    """Jump the clock to each next due job and tick, until nothing is due before END."""
    await world.scheduler.tick()  # plans everyone's first prompt
    for ticks in range(1, MAX_TICKS + 1):
        async with world.database.session() as session:
            due = (await session.exec(select(func.min(col(ScheduledJob.due_at))))).one()
        if due is None or due >= END:
            return ticks
        world.clock.current = max(world.clock.current, due)
        await world.scheduler.tick()
    raise AssertionError(f"still ticking after {MAX_TICKS} due instants")


def test_the_oracle_knows_the_gap_and_the_fold() -> None:
    new_york = ZoneInfo("America/New_York")
    spring, fall = date(2026, 3, 8), date(2026, 11, 1)
    assert first_instant_reading(spring, time(2, 30), new_york) == datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )  # 03:00 EDT, the first minute after the gap
    assert first_instant_reading(fall, time(1, 30), new_york) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )  # 01:30 EDT, the first of the two
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    assert first_instant_reading(date(2026, 10, 4), time(2, 15), lord_howe) == datetime(
        2026, 10, 3, 15, 30, tzinfo=UTC
    )  # 02:00 jumps to 02:30 (+11:00)


@pytest.mark.long
async def test_a_year_of_prompts_arrives_once_per_check_in_day_at_the_local_minute(
    world: World,
) -> None:
    users: dict[str, Someone] = {}
    for someone in PEOPLE:
        person_id = await world.add_person(someone.email, someone.zone, someone.days, someone.at)
        users[f"U{person_id}"] = someone
    async with world.database.session() as session:
        # The year is about prompts; reminders would only double the work.
        for person in (await session.exec(select(Person))).all():
            person.reminders = False
            session.add(person)

    await run_through_the_year(world)

    prompts = world.prompts()
    sent_to: dict[str, list[datetime]] = {user: [] for user in users}
    for user, at in prompts:
        sent_to[user].append(at)
    assert set(sent_to) == set(users), "a prompt went to someone who is not in the org"
    for user, someone in users.items():
        zone = ZoneInfo(someone.zone)
        sent = sent_to[user]
        expected = expected_instants(someone)
        by_day = Counter(at.astimezone(zone).date() for at in sent)
        doubled = {day: n for day, n in by_day.items() if n > 1}
        assert not doubled, f"{someone.email}: prompted more than once on {doubled}"
        missing = sorted(set(expected) - set(by_day))
        extra = sorted(set(by_day) - set(expected))
        assert not missing, f"{someone.email}: no prompt on {missing[:5]}"
        assert not extra, f"{someone.email}: unexpected prompts on {extra[:5]}"
        late_or_early = [
            (at.astimezone(zone).isoformat(), expected[at.astimezone(zone).date()].isoformat())
            for at in sent
            if at != expected[at.astimezone(zone).date()]
        ]
        assert not late_or_early, f"{someone.email}: (sent, expected) {late_or_early[:5]}"
        assert {at.astimezone(zone).weekday() for at in sent} <= someone.weekdays()
        assert len(sent) == len(expected) >= 45  # a year of weeks, less public holidays

    def local(email: str, day: str) -> str:
        user = next(u for u, s in users.items() if s.email == email)
        zone = ZoneInfo(users[user].zone)
        (at,) = [a for a in sent_to[user] if a.astimezone(zone).date().isoformat() == day]
        return at.astimezone(zone).strftime("%a %H:%M %Z")

    # The edges, spelled out.
    assert local("gap@x.com", "2026-03-08") == "Sun 03:00 EDT"
    assert local("gap@x.com", "2026-03-15") == "Sun 02:30 EDT"
    assert local("fold@x.com", "2026-11-01") == "Sun 01:30 EDT"
    assert local("fold@x.com", "2026-11-08") == "Sun 01:30 EST"
    assert local("newyork@x.com", "2026-03-08") == "Sun 09:00 EDT"
    assert local("berlin@x.com", "2026-10-25") == "Sun 09:00 CET"
    assert local("santiago@x.com", "2026-04-05") == "Sun 09:00 -04"
    assert local("santiago@x.com", "2026-09-06") == "Sun 09:00 -03"
    assert local("lordhowe@x.com", "2026-10-04") == "Sun 09:00 +11"
    assert local("kiritimati@x.com", "2026-01-05") == "Mon 09:00 +14"
