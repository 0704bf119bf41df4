"""Data migrations carry what people chose over, up and back down, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.migrate import alembic_config
from tests.postgres import PostgresServer


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def blank_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no tables at all, to migrate step by step."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path}/blank.db")
        yield database
        await database.dispose()
        return
    server: PostgresServer | str = request.getfixturevalue("postgres_server")
    admin_url = server if isinstance(server, str) else server.admin_url
    name = "b_" + uuid.uuid4().hex[:12]
    admin = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    database = Database(admin_url.rsplit("/", 1)[0] + "/" + name)
    try:
        yield database
    finally:
        await database.dispose()
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def migrate(database: Database, revision: str, *, down: bool = False) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(run)


async def rows(database: Database, sql: str) -> list[tuple[object, ...]]:
    async with database.engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(text(sql))).all()]


def settings_of(raw: object) -> dict[str, object]:
    return json.loads(raw) if isinstance(raw, str) else dict(raw)  # type: ignore[arg-type]


async def test_blockers_weekly_moves_from_the_org_settings_to_each_manager_and_back(
    blank_db: Database,
) -> None:
    await migrate(blank_db, "0006")
    settings = {"weekly_blockers": [2, 99], "holidays": ["2026-12-25"]}
    async with blank_db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO tenant (id, platform, external_id, name, settings, created_at) "
                "VALUES ('slack:T1', 'slack', 'T1', 'Acme', :settings, '2026-11-02 09:00:00'), "
                "('slack:T2', 'slack', 'T2', 'Other', '{}', '2026-11-02 09:00:00')"
            ),
            {"settings": json.dumps(settings)},
        )
        for person_id, tenant in ((1, "slack:T1"), (2, "slack:T1"), (3, "slack:T2")):
            await connection.execute(
                text(
                    "INSERT INTO person (id, tenant_id, email, name, is_admin, active, "
                    "reminders, created_at) VALUES (:id, :tenant, :email, '', false, true, "
                    "true, '2026-11-02 09:00:00')"
                ),
                {"id": person_id, "tenant": tenant, "email": f"p{person_id}@x.com"},
            )

    await migrate(blank_db, "0007")
    people = await rows(blank_db, "SELECT id, weekly_blockers FROM person ORDER BY id")
    assert [(i, bool(weekly)) for i, weekly in people] == [(1, False), (2, True), (3, False)]
    (raw,) = (await rows(blank_db, "SELECT settings FROM tenant WHERE id = 'slack:T1'"))[0]
    assert settings_of(raw) == {"holidays": ["2026-12-25"]}  # the rest of the settings stay

    await migrate(blank_db, "0006", down=True)
    (raw,) = (await rows(blank_db, "SELECT settings FROM tenant WHERE id = 'slack:T1'"))[0]
    assert settings_of(raw) == {"holidays": ["2026-12-25"], "weekly_blockers": [2]}
    (other,) = (await rows(blank_db, "SELECT settings FROM tenant WHERE id = 'slack:T2'"))[0]
    assert settings_of(other) == {}
