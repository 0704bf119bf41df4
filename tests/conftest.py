"""Shared fixtures: databases (SQLite and a real PostgreSQL, each a copy of one migrated
template per session), a fake clock, a recording outbox; `until`, to wait for work the bot
does in the background; and Hypothesis's profiles."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

from bot.core.messages import Card, Message, Text
from bot.core.ports import Recipient, Undeliverable
from storage.db import Database
from tests.postgres import PostgresServer, start_server
from tests.template_databases import PostgresTemplate, SqliteTemplate

if TYPE_CHECKING:
    from tests.fuzz.apps import Bot

# Example counts stay as each test sets them (Hypothesis's 100 where none is set): a profile
# changes how examples are drawn and reported, never how many. No deadline: a busy machine is
# not a failure. `dev` (the default) draws anew each run and keeps failures in .hypothesis/ to
# replay; `ci` (CI set, as .ci/run has it) draws the same examples every run, so a failure in
# CI fails again with the same command anywhere, and prints the blob that replays it.
# `--hypothesis-profile ci` picks one by hand.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `long` (tens of seconds: the real clock, served processes, many examples)
    first, so that the workers start them at once and none finishes the run alone."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


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


class ChannelOutbox(RecordingOutbox):
    """Records DMs, and cards posted in channels as the platform would show them; a channel in
    `closed` won't take a post (the bot isn't in it)."""

    def __init__(self) -> None:
        super().__init__()
        self.posted: list[tuple[Recipient, Card]] = []
        self.closed: set[str] = set()

    async def post_digest(self, to: Recipient, summary: Text, details: Card) -> None:
        await self.post_card(to, details)

    async def post_card(self, to: Recipient, card: Card) -> None:
        if str(to.conversation.get("key")) in self.closed:
            raise Undeliverable("not_in_channel")
        self.posted.append((to, card))


@pytest.fixture
def clock() -> FakeClock:
    # A Wednesday, mid-quarter.
    return FakeClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    """The migrations run once per session, into a file that each test gets a copy of."""
    return SqliteTemplate.build(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture
async def sqlite_db(sqlite_template: SqliteTemplate, tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh migrated SQLite file per test."""
    database = Database(sqlite_template.copy_to(tmp_path / "test.db"))
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


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer | str) -> Iterator[PostgresTemplate]:
    """The migrations run once per session, into a database on the real server that each
    test's database is created from."""
    admin_url = postgres_server if isinstance(postgres_server, str) else postgres_server.admin_url
    template = PostgresTemplate.build(admin_url)
    yield template
    template.drop()


@pytest.fixture
async def postgres_db(postgres_template: PostgresTemplate) -> AsyncIterator[Database]:
    """A fresh migrated database per test on the real server."""
    async with postgres_template.database() as database:
        yield database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> Database:
    """Runs a test on SQLite and on a real PostgreSQL."""
    fixture = "sqlite_db" if request.param == "sqlite" else "postgres_db"
    database: Database = request.getfixturevalue(fixture)
    return database


@pytest.fixture
async def bot(
    sqlite_db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Bot]:
    """The whole bot serving Slack and Teams in process, against mock platforms
    (tests/fuzz/apps.py): for tests that send it raw HTTP."""
    from tests.fuzz.apps import running_bot  # the web app's imports, only where used

    async with running_bot(sqlite_db, clock, monkeypatch) as running:
        yield running
