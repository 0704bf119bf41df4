"""Shared fixtures: databases (SQLite and a real PostgreSQL), a fake clock, a recording outbox;
and `until`, to wait for work the bot does in the background."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from bot.core.messages import Message
from bot.core.ports import Recipient
from storage.db import Database
from storage.migrate import upgrade
from tests.postgres import PostgresServer, start_server


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Waits for work the bot does after it answers; fails loudly instead of hanging."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.01)


class RecordingOutbox:
    """Records what the engine sent, like a platform would show it."""

    def __init__(self) -> None:
        self.sent: list[tuple[Recipient, Message]] = []

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        self.sent.append((to, message))
        return {"ts": str(len(self.sent))}

    def texts(self) -> list[str]:
        return [message.fallback_text() for _, message in self.sent]

    def last(self) -> Message:
        return self.sent[-1][1]

    def clear(self) -> None:
        self.sent.clear()


@pytest.fixture
def clock() -> FakeClock:
    # A Wednesday, mid-quarter.
    return FakeClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()


@pytest.fixture
async def sqlite_db(tmp_path: Any) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path}/test.db")
    await upgrade(database.engine)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | str]:
    """A real server: TEST_DATABASE_URL's, or one started here from Debian's binaries."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    server = start_server()
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing; .ci/run installs them")
        pytest.skip("no PostgreSQL server binaries here (apt-get install postgresql)")
    yield server
    server.stop()


@pytest.fixture
async def postgres_db(postgres_server: PostgresServer | str) -> AsyncIterator[Database]:
    """A fresh database per test on the real server."""
    admin_url = postgres_server if isinstance(postgres_server, str) else postgres_server.admin_url
    name = "t_" + uuid.uuid4().hex[:12]
    admin = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    database = Database(url)
    await upgrade(database.engine)
    yield database
    await database.dispose()
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> Database:
    """Runs a test on SQLite and on a real PostgreSQL."""
    fixture = "sqlite_db" if request.param == "sqlite" else "postgres_db"
    database: Database = request.getfixturevalue(fixture)
    return database
