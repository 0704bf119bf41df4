"""`checkin team` lists key results not updated for three check-ins: counted from when they
were last set, by a check-in or by the goals import that brought them in."""

from __future__ import annotations

import pytest

from bot.imports.goals_import import import_goals
from storage.db import Database
from tests.bot.org_world import TENANT, OrgSpec, World, seed_world

PEOPLE: OrgSpec = {
    "rae": ("Rae Lead", None, False, "Platform"),
    "sid": ("Sid Dev", "rae", False, "Platform"),
}
GOALS = """period: 2026-Q1
objectives:
  - id: ship
    title: Ship the API
    owner: rae@x.com
    key_results:
      - {id: calls, title: API calls, owner: sid@x.com, start: 0, target: 200, current: 50}
"""


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(sqlite_db, PEOPLE)


def stale_part(week: str) -> str:
    return week.split("not updated")[1]


async def test_goals_imported_today_are_not_stale_until_three_check_ins_have_passed(
    world: World,
) -> None:
    report = await import_goals(world.database, TENANT, GOALS, "goals.yaml", now=world.clock.now())
    assert not report.problems
    await world.command("rae", "checkin", "team")
    assert "API calls" not in stale_part(world.last("rae"))
    world.clock.advance(days=3 * 7 + 1)
    await world.command("rae", "checkin", "team")
    assert "API calls (Sid Dev): never in a check-in" in stale_part(world.last("rae"))
