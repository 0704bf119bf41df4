"""One migrated database per test session, copied for each test that wants a fresh one.

Running the Alembic migrations takes 0.3 to 1 s a database; copying their result takes
milliseconds. On SQLite the template is a file, copied; on PostgreSQL a database on the same
server, cloned with `CREATE DATABASE ... TEMPLATE`. Tests of the migrations themselves
(`tests/storage/`) still run them on empty databases.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from storage.db import Database
from storage.migrate import upgrade


def run_apart(migrate: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Runs a coroutine in a loop of its own, on a thread of its own: a session fixture may be
    set up while a test's loop is running."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(migrate())
        except BaseException as error:  # handed to the caller below
            failure.append(error)

    thread = threading.Thread(target=run, name="migrate-template")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@dataclass(frozen=True)
class SqliteTemplate:
    path: Path

    @classmethod
    def build(cls, folder: Path) -> SqliteTemplate:
        path = folder / "template.db"

        async def migrate() -> None:
            database = Database(f"sqlite:///{path}")
            try:
                await upgrade(database.engine)
                async with database.engine.connect() as connection:
                    await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                await database.dispose()

        run_apart(migrate)
        # The last connection closed, the write-ahead log is folded in and gone: the one file
        # is the whole database, safe to copy.
        leftovers = [p.name for p in path.parent.iterdir() if p != path]
        assert not leftovers, f"the SQLite template left {leftovers} beside it"
        return cls(path)

    def copy_to(self, path: Path) -> str:
        """A migrated database at `path`; its URL."""
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, path)
        return f"sqlite:///{path}"


def _plain(url: str) -> str:
    """asyncpg's own connect wants libpq's scheme."""
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _beside(admin_url: str, name: str) -> str:
    """The URL of database `name` on the admin URL's server."""
    return admin_url.rsplit("/", 1)[0] + "/" + name


@dataclass(frozen=True)
class PostgresTemplate:
    admin_url: str
    name: str

    @classmethod
    def build(cls, admin_url: str) -> PostgresTemplate:
        # Unique: several sessions (or xdist workers) may share one server.
        template = cls(admin_url, "template_" + uuid.uuid4().hex[:12])

        async def migrate() -> None:
            admin = await asyncpg.connect(_plain(admin_url))
            try:
                await admin.execute(f'CREATE DATABASE "{template.name}"')
                database = Database(_beside(admin_url, template.name))
                try:
                    await upgrade(database.engine)
                finally:
                    # PostgreSQL copies no database that has a connection open.
                    await database.dispose()
                # Nor may anything connect to it later, which would make every copy fail.
                await admin.execute(f'ALTER DATABASE "{template.name}" ALLOW_CONNECTIONS false')
            finally:
                await admin.close()

        run_apart(migrate)
        return template

    @asynccontextmanager
    async def database(self, prefix: str = "t_") -> AsyncIterator[Database]:
        """A fresh migrated database of the test's own, dropped on the way out."""
        name = prefix + uuid.uuid4().hex[:12]
        admin = await asyncpg.connect(_plain(self.admin_url))
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
            database = Database(_beside(self.admin_url, name))
            try:
                yield database
            finally:
                await database.dispose()
                await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    def drop(self) -> None:
        async def drop() -> None:
            admin = await asyncpg.connect(_plain(self.admin_url))
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            finally:
                await admin.close()

        run_apart(drop)
