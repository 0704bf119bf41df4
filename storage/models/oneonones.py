"""1:1s: a recurring meeting between two people, its meetings, and each meeting's shared agenda
(talking points, items seeded from the record, action items) and private notes. Only the two
people ever see any of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class OneOnOne(SQLModel, table=True):
    """A recurring 1:1: asked by `starter_id`, confirmed (or declined) by `other_id`. Its times
    are in the starter's zone as they set it up."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    starter_id: int = Field(foreign_key="person.id", index=True)
    other_id: int = Field(foreign_key="person.id", index=True)
    every_weeks: int = 1
    weekday: int = 0  # Monday 0 … Sunday 6
    at: str = Field(max_length=5)  # "10:00", local
    timezone: str = Field(max_length=64)
    status: str = Field(default="asked", max_length=16)  # asked | active | declined | ended
    created_at: datetime = utc_field()


class OneOnOneMeeting(SQLModel, table=True):
    """One meeting of a 1:1, from the 24-hour nudge before it to the prompt for action items
    after it."""

    __table_args__ = (UniqueConstraint("series_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", max_length=200)
    series_id: int = Field(foreign_key="oneonone.id", index=True)
    starts_at: datetime = utc_field()
    # What was sent for it: the agenda a day before, the agenda at the time, the prompt after.
    nudged_at: datetime | None = utc_field(default=None)
    opened_at: datetime | None = utc_field(default=None)
    followed_up_at: datetime | None = utc_field(default=None)


class AgendaItem(SQLModel, table=True):
    """A line of a meeting's agenda: a talking point, an action item, a private note (only its
    author sees it), or an item seeded from the record (`source` says where it came from;
    `seed_key` keeps it from being seeded twice). An action item shows on every later agenda
    of its 1:1 until it is done."""

    __table_args__ = (UniqueConstraint("meeting_id", "seed_key"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", max_length=200)
    meeting_id: int = Field(foreign_key="oneononemeeting.id", index=True)
    kind: str = Field(max_length=16)  # point | action | note | seeded
    text: str = Field(max_length=1000)
    author_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    source: str = Field(default="", max_length=300)
    seed_key: str | None = Field(default=None, max_length=120)
    # A seeded item only one of the two may see (feedback about the report, for its requester).
    only_for_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    done_at: datetime | None = utc_field(default=None)
    created_at: datetime = utc_field()
