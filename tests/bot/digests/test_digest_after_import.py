"""The first digest after a goals import: the imported values are where the goals started,
so they are no news this week and earlier weeks aren't drawn at zero."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.digests.digest import build_digest
from bot.imports.goals_import import import_goals
from bot.imports.org_import import import_org
from storage.db import Database

TENANT = "slack:T1"
ORG = """email,name,manager_email,team,timezone,checkin_days,checkin_time
ana@example.com,Ana Ruiz,,Platform,Europe/London,fri,15:00
"""
GOALS = """period: 2026-Q4
objectives:
  - id: ship
    title: Ship the API
    owner: ana@example.com
    key_results:
      - {id: calls, title: API calls, start: 0, target: 200, current: 90, confidence: 4}
"""
IMPORTED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # weeks into the quarter


async def test_the_first_digest_after_an_import_starts_from_the_imported_values(
    sqlite_db: Database,
) -> None:
    assert not (await import_org(sqlite_db, TENANT, ORG, now=IMPORTED)).problems
    imported = await import_goals(sqlite_db, TENANT, GOALS, "goals.yaml", now=IMPORTED)
    assert not imported.problems
    async with sqlite_db.session() as session:
        digest = await build_digest(session, TENANT, "Platform", IMPORTED + timedelta(days=1))
    text = digest.card.fallback_text()
    assert "Ship the API" in text and "45% · no change" in text
    assert "Average 45%, no change since last week" in text
    assert "No key result turned at risk" in text  # rated at risk from the start: not news
    assert digest.card.chart is not None
    assert "7 Oct 45, 14 Oct 45" in digest.card.chart.alt  # not drawn at 0 before the import
