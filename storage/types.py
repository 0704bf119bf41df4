"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on every database.

    SQLite keeps no zone, so values are stored as naive UTC there and made aware again on read;
    PostgreSQL gets a real timestamptz.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_field(**kwargs: Any) -> Any:
    """An aware UTC timestamp column. No default "now": every time comes from a given clock."""
    return Field(sa_type=UTCDateTime, **kwargs)


# Where a row stands. Plain strings in the database; literals, so a typo is a type error.
RunStatus = Literal["pending", "open", "submitted", "skipped", "missed"]
PromptStatus = Literal["waiting", "answered", "superseded"]
OpenOrClosed = Literal["open", "closed"]
SurveyStatus = Literal["active", "stopped"]


def status_field(default: str) -> Any:
    """A status column: up to 20 characters, one of its type's literals."""
    return Field(default=default, sa_type=String(20))
