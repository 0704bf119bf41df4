"""INSERT … ON CONFLICT DO NOTHING, and rows written again in a random order, on SQLite and
PostgreSQL alike."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_if_absent(session: AsyncSession, row: SQLModel) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when this call inserted the row."""
    table = type(row).__table__  # type: ignore[attr-defined]
    values = {
        c.name: getattr(row, c.name) for c in table.columns if getattr(row, c.name) is not None
    }
    bind = session.get_bind()
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    result = await session.exec(statement)
    return bool(result.rowcount == 1)


Row = TypeVar("Row", bound=SQLModel)


def copy_of(row: Row, **changes: Any) -> Row:
    """The same row under a new identity: its columns, with `changes` over them."""
    return type(row)(**{**row.model_dump(), **changes})


async def rewrite_in_random_order(
    session: AsyncSession, rows: Sequence[SQLModel], copies: Sequence[SQLModel]
) -> None:
    """Deletes `rows` and inserts `copies` in a random order, in this transaction: SQLite's
    rowid and PostgreSQL's ctid then follow that order, not the one the rows came in."""
    for row in rows:
        await session.delete(row)
    await session.flush()
    shuffled = list(copies)
    shuffle(shuffled)
    session.add_all(shuffled)
    await session.flush()


def shuffle(rows: list[SQLModel]) -> None:
    """In place, in an order drawn from the system's random source."""
    random.SystemRandom().shuffle(rows)
