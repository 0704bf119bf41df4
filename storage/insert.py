"""INSERT … ON CONFLICT DO NOTHING, and rows written again in a random order, on SQLite and
PostgreSQL alike."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from functools import cache
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
    return await insert_row_if_absent(session, type(row), values)


async def insert_row_if_absent(session: AsyncSession, model: type[SQLModel], row: Any) -> bool:
    """`insert_if_absent` for a row (`row_of`, or the columns to write), through a statement
    built once per table and dialect."""
    connection = await session.connection()
    statement = _absent_insert(model, connection.dialect.name)
    return bool((await connection.execute(statement, row)).rowcount == 1)


@cache
def _absent_insert(model: type[SQLModel], dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(model.__table__).on_conflict_do_nothing()  # type: ignore[attr-defined]


Row = TypeVar("Row", bound=SQLModel)


def row_of(model: type[SQLModel], **values: Any) -> dict[str, Any]:
    """A new row of `model` as its columns' values, its defaults filled in, without building
    the record: for rows written many at a time through Core (a record costs about 30 µs to
    build, most of it the ORM's bookkeeping; this, 3 µs). A numbered primary key is left to the
    database. A required column left out is an error."""
    missing = _required(model) - values.keys()
    if missing:
        raise TypeError(f"{model.__name__} needs {', '.join(sorted(missing))}")
    return {name: make() for name, make in _defaults(model).items() if name not in values} | values


@cache
def _defaults(model: type[SQLModel]) -> dict[str, Callable[[], Any]]:
    columns = model.__table__.columns  # type: ignore[attr-defined]
    defaults: dict[str, Callable[[], Any]] = {}
    for name, field in model.model_fields.items():
        if columns[name].primary_key and field.default is None:
            continue  # numbered by the database
        if field.default_factory is not None:
            defaults[name] = field.default_factory  # type: ignore[assignment]
        elif not field.is_required():
            defaults[name] = _constant(field.default)
    return defaults


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


@cache
def _required(model: type[SQLModel]) -> frozenset[str]:
    return frozenset(name for name, field in model.model_fields.items() if field.is_required())


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
