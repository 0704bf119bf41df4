"""A small org of named people on one Slack workspace, and an engine to talk to as them."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.core.events import Actor, ChoiceSelected, CommandInvoked, TextReceived
from bot.core.messages import Message
from bot.engine import Engine
from storage.db import Database
from storage.models import Person, PlatformIdentity
from storage.repository import Store
from tests.conftest import FakeClock, RecordingOutbox
from tests.seeded import SEEDED_AT
from tests.template_databases import SqliteTemplate, run_apart

TENANT = "slack:T1"
# key -> (name, manager key, admin, team)
OrgSpec = dict[str, tuple[str, str | None, bool, str | None]]
_events = itertools.count()


@dataclass
class World:
    engine: Engine
    outbox: RecordingOutbox
    clock: FakeClock
    database: Database
    ids: dict[str, int]

    def actor(self, name: str) -> Actor:
        return Actor("slack", "T1", f"U_{name.upper()}")

    async def say(self, name: str, text: str) -> None:
        await self.engine.handle(TextReceived(self.actor(name), text, f"e{next(_events)}"))

    async def command(self, name: str, command: str, text: str) -> None:
        event = CommandInvoked(self.actor(name), command, text, f"e{next(_events)}")
        await self.engine.handle(event)

    def to(self, name: str) -> list[str]:
        user = f"U_{name.upper()}"
        return [m.fallback_text() for to, m in self.outbox.sent if to.user == user]

    async def click(self, name: str, prompt_id: str, value: str) -> None:
        event = ChoiceSelected(self.actor(name), prompt_id, value, f"e{next(_events)}")
        await self.engine.handle(event)

    def messages_to(self, name: str) -> list[Message]:
        user = f"U_{name.upper()}"
        return [m for to, m in self.outbox.sent if to.user == user]

    async def speak(self, languages: Mapping[str, str]) -> None:
        """These people read these languages (their own choice, as `settings language` sets)."""
        async with self.database.session() as session:
            for key, language in languages.items():
                person = await session.get(Person, self.ids[key])
                assert person is not None
                person.language = language
                session.add(person)

    def last(self, name: str) -> str:
        sent = self.to(name)
        assert sent, f"nothing sent to {name}"
        return sent[-1]


async def seed_world(database: Database, people: OrgSpec) -> World:
    ids: dict[str, int] = {}
    async with database.session() as session:
        store = Store(session)
        await store.ensure_tenant(TENANT, "slack", "T1", SEEDED_AT)
        for key, (name, manager, admin, team) in people.items():
            person = Person(
                tenant_id=TENANT,
                email=f"{key}@x.com",
                name=name,
                timezone="UTC",
                is_admin=admin,
                team=team,
                manager_id=ids[manager] if manager else None,
                created_at=SEEDED_AT,
            )
            session.add(person)
            await session.flush()
            assert person.id is not None
            ids[key] = person.id
            session.add(
                PlatformIdentity(
                    tenant_id=TENANT,
                    person_id=person.id,
                    platform="slack",
                    external_user_id=f"U_{key.upper()}",
                )
            )
    outbox = RecordingOutbox()
    clock = FakeClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # a Monday
    return World(Engine(database, outbox, clock), outbox, clock, database, ids)


@dataclass(frozen=True)
class Seeded:
    """A world built once (a module's), as a database file each test copies."""

    template: SqliteTemplate
    ids: dict[str, int]
    now: datetime


def seed_once(
    template: SqliteTemplate, folder: Path, build: Callable[[Database], Awaitable[World]]
) -> Seeded:
    """Builds the world on a copy of the migrated template, in a loop of its own (a module
    fixture may be set up while a test's loop runs), and keeps its file whole to copy."""
    path = folder / "world.db"
    built: list[World] = []

    async def run() -> None:
        database = Database(template.copy_to(path))
        try:
            built.append(await build(database))
            async with database.engine.connect() as connection:
                await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            await database.dispose()

    run_apart(run)
    return Seeded(SqliteTemplate(path), built[0].ids, built[0].clock.now())


def copy_world(seeded: Seeded, path: Path) -> World:
    """A world of its own on a copy of the seeded database, its clock where the seeding left it."""
    database = Database(seeded.template.copy_to(path))
    outbox, clock = RecordingOutbox(), FakeClock(seeded.now)
    return World(Engine(database, outbox, clock), outbox, clock, database, dict(seeded.ids))
