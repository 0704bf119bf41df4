"""When a 1:1 meets: typed cadences, meetings in the starter's zone shown in each person's own,
across a clock change; steps sent once, and a step whose moment passed skipped, not sent late."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.oneonones.times import TimesError, first_meeting, next_meeting, parse_when
from storage.models import OneOnOne, Person, PlatformIdentity
from tests.bot.oneonones.conftest import cards, set_up, tick
from tests.bot.org_world import World


@pytest.mark.parametrize(
    ("words", "read"),
    [
        ("every 2 weeks tue 10:00", (2, 1, "10:00")),
        ("every week Friday 9:30", (1, 4, "09:30")),
        ("weekly mon at 16:05", (1, 0, "16:05")),
        ("biweekly thu 08:00", (2, 3, "08:00")),
        ("every other week wed 12:00", (2, 2, "12:00")),
        ("every 4 weeks sun 23:59", (4, 6, "23:59")),
    ],
)
def test_cadences_as_people_type_them(words: str, read: tuple[int, int, str]) -> None:
    assert parse_when(words) == read


@pytest.mark.parametrize(
    "words", ["", "every 0 weeks mon 10:00", "every 2 weeks mon,tue 10:00", "daily 10:00", "mon"]
)
def test_what_is_no_cadence(words: str) -> None:
    with pytest.raises(TimesError):
        parse_when(words)


def test_a_meeting_keeps_its_local_time_across_a_clock_change() -> None:
    series = OneOnOne(
        tenant_id="t", starter_id=1, other_id=2, every_weeks=2, weekday=1, at="10:00",
        timezone="Europe/Berlin", created_at=datetime(2026, 3, 16, tzinfo=UTC),
    )  # fmt: skip
    first = first_meeting(series, datetime(2026, 3, 16, 12, 0, tzinfo=UTC))
    assert first == datetime(2026, 3, 17, 9, 0, tzinfo=UTC)  # 10:00 CET
    assert next_meeting(series, first) == datetime(2026, 3, 31, 8, 0, tzinfo=UTC)  # 10:00 CEST


async def test_each_person_sees_the_meeting_in_their_own_zone(world: World) -> None:
    async with world.database.session() as session:
        for email, zone in (("mo@x.com", "Europe/London"), ("ana@x.com", "Asia/Kolkata")):
            person = (await session.exec(select(Person).where(Person.email == email))).one()
            person.timezone = zone
            session.add(person)
    await world.say("mo", "1on1 with <@U_ANA> weekly tue 10:00")
    assert "every week on Tue at 10:00 (Europe/London)" in world.last("mo")
    assert "The first would be Tue 3 Mar 15:30 (Asia/Kolkata), your time." in world.last("ana")


async def test_the_nudge_is_sent_once_and_a_missed_one_is_skipped(world: World) -> None:
    await set_up(world)  # Monday 10:00; the first meeting is Tuesday 10:00
    await tick(world)
    await tick(world)
    assert len(cards(world, "mo")) == len(cards(world, "ana")) == 1
    assert "is tomorrow" in world.to("mo")[-2]

    world.clock.advance(days=15, hours=2)  # the server was away: Tuesday 17 March, 12:00
    seen = len(world.to("mo"))
    await tick(world)
    # The first meeting's agenda and prompt, and the second's nudge and agenda, all passed:
    # only the prompt after the second meeting goes. (Mo's check-in prompt, due on the same
    # tick, may come before or after it.)
    assert len(cards(world, "mo")) == 1
    after = [t for t in world.to("mo")[seen:] if "1:1" in t]
    assert len(after) == 1 and "How was your 1:1 with Ana Lopez?" in after[0]


async def test_someone_who_cant_be_reached_yet_can_confirm_by_typing_later(world: World) -> None:
    async with world.database.session() as session:
        for identity in (await session.exec(select(PlatformIdentity))).all():
            if identity.person_id == world.ids["pat"]:
                identity.reachable = False
                session.add(identity)
    await world.say("mo", "1on1 with <@U_PAT> weekly fri 09:00")
    assert "Pat Peer can't be reached yet: once they write to me, they can answer with " in (
        world.last("mo")
    )
    await world.say("pat", "1on1 confirm mo@x.com")
    assert world.last("pat").startswith("Confirmed: a 1:1 with Mo Manager every week on Fri")
