"""The quarter with a fake clock: in its last week owners are asked to close their objectives
(final values, grades, what they learned, carry over), once each, in their own zone and
working hours; in the next quarter's first week people with no goals are asked to set some."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from unittest.mock import patch

import pytest
from sqlmodel import select

from app.export import export_org
from app.scheduling import build_scheduler
from bot.core.events import FormSubmitted
from bot.core.messages import Form
from bot.core.outcome import Outcome
from bot.goals.closing import read_grade
from bot.goals.scheduled import ScheduledGoals
from storage.db import Database
from storage.models import GoalNudge, KeyResult, KeyResultChange, Objective, Person
from tests.bot.org_world import World, seed_world
from tests.conftest import until

_forms = itertools.count()


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(
        sqlite_db,
        {
            "ada": ("Ada Admin", None, True, None),
            "mia": ("Mia Manager", None, False, "Growth"),
            "ben": ("Ben Report", "mia", False, "Growth"),
            "kai": ("Kai Kiwi", "mia", False, "Growth"),
        },
    )
    async with sqlite_db.session() as session:
        kai = await session.get(Person, world.ids["kai"])
        assert kai is not None
        kai.timezone = "Pacific/Auckland"
        session.add(kai)
    world.clock.current = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    await world.say("ada", 'goals add "Win the mid-market" level company')
    await world.say("ben", 'goals add "Grow self-serve" under #1')
    await world.say("ben", 'goals kr #2 "New MRR" from 10000 to 20000 USD')
    await world.say("ben", 'goals kr #2 "Launch the beta" done')
    await world.say("ben", "goals kr #2 Churn from 5% to 3%")
    await world.say("kai", 'goals add "Open Auckland"')
    return world


async def rows(world: World, model: type) -> list:  # type: ignore[type-arg]
    async with world.database.session() as session:
        return list((await session.exec(select(model).order_by(model.id))).all())


def forms_to(world: World, name: str) -> list[Form]:
    return [m for m in world.messages_to(name) if isinstance(m, Form)]


async def submit(world: World, name: str, form: Form, values: dict[str, str]) -> Outcome:
    shown = {f.key: f.initial for f in form.fields}
    event = FormSubmitted(world.actor(name), form.form_id, {**shown, **values}, f"f{next(_forms)}")
    return await world.engine.handle(event)


async def test_owners_close_the_quarter_once_in_its_last_week_in_their_own_hours(
    world: World,
) -> None:
    goals = ScheduledGoals(world.engine)
    world.clock.current = datetime(2026, 3, 24, 10, 0, tzinfo=UTC)  # a week and a day to go
    assert await goals.send_due(world.clock.now()) == 0

    # 22:00 UTC on the 24th: already the 25th, 11:00, in Auckland; the 24th elsewhere.
    world.clock.current = datetime(2026, 3, 24, 22, 0, tzinfo=UTC)
    assert await goals.send_due(world.clock.now()) == 1
    assert "2026-Q1 ends on Tuesday 31 March" in world.to("kai")[-2]
    assert forms_to(world, "kai")[-1].form_id == "g_close_2026-Q1"

    # The 25th, 03:00 UTC: the last week in London too, but not working hours.
    world.clock.current = datetime(2026, 3, 25, 3, 0, tzinfo=UTC)
    assert await goals.send_due(world.clock.now()) == 0
    world.clock.current = datetime(2026, 3, 25, 9, 30, tzinfo=UTC)
    assert await goals.send_due(world.clock.now()) == 2  # Ada and Ben; Mia owns nothing
    world.clock.advance(hours=1)
    assert await goals.send_due(world.clock.now()) == 0  # each sent once
    assert len(await rows(world, GoalNudge)) == 3
    # A second replica's scheduler finds them claimed.
    assert await ScheduledGoals(world.engine).send_due(world.clock.now()) == 0


async def test_closing_grades_keeps_history_and_carries_over(world: World) -> None:
    world.clock.current = datetime(2026, 3, 26, 10, 0, tzinfo=UTC)
    await world.say("ben", "goals close")
    form = forms_to(world, "ben")[-1]
    krs = {kr.title: kr for kr in await rows(world, KeyResult)}
    mrr, beta, churn = krs["New MRR"].id, krs["Launch the beta"].id, krs["Churn"].id
    shown = {f.key: f.initial for f in form.fields}
    assert shown[f"k{mrr}_final"] == "10000" and shown[f"k{mrr}_grade"] == "0.0"

    bad = await submit(world, "ben", form, {f"k{mrr}_final": "lots", f"k{churn}_grade": "1.5"})
    assert set(bad.form_errors) == {f"k{mrr}_final", f"k{churn}_grade"}
    assert (await rows(world, Objective))[1].closed_at is None

    done = await submit(
        world,
        "ben",
        form,
        {
            f"k{mrr}_final": "17500",
            f"k{mrr}_grade": "0.8",
            f"k{beta}_final": "done",
            f"k{beta}_grade": "100%",
            f"k{churn}_final": "4%",
            f"k{churn}_grade": "",  # the suggestion stands
            "o2_learned": "Annual plans sell themselves",
            "o2_carry": "yes",
        },
    )
    assert not done.form_errors
    said = world.last("ben")
    assert "Closed 2026-Q1:\n- #2 “Grow self-serve”: grade 0.77" in said
    assert "Carried over to 2026-Q2: #4" in said

    objectives = {o.id: o for o in await rows(world, Objective)}
    closed, carried = objectives[2], objectives[4]
    assert (
        closed.closed_at == world.clock.now() and closed.learned == "Annual plans sell themselves"
    )
    assert (carried.period, carried.title, carried.carried_from_id) == ("2026-Q2", closed.title, 2)
    after = {(kr.objective_id, kr.title): kr for kr in await rows(world, KeyResult)}
    assert after[(2, "New MRR")].grade == 0.8 and after[(2, "New MRR")].current == 17500
    assert after[(2, "Churn")].grade == 0.5  # 5% -> 4% of the way to 3%
    # The carried copy starts where the quarter ended; what was reached stays behind.
    assert (after[(4, "New MRR")].start, after[(4, "New MRR")].target) == (17500, 20000)
    assert (4, "Launch the beta") not in after
    sources = [c.source for c in await rows(world, KeyResultChange)]
    assert sources.count("close") == 3

    await world.say("ben", "goals 2026-Q1")
    assert "#2 Grow self-serve (2026-Q1)" in world.last("ben")
    assert "closed, grade 0.77" in world.last("ben")
    assert "grade 0.8" in world.last("ben")
    # Check-ins now ask about the carried objective, not the closed one.
    await world.say("ben", "checkin now")
    asked = "\n".join(world.to("ben")[-2:])
    assert "New MRR" in asked
    await world.say("ben", "goals close 2026-Q1")
    assert "no objectives of 2026-Q1 left to close" in world.last("ben")


async def test_the_first_week_asks_people_with_no_goals_to_set_some(world: World) -> None:
    goals = ScheduledGoals(world.engine)
    world.clock.current = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
    # An org with no goals for the quarter yet (or that doesn't use goals) asks no one.
    assert await goals.send_due(world.clock.now()) == 0
    await world.say("ada", 'goals add "Q2 company goal" for 2026-Q2 level company')
    # Mia and Ben; Ada has a goal, and it is 23:00 in Auckland.
    assert await goals.send_due(world.clock.now()) == 2
    assert "2026-Q2 has begun and you have no goals for it yet" in world.last("ben")
    assert not any("has begun" in text for text in world.to("ada") + world.to("kai"))
    world.clock.current = datetime(2026, 4, 1, 21, 0, tzinfo=UTC)  # 10:00 on the 2nd there
    assert await goals.send_due(world.clock.now()) == 1
    assert "2026-Q2 has begun" in world.last("kai")

    # Their manager sees who has none yet.
    await world.say("kai", 'goals add "Open Wellington"')
    await world.say("mia", "goals team")
    assert "No goals for 2026-Q2 yet\nBen Report" in world.last("mia")
    assert "Kai Kiwi" not in world.last("mia").split("No goals for")[1]


@pytest.mark.parametrize(
    ("typed", "grade"),
    [("0.7", 0.7), (".7", 0.7), ("0,7", 0.7), ("70%", 0.7), ("1", 1.0), ("0", 0.0)],
)
def test_grades_as_people_type_them(typed: str, grade: float) -> None:
    assert read_grade(typed) == grade


@pytest.mark.parametrize("typed", ["1.5", "-0.1", "great", "", "120%"])
def test_what_is_not_a_grade(typed: str) -> None:
    assert read_grade(typed) is None


async def test_the_export_keeps_graded_archived_and_carried_goals(world: World) -> None:
    world.clock.current = datetime(2026, 3, 26, 10, 0, tzinfo=UTC)
    await world.say("kai", "goals archive #3")
    await world.say("ben", "goals close")
    form = forms_to(world, "ben")[-1]
    await submit(world, "ben", form, {"o2_learned": "Annual plans sell", "o2_carry": "yes"})

    exported = await export_org(world.database, "slack:T1", world.clock.now())
    by_number = {o["number"]: o for o in exported["objectives"]}
    assert by_number[3]["archived"] is True
    closed = by_number[2]
    assert closed["learned"] == "Annual plans sell" and closed["closed_at"]
    assert closed["grade"] == 0.0 and closed["parent"] == by_number[1]["id"]
    assert all(kr["grade"] == 0.0 for kr in closed["key_results"])
    assert by_number[4]["carried_from"] == closed["id"]
    assert by_number[4]["period"] == "2026-Q2"


async def test_a_closed_objective_can_be_archived_instead_of_kept(world: World) -> None:
    world.clock.current = datetime(2026, 3, 26, 10, 0, tzinfo=UTC)
    await world.say("ben", "goals close 2026-Q1")
    await submit(world, "ben", forms_to(world, "ben")[-1], {"o2_carry": "archive"})
    closed = {o.id: o for o in await rows(world, Objective)}[2]
    assert closed.archived and closed.closed_at == world.clock.now()
    await world.say("ben", "goals 2026-Q1")
    assert "Grow self-serve" not in world.last("ben")


async def test_the_scheduler_sends_the_quarter_nudges_with_its_upkeep(world: World) -> None:
    scheduler = build_scheduler(world.engine, tick_seconds=1)
    world.clock.current = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)

    def closes() -> int:
        return len([text for text in world.to("ben") if "2026-Q1 ends on" in text])

    await scheduler.tick()  # the nudges go out off the tick
    await until(lambda: closes() == 1)
    world.clock.advance(minutes=10)
    await scheduler.tick()
    await asyncio.sleep(0.2)
    assert closes() == 1


async def test_a_full_batch_is_followed_by_the_next_a_minute_later(world: World) -> None:
    goals = ScheduledGoals(world.engine)
    world.clock.current = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
    with patch("bot.goals.scheduled.BATCH", 1):
        assert await goals.send_due(world.clock.now()) == 1
        assert await goals.nudge(world.clock.now() + timedelta(seconds=59)) == 0  # waits
        assert await goals.nudge(world.clock.now() + timedelta(minutes=1)) == 1
        assert await goals.settled() == 1


async def test_a_closed_quarter_stays_in_the_digest_chart(world: World) -> None:
    world.clock.current = datetime(2026, 3, 26, 10, 0, tzinfo=UTC)
    await world.say("ben", "goals close")
    await submit(world, "ben", forms_to(world, "ben")[-1], {"o2_learned": "Plans sell"})
    await world.say("mia", "digest now")
    digest = "\n".join(world.to("mia")[-2:])
    assert "Grow self-serve" in digest
