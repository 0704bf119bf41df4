"""Goals: objectives, their key results, and the history of every key result change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class Objective(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    key: str = Field(max_length=200)  # the stable id used by imports
    title: str = Field(max_length=500)
    period: str = Field(max_length=40)  # "2026-Q4"
    level: str = Field(default="team", max_length=20)  # company | team | person
    team: str | None = Field(default=None, max_length=200)
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="objective.id")
    weight: float = 1.0
    # Archived: out of every view, check-in and roll-up, with its history kept.
    archived: bool = False
    # The quarter's close: the owner's one line on what they learned, and when they closed it.
    learned: str | None = Field(default=None, max_length=500)
    closed_at: datetime | None = utc_field(default=None)
    carried_from_id: int | None = Field(default=None, foreign_key="objective.id")
    created_at: datetime = utc_field()


class KeyResult(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    key: str = Field(max_length=200)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    title: str = Field(max_length=500)
    kind: str = Field(default="number", max_length=20)  # number | percent | currency | binary
    start: float = 0.0
    target: float = 1.0
    current: float | None = None
    unit: str | None = Field(default=None, max_length=40)
    weight: float = 1.0
    confidence: int | None = None  # 1..10; the status follows from it
    grade: float | None = None  # 0.0..1.0, given at the quarter's close
    # What the last goals import said, so a re-import changes a number only if the file did.
    imported_current: float | None = None
    imported_confidence: int | None = None
    active: bool = True
    updated_at: datetime = utc_field()


class KeyResultChange(SQLModel, table=True):
    """History: every change of a key result's value or confidence, by whom, from where."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True, max_length=200)
    key_result_id: int = Field(foreign_key="keyresult.id", index=True)
    field: str = Field(max_length=20)  # value | confidence
    old_value: float | None = None
    new_value: float | None = None
    author_id: int | None = Field(default=None, foreign_key="person.id")
    checkin_run_id: int | None = Field(default=None, foreign_key="checkinrun.id")
    source: str = Field(max_length=20)  # checkin | import | chat
    changed_at: datetime = utc_field()


class GoalNudge(SQLModel, table=True):
    """A quarter's nudge to one person, sent once: the close-out in its last week, the prompt
    to set goals in its first. The row is the claim: a replica that can't insert it sends
    nothing."""

    __table_args__ = (UniqueConstraint("tenant_id", "person_id", "period", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", max_length=200)
    person_id: int = Field(foreign_key="person.id", index=True)
    period: str = Field(max_length=40)  # "2026-Q4"
    kind: str = Field(max_length=20)  # close | set
    sent_at: datetime = utc_field()
