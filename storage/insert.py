"""INSERT … ON CONFLICT DO NOTHING, on SQLite and PostgreSQL alike."""

from __future__ import annotations

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
