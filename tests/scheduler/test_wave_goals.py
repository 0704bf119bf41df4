"""A scheduled check-in asks about the key results of running objectives only, as
`checkin now` does: not those of an objective archived, or closed at its quarter's end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.models import CheckinRun, KeyResult, Objective
from tests.scheduler.conftest import TENANT, World
from tests.seeded import SEEDED_AT


async def objective(world: World, owner: int, key: str, **state: object) -> None:
    async with world.database.session() as session:
        goal = Objective(
            tenant_id=TENANT,
            key=key,
            title=key,
            period="2026-Q1",
            level="person",
            owner_id=owner,
            created_at=SEEDED_AT,
            **state,
        )
        session.add(goal)
        await session.flush()
        assert goal.id is not None
        session.add(
            KeyResult(
                tenant_id=TENANT,
                key=f"{key}-kr",
                objective_id=goal.id,
                owner_id=owner,
                title=f"{key} KR",
                updated_at=SEEDED_AT,
            )
        )


async def test_a_scheduled_check_in_leaves_out_archived_and_closed_objectives(
    world: World,
) -> None:
    alan = await world.add_person("alan@x.com", "UTC", days="mon", at="09:00")
    await objective(world, alan, "running")
    await objective(world, alan, "archived", archived=True)
    await objective(world, alan, "closed", closed_at=datetime(2026, 1, 1, tzinfo=UTC))
    await world.scheduler.tick()  # plans Monday 5 January, 09:00
    world.clock.advance(days=4, hours=9, minutes=1)
    assert world.clock.now() >= datetime(2026, 1, 5, 9, tzinfo=UTC)
    await world.scheduler.run_until_idle()

    async with world.database.session() as session:
        run = (await session.exec(select(CheckinRun))).one()
        titles = {kr.id: kr.key for kr in (await session.exec(select(KeyResult))).all()}
    asked = {titles.get(q.get("kr_id")) for q in run.questions if q.get("kr_id")}
    assert asked == {"running-kr"}, run.questions
    assert world.clock.now() - datetime(2026, 1, 5, 9, tzinfo=UTC) < timedelta(days=1)
