"""Seeds the demo org from the files beside this module: `org.csv`, and `goals.yaml` for the
current quarter."""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources

from app.demo import DEMO_TENANT
from bot.imports.goals_import import import_goals
from bot.imports.org_import import import_org
from storage.db import Database
from storage.repository import Store


def current_quarter(today: date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


async def seed_demo(database: Database, now: datetime) -> bool:
    """Import the demo org and goals unless the console org has people already."""
    async with database.session() as session:
        if await Store(session).people(DEMO_TENANT):
            return False
    files = resources.files("app.demo")
    org_text = files.joinpath("org.csv").read_text()
    org = await import_org(database, DEMO_TENANT, org_text, now=now)
    goals_text = (
        files.joinpath("goals.yaml").read_text().replace("{period}", current_quarter(now.date()))
    )
    goals = await import_goals(database, DEMO_TENANT, goals_text, "goals.yaml", now=now)
    problems = org.problems + goals.problems
    if problems:
        raise RuntimeError("the demo data no longer imports: " + "; ".join(map(str, problems)))
    return True
