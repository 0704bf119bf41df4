"""An org with one engineer who owns three key results, and an engine wired to fakes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core.events import Actor
from bot.engine import Engine
from storage.db import Database
from storage.models import KeyResult, Objective, Person, Tenant
from tests.conftest import FakeClock, RecordingOutbox
from tests.seeded import SEEDED_AT

TENANT = "console:local"


@dataclass
class Org:
    alan: Actor
    grace: Actor
    stranger: Actor
    alan_id: int
    kr_ids: dict[str, int]


async def seed_org(database: Database) -> Org:
    async with database.session() as session:
        session.add(
            Tenant(
                id=TENANT,
                platform="console",
                external_id="local",
                name="Demo",
                created_at=SEEDED_AT,
            )
        )
        await session.flush()
        grace = Person(
            tenant_id=TENANT,
            email="grace@example.com",
            name="Grace Hopper",
            timezone="America/New_York",
            created_at=SEEDED_AT,
        )
        session.add(grace)
        await session.flush()
        alan = Person(
            tenant_id=TENANT,
            email="alan@example.com",
            name="Alan Turing",
            manager_id=grace.id,
            team="Engineering",
            timezone="Europe/London",
            checkin_days="fri",
            checkin_time="15:00",
            created_at=SEEDED_AT,
        )
        session.add(alan)
        await session.flush()
        objective = Objective(
            tenant_id=TENANT,
            key="grow",
            title="Grow",
            period="2026-Q4",
            owner_id=grace.id,
            created_at=SEEDED_AT,
        )
        session.add(objective)
        await session.flush()
        assert objective.id is not None and alan.id is not None
        krs = {
            "signups": KeyResult(
                tenant_id=TENANT,
                key="signups",
                objective_id=objective.id,
                owner_id=alan.id,
                title="Weekly signups",
                kind="number",
                start=100,
                target=500,
                current=120,
                unit="signups",
                updated_at=SEEDED_AT,
            ),
            "nps": KeyResult(
                tenant_id=TENANT,
                key="nps",
                objective_id=objective.id,
                owner_id=alan.id,
                title="NPS",
                kind="number",
                start=20,
                target=40,
                current=28,
                confidence=6,
                updated_at=SEEDED_AT,
            ),
            "docs": KeyResult(
                tenant_id=TENANT,
                key="docs",
                objective_id=objective.id,
                owner_id=alan.id,
                title="Docs published",
                kind="binary",
                start=0,
                target=1,
                updated_at=SEEDED_AT,
            ),
        }
        for kr in krs.values():
            session.add(kr)
        await session.flush()
        kr_ids = {name: kr.id for name, kr in krs.items() if kr.id is not None}
        alan_id = alan.id
    return Org(
        alan=Actor("console", "local", "alan@example.com", email="alan@example.com"),
        grace=Actor("console", "local", "grace@example.com", email="grace@example.com"),
        stranger=Actor("console", "local", "eve@example.com", email="eve@example.com"),
        alan_id=alan_id,
        kr_ids=kr_ids,
    )


@pytest.fixture
async def org(sqlite_db: Database) -> Org:
    return await seed_org(sqlite_db)


@pytest.fixture
def engine(sqlite_db: Database, outbox: RecordingOutbox, clock: FakeClock) -> Engine:
    return Engine(sqlite_db, outbox, clock)
