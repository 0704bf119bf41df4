"""Connections are not pinged before each unit of work: when PostgreSQL has cut them (a restart,
an idle timeout, a failover), the next event is still handled, once, with no "sorry"."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.core.events import TextReceived
from bot.engine.engine import SORRY, Engine
from storage import db
from storage.db import Database
from storage.models import Answer
from tests.bot.conftest import seed_org
from tests.conftest import FakeClock, RecordingOutbox

pytestmark = pytest.mark.postgres


async def cut_the_pool(database: Database) -> int:
    """What a server restart does to the pool: every connection to the database, gone (asked
    on a connection of its own, outside the pool)."""
    url = make_url(database.url).set(drivername="postgresql")
    admin = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        cut = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    return int(cut)


async def test_an_answer_after_the_server_cut_the_pool_is_recorded_once(
    postgres_db: Database, clock: FakeClock
) -> None:
    org = await seed_org(postgres_db)
    outbox = RecordingOutbox()
    engine = Engine(postgres_db, outbox, clock)
    await engine.handle(TextReceived(org.alan, "checkin now", "e1"))
    # Two units of work at once, so that the pool holds more than one connection to cut.
    async with postgres_db.session() as first, postgres_db.session() as second:
        await first.exec(select(Answer))
        await second.exec(select(Answer))
    assert await cut_the_pool(postgres_db) >= 1

    for n, reply in enumerate(["signups 400, nps 35", "7"], start=2):
        await cut_the_pool(postgres_db)
        await engine.handle(TextReceived(org.alan, reply, f"e{n}"))

    assert not any(SORRY in said for said in outbox.texts())
    async with postgres_db.session() as session:
        answers = (await session.exec(select(Answer))).all()
    assert sorted(a.question_key for a in answers) == sorted({a.question_key for a in answers})
    assert len(answers) >= 2


async def test_a_connection_idle_while_the_server_restarted_is_pinged_and_replaced(
    postgres_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with postgres_db.session() as session:
        await session.exec(select(Answer))
    monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)  # every pooled connection counts as idle
    assert await cut_the_pool(postgres_db) >= 1
    # Not an inbound event, no retry: the ping on checkout finds the connection gone.
    async with postgres_db.session() as session:
        assert (await session.exec(select(Answer))).all() == []


async def test_a_busy_connection_is_not_pinged(
    postgres_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialect = postgres_db.engine.sync_engine.dialect
    pinged: list[object] = []
    real_ping = dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pinged.append(dbapi_connection)
        return bool(real_ping(dbapi_connection))

    monkeypatch.setattr(dialect, "do_ping", counted)
    for _ in range(3):
        async with postgres_db.session() as session:
            await session.exec(select(Answer))
    assert pinged == []
    monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)
    async with postgres_db.session() as session:
        await session.exec(select(Answer))
    assert len(pinged) == 1
