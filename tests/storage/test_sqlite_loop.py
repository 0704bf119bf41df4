"""SQLite's statements run on the event loop's thread; only a wait for a lock leaves it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

import storage.sqlite
from storage.db import Database
from storage.sqlite import LoopConnection


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'bot.db'}")
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
    yield database
    await database.dispose()


def locker(tmp_path: Path) -> sqlite3.Connection:
    """Another writer of the same file (a CLI import, say), holding SQLite's write lock."""
    other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO note (body) VALUES ('the import')")
    return other


async def test_statements_run_on_the_loops_own_thread(database: Database) -> None:
    threads: set[int] = set()
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, LoopConnection)
        driver._conn.set_trace_callback(lambda _statement: threads.add(threading.get_ident()))
        await connection.execute(text("INSERT INTO note (body) VALUES ('a')"))
        rows = (await connection.execute(text("SELECT body FROM note"))).all()
        await connection.commit()
    assert rows == [("a",)]
    assert threads == {threading.get_ident()}


async def test_a_write_waits_for_anothers_lock_off_the_loop_and_then_goes_through(
    database: Database, tmp_path: Path
) -> None:
    other = locker(tmp_path)

    async def write() -> None:
        async with database.engine.begin() as connection:
            await connection.execute(text("INSERT INTO note (body) VALUES ('ours')"))

    writing = asyncio.create_task(write())
    ticks = 0
    for _ in range(10):  # the loop goes on serving while the write waits for the lock
        await asyncio.sleep(0.02)
        ticks += 1
    assert ticks == 10 and not writing.done()
    other.commit()
    other.close()
    await asyncio.wait_for(writing, timeout=10)
    async with database.engine.connect() as connection:
        bodies = (await connection.execute(text("SELECT body FROM note ORDER BY id"))).scalars()
        assert list(bodies) == ["the import", "ours"]


async def test_a_lock_held_past_the_wait_fails_the_write_as_before(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.sqlite, "LOCK_WAIT_MS", 100)
    other = locker(tmp_path)
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            async with database.engine.begin() as connection:
                await connection.execute(text("INSERT INTO note (body) VALUES ('ours')"))
    finally:
        other.rollback()
        other.close()
    async with database.engine.begin() as connection:  # usable again, once unlocked
        await connection.execute(text("INSERT INTO note (body) VALUES ('later')"))
        assert (await connection.execute(text("SELECT count(*) FROM note"))).scalar() == 1


async def test_a_fetch_that_finds_the_database_busy_is_not_run_twice(
    database: Database,
) -> None:
    calls = []

    def fetchall() -> list[object]:
        calls.append(1)
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorcode = storage.sqlite.SQLITE_BUSY  # type: ignore[attr-defined]
        raise error

    async with database.engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert isinstance(driver, LoopConnection)
        with pytest.raises(sqlite3.OperationalError):
            await driver._execute(fetchall)
    assert calls == [1]
