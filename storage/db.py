"""Database URLs, engines and the one-session-per-unit-of-work factory."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.exc import DBAPIError, InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.sqlite import loop_connector

DEFAULT_URL = "sqlite:///checkin-bot.db"

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
}


# SQLAlchemy's own defaults, written out: inbound_slots leaves SCHEDULER_CONNECTIONS of them
# to the scheduler, the notices and the home views.
POOL_SIZE, POOL_OVERFLOW, SCHEDULER_CONNECTIONS = 5, 10, 5
IDLE_BEFORE_PING = 10.0  # seconds
SQLITE_FULL = 13  # "database or disk is full"
POSTGRES_DISK_FULL = "53100"


class DatabaseUrlError(ValueError):
    pass


def out_of_space(error: BaseException) -> bool:
    """Whether a database call failed because the database's disk is full (SQLite's
    SQLITE_FULL, PostgreSQL's disk_full), which a person can be told in so many words."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == SQLITE_FULL:
            return True
        if POSTGRES_DISK_FULL in (
            getattr(current, "sqlstate", None),
            getattr(current, "pgcode", None),
        ):
            return True
        # SQLAlchemy keeps the driver's error in .orig; the drivers chain theirs.
        inner = getattr(current, "orig", None)
        current = inner if isinstance(inner, BaseException) else current.__cause__
    return False


def dropped(error: BaseException) -> bool:
    """Whether a unit of work failed because its connection was gone (the server restarted or
    cut it). Its transaction didn't commit, or (cut during the commit) did: run again on a new
    connection, the work is either done or found done (inbound events are deduped by id)."""
    return isinstance(error, DBAPIError) and error.connection_invalidated


def async_url(url: str) -> str:
    """Plain URLs pick their async driver; driver-qualified async URLs pass through."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseUrlError(f"DATABASE_URL is not a database URL: {exc}") from None
    backend, _, driver = parsed.drivername.partition("+")
    wanted = _ASYNC_DRIVERS.get(backend)
    if wanted is None or driver not in ("", wanted.partition("+")[2]):
        raise DatabaseUrlError(
            f"unsupported database {parsed.drivername!r}: "
            "use sqlite:///file.db or postgresql://user@host/db"
        )
    query = dict(parsed.query)
    if backend in ("postgres", "postgresql") and "sslmode" in query:
        # libpq's name (what hosting providers hand out); asyncpg calls it ssl, same values.
        query.setdefault("ssl", query["sslmode"])
        del query["sslmode"]
    return parsed.set(drivername=wanted, query=query).render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # No busy timeout here: a statement that finds the file locked (a console chat and a CLI
    # import may share it) waits for the lock on its connection's thread (storage/sqlite.py).
    # Readers don't wait for the writer, and a commit syncs the log, not the database file:
    # durable across a crash of the process, and of the machine to within the last commits.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """hide_parameters: a statement's values (what people typed, anonymous answers included)
    never appear in an error's text or in a logged statement."""
    url = async_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        args, params = parsed.get_dialect()().create_connect_args(parsed)
        engine = create_async_engine(
            url, hide_parameters=True, async_creator=loop_connector(args, params)
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # No ping before each checkout (a round trip on every unit of work): only a connection
    # idle for a while is pinged. One the server dropped while in use fails its statement,
    # SQLAlchemy then discards the pool's older connections, and an inbound event's unit of
    # work runs again (`dropped`); the scheduler's jobs go again at their retry.
    engine = create_async_engine(
        url,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        hide_parameters=True,
    )
    event.listen(engine.sync_engine.pool, "checkin", _idle_from_now)
    event.listen(engine.sync_engine.pool, "checkout", _ping_if_idle(engine.sync_engine.dialect))
    return engine


def _idle_from_now(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dialect: Dialect) -> Callable[[Any, Any, Any], None]:
    """A checkout listener: ping a connection idle for IDLE_BEFORE_PING seconds or more (what
    a restarted or failed-over server has most likely cut), and if it is gone, have the pool
    drop it and every older one and connect anew."""

    def ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise InvalidatePoolError("an idle connection was gone") from error
            raise

    return ping


class Database:
    """Owns the engine and hands out one session per inbound event, command or tick."""

    def __init__(self, url: str) -> None:
        self.url = async_url(url)
        self.engine = create_engine(self.url)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: committed when the block ends normally, rolled back otherwise."""
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @property
    def inbound_slots(self) -> int:
        """How many inbound units of work may run at once (bot/core/backlog.py). SQLite has one
        writer at a time: a second in line is all that helps. On PostgreSQL, fewer than the
        pool holds, so the scheduler always finds a connection."""
        if self.engine.dialect.name == "sqlite":
            return 2
        return POOL_SIZE + POOL_OVERFLOW - SCHEDULER_CONNECTIONS

    async def dispose(self) -> None:
        await self.engine.dispose()
