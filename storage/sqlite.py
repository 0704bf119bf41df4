"""SQLite's statements on the event loop's own thread, and only a wait for a lock on another.

aiosqlite runs every call on a thread of its own: the cursor, the statement, the fetch and the
close each cross to that thread and back, a queue put and a wake-up of the event loop every
time. A statement of ours takes SQLite tens of microseconds; the four crossings around it cost
the process about 0.6 ms of CPU (bench/answer_cpu.py). So here a call runs where it is made,
with SQLite's busy timeout at 0: it never waits on the loop's thread. A statement that finds
the database locked (another process writing, or another of our connections in a write
transaction) goes to the connection's thread instead, to wait there for the lock as long as
aiosqlite would have, while the loop serves everything else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any

import aiosqlite

SQLITE_BUSY = 5
LOCK_WAIT_MS = 5000  # how long a statement waits for SQLite's lock, as aiosqlite's default
# The calls that either took effect or did nothing when SQLite answered "busy", so that
# running them again, waiting for the lock, is safe. A fetch that failed half-way is not.
_AGAIN_WHEN_BUSY = frozenset({"execute", "executemany", "executescript", "commit"})


def busy(error: BaseException) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == SQLITE_BUSY


class LoopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the caller's thread unless they must wait."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as error:
            if not (busy(error) and getattr(fn, "__name__", "") in _AGAIN_WHEN_BUSY):
                raise
        return await super()._execute(self._waiting, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    def _waiting(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """On the connection's thread: the call again, allowed to wait for the lock."""
        self._conn.execute(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
        try:
            return fn(*args, **kwargs)
        finally:
            self._conn.execute("PRAGMA busy_timeout=0")


def loop_connector(
    args: Sequence[Any], params: Mapping[str, Any]
) -> Callable[[], Awaitable[LoopConnection]]:
    """SQLAlchemy's `async_creator` for a database: sqlite3's arguments as the dialect builds
    them, opened to be used from the loop's thread and never to wait there."""
    params = {**params, "check_same_thread": False, "timeout": 0}

    async def connect() -> LoopConnection:
        connection = LoopConnection(partial(sqlite3.connect, *args, **params), 64)
        connection._thread.daemon = True  # as SQLAlchemy's aiosqlite dialect does
        await connection
        return connection

    return connect
