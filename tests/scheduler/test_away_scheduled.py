"""Away through the scheduler: someone on a public holiday where they are, or who just checked
in with `checkin now`, is neither prompted nor counted missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.core.events import Actor, TextReceived
from storage.models import CheckinRun, KeyResult, Objective, Person
from tests.scheduler.conftest import TENANT, World
from tests.scheduler.test_checkin_schedule import step_to
from tests.seeded import SEEDED_AT


async def runs(world: World, person_id: int) -> dict[str, str]:
    async with world.database.session() as session:
        found = await session.exec(select(CheckinRun).where(CheckinRun.person_id == person_id))
        return {run.period_label: run.status for run in found}


async def test_a_public_holiday_where_someone_is_skips_their_check_in(world: World) -> None:
    # Thursday 1 January 2026: New Year's Day in Germany, not in the UTC-only org's eyes.
    berlin = await world.add_person("ana@x.com", "Europe/Berlin", days="thu", at="09:00")
    utc = await world.add_person("ben@x.com", "UTC", days="thu", at="09:00")
    await step_to(world, datetime(2026, 1, 1, 12, 0, tzinfo=UTC), timedelta(hours=1))
    assert [user for user, _ in world.prompts()] == [f"U{utc}"]
    assert (await runs(world, berlin)) == {"2026-01-01": "skipped"}
    await step_to(world, datetime(2026, 1, 8, 12, 0, tzinfo=UTC), timedelta(hours=6))
    assert [user for user, _ in world.prompts()].count(f"U{berlin}") == 1


async def test_someone_who_just_checked_in_with_checkin_now_is_not_prompted(
    world: World,
) -> None:
    ada = await world.add_person("ada@x.com", "UTC", days="fri", at="15:00")
    async with world.database.session() as session:
        objective = Objective(
            tenant_id=TENANT, key="g", title="Grow", period="2026-Q1", created_at=SEEDED_AT
        )
        session.add(objective)
        await session.flush()
        session.add(
            KeyResult(
                tenant_id=TENANT,
                key="s",
                objective_id=objective.id or 0,
                owner_id=ada,
                title="Signups",
                kind="number",
                start=0,
                target=100,
                updated_at=SEEDED_AT,
            )
        )
    await world.scheduler.tick()  # her first prompt: Friday 2 January, 15:00
    ada_actor = Actor("slack", "T1", f"U{ada}")
    world.clock.current = datetime(2026, 1, 2, 11, 0, tzinfo=UTC)  # that morning
    for n, text in enumerate(["checkin now", "40", "7", "none", "-", "4"]):
        await world.engine.handle(TextReceived(ada_actor, text, f"e{n}"))
    assert "Check-in saved" in world.outbox.texts()[-1]
    await step_to(world, datetime(2026, 1, 2, 16, 0, tzinfo=UTC), timedelta(minutes=30))
    assert world.prompts() == []
    assert (await runs(world, ada))["2026-01-02"] == "skipped"
    await step_to(world, datetime(2026, 1, 9, 16, 0, tzinfo=UTC), timedelta(hours=6))
    assert len(world.prompts()) == 1  # the week after, as usual


async def test_someone_who_went_away_after_the_prompt_gets_no_reminder(world: World) -> None:
    ada = await world.add_person("ada@x.com", "UTC", days="fri", at="10:00")
    await world.settings(reminder_hours=4)
    await step_to(world, datetime(2026, 1, 2, 10, 30, tzinfo=UTC), timedelta(minutes=30))
    assert len(world.prompts()) == 1
    async with world.database.session() as session:
        person = await session.get(Person, ada)
        assert person is not None
        person.away_until = datetime(2026, 1, 9, tzinfo=UTC)  # a status read ahead of it
        session.add(person)
    await step_to(world, datetime(2026, 1, 2, 18, 0, tzinfo=UTC), timedelta(hours=1))
    assert not any("nudge" in text for text in world.outbox.texts())
