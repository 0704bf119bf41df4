"""Storage on SQLite and on a real PostgreSQL: schema, uniqueness, compare-and-set, tenants."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from storage.db import Database, DatabaseUrlError, async_url
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import CheckinRun, Person, ProcessedEvent, Tenant
from storage.repository import Store
from storage.types import UTCDateTime
from tests.postgres import PostgresServer
from tests.seeded import SEEDED_AT

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


async def add_person(database: Database, tenant: str = "console:local") -> Person:
    async with database.session() as session:
        store = Store(session)
        await store.ensure_tenant(tenant, tenant.split(":")[0], tenant.split(":")[1], SEEDED_AT)
        person = Person(
            tenant_id=tenant, email="alan@example.com", name="Alan", created_at=SEEDED_AT
        )
        session.add(person)
    return person


def make_run(person: Person) -> CheckinRun:
    assert person.id is not None
    return CheckinRun(
        tenant_id=person.tenant_id,
        person_id=person.id,
        period_label="2026-11-20",
        period_start=NOW,
        period_end=NOW + timedelta(days=7),
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        # libpq's sslmode, as hosting providers write it, is asyncpg's ssl.
        ("postgresql://u@h/db?sslmode=require", "postgresql+asyncpg://u@h/db?ssl=require"),
    ],
)
def test_plain_database_urls_pick_their_async_driver(given: str, expected: str) -> None:
    assert async_url(given) == expected


@pytest.mark.parametrize("bad", ["nonsense", "mysql://u@h/db", ""])
def test_an_unusable_database_url_is_a_clear_error(bad: str) -> None:
    with pytest.raises(DatabaseUrlError):
        async_url(bad)


async def test_migrations_reach_head_and_match_the_models(any_db: Database) -> None:
    assert await current_revision(any_db.engine) == head_revision()
    await upgrade(any_db.engine)  # a second run is a no-op

    def diff(connection: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))

    async with any_db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_one_checkin_run_per_person_and_period(any_db: Database) -> None:
    person = await add_person(any_db)
    async with any_db.session() as session:
        first = await Store(session).create_run(make_run(person))
        again = await Store(session).create_run(make_run(person))
    assert first.id == again.id
    with pytest.raises(IntegrityError):
        async with any_db.session() as session:
            session.add(make_run(person))


async def test_a_prompt_is_claimed_once(any_db: Database) -> None:
    person = await add_person(any_db)
    async with any_db.session() as session:
        store = Store(session)
        run = await store.create_run(make_run(person))
        prompt = await store.ask(run, "blockers", NOW)
    async with any_db.session() as session:
        assert await Store(session).claim_prompt(prompt, NOW) is True
    prompt.status = "waiting"  # a stale copy, as a second replica would hold
    async with any_db.session() as session:
        assert await Store(session).claim_prompt(prompt, NOW) is False


async def test_asking_a_new_question_supersedes_the_waiting_one(any_db: Database) -> None:
    person = await add_person(any_db)
    async with any_db.session() as session:
        store = Store(session)
        run = await store.create_run(make_run(person))
        first = await store.ask(run, "blockers", NOW)
        second = await store.ask(run, "wins", NOW + timedelta(seconds=1))
        waiting = await store.waiting_prompt(run)
    assert waiting is not None and waiting.id == second.id != first.id


async def test_an_event_id_is_seen_once_per_tenant(any_db: Database) -> None:
    await add_person(any_db, "slack:T1")
    await add_person(any_db, "slack:T2")
    async with any_db.session() as session:
        store = Store(session)
        assert await store.first_time_seen("slack:T1", "slack", "Ev1", SEEDED_AT) is True
        assert await store.first_time_seen("slack:T1", "slack", "Ev1", SEEDED_AT) is False
        assert await store.first_time_seen("slack:T2", "slack", "Ev1", SEEDED_AT) is True
    async with any_db.session() as session:
        assert len((await session.exec(select(ProcessedEvent))).all()) == 2


async def test_timestamps_come_back_as_aware_utc(any_db: Database) -> None:
    person = await add_person(any_db)
    local = datetime(2026, 3, 29, 3, 30, tzinfo=UTC).astimezone()
    async with any_db.session() as session:
        run = make_run(person)
        run.period_start = local
        session.add(run)
    async with any_db.session() as session:
        stored = (await session.exec(select(CheckinRun))).one()
    assert stored.period_start == local and stored.period_start.tzinfo is not None
    assert stored.period_start.utcoffset() == timedelta(0)


async def test_lookups_never_cross_tenants(any_db: Database) -> None:
    alan_one = await add_person(any_db, "slack:T1")
    await add_person(any_db, "teams:T2")
    async with any_db.session() as session:
        store = Store(session)
        assert alan_one.id is not None
        assert await store.person("teams:T2", alan_one.id) is None
        found = await store.person_by_email("teams:T2", "ALAN@example.com")
        assert found is not None and found.tenant_id == "teams:T2"
        assert [p.tenant_id for p in await store.people("slack:T1")] == ["slack:T1"]
        tenants = (await session.exec(select(Tenant))).all()
    assert {t.id for t in tenants} == {"slack:T1", "teams:T2"}


@pytest.mark.postgres
async def test_replicas_migrating_a_new_database_at_once_all_succeed(
    postgres_server: PostgresServer | str,
) -> None:
    admin_url = postgres_server if isinstance(postgres_server, str) else postgres_server.admin_url
    name = "m_" + uuid.uuid4().hex[:12]
    admin = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    replicas = [Database(admin_url.rsplit("/", 1)[0] + "/" + name) for _ in range(4)]
    try:
        # Without a lock they deadlock or trip over each other's tables: bounded, to fail.
        migrations = asyncio.gather(*(upgrade(replica.engine) for replica in replicas))
        await asyncio.wait_for(migrations, timeout=60)
        assert await current_revision(replicas[0].engine) == head_revision()
    finally:
        for replica in replicas:
            await replica.dispose()
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def test_no_timestamp_column_reads_the_real_clock_by_default() -> None:
    """Every time written comes from the clock the engine, the scheduler or the command was
    given: a default of "now" would leak the real date past a test's fake clock."""
    with_defaults = [
        f"{table.name}.{column.name}"
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, UTCDateTime)
        and (column.default is not None or column.server_default is not None)
    ]
    fields_with_defaults = [
        f"{model.__name__}.{name}"
        for model in (m.class_ for m in SQLModel._sa_registry.mappers)
        for name, info in model.model_fields.items()
        if info.default_factory is not None and "datetime" in str(info.annotation)
    ]
    assert with_defaults == [] and fields_with_defaults == []
