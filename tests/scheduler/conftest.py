"""A scheduler over a real database with a fake clock and a recording outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from app.scheduling import build_scheduler
from bot.checkins.scheduled import ScheduledCheckins
from bot.engine import Engine
from scheduler.runner import Scheduler
from storage.db import Database
from storage.models import Person, PlatformIdentity, Tenant
from storage.repository import Store
from tests.conftest import FakeClock, RecordingOutbox
from tests.seeded import SEEDED_AT

TENANT = "slack:T1"


@dataclass
class World:
    database: Database
    clock: FakeClock
    outbox: RecordingOutbox
    engine: Engine
    scheduler: Scheduler
    checkins: ScheduledCheckins

    async def add_person(
        self, email: str, zone: str, days: str = "mon", at: str = "09:00", weeks: int = 1
    ) -> int:
        async with self.database.session() as session:
            store = Store(session)
            await store.ensure_tenant(TENANT, "slack", "T1", SEEDED_AT)
            person = Person(
                tenant_id=TENANT,
                email=email,
                name=email.split("@")[0],
                timezone=zone,
                checkin_days=days,
                checkin_time=at,
                cadence_weeks=weeks,
                created_at=SEEDED_AT,
            )
            session.add(person)
            await session.flush()
            assert person.id is not None
            session.add(
                PlatformIdentity(
                    tenant_id=TENANT,
                    person_id=person.id,
                    platform="slack",
                    external_user_id=f"U{person.id}",
                )
            )
            return person.id

    async def settings(self, **values: object) -> None:
        async with self.database.session() as session:
            tenant = await session.get(Tenant, TENANT)
            assert tenant is not None
            tenant.settings = {**tenant.settings, **values}
            session.add(tenant)

    def prompts(self, user: str | None = None) -> list[tuple[str, datetime]]:
        """(user, when) of every check-in start sent."""
        return [
            (to.user, at)
            for to, message, at in self.outbox.timed
            if "check-in time" in message.fallback_text() and (user is None or to.user == user)
        ]


class TimedOutbox(RecordingOutbox):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.timed: list[tuple[object, object, datetime]] = []

    async def send(self, to, message):  # type: ignore[no-untyped-def]
        self.timed.append((to, message, self.clock.now()))
        return await super().send(to, message)


@pytest.fixture
def world(sqlite_db: Database) -> World:
    clock = FakeClock(datetime(2026, 1, 1, 0, 0, tzinfo=UTC))
    outbox = TimedOutbox(clock)
    engine = Engine(sqlite_db, outbox, clock)
    return World(
        sqlite_db, clock, outbox, engine, build_scheduler(engine, 1), ScheduledCheckins(engine)
    )
