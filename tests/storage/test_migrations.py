"""Data migrations carry what people chose over, up and back down, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.migrate import alembic_config
from storage.pulse import ledger_key
from storage.survey_questions import read_questions
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


async def test_the_ledger_starts_with_the_groups_closed_rounds_showed(blank_db: Database) -> None:
    """0008 records what closed rounds showed, under the keys the bot writes, and leaves those
    rounds with no invitation and their responses under new ids."""
    await migrate(blank_db, "0007")
    questions = [
        {"kind": "enps", "text": "How likely  are you to recommend us?", "key": "q1"},
        {"kind": "single", "text": "Best day?", "options": ["Tue", "Mon"], "key": "q2"},
    ]
    groups = {
        "all": {"name": "everyone", "kind": "all", "members": [1, 2, 3, 4, 5, 6], "shown": True},
        "team:A": {"name": "team A", "kind": "team", "members": [1, 2], "shown": False},
    }
    async with blank_db.engine.begin() as connection:
        run = connection.execute
        await run(
            text(
                "INSERT INTO tenant (id, platform, external_id, name, settings, created_at) "
                "VALUES ('slack:T1', 'slack', 'T1', 'Acme', '{}', '2026-11-02 09:00:00')"
            )
        )
        for person_id in range(1, 7):
            await run(
                text(
                    "INSERT INTO person (id, tenant_id, email, name, is_admin, active, "
                    "reminders, weekly_blockers, created_at) VALUES (:id, 'slack:T1', :email, "
                    "'', false, true, true, false, '2026-11-02 09:00:00')"
                ),
                {"id": person_id, "email": f"p{person_id}@x.com"},
            )
        await run(
            text(
                "INSERT INTO survey (id, tenant_id, creator_id, title, questions, audience, "
                "open_days, status, created_at) VALUES (1, 'slack:T1', 1, 'Pulse', :questions, "
                "'{}', 3, 'active', '2026-11-02 09:00:00')"
            ),
            {"questions": json.dumps(questions)},
        )
        for round_id, status in ((1, "closed"), (2, "open")):
            await run(
                text(
                    "INSERT INTO surveyround (id, tenant_id, survey_id, number, opened_at, "
                    "closes_at, status, k, slices) VALUES (:id, 'slack:T1', 1, :id, "
                    "'2026-11-02 09:00:00', '2026-11-05 09:00:00', :status, 5, :slices)"
                ),
                {"id": round_id, "status": status, "slices": json.dumps(groups)},
            )
            for person_id in range(1, 7):
                await run(
                    text(
                        "INSERT INTO surveyinvite (tenant_id, round_id, person_id, answered, "
                        "draft, reminded) VALUES ('slack:T1', :round, :person, true, '{}', false)"
                    ),
                    {"round": round_id, "person": person_id},
                )
                await run(
                    text(
                        "INSERT INTO surveyresponse (id, tenant_id, round_id, answers, slices) "
                        "VALUES (:id, 'slack:T1', :round, :answers, '[\"all\"]')"
                    ),
                    {
                        "id": f"sr_{round_id}_{person_id}",
                        "round": round_id,
                        "answers": json.dumps({"q1": person_id}),
                    },
                )

    await migrate(blank_db, "0008")
    identities = sorted(q.identity for q in read_questions(questions))
    audience = [str(n) for n in range(1, 7)]
    [(key, stored_questions, stored_audience)] = await rows(
        blank_db, "SELECT key, questions, audience FROM disclosure"
    )
    assert key == ledger_key(identities, audience)  # the key the bot itself writes
    assert as_json(stored_questions) == identities
    assert as_json(stored_audience) == audience
    invites = await rows(blank_db, "SELECT round_id, count(*) FROM surveyinvite GROUP BY round_id")
    assert invites == [(2, 6)]  # the open round still needs them for its reminder
    responses = await rows(blank_db, "SELECT id, round_id FROM surveyresponse")
    assert sorted(r for _, r in responses) == [1] * 6 + [2] * 6
    assert {i for i, r in responses if r == 1}.isdisjoint({f"sr_1_{n}" for n in range(1, 7)})
    assert {i for i, r in responses if r == 2} == {f"sr_2_{n}" for n in range(1, 7)}

    await migrate(blank_db, "0007", down=True)
    async with blank_db.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    assert "disclosure" not in tables and "surveyresponse" in tables


def as_json(raw: object) -> object:
    return json.loads(raw) if isinstance(raw, str) else raw
