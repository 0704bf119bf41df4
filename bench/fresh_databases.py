"""Fresh, throwaway databases for the benchmarks, and a count of the SQL they are sent.

The same as bench/wave.py's: a SQLite file in a temporary directory, or a new database on a
PostgreSQL server (a throwaway one from tests/postgres.py unless a URL is given), dropped
afterwards. Loopback only.
"""

from __future__ import annotations

import itertools
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any

import asyncpg
from sqlalchemy import event

from storage.db import Database
from tests.postgres import PostgresServer, start_server

Fresh = Callable[[], AbstractAsyncContextManager[Database]]


def fresh_databases(
    kind: str, postgres_url: str | None, prefix: str
) -> AbstractAsyncContextManager[Fresh]:
    """`async with fresh_databases(...) as fresh:`, then `async with fresh() as database:`."""
    if kind == "sqlite":
        return sqlite_databases(prefix)
    return postgres_databases(postgres_url, prefix)


@asynccontextmanager
async def sqlite_databases(prefix: str) -> AsyncIterator[Fresh]:
    with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as folder:
        names = (f"sqlite:///{folder}/{prefix}{n}.db" for n in itertools.count())

        @asynccontextmanager
        async def fresh() -> AsyncIterator[Database]:
            database = Database(next(names))
            try:
                yield database
            finally:
                await database.dispose()

        yield fresh


@asynccontextmanager
async def postgres_databases(url: str | None, prefix: str) -> AsyncIterator[Fresh]:
    server: PostgresServer | None = None
    if url is None:
        server = start_server()
        if server is None:
            raise SystemExit("no PostgreSQL server binaries here: apt-get install postgresql")
        url = server.admin_url
    admin_url = url.replace("postgresql+asyncpg://", "postgresql://")
    try:

        @asynccontextmanager
        async def fresh() -> AsyncIterator[Database]:
            name = f"{prefix}_{uuid.uuid4().hex[:10]}"
            admin = await asyncpg.connect(admin_url)
            try:
                await admin.execute(f'CREATE DATABASE "{name}"')
                database = Database(admin_url.rsplit("/", 1)[0] + "/" + name)
                try:
                    yield database
                finally:
                    await database.dispose()
                    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            finally:
                await admin.close()

        yield fresh
    finally:
        if server is not None:
            server.stop()


@contextmanager
def counting_statements(database: Database) -> Iterator[list[int]]:
    """Statements executed while inside: an executemany counts once."""
    counter = [0]

    def count(*_: Any) -> None:
        counter[0] += 1

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)
