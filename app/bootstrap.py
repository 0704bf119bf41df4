"""Wires the pieces together once: database, migrations, engine, adapters."""

from __future__ import annotations

from bot.core.ports import Clock, Outbox
from bot.engine import Engine
from storage.db import Database
from storage.migrate import upgrade


async def open_database(url: str) -> Database:
    """Connect and bring the schema up to date (embedded SQLite needs no separate step)."""
    database = Database(url)
    await upgrade(database.engine)
    return database


def build_engine(database: Database, outbox: Outbox, clock: Clock | None = None) -> Engine:
    return Engine(database, outbox, clock)
